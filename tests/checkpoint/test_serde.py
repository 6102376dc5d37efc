"""SafeSerializer: type-preserving round trips, safe loading of untrusted bytes, helpful dump errors."""

from __future__ import annotations

import ast
import collections
import dataclasses
import datetime as dt
import decimal
import enum
import math
import pathlib
import re
import socket
import sys
import types
import uuid
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import ormsgpack
import pytest

try:
    from hitl_notebook.checkpoint import serde as serde_mod
except ImportError:  # package files in flux: load the module by path
    import importlib.util

    _path = Path(__file__).resolve().parents[2] / "hitl_notebook" / "checkpoint" / "serde.py"
    _spec = importlib.util.spec_from_file_location("_hitl_serde_under_test", _path)
    serde_mod = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(serde_mod)

SafeSerializer = serde_mod.SafeSerializer
SerializationError = serde_mod.SerializationError


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Point(NamedTuple):
    x: int
    y: Any = None


@dataclasses.dataclass
class Owner:
    name: str
    tags: set = dataclasses.field(default_factory=set)


@dataclasses.dataclass
class WithLate:
    a: int
    b: list = dataclasses.field(default_factory=list)
    computed: int = dataclasses.field(init=False, default=0)

    def __post_init__(self) -> None:
        self.computed = -1  # overwritten on load with the stored value


@dataclasses.dataclass(frozen=True, slots=True)
class FrozenCmd:  # look-alike of hitl_notebook.types.Command
    graph: str | None = None
    update: Any | None = None
    resume: Any | None = None
    goto: Any = ()


@dataclasses.dataclass(init=False, slots=True)
class InterruptLike:  # look-alike of hitl_notebook.types.Interrupt (custom __init__)
    value: Any
    id: str

    def __init__(self, value: Any, id: str = "") -> None:
        self.value = value
        self.id = id


@dataclasses.dataclass(init=False, slots=True)
class OddInit:  # custom __init__ whose signature differs from the fields
    total: int

    def __init__(self, *parts: int) -> None:
        self.total = sum(parts)


class AppError(Exception):
    pass


class Plain:
    def __init__(self, a: int) -> None:
        self.a = a

    def __eq__(self, other: object) -> bool:
        return type(other) is Plain and other.a == self.a


@pytest.fixture
def serde() -> SafeSerializer:
    return SafeSerializer()


def roundtrip(serde: SafeSerializer, value: Any) -> Any:
    out = serde.loads_typed(serde.dumps_typed(value))
    assert type(out) is type(value)
    return out


UTC = dt.timezone.utc
SIMPLE_VALUES = [
    True, False, 0, -1, 2**63 - 1, -(2**63), 2**64 - 1, 1.5, -0.0, math.inf, -math.inf, "", "héllo ✓",
    b"\x00raw", [], [1, "a", None], (), (1, (2, (3,))), {1, 2}, frozenset({"a"}), set(), {},
    dt.datetime(2024, 5, 1, 12, 30, 15, 123456), dt.datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
    dt.datetime(2024, 5, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30))),
    dt.date(1999, 12, 31), dt.time(8, 15, 1, 7), dt.time(8, 15, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    dt.timedelta(days=-3, seconds=5, microseconds=9), UTC, dt.timezone(dt.timedelta(hours=9)),
    uuid.UUID("12345678-1234-5678-1234-567812345678"), decimal.Decimal("3.14159265358979323846"),
    decimal.Decimal("-Infinity"), pathlib.Path("/tmp/x.txt"), pathlib.PurePosixPath("a/b"),
    pathlib.PureWindowsPath(r"C:\x\y"), collections.deque([1, 2, 3], maxlen=5), collections.deque(),
    complex(1, -2), collections.OrderedDict(b=1, a=2), collections.Counter("hello"),
    Color.RED, Level.HIGH, Point(1, (2, 3)),
]


@pytest.mark.parametrize("value", SIMPLE_VALUES, ids=lambda v: type(v).__name__)
def test_roundtrip_preserves_type_and_value(serde: SafeSerializer, value: Any) -> None:
    assert roundtrip(serde, value) == value


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, 10**5000, -(7**999)], ids=["2^64", "-2^63-1", "1e5000", "-7^999"])
def test_big_ints(serde: SafeSerializer, value: int) -> None:
    assert roundtrip(serde, value) == value
    assert roundtrip(serde, {"n": [value]}) == {"n": [value]}


def test_nan_none_bytes_bytearray(serde: SafeSerializer) -> None:
    assert math.isnan(roundtrip(serde, math.nan))
    assert serde.dumps_typed(None) == ("null", b"")
    assert serde.loads_typed(("null", b"")) is None
    assert serde.dumps_typed(b"abc") == ("bytes", b"abc")
    assert roundtrip(serde, bytearray(b"xy")) == bytearray(b"xy")
    assert serde.dumps_typed({"a": 1})[0] == "msgpack"
    assert serde.loads(serde.dumps(None)) is None


def test_nested_bytearray_becomes_bytes(serde: SafeSerializer) -> None:
    # Documented limitation: ormsgpack writes bytearray natively as bin, so nested ones come back as bytes.
    assert roundtrip(serde, [bytearray(b"x")]) == [b"x"]


def test_regex_and_zoneinfo_offset(serde: SafeSerializer) -> None:
    pattern = re.compile(r"a+b", re.IGNORECASE)
    out = roundtrip(serde, pattern)
    assert (out.pattern, out.flags) == (pattern.pattern, pattern.flags)
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        value = dt.datetime(2024, 7, 1, 12, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no tz database")
    out = roundtrip(serde, value)
    assert out == value and out.utcoffset() == dt.timedelta(hours=2) and out.tzinfo is value.tzinfo  # same zone


def test_dict_keys_of_several_types(serde: SafeSerializer) -> None:
    value = {"s": 1, 2: "int", -3: [4], 1.5: "f", True: "b", None: "n", (1, 2): "t", (1, ("x", 2)): {"deep": 1}}
    assert roundtrip(serde, value) == value
    assert roundtrip(serde, {7: {8: (9,)}}) == {7: {8: (9,)}}


def test_nested_mix(serde: SafeSerializer) -> None:
    value = {
        "messages": [{"role": "user", "at": dt.datetime(2024, 1, 1, tzinfo=UTC)}, Point(1, Color.BLUE)],
        "owner": Owner("ann", {"x", (1, 2)}),
        "ids": {uuid.UUID(int=5), uuid.UUID(int=6)},
        "later": WithLate(1, [Owner("bob")]),
        "counts": (decimal.Decimal("1.10"), 2**70, frozenset({Level.LOW})),
    }
    out = roundtrip(serde, value)
    assert out == value
    assert type(out["messages"][1]) is Point and type(out["messages"][1].y) is Color
    assert type(out["later"].b[0]) is Owner and type(out["counts"]) is tuple


def test_dataclass_non_init_field_restored(serde: SafeSerializer) -> None:
    value = WithLate(3)
    value.computed = 42
    out = roundtrip(serde, value)
    assert out.computed == 42 and out == value


def test_frozen_slots_and_custom_init_dataclasses(serde: SafeSerializer) -> None:
    cmd = FrozenCmd(update={"x": 1}, resume={"id1": "yes"}, goto=("a", InterruptLike("v", "i1")))
    out = roundtrip(serde, cmd)
    assert out == cmd and type(out.goto[1]) is InterruptLike and out.goto[1].id == "i1"
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.graph = "g"  # type: ignore[misc]
    odd = OddInit(1, 2, 3)
    assert roundtrip(serde, odd).total == 6


def test_pydantic_models(serde: SafeSerializer) -> None:
    pydantic = pytest.importorskip("pydantic")

    global Item, Basket, Ids  # module-level so they can be resolved on load

    class Item(pydantic.BaseModel):
        name: str
        when: dt.date | None = None

    class Basket(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="allow")
        items: list[Item]
        pair: tuple[int, int] = (0, 0)

    class Ids(pydantic.RootModel[list[int]]):
        pass

    for cls in (Item, Basket, Ids):
        cls.__qualname__ = cls.__name__
    value = Basket(items=[Item(name="a", when=dt.date(2020, 1, 2))], pair=(1, 2), note="extra")
    out = roundtrip(serde, value)
    assert out == value and type(out.items[0]) is Item and out.note == "extra"
    assert roundtrip(serde, Ids([1, 2])) == Ids([1, 2])


def test_exceptions(serde: SafeSerializer) -> None:
    out = roundtrip(serde, ValueError("bad", 3))
    assert out.args == ("bad", 3)
    out = roundtrip(serde, AppError("boom", {"k": (1, 2)}))
    assert out.args == ("boom", {"k": (1, 2)})
    out = roundtrip(serde, KeyError("k"))
    assert out.args == ("k",)
    out = serde.loads(serde.dumps(RuntimeError(lambda: 1)))  # unstorable args are kept as their repr
    assert type(out) is RuntimeError and "lambda" in out.args[0]


def test_allowed_plain_type(serde: SafeSerializer) -> None:
    with pytest.raises(SerializationError):
        serde.dumps(Plain(1))
    allowing = SafeSerializer(allowed_types=[Plain])
    assert roundtrip(allowing, {"p": Plain(2)}) == {"p": Plain(2)}


def test_local_class_falls_back_unless_allowed() -> None:
    @dataclasses.dataclass
    class Local:
        a: int

    data = SafeSerializer().dumps(Local(1))
    with pytest.warns(UserWarning, match="Local"):
        assert SafeSerializer().loads(data) == {"a": 1}
    assert SafeSerializer(allowed_types=[Local]).loads(data) == Local(1)


def _fake_module_bytes(name: str, factory: Any) -> bytes:
    """Serialize an instance whose class lives in a module that exists only during dumping."""
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        obj = factory(module)
        return SafeSerializer().dumps({"v": obj})
    finally:
        del sys.modules[name]


class _ImportSpy:
    """A meta path finder that records (and refuses) every import attempt."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        self.seen.append(name)
        return None


@pytest.fixture
def import_spy() -> Any:
    spy = _ImportSpy()
    sys.meta_path.insert(0, spy)
    yield spy
    sys.meta_path.remove(spy)


def test_unimported_module_gives_neutral_data_without_importing(import_spy: _ImportSpy) -> None:
    name = "some_fake_module_xyz"

    def make(module: types.ModuleType) -> Any:
        @dataclasses.dataclass
        class Rec:
            a: int
            when: dt.date

        class Mood(enum.Enum):
            OK = "ok"

        class Pair(NamedTuple):
            x: int
            y: int

        class Oops(Exception):
            pass

        for cls in (Rec, Mood, Pair, Oops):
            cls.__module__, cls.__qualname__ = name, cls.__name__
            setattr(module, cls.__name__, cls)
        return [Rec(1, dt.date(2020, 1, 1)), Mood.OK, Pair(1, 2), Oops("x")]

    data = _fake_module_bytes(name, make)
    with pytest.warns(UserWarning) as caught:
        out = SafeSerializer().loads(data)["v"]
    assert out[:3] == [{"a": 1, "when": dt.date(2020, 1, 1)}, "ok", (1, 2)]
    assert type(out[3]) is Exception and f"{name}.Oops" in str(out[3])
    messages = [str(w.message) for w in caught]
    assert any("Rec" in m and "not imported" in m and "import it before loading" in m for m in messages)
    assert name not in sys.modules and not any(name in seen for seen in import_spy.seen)


def test_warning_once_per_class() -> None:
    name = "another_fake_module_abc"

    def make(module: types.ModuleType) -> Any:
        @dataclasses.dataclass
        class Row:
            a: int

        Row.__module__, Row.__qualname__ = name, "Row"
        module.Row = Row
        return [Row(1), Row(2)]

    data = _fake_module_bytes(name, make)
    serde = SafeSerializer()
    with pytest.warns(UserWarning) as caught:
        assert serde.loads(data) == {"v": [{"a": 1}, {"a": 2}]}
        serde.loads(data)
    assert len([w for w in caught if "Row" in str(w.message)]) == 1


def _crafted(code: int, module: str, qualname: str, data: Any) -> bytes:
    payload = ormsgpack.packb([module, qualname, data])
    return ormsgpack.packb(ormsgpack.Ext(code, payload))


KIND_CODES = [40, 41, 42, 43, 44, 45]  # enum, dataclass, model, namedtuple, exception, allowed type


@pytest.mark.parametrize("code", KIND_CODES)
@pytest.mark.parametrize(
    ("module", "qualname"),
    [("os", "system"), ("subprocess", "Popen"), ("builtins", "eval"), ("builtins", "exec"), ("os", "environ"),
     ("subprocess", "__builtins__.eval"), ("os", "path.__class__"), ("builtins", "object"), ("builtins", "type"),
     ("never_imported_mod_q", "Thing"), ("os", "<locals>.X"), ("builtins", "open")],
)
def test_crafted_payloads_never_call_anything(
    monkeypatch: pytest.MonkeyPatch, import_spy: _ImportSpy, code: int, module: str, qualname: str
) -> None:
    import os
    import subprocess

    calls: list[Any] = []
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append(a))

    class TrapPopen(subprocess.Popen):  # type: ignore[type-arg]
        def __init__(self, *a: Any, **k: Any) -> None:
            calls.append(a)

    monkeypatch.setattr(subprocess, "Popen", TrapPopen)
    data = _crafted(code, module, qualname, ["echo pwned"] if code != 44 else [["echo pwned"], "m"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = SafeSerializer().loads(data)
    assert calls == []
    assert not import_spy.seen
    if code == 44:
        assert type(out) is Exception
    else:
        assert out in (["echo pwned"], ("echo pwned",))


def test_crafted_dict_payload_for_exception_class_is_neutral() -> None:
    data = _crafted(41, "builtins", "ValueError", {"a": 1})  # a dataclass payload naming a non-dataclass
    with pytest.warns(UserWarning, match="ValueError"):
        assert SafeSerializer().loads(data) == {"a": 1}


def test_unknown_type_tag_and_ext_code(serde: SafeSerializer) -> None:
    with pytest.raises(ValueError):
        serde.loads_typed(("pickle", b"cos\nsystem\n"))
    with pytest.warns(UserWarning):
        out = serde.loads(ormsgpack.packb(ormsgpack.Ext(99, b"\x01")))
    assert out == b"\x01"


def test_error_names_path_and_type(serde: SafeSerializer) -> None:
    state = {"items": [1, 2, Owner(name="x", tags=lambda: 0)]}
    with pytest.raises(SerializationError) as info:
        serde.dumps_typed(state)
    message = str(info.value)
    assert "value['items'][2].tags" in message and "'function'" in message
    assert "dataclass or a pydantic model" in message and "allowed_types" in message
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    ("value", "path", "type_name"),
    [
        ({"a": (1, {2: [socket.socket]})}, "value['a'][1][2][0]", "type"),
        ([Point(1, object())], "value[0][1]", "object"),
        ({"f": {frozenset({1}): 1}}, "value['f'] (key frozenset({1}))", "frozenset"),
        ({"s": "\ud800"}, "value['s']", "str"),
    ],
)
def test_error_paths(serde: SafeSerializer, value: Any, path: str, type_name: str) -> None:
    with pytest.raises(SerializationError) as info:
        serde.dumps(value)
    assert path in str(info.value) and repr(type_name) in str(info.value)


def test_error_for_open_file_and_socket(serde: SafeSerializer, tmp_path: Path) -> None:
    with open(tmp_path / "f.txt", "w") as handle, pytest.raises(SerializationError, match="TextIOWrapper"):
        serde.dumps({"h": handle})
    with socket.socket() as sock, pytest.raises(SerializationError, match=r"value\['s'\]"):
        serde.dumps({"s": sock})


def test_circular_reference_is_reported(serde: SafeSerializer) -> None:
    loop: list = [1]
    loop.append({"back": loop})
    with pytest.raises(SerializationError, match="circular"):
        serde.dumps(loop)


def test_plain_data_is_a_single_ormsgpack_call(serde: SafeSerializer, monkeypatch: pytest.MonkeyPatch) -> None:
    value = {f"k{i}": [i, str(i), {"n": i}] if i % 2 else i for i in range(200)}
    monkeypatch.setattr(serde, "_default", lambda obj: pytest.fail(f"default called for {obj!r}"))
    assert serde.loads(serde.dumps(value)) == value


def test_values_are_copies(serde: SafeSerializer) -> None:
    value = {"l": [1]}
    out = roundtrip(serde, value)
    out["l"].append(2)
    assert value == {"l": [1]}


def test_module_never_imports_pickle() -> None:
    source = Path(serde_mod.__file__).read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not any("pickle" in name for name in imported)
    assert "importlib" not in imported and "__import__" not in source
    assert not re.search(r"\b(eval|exec)\(", source)


class Rewrapping(Exception):  # like NodeInterrupt: __init__ transforms its argument
    def __init__(self, value: Any) -> None:
        super().__init__([("wrapped", value)])


class NeedsTwo(Exception):
    def __init__(self, a: Any, b: Any) -> None:
        super().__init__(f"{a}/{b}")
        self.a, self.b = a, b


def test_exception_args_and_attributes_restored_exactly(serde: SafeSerializer) -> None:
    out = roundtrip(serde, Rewrapping("v"))
    assert out.args == ([("wrapped", "v")],)  # not wrapped twice
    err = NeedsTwo(1, 2)
    err.add_note("while loading")
    err.extra = socket  # unstorable attribute: dropped
    out = roundtrip(serde, err)
    assert (out.args, out.a, out.b, out.__notes__) == (("1/2",), 1, 2, ["while loading"])
    assert not hasattr(out, "extra")


@dataclasses.dataclass
class Node:
    name: str
    child: Any = None


def test_circular_dataclass_is_reported(serde: SafeSerializer) -> None:
    node = Node("a")
    node.child = Node("b", node)
    with pytest.raises(SerializationError, match=r"value\.child\.child .*circular"):
        serde.dumps(node)


def test_allowed_type_without_dict(serde: SafeSerializer) -> None:
    class Slotted:
        __slots__ = ("a",)

    with pytest.raises(SerializationError, match="Slotted"):
        SafeSerializer(allowed_types=[Slotted]).dumps([Slotted()])


def test_changed_dataclass_falls_back_to_dict() -> None:
    data = SafeSerializer().dumps(Owner("x", {1}))
    crafted = data.replace(b"tags", b"tagz")  # a field the class no longer has
    with pytest.warns(UserWarning, match="could not be rebuilt"):
        assert SafeSerializer().loads(crafted) == {"name": "x", "tagz": {1}}


def test_primitive_subclasses_of_local_classes_are_refused(serde: SafeSerializer) -> None:
    class Name(str):
        pass

    with pytest.raises(SerializationError, match=r"value\['n'\].*not a module-level class"):
        serde.dumps({"n": Name("ann")})
    assert type(roundtrip(SafeSerializer(allowed_types=[Name]), Name("ann"))) is Name


def _generic_model_bytes(serde: SafeSerializer, obj: Any) -> bytes:
    """A pydantic model as ``_reduce`` stores it: ``[module, qualname, set fields by attribute, then extras]``."""
    cls = type(obj)
    data = {k: getattr(obj, k) for k in cls.model_fields if hasattr(obj, k)}
    data.update(getattr(obj, "__pydantic_extra__", None) or {})
    return ormsgpack.packb(ormsgpack.Ext(42, serde.dumps([cls.__module__, cls.__qualname__, data])))


def test_model_fast_path_stores_exactly_what_the_generic_path_does() -> None:
    pydantic = pytest.importorskip("pydantic")

    global Loose  # module-level so it can be resolved on load

    class Loose(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="allow")
        name: str
        tags: list[str] = []
        when: dt.date | None = None

    Loose.__qualname__ = "Loose"
    serde = SafeSerializer()
    full = Loose(name="a", tags=["x"], when=dt.date(2020, 1, 2), note={"k": 1})
    partial = Loose.model_construct(name="b")  # unset fields with defaults are filled in; no others
    del partial.__dict__["tags"]  # a field missing from the instance is skipped, as hasattr() says
    odd = Loose(name="c")
    object.__setattr__(odd, "stray", 1)  # an instance-dict entry that is no field is not stored
    for value in (full, partial, odd, full):  # the second ``full`` goes through the per-class cache
        assert serde.dumps(value) == _generic_model_bytes(serde, value)
    full.tags.append("y")  # mutated in place after it was stored: the next dump sees the change
    full.when = dt.date(2021, 1, 1)
    assert serde.dumps(full) == _generic_model_bytes(serde, full)
    assert roundtrip(serde, full) == full and roundtrip(serde, full).tags == ["x", "y"]


def test_model_cache_follows_a_rebuilt_field_set() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Grows(pydantic.BaseModel):
        a: int = 1

    serde = SafeSerializer()
    serde.dumps(Grows())
    Grows.__pydantic_fields__ = {**Grows.__pydantic_fields__, "b": Grows.__pydantic_fields__["a"]}
    value = Grows()
    value.__dict__["b"] = 2
    assert serde.dumps(value) == _generic_model_bytes(serde, value)
