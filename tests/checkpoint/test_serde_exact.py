"""Values round-trip exactly or are refused when saved, and bad bytes never decode silently (issue #15, 9 and 11)."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import zoneinfo
from typing import Any

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.checkpoint.serde import SafeSerializer, SerializationError
from hitl_notebook.graph import START, StateGraph


class Name(str):
    pass


class Count(int):
    pass


class Ratio(float):
    pass


class Tags(list):
    pass


class Record(dict):
    pass


class Pair(tuple):
    pass


class Members(frozenset):
    pass


class Prefixed(str):
    def __new__(cls, value: str, prefix: str) -> "Prefixed":
        return super().__new__(cls, prefix + value)


@dataclasses.dataclass
class Node:
    child: Any = None


def roundtrip(value: Any) -> Any:
    serde = SafeSerializer()
    return serde.loads(serde.dumps(value))


def same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


EST = dt.timezone(dt.timedelta(hours=-5), "EST")


@pytest.mark.parametrize("value", [
    EST, dt.timezone(dt.timedelta(hours=2)), dt.timezone.utc,
    dt.datetime(2024, 1, 2, 3, 4, tzinfo=EST), dt.time(8, 30, tzinfo=EST),
    collections.defaultdict(list, {"a": [1]}), collections.defaultdict(int), collections.defaultdict(None, {1: 2}),
    collections.defaultdict(collections.Counter, {"x": collections.Counter("aab")}),
    Name("ann"), Count(7), Count(2**90), Ratio(0.5), Tags([1, 2]), Record(a=1), Pair((1, "x")), Members({1, 2}),
    {"nested": [Name("deep"), {"r": Record(k=Tags([Count(1)]))}]},
], ids=repr)
def test_round_trips_exactly(value):
    out = roundtrip(value)
    assert same(out, value)
    if isinstance(value, dt.tzinfo):
        assert out.tzname(None) == value.tzname(None), "the zone keeps its name"
    if isinstance(value, (dt.datetime, dt.time)):
        assert out.tzinfo.tzname(None) == value.tzinfo.tzname(None)
    if isinstance(value, collections.defaultdict):
        assert out.default_factory is value.default_factory
    if isinstance(value, dict) and "nested" in value:
        assert type(out["nested"][0]) is Name and type(out["nested"][1]["r"]["k"][0]) is Count


def test_zoneinfo_round_trips_as_the_same_zone():
    try:
        paris = zoneinfo.ZoneInfo("Europe/Paris")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time zone database")
    winter, summer = dt.datetime(2024, 1, 5, 12, tzinfo=paris), dt.datetime(2024, 7, 5, 12, tzinfo=paris)
    out = roundtrip([paris, winter, summer])
    assert out[0] is paris and out[1].tzinfo is paris and out[2].tzinfo is paris
    assert (out[1].utcoffset(), out[2].utcoffset()) == (dt.timedelta(hours=1), dt.timedelta(hours=2))
    # arithmetic across the DST change still follows the zone, which a pinned offset would not
    assert (out[1] + dt.timedelta(days=180)).utcoffset() == dt.timedelta(hours=2)


class Fixed(dt.tzinfo):
    def utcoffset(self, when):
        return dt.timedelta(hours=1)


def _local_str():
    class Local(str):
        pass

    return Local("x")


def _tagged():
    value = Name("x")
    value.note = "kept?"
    return value


@pytest.mark.parametrize(("value", "match"), [
    (collections.defaultdict(lambda: 0), r"default_factory <lambda> cannot be stored"),
    (collections.defaultdict(Node), r"default_factory Node cannot be stored"),
    (dt.datetime(2024, 1, 1, tzinfo=Fixed()), r"tzinfo of type .*Fixed.* cannot be stored exactly: use zoneinfo"),
    (Fixed(), r"not a supported type"),
    (_local_str(), r"not a module-level class"),
    (_tagged(), r"attributes \['note'\] cannot be stored"),
    (Prefixed("x", "p-"), r"does not rebuild an equal value"),
], ids=["defaultdict-lambda", "defaultdict-class", "custom-tzinfo", "bare-tzinfo", "local-subclass",
        "subclass-attributes", "subclass-constructor"])
def test_refused_when_saved_with_the_reason(value, match):
    with pytest.raises(SerializationError, match=match):
        SafeSerializer().dumps({"field": value})


def test_zoneinfo_without_a_key_is_refused(tmp_path):
    try:
        source = zoneinfo.TZPATH and next(p for p in (f"{d}/UTC" for d in zoneinfo.TZPATH) if __import__("os").path.exists(p))
    except StopIteration:
        pytest.skip("no time zone files")
    with open(source, "rb") as f:
        zone = zoneinfo.ZoneInfo.from_file(f)
    with pytest.raises(SerializationError, match="no key"):
        SafeSerializer().dumps(zone)


def test_a_refused_value_fails_the_step_that_returned_it_with_the_path():
    def node(state):
        return {"when": dt.datetime(2024, 1, 1, tzinfo=Fixed())}

    from typing import TypedDict

    class S(TypedDict, total=False):
        when: Any

    graph = StateGraph(S).add_node(node).add_edge(START, "node").compile(checkpointer=InMemorySaver())
    with pytest.raises(SerializationError, match="tzinfo"):
        graph.invoke({}, {"configurable": {"thread_id": "t"}})


# -- case 9: nesting depth, bad bytes -------------------------------------------------------------------------------


def nested_lists(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def nested_objects(depth: int) -> Node:
    value = Node()
    for _ in range(depth):
        value = Node(value)
    return value


@pytest.mark.parametrize("value", [nested_lists(300), nested_lists(1000), nested_lists(5000), nested_objects(1000),
                                   {"a": nested_lists(400)}], ids=["lists-300", "lists-1000", "lists-5000",
                                                                   "objects-1000", "in-dict-400"])
def test_too_deep_names_the_nesting_depth(value):
    with pytest.raises(SerializationError) as info:
        SafeSerializer().dumps(value)
    message = str(info.value)
    assert "nested more than 255 levels deep" in message and "flatten" in message
    assert "JSON" not in message


def test_deep_but_storable_values_still_round_trip():
    assert roundtrip(nested_lists(200)) == nested_lists(200)


def test_circular_values_are_still_reported_as_circular():
    loop: list = []
    loop.append(loop)
    with pytest.raises(SerializationError, match="circular"):
        SafeSerializer().dumps({"x": loop})


@pytest.mark.parametrize("tail", [b"\x01", b"\xc0", b"\xc4\x10" + bytes(16), SafeSerializer().dumps({"b": 2})])
def test_trailing_bytes_are_rejected(tail):
    serde = SafeSerializer()
    data = serde.dumps({"a": 1})
    with pytest.raises(ValueError, match="not valid msgpack data: trailing bytes"):
        serde.loads(data + tail)
    with pytest.raises(ValueError, match="not valid msgpack data"):
        serde.loads_typed(("msgpack", data + tail))


@pytest.mark.parametrize("data", [b"", b"\x93\x01", b"\xc1", b"\xdd\xff\xff\xff\xff"])
def test_truncated_or_invalid_bytes_are_rejected(data):
    with pytest.raises(ValueError, match="not valid msgpack data .*corrupt"):
        SafeSerializer().loads(data)


def test_trailing_bytes_inside_a_stored_object_are_rejected():
    serde = SafeSerializer()
    import ormsgpack

    from hitl_notebook.checkpoint._serde_values import DATE

    good = ormsgpack.packb(ormsgpack.Ext(DATE, serde.dumps("2020-01-02")))
    assert serde.loads(good) == dt.date(2020, 1, 2)
    crafted = ormsgpack.packb(ormsgpack.Ext(DATE, serde.dumps("2020-01-02") + b"\x01"))
    with pytest.raises(ValueError, match="trailing bytes"):
        serde.loads(crafted)
