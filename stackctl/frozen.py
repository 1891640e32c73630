"""``@frozen``: the frozen dataclass that every stackctl value type is.

``@dataclass(frozen=True)`` writes six methods per class as source text and compiles
each with ``exec`` while the module is imported: ~1.3 ms a class, and ``python run.py``
imports ~50 of them, a quarter of a 0.18 s cached run. ``@frozen`` is a dataclass too
(``fields``, ``replace``, ``asdict``, pickling and mypy's checks work, the last through
``dataclass_transform``) whose ``__init__`` alone is generated; ``__eq__``, ``__hash__``,
``__repr__``, ``__setattr__`` and ``__delattr__`` are written once, here, and shared.
They behave as the generated ones: equal only to an instance of the very same class,
comparing and hashing the ``compare=True`` fields as a tuple (so the hash is the same
number), a repr of the ``repr=True`` fields (recursion-safe), and
``FrozenInstanceError`` for any assignment or deletion once ``__init__`` has set each
field. A method written in the class body wins, as with ``@dataclass``. The price is
~1 us more per instance (``__init__`` assigns through the shared ``__setattr__``).
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

_Key = Callable[[Any], tuple[Any, ...]]


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T]) -> type[T]:
    made = dataclasses.dataclass(eq=False, repr=False)(cls)
    shared = (
        ("__eq__", _eq),
        ("__hash__", _hash),
        ("__repr__", _repr),
        ("__setattr__", _setattr),
        ("__delattr__", _delattr),
    )
    for name, method in shared:
        if name not in made.__dict__:
            setattr(made, name, method)
    return made


class _Shape:
    """What the shared methods need of one class, worked out on first use."""

    def __init__(self, cls: type) -> None:
        fields = dataclasses.fields(cls)
        self.compare = _getter(tuple(f.name for f in fields if f.compare))
        # as @dataclass: hash=None follows compare
        self.hash = _getter(
            tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        )
        self.shown = tuple(f.name for f in fields if f.repr)


_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:  # also a plain subclass of a record: its fields are the record's
        shape = _SHAPES[cls] = _Shape(cls)
    return shape


def _getter(names: tuple[str, ...]) -> _Key:
    if len(names) > 1:
        return attrgetter(*names)  # a tuple of the values, in C
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _eq(self: object, other: object) -> Any:  # a bool, or NotImplemented
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = (_SHAPES.get(self.__class__) or _shape(self.__class__)).compare
    return key(self) == key(other)


def _hash(self: object) -> int:
    return hash(_shape(self.__class__).hash(self))


@reprlib.recursive_repr()
def _repr(self: object) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in _shape(self.__class__).shown)
    return f"{self.__class__.__qualname__}({shown})"


def _setattr(self: object, name: str, value: Any) -> None:
    # the generated __init__ assigns each field once; after it, nothing can be set
    if name in self.__dict__ or name not in self.__dataclass_fields__:  # type: ignore[attr-defined]
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _delattr(self: object, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
