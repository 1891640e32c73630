"""``@frozen`` behaves as ``@dataclass(frozen=True)`` does, method by method."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stackctl.frozen import frozen, replace


@frozen
class Point:
    x: int
    label: str = "p"
    note: Any = field(default=None, compare=False)
    secret: str = field(default="", repr=False)
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Twin:  # the same class made by the standard library
    x: int
    label: str = "p"
    note: Any = field(default=None, compare=False)
    secret: str = field(default="", repr=False)
    tags: tuple[str, ...] = ()


@frozen
class One:
    only: int


@frozen
class Empty:
    pass


@frozen
class Shown:
    x: int

    def __repr__(self) -> str:  # written in the class body: kept, as with @dataclass
        return "shown"


values = st.tuples(
    st.integers(), st.text(max_size=5), st.integers(), st.text(max_size=5), st.lists(st.text())
)


@given(values, values)
def test_eq_hash_repr_match_the_standard_dataclass(a: tuple[Any, ...], b: tuple[Any, ...]) -> None:
    def build(kind: type, v: tuple[Any, ...]) -> Any:
        return kind(v[0], v[1], note=v[2], secret=v[3], tags=tuple(v[4]))

    ours, theirs = (build(Point, a), build(Point, b)), (build(Twin, a), build(Twin, b))
    assert (ours[0] == ours[1]) == (theirs[0] == theirs[1])
    assert (ours[0] != ours[1]) == (theirs[0] != theirs[1])
    assert hash(ours[0]) == hash(theirs[0])
    assert repr(ours[0]) == repr(theirs[0]).replace("Twin(", "Point(", 1)


def test_compare_false_fields_are_ignored_and_repr_false_ones_hidden() -> None:
    assert Point(1, note="a") == Point(1, note="b")
    assert hash(Point(1, note="a")) == hash(Point(1, note="b"))
    assert "secret" not in repr(Point(1, secret="hunter2"))
    assert "hunter2" not in repr(Point(1, secret="hunter2"))


def test_equal_only_to_the_very_same_class() -> None:
    class Sub(Point):
        pass

    assert Point(1) != Sub(1)
    assert Point(1) != (1, "p", ())
    assert Point(1).__eq__(Twin(1)) is NotImplemented


def test_one_field_and_no_field() -> None:
    assert One(1) == One(1) and One(1) != One(2)
    assert hash(One(3)) == hash((3,))
    assert Empty() == Empty() and hash(Empty()) == hash(())
    assert repr(One(1)) == "One(only=1)" and repr(Empty()) == "Empty()"


def test_a_method_in_the_class_body_wins() -> None:
    assert repr(Shown(1)) == "shown"


def test_nothing_can_be_assigned_or_deleted() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="'other'"):
        point.other = 2  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'x'"):
        del point.x  # type: ignore[misc]
    # a default kept on the class is still a field, and can no more be set after __init__
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.label = "q"  # type: ignore[misc]
    assert point == Point(1)


def test_the_dataclass_api_and_pickling_work() -> None:
    point = Point(1, tags=("a",))
    assert dataclasses.is_dataclass(point)
    assert [f.name for f in dataclasses.fields(point)] == ["x", "label", "note", "secret", "tags"]
    moved = dataclasses.replace(point, x=2)
    assert moved == Point(2, tags=("a",)) and point.x == 1
    assert dataclasses.asdict(point)["tags"] == ("a",)
    assert pickle.loads(pickle.dumps(point)) == point
    assert copy.deepcopy(point) == point and copy.copy(point) == point
    with pytest.raises(dataclasses.FrozenInstanceError):
        pickle.loads(pickle.dumps(point)).x = 5  # type: ignore[misc]


def test_a_recursive_value_has_a_finite_repr() -> None:
    loop: list[Any] = []
    point = Point(1, note=loop)
    loop.append(point)
    assert repr(point) == "Point(x=1, label='p', note=[...], tags=())"


@frozen
class Made:
    name: str
    items: list[int] = field(default_factory=list)
    count: int = 0


def test_init_takes_the_fields_in_order_by_position_or_name() -> None:
    assert Made("a", [1], 2) == Made(count=2, items=[1], name="a")
    assert vars(Made("a")) == {"name": "a", "items": [], "count": 0}  # field order
    assert list(vars(Made(count=1, name="b"))) == ["name", "items", "count"]
    assert Made("a").items is not Made("a").items  # a new list from the factory each time


def test_init_rejects_what_the_generated_one_rejects() -> None:
    with pytest.raises(TypeError, match=r"Made\(\) missing required arguments: 'name'"):
        Made()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'nme'"):
        Made(nme="a")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'name'"):
        Made("a", name="b")  # type: ignore[misc]
    with pytest.raises(TypeError, match="at most 3 positional arguments"):
        Made("a", [], 1, 2)  # type: ignore[call-arg]


def test_post_init_runs_after_the_fields_are_set() -> None:
    @frozen
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")
            object.__setattr__(self, "double", self.value * 2)

    assert Checked(2).double == 4  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="negative"):
        Checked(-1)


def test_unsupported_fields_fail_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="is not a plain one"):

        @frozen
        class Hidden:
            shown: int
            hidden: int = field(default=0, init=False)

    with pytest.raises(TypeError, match="is not a plain one"):

        @frozen
        class Keyword:
            a: int = field(kw_only=True)


def test_signature_and_doc_name_the_fields() -> None:
    import inspect

    assert list(inspect.signature(Made).parameters) == ["name", "items", "count"]
    assert inspect.signature(Made).parameters["count"].default == 0
    assert Made.__doc__ == "Made(name: str, items: list[int] = <factory>, count: int = 0)"
    assert Shown.__doc__ == "Shown(x: int)"


changes = st.fixed_dictionaries(
    {},
    optional={
        "x": st.integers(),
        "label": st.text(max_size=5),
        "note": st.integers(),
        "secret": st.text(max_size=5),
        "tags": st.lists(st.text(max_size=3)).map(tuple),
    },
)


@given(values, changes)
def test_replace_matches_the_standard_replace(v: tuple[Any, ...], change: dict[str, Any]) -> None:
    point = Point(v[0], v[1], note=v[2], secret=v[3], tags=tuple(v[4]))
    ours, theirs = replace(point, **change), dataclasses.replace(point, **change)
    assert type(ours) is Point
    assert ours == theirs and ours.__dict__ == theirs.__dict__
    assert point == Point(v[0], v[1], note=v[2], secret=v[3], tags=tuple(v[4]))  # unchanged


def test_replace_runs_post_init_and_rejects_unknown_fields() -> None:
    @frozen
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    with pytest.raises(ValueError, match="negative"):
        replace(Checked(1), value=-1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        replace(Checked(1), nope=2)


def test_replace_of_another_dataclass_is_the_standard_one() -> None:
    twin = Twin(1, "a")
    assert replace(twin, x=2) == Twin(2, "a")


@frozen(order=True)
class Ranked:
    file: str
    line: int = 0
    note: str = field(default="", compare=False)


@dataclass(frozen=True, order=True)
class RankedTwin:
    file: str
    line: int = 0
    note: str = field(default="", compare=False)


_RANKED = st.tuples(st.sampled_from(["a", "b", ""]), st.integers(-2, 2), st.text(max_size=2))


@given(_RANKED, _RANKED)
def test_order_matches_the_standard_dataclass(a: tuple[Any, ...], b: tuple[Any, ...]) -> None:
    ours, theirs = (Ranked(*a), Ranked(*b)), (RankedTwin(*a), RankedTwin(*b))
    for compare in ("__lt__", "__le__", "__gt__", "__ge__"):
        assert getattr(ours[0], compare)(ours[1]) == getattr(theirs[0], compare)(theirs[1])
    assert (ours[0] == ours[1]) == (theirs[0] == theirs[1])
    assert hash(ours[0]) == hash(theirs[0])


def test_order_only_within_the_very_same_class_and_only_when_asked() -> None:
    with pytest.raises(TypeError):
        _ = Ranked("a") < RankedTwin("a")  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = Point(1) < Point(2)  # type: ignore[operator]
    assert sorted([Ranked("b"), Ranked("a", 2), Ranked("a", 1)]) == [
        Ranked("a", 1),
        Ranked("a", 2),
        Ranked("b"),
    ]
