"""Pickle-free serialization of checkpoint values (channel values, pending writes, metadata).

Checkpoint files travel (shared notebooks, copied SQLite files), and unpickling one runs arbitrary code. Here
values are msgpack (via ``ormsgpack``); a custom class is stored by ``(module, qualname)`` and on load is only
looked up in modules that are *already imported* (never imported on demand) and only rebuilt if it is a plain
data class (dataclass, pydantic model, enum, named tuple, exception) or was explicitly allowed. Anything else
comes back as neutral data (dict / tuple / raw value) with a warning.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as _dt
import decimal
import enum
import pathlib
import re
import sys
import types
import uuid
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import ormsgpack

__all__ = ["SafeSerializer", "SerializationError"]

# Every non-primitive type goes through ``default`` so it is tagged with an extension code.
_OPTS = (
    ormsgpack.OPT_NON_STR_KEYS | ormsgpack.OPT_PASSTHROUGH_BIG_INT | ormsgpack.OPT_PASSTHROUGH_DATACLASS
    | ormsgpack.OPT_PASSTHROUGH_DATETIME | ormsgpack.OPT_PASSTHROUGH_ENUM | ormsgpack.OPT_PASSTHROUGH_SUBCLASS
    | ormsgpack.OPT_PASSTHROUGH_TUPLE | ormsgpack.OPT_PASSTHROUGH_UUID
)
_FIX_HINT = (
    "store JSON-compatible data, a dataclass or a pydantic model instead, "
    "or register the type with SafeSerializer(allowed_types=...)"
)
# Value types rebuilt from a fixed table (1-39); class-backed kinds (40+) carry [module, qualname, data].
(_TUPLE, _SET, _FROZENSET, _BIGINT, _DATETIME, _DATE, _TIME, _TIMEDELTA, _TIMEZONE, _UUID, _DECIMAL, _PATH,
 _PURE_POSIX, _PURE_WINDOWS, _DEQUE, _PATTERN, _COMPLEX, _ORDERED_DICT, _COUNTER) = range(1, 20)
_ENUM, _DATACLASS, _MODEL, _NAMEDTUPLE, _EXCEPTION, _VARS = range(40, 46)
_KIND_NAMES = {_ENUM: "enum", _DATACLASS: "dataclass", _MODEL: "pydantic model", _NAMEDTUPLE: "named tuple",
               _EXCEPTION: "exception", _VARS: "allowed type"}
_LEAVES = frozenset({bool, int, float, bytes, bytearray, memoryview})
_PRIMITIVE_BASES = (str, int, float, bytes, dict, list, tuple, set, frozenset)
_MISSING = object()


class SerializationError(TypeError):
    """A value cannot be stored in a checkpoint; the message names where it is, its type and the fix."""


def _tz(o: _dt.datetime | _dt.time) -> _dt.tzinfo | None:
    """Keep ``timezone`` objects; pin any other tzinfo (zoneinfo, pytz) to its current fixed offset."""
    if o.tzinfo is None or type(o.tzinfo) is _dt.timezone:
        return o.tzinfo
    offset = o.utcoffset()
    return None if offset is None else _dt.timezone(offset)


def _container(kind: type, items: list) -> Any:
    try:
        return kind(items)
    except TypeError:  # members came back unhashable (e.g. a class fell back to a dict)
        return items


_ENCODERS: dict[type, Callable[[Any], tuple[int, Any]]] = {
    tuple: lambda o: (_TUPLE, list(o)),
    set: lambda o: (_SET, list(o)),
    frozenset: lambda o: (_FROZENSET, list(o)),
    int: lambda o: (_BIGINT, hex(o)),  # hex: no int<->str digit limit for huge ints
    _dt.datetime: lambda o: (_DATETIME, [o.replace(tzinfo=None).isoformat(), _tz(o), o.fold]),
    _dt.date: lambda o: (_DATE, o.isoformat()),
    _dt.time: lambda o: (_TIME, [o.replace(tzinfo=None).isoformat(), _tz(o), o.fold]),
    _dt.timedelta: lambda o: (_TIMEDELTA, [o.days, o.seconds, o.microseconds]),
    _dt.timezone: lambda o: (_TIMEZONE, o.utcoffset(None)),
    uuid.UUID: lambda o: (_UUID, o.bytes),
    decimal.Decimal: lambda o: (_DECIMAL, str(o)),
    pathlib.PosixPath: lambda o: (_PATH, str(o)),
    pathlib.WindowsPath: lambda o: (_PATH, str(o)),
    pathlib.PurePosixPath: lambda o: (_PURE_POSIX, str(o)),
    pathlib.PureWindowsPath: lambda o: (_PURE_WINDOWS, str(o)),
    collections.deque: lambda o: (_DEQUE, [list(o), o.maxlen]),
    re.Pattern: lambda o: (_PATTERN, [o.pattern, o.flags]),
    complex: lambda o: (_COMPLEX, [o.real, o.imag]),
    collections.OrderedDict: lambda o: (_ORDERED_DICT, dict(o)),
    collections.Counter: lambda o: (_COUNTER, dict(o)),
}
_DECODERS: dict[int, Callable[[Any], Any]] = {
    _TUPLE: tuple,
    _SET: lambda p: _container(set, p),
    _FROZENSET: lambda p: _container(frozenset, p),
    _BIGINT: lambda p: int(p, 16),
    _DATETIME: lambda p: _dt.datetime.fromisoformat(p[0]).replace(tzinfo=p[1], fold=p[2]),
    _DATE: _dt.date.fromisoformat,
    _TIME: lambda p: _dt.time.fromisoformat(p[0]).replace(tzinfo=p[1], fold=p[2]),
    _TIMEDELTA: lambda p: _dt.timedelta(p[0], p[1], p[2]),
    _TIMEZONE: _dt.timezone,
    _UUID: lambda p: uuid.UUID(bytes=p),
    _DECIMAL: lambda p: decimal.Decimal(str(p)),
    _PATH: lambda p: pathlib.Path(str(p)),
    _PURE_POSIX: lambda p: pathlib.PurePosixPath(str(p)),
    _PURE_WINDOWS: lambda p: pathlib.PureWindowsPath(str(p)),
    _DEQUE: lambda p: collections.deque(p[0], p[1]),
    _PATTERN: lambda p: re.compile(p[0], p[1]),
    _COMPLEX: lambda p: complex(p[0], p[1]),
    _ORDERED_DICT: lambda p: collections.OrderedDict(dict(p)),
    _COUNTER: lambda p: collections.Counter(dict(p)),
}


def _base_model() -> type | None:
    """pydantic's BaseModel if pydantic is loaded (no instance can exist otherwise); pydantic stays optional."""
    main = sys.modules.get("pydantic.main")
    return getattr(main, "BaseModel", None) if main is not None else None


def _packs(obj: Any) -> bool:
    try:
        ormsgpack.packb(obj, option=_OPTS)
        return True
    except TypeError:
        return False


def _type_name(obj: Any) -> str:
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


class SafeSerializer:
    """msgpack serializer for checkpoints; never pickles, never imports on load.

    ``allowed_types``: extra classes to rebuild on load. Plain classes among them are stored via ``vars(obj)``
    and rebuilt with ``cls.__new__`` + ``__dict__.update``; listing a class also lets it be found when it is
    not reachable by module attribute lookup (e.g. defined inside a function).
    """

    def __init__(self, *, allowed_types: Iterable[type] = ()) -> None:
        self._allowed = frozenset(allowed_types)
        for cls in self._allowed:
            if not isinstance(cls, type):
                raise TypeError(f"allowed_types must contain classes, got {cls!r}")
        self._allowed_names = {(c.__module__, c.__qualname__): c for c in self._allowed}
        self._warned: set[str] = set()

    # -- dumping -------------------------------------------------------------------------------------------
    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Return ``(type tag, bytes)``; ``bytes``/``bytearray``/``None`` skip msgpack entirely."""
        if obj is None:
            return "null", b""
        if type(obj) is bytes:
            return "bytes", obj
        if type(obj) is bytearray:
            return "bytearray", bytes(obj)
        return "msgpack", self.dumps(obj)

    def dumps(self, obj: Any) -> bytes:
        """Serialize to msgpack; plain JSON-like data is a single C call with no Python-level walk."""
        try:
            return ormsgpack.packb(obj, default=self._default, option=_OPTS)
        except TypeError as exc:  # ormsgpack swallows the cause: walk the value to say where and what
            raise self._explain(obj, exc) from exc

    def _default(self, obj: Any) -> Any:
        code, payload = self._reduce(obj)
        if code is None:
            return payload
        return ormsgpack.Ext(code, ormsgpack.packb(payload, default=self._default, option=_OPTS))

    def _reduce(self, obj: Any) -> tuple[int | None, Any]:
        """(extension code, payload) for a value msgpack cannot hold natively; code None = plain replacement."""
        cls = type(obj)
        encode = _ENCODERS.get(cls)
        if encode is not None:
            return encode(obj)
        name = [cls.__module__, cls.__qualname__]
        if isinstance(obj, enum.Enum):
            return _ENUM, [*name, obj.value]
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            fields = {f.name: v for f in dataclasses.fields(obj) if (v := getattr(obj, f.name, _MISSING)) is not _MISSING}
            return _DATACLASS, [*name, fields]
        base_model = _base_model()
        if base_model is not None and isinstance(obj, base_model):
            data = {k: getattr(obj, k) for k in cls.model_fields if hasattr(obj, k)}
            data.update(getattr(obj, "__pydantic_extra__", None) or {})
            return _MODEL, [*name, data]
        if isinstance(obj, tuple) and hasattr(cls, "_fields"):
            return _NAMEDTUPLE, [*name, list(obj)]
        if isinstance(obj, BaseException):
            args = [a if self._storable(a) else repr(a) for a in obj.args]
            try:
                message = str(obj)
            except Exception:
                message = repr(obj.args)
            return _EXCEPTION, [*name, [args, message]]
        for base in _PRIMITIVE_BASES:  # e.g. a str subclass or a defaultdict: stored as the base type
            if isinstance(obj, base):
                return None, base(obj)
        if cls in self._allowed:
            state = getattr(obj, "__dict__", None)
            if state is None:
                raise SerializationError("it is an allowed type but its instances have no __dict__")
            return _VARS, [*name, dict(state)]
        raise SerializationError("it is not a supported type")

    def _storable(self, obj: Any) -> bool:
        try:
            ormsgpack.packb(obj, default=self._default, option=_OPTS)
            return True
        except TypeError:
            return False

    def _explain(self, obj: Any, exc: Exception) -> SerializationError:
        found = self._find(obj, "value", set())
        if found is None:
            return SerializationError(f"cannot serialize value ({exc}): {_FIX_HINT}")
        path, bad, reason = found
        return SerializationError(
            f"cannot serialize {path} of type {_type_name(bad)!r} ({reason}): {_FIX_HINT}"
        )

    def _find(self, obj: Any, path: str, active: set[int]) -> tuple[str, Any, str] | None:
        """Slow path, only after a failure: locate the first value that cannot be encoded."""
        t = type(obj)
        if obj is None or t in _LEAVES:
            return None
        if t is str:
            return None if _packs(obj) else (path, obj, "the string is not valid UTF-8")
        if id(obj) in active:
            return path, obj, "it contains itself: circular reference"
        active.add(id(obj))
        try:
            if t is dict:
                for key in obj:
                    if not _packs({key: None}):
                        return f"{path} (key {key!r})", key, "dict keys must be str, int, float, bool, None, bytes or tuples of those"
                children = [(f"{path}[{k!r}]", v) for k, v in obj.items()]
            elif t is list:
                children = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
            else:
                try:
                    code, payload = self._reduce(obj)
                except SerializationError as err:
                    return path, obj, str(err)
                if code is not None and code >= _ENUM:
                    payload = payload[2]
                    if isinstance(payload, dict):
                        return next(filter(None, (self._find(v, f"{path}.{k}", active) for k, v in payload.items())), None)
                if isinstance(payload, list):
                    children = [(f"{path}[{i}]", v) for i, v in enumerate(payload)]
                else:
                    children = [(path, payload)]
            return next(filter(None, (self._find(v, p, active) for p, v in children)), None)
        finally:
            active.discard(id(obj))

    # -- loading -------------------------------------------------------------------------------------------
    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Inverse of :meth:`dumps_typed`."""
        kind, raw = data
        if kind == "null":
            return None
        if kind == "bytes":
            return bytes(raw)
        if kind == "bytearray":
            return bytearray(raw)
        if kind == "msgpack":
            return self.loads(raw)
        raise ValueError(f"unknown serialized value type {kind!r}")

    def loads(self, data: bytes) -> Any:
        """Decode msgpack bytes; custom classes are resolved only among already-imported modules."""
        return ormsgpack.unpackb(data, ext_hook=self._ext_hook, option=ormsgpack.OPT_NON_STR_KEYS)

    def _ext_hook(self, code: int, data: bytes) -> Any:
        if code not in _DECODERS and code not in _KIND_NAMES:
            self._warn(f"ext{code}", f"unknown msgpack extension {code} (written by another serializer?) "
                       "was loaded as its raw bytes")
            return data
        payload = self.loads(data)
        decode = _DECODERS.get(code)
        if decode is not None:
            return decode(payload)
        module, qualname, value = payload
        cls = self._resolve(module, qualname, code)
        if cls is not None:
            try:
                obj = self._rebuild(cls, code, value)
            except Exception:
                obj = _MISSING
            if obj is not _MISSING:
                return obj
            why = "it could not be rebuilt from the stored fields (did the class change?)"
        elif isinstance(module, str) and sys.modules.get(module) is None:
            why = f"its module {module!r} is not imported; import it before loading the checkpoint"
        else:
            why = f"it does not name an importable {_KIND_NAMES[code]} class; define it at module level"
        self._warn(f"{module}.{qualname}", f"{module}.{qualname} was loaded as plain data because {why} "
                   "(or pass the class in SafeSerializer(allowed_types=...))")
        if code == _EXCEPTION:
            return Exception(f"{module}.{qualname}: {value[1]}")
        if code == _NAMEDTUPLE:
            return tuple(value)
        return dict(value) if isinstance(value, dict) else value

    def _resolve(self, module: Any, qualname: Any, code: int) -> type | None:
        """Find an accepted class by plain dict lookups: no import, no getattr hooks, no dunder names."""
        cls = self._allowed_names.get((module, qualname)) if isinstance(module, str) and isinstance(qualname, str) else None
        if cls is None:
            if not isinstance(module, str) or not isinstance(qualname, str):
                return None
            obj: Any = sys.modules.get(module)
            for part in qualname.split("."):
                if not part.isidentifier() or part.startswith("__") or not isinstance(obj, (types.ModuleType, type)):
                    return None
                obj = vars(obj).get(part)
            cls = obj
        if not isinstance(cls, type):
            return None
        if code == _ENUM:
            ok = issubclass(cls, enum.Enum)
        elif code == _DATACLASS:
            ok = dataclasses.is_dataclass(cls)
        elif code == _MODEL:
            base_model = _base_model()
            ok = base_model is not None and issubclass(cls, base_model)
        elif code == _NAMEDTUPLE:
            ok = issubclass(cls, tuple) and "_fields" in dir(cls)
        elif code == _EXCEPTION:
            ok = issubclass(cls, Exception) or (issubclass(cls, BaseException) and cls.__module__ == "builtins")
        else:
            ok = cls in self._allowed
        return cls if ok else None

    @staticmethod
    def _rebuild(cls: type, code: int, value: Any) -> Any:
        if code == _ENUM:
            return cls(value)
        if code == _NAMEDTUPLE:
            return cls(*value)
        if code == _EXCEPTION:
            return cls(*value[0])
        if not isinstance(value, dict):
            return _MISSING
        if code == _MODEL:
            if getattr(cls, "__pydantic_root_model__", False):
                return cls.model_validate(value.get("root"))
            try:
                return cls.model_validate(value)
            except Exception:
                return cls.model_construct(**value)
        if code == _VARS:
            obj = cls.__new__(cls)
            obj.__dict__.update(value)
            return obj
        fields = dataclasses.fields(cls)
        if not set(value) <= {f.name for f in fields}:
            return _MISSING
        try:  # via the class, so frozen/slots dataclasses and __post_init__ behave as usual
            obj = cls(**{f.name: value[f.name] for f in fields if f.init and f.name in value})
            late = [f for f in fields if not f.init]
        except Exception:  # a custom __init__ with another signature: set the stored fields directly
            obj, late = cls.__new__(cls), fields
        for f in late:
            if f.name in value:
                object.__setattr__(obj, f.name, value[f.name])
        return obj

    def _warn(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            warnings.warn(message, UserWarning, stacklevel=3)
