"""``@frozen``: the frozen dataclass that every stackctl value type is.

``@dataclass(frozen=True)`` writes six methods per class as source text and compiles
each with ``exec`` while the module is imported: ~0.7 ms a class, and ``python run.py``
imports ~50 of them, a sixth of a cached 100-step run. ``@frozen`` makes a dataclass
(``fields``, ``replace``, ``asdict``, pickling and mypy's checks work, the last through
``dataclass_transform``) without generating a line of code: ``__init__``, ``__eq__``,
``__hash__``, ``__repr__``, ``__setattr__`` and ``__delattr__`` are written once, here,
and shared by every class. They behave as the generated ones:

- ``__init__`` takes the fields in order, positionally or by name, with their defaults
  and default factories, then calls ``__post_init__`` if the class has one; a missing,
  unknown or doubled argument is a ``TypeError``. It writes the instance's ``__dict__``
  directly, as the generated frozen ``__init__`` writes through ``object.__setattr__``.
- equal only to an instance of the very same class, comparing and hashing the
  ``compare=True`` fields as a tuple (so the hash is the same number);
- a repr of the ``repr=True`` fields (recursion-safe);
- ``FrozenInstanceError`` for any assignment or deletion.

``@frozen(order=True)`` adds ``<``, ``<=``, ``>`` and ``>=`` the same way. A method
written in the class body wins, as with ``@dataclass``. What ``@frozen`` does
not take (``InitVar``, ``kw_only``, ``field(init=False)``) fails when the class is made.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

_Key = Callable[[Any], tuple[Any, ...]]
_MISSING: Any = dataclasses.MISSING
_REQUIRED: Any = object()  # no default: __init__ must be given it
_FACTORY: Any = object()  # a default factory: __init__ calls it unless given a value


@overload
def frozen(cls: type[T], /) -> type[T]: ...


@overload
def frozen(*, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T] | None = None, /, *, order: bool = False) -> Any:
    """``@frozen`` or ``@frozen(order=True)`` (``<``, ``<=``, ``>``, ``>=`` compare the
    ``compare=True`` fields as a tuple, as ``@dataclass(order=True)`` does)."""
    if cls is None:
        return lambda klass: _make(klass, order)
    return _make(cls, order)


def _make(cls: type[T], order: bool) -> type[T]:
    documented = bool(cls.__doc__)
    if not documented:  # else dataclass() asks inspect.signature for one: ~0.1 ms
        cls.__doc__ = cls.__name__
    made = dataclasses.dataclass(init=False, eq=False, repr=False)(cls)
    fields = dataclasses.fields(made)  # type: ignore[arg-type]  # a dataclass now
    for f in fields:
        if not f.init or f.kw_only:
            raise TypeError(
                f"@frozen class {cls.__qualname__}: field {f.name!r} is not a plain one"
            )
    pseudo = made.__dataclass_fields__.keys() - {f.name for f in fields}  # type: ignore[attr-defined]
    if any("InitVar" in str(made.__dataclass_fields__[n].type) for n in pseudo):  # type: ignore[attr-defined]
        raise TypeError(f"@frozen class {cls.__qualname__}: InitVar is not supported")
    if not documented:  # what @dataclass would have written
        made.__doc__ = f"{cls.__name__}({', '.join(_described(f) for f in fields)})"
    shared: tuple[tuple[str, object], ...] = (
        ("__init__", _init),
        ("__eq__", _eq),
        ("__hash__", _hash),
        ("__repr__", _repr),
        ("__setattr__", _setattr),
        ("__delattr__", _delattr),
        ("__signature__", _Signature()),
    )
    if order:
        shared += (("__lt__", _lt), ("__le__", _le), ("__gt__", _gt), ("__ge__", _ge))
    for name, method in shared:
        if name not in made.__dict__:
            setattr(made, name, method)
    return made


def _described(f: dataclasses.Field[Any]) -> str:
    text = f"{f.name}: {f.type if isinstance(f.type, str) else getattr(f.type, '__name__', f.type)}"
    if f.default is not _MISSING:
        return f"{text} = {f.default!r}"
    if f.default_factory is not _MISSING:
        return f"{text} = <factory>"
    return text


class _Shape:
    """What the shared methods need of one class, worked out on first use."""

    def __init__(self, cls: type) -> None:
        fields = dataclasses.fields(cls)
        self.qualname = cls.__qualname__
        self.names = tuple(f.name for f in fields)
        self.known = frozenset(self.names)
        #: each field's default, _FACTORY for a default factory, _REQUIRED for none
        self.template = {
            f.name: f.default
            if f.default is not _MISSING
            else _REQUIRED
            if f.default_factory is _MISSING
            else _FACTORY
            for f in fields
        }
        self.required = sum(v is _REQUIRED for v in self.template.values())
        factories: Any = [(f.name, f.default_factory) for f in fields]
        self.factories: tuple[tuple[str, Callable[[], Any]], ...] = tuple(
            (name, factory) for name, factory in factories if factory is not _MISSING
        )
        self.post_init: Callable[[Any], None] | None = getattr(cls, "__post_init__", None)
        self.values = _getter(self.names)
        self.compare = _getter(tuple(f.name for f in fields if f.compare))
        # as @dataclass: hash=None follows compare
        self.hash = _getter(
            tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        )
        self.shown = tuple(f.name for f in fields if f.repr)


_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:  # also a plain subclass of a frozen class: its fields are those
        shape = _SHAPES[cls] = _Shape(cls)
    return shape


def _getter(names: tuple[str, ...]) -> _Key:
    if len(names) > 1:
        return attrgetter(*names)  # a tuple of the values, in C
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _init(self: object, *args: Any, **kwargs: Any) -> None:
    # dict updates in C, not a loop over the fields: an instance is made per step record
    shape = _SHAPES.get(self.__class__) or _shape(self.__class__)
    names = shape.names
    if len(args) > len(names):
        raise TypeError(
            f"{shape.qualname}() takes at most {len(names)} positional arguments "
            f"({len(args)} given)"
        )
    state = self.__dict__
    state.update(shape.template)  # every field in order: its default, or a marker
    if args:
        if kwargs and not kwargs.keys().isdisjoint(names[: len(args)]):
            doubled = next(n for n in names[: len(args)] if n in kwargs)
            raise TypeError(f"{shape.qualname}() got multiple values for argument {doubled!r}")
        state.update(zip(names, args, strict=False))
    if kwargs:
        state.update(kwargs)
        if len(state) > len(names):
            unknown = next(n for n in kwargs if n not in shape.known)
            raise TypeError(f"{shape.qualname}() got an unexpected keyword argument {unknown!r}")
    if len(args) < shape.required:  # the fields without a default come first (dataclass)
        missing = [repr(n) for n in names[len(args) : shape.required] if n not in kwargs]
        if missing:
            raise TypeError(f"{shape.qualname}() missing required arguments: {', '.join(missing)}")
    for name, factory in shape.factories:
        if state[name] is _FACTORY:
            state[name] = factory()
    if shape.post_init is not None:
        shape.post_init(self)


def replace(obj: T, /, **changes: Any) -> T:
    """``dataclasses.replace`` for a ``@frozen`` instance, at a third of its cost: the
    fields are read with one ``attrgetter`` (the standard one walks every field's
    descriptor per call) and the new instance is made by the class's ``__init__``, so
    ``__post_init__`` runs and an unknown field is the same ``TypeError``. The run loop
    replaces a few records per step. Any other dataclass goes to the standard one."""
    cls = obj.__class__
    if cls.__init__ is not _init:  # type: ignore[misc]  # not @frozen, or its own __init__
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    shape = _SHAPES.get(cls) or _shape(cls)
    values = dict(zip(shape.names, shape.values(obj), strict=True))
    values.update(changes)
    return cls(**values)


def _eq(self: object, other: object) -> Any:  # a bool, or NotImplemented
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = (_SHAPES.get(self.__class__) or _shape(self.__class__)).compare
    return key(self) == key(other)


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[object, object], Any]:
    def method(self: object, other: object) -> Any:  # a bool, or NotImplemented
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = (_SHAPES.get(self.__class__) or _shape(self.__class__)).compare
        return compare(key(self), key(other))

    return method


_lt = _ordered(lambda a, b: a < b)
_le = _ordered(lambda a, b: a <= b)
_gt = _ordered(lambda a, b: a > b)
_ge = _ordered(lambda a, b: a >= b)


def _hash(self: object) -> int:
    return hash(_shape(self.__class__).hash(self))


@reprlib.recursive_repr()
def _repr(self: object) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in _shape(self.__class__).shown)
    return f"{self.__class__.__qualname__}({shown})"


def _setattr(self: object, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: object, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


class _Signature:
    """``inspect.signature(cls)`` (and so ``help``): the fields as parameters, built
    when asked, never at import."""

    def __get__(self, instance: object, owner: type) -> Any:
        import inspect

        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        parameters = []
        for f in dataclasses.fields(owner):
            default = f.default
            if f.default_factory is not _MISSING:
                default = f"<factory {getattr(f.default_factory, '__name__', '')}>"
            empty = default is _MISSING
            parameters.append(
                inspect.Parameter(
                    f.name,
                    kind,
                    default=inspect.Parameter.empty if empty else default,
                    annotation=f.type,
                )
            )
        return inspect.Signature(parameters, return_annotation=None)
