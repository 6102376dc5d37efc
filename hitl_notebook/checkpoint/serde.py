"""Pickle-free serialization of checkpoint values: checkpoint files travel, and unpickling one runs arbitrary code.

Values are msgpack (``ormsgpack``). A custom class is stored by ``(module, qualname)``; on load it is looked up only
in modules *already imported* (never imported on demand) and rebuilt only if it is a plain data class (dataclass,
pydantic model, enum, named tuple, exception) or explicitly allowed; otherwise its data comes back neutral + a warning.

LangChain classes are the exception both ways: only the chat message classes of ``_lc_messages`` are rebuilt (their
fixed module is imported on demand, so a fresh process can load a message history), and no other class from a
``langchain``/``langchain_core`` module is, even a pydantic one.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import sys
import threading
import types
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import ormsgpack

from . import _lc_messages
from ._serde_values import DECODERS as _DECODERS
from ._serde_values import ENCODERS as _ENCODERS
from ._serde_values import SerializationError

__all__ = ["SafeSerializer", "SerializationError"]

# Every non-primitive value goes through ``default`` so that it is tagged with an extension code.
_OPTS = (ormsgpack.OPT_NON_STR_KEYS | ormsgpack.OPT_PASSTHROUGH_BIG_INT | ormsgpack.OPT_PASSTHROUGH_DATACLASS
         | ormsgpack.OPT_PASSTHROUGH_DATETIME | ormsgpack.OPT_PASSTHROUGH_ENUM | ormsgpack.OPT_PASSTHROUGH_SUBCLASS
         | ormsgpack.OPT_PASSTHROUGH_TUPLE | ormsgpack.OPT_PASSTHROUGH_UUID)
_FIX_HINT = ("store JSON-compatible data, a dataclass or a pydantic model instead, "
             "or register the type with SafeSerializer(allowed_types=...)")
# Value types (1-39) are rebuilt from a fixed table (``_serde_values``); class-backed kinds (40+) carry
# [module, qualname, data].
_ENUM, _DATACLASS, _MODEL, _NAMEDTUPLE, _EXCEPTION, _VARS, _SUBCLASS = range(40, 47)
_LEAVES = frozenset({bool, int, float, bytes, bytearray, memoryview})
_PRIMITIVE_BASES = (str, int, float, bytes, dict, list, tuple, set, frozenset)
_MISSING = object()
_MODEL_CACHE_LIMIT = 512
SerializationError.__module__ = __name__  # its public home
_MAX_DEPTH = 255  # msgpack's (ormsgpack's) limit of nested containers
# Every loaded value is decoded as the array [value, _END]: a random end mark, so trailing bytes cannot pass.
_END = os.urandom(16)
_END_BYTES = b"\xc4\x10" + _END
_ext_errors: dict[int, Exception] = {}  # per thread: why a stored object failed to load (ormsgpack hides it)


def _is_model(cls: type) -> bool:  # via sys.modules: no model exists unless pydantic is loaded; it stays optional
    base_model = getattr(sys.modules.get("pydantic.main"), "BaseModel", None)
    return base_model is not None and issubclass(cls, base_model)


# Which classes each kind may rebuild on load; anything else comes back as neutral data.
_KINDS: dict[int, tuple[str, Callable[[type], bool]]] = {
    _ENUM: ("enum", lambda c: issubclass(c, enum.Enum)), _DATACLASS: ("dataclass", dataclasses.is_dataclass),
    _MODEL: ("pydantic model", _is_model), _VARS: ("allowed", lambda c: False),  # only via allowed_types
    _NAMEDTUPLE: ("named tuple", lambda c: issubclass(c, tuple) and hasattr(c, "_fields")),
    _SUBCLASS: ("subclass of a built-in type", lambda c: issubclass(c, _PRIMITIVE_BASES) and c not in _PRIMITIVE_BASES
                and not issubclass(c, (enum.Enum, BaseException))),
    _EXCEPTION: ("exception", lambda c: issubclass(c, Exception) or (issubclass(c, BaseException)
                                                                   and c.__module__ == "builtins")),
}


def _packs(obj: Any, default: Callable[[Any], Any] | None = None) -> bool:
    try:
        ormsgpack.packb(obj, default=default, option=_OPTS)
        return True
    except TypeError:
        return False


class SafeSerializer:
    """msgpack serializer for checkpoints: never pickles, never imports a module on load (but langchain_core.messages
    for a stored chat message).

    ``allowed_types``: extra classes to rebuild. Plain ones are stored as ``vars(obj)`` and rebuilt with ``__new__``
    + ``__dict__.update``; listing a class also lets it be found when defined inside a function.
    """

    def __init__(self, *, allowed_types: Iterable[type] = ()) -> None:
        self._allowed = frozenset(allowed_types)
        self._allowed_names = {(c.__module__, c.__qualname__): c for c in self._allowed}
        self._warned: set[str] = set()
        # Per pydantic model class: (its fields mapping, field names, the packed "[module, qualname, " prefix).
        self._models: dict[type, tuple[Any, frozenset[str], tuple[str, ...], bytes]] = {}
        self._models_epoch = 0  # changes whenever ``_models`` does: fingerprints from another epoch do not compare
        # A subclass that changes how values are packed gets no byte-exact fingerprints (see items_fingerprint).
        self._native_dumps = all(getattr(type(self), name) is getattr(SafeSerializer, name)
                                 for name in ("dumps_typed", "dumps", "_default"))

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Return ``(type tag, bytes)``; ``None``, ``bytes`` and ``bytearray`` skip msgpack."""
        if obj is None:
            return "null", b""
        if type(obj) in (bytes, bytearray):
            return type(obj).__name__, bytes(obj)
        return "msgpack", self.dumps(obj)

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Inverse of :meth:`dumps_typed`."""
        kind, raw = data
        if kind == "msgpack":
            return self.loads(raw)
        if kind in ("null", "bytes", "bytearray"):
            return None if kind == "null" else bytes(raw) if kind == "bytes" else bytearray(raw)
        raise ValueError(f"unknown serialized value type {kind!r}")

    def dumps(self, obj: Any) -> bytes:
        """Serialize to msgpack; plain JSON-like data is one C call with no Python-level walk."""
        try:
            return ormsgpack.packb(obj, default=self._default, option=_OPTS)
        except (TypeError, RecursionError) as exc:  # ormsgpack drops the cause: walk the value to say where and what
            try:
                found = self._find(obj, "value", set())
            except RecursionError:
                found = None
            if found is None and (isinstance(exc, RecursionError) or "ecursion" in str(exc) or self._too_deep(obj)):
                raise SerializationError(
                    f"cannot serialize value: it is nested more than {_MAX_DEPTH} levels deep (lists, dicts and "
                    "objects inside each other), the most a checkpoint can store: flatten it, e.g. keep a list of "
                    "items with parent ids instead of a tree"
                ) from None
            path, bad, why = found or ("value", obj, str(exc))
            t = type(bad)
            name = t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
            message = f"cannot serialize {path} of type {name!r} ({why}): {_FIX_HINT}"
            raise SerializationError(message) from exc

    def loads(self, data: bytes) -> Any:
        """Decode msgpack bytes holding exactly one value; custom classes are resolved only among already-imported
        modules.

        Raises:
            ValueError: the bytes are not one msgpack value (corrupt, truncated, trailing bytes).
        """
        try:
            value, end = ormsgpack.unpackb(b"\x92" + bytes(data) + _END_BYTES, ext_hook=self._ext_hook,
                                           option=ormsgpack.OPT_NON_STR_KEYS)
        except ormsgpack.MsgpackDecodeError as exc:  # an error of ``_ext_hook`` arrives as "ext_hook failed"
            value, end = None, _ext_errors.pop(threading.get_ident(), None) or exc
        if end != _END:
            why = f" ({end})" if isinstance(end, Exception) else ": trailing bytes after the value"
            raise ValueError(f"stored value is not valid msgpack data{why}; the checkpoint is corrupt or was written "
                             "by another serializer") from None
        return value

    def items_fingerprint(self, items: list) -> tuple[int, bytes, bool] | None:
        """A cheap stand-in for ``dumps(items)``, for savers that store a grown list as a delta.

        Returns ``(epoch, bytes, exact)``. Two lists with the same item types (checked by the caller, position by
        position) whose fingerprints are equal, epoch and bytes, serialize to the same bytes. Each item is packed
        natively, a pydantic model as its ``[__dict__, __pydantic_extra__]`` (the data ``dumps`` stores for it,
        given its class's cached fields). ``exact``: the list holds no model and this serializer's ``dumps`` is
        SafeSerializer's, so the bytes *are* ``dumps(items)`` (packed natively, no ``default`` was needed).
        ``None`` when an item needs more than plain msgpack (tuples, dates, other classes, nested models).
        """
        models = self._models
        plain = {cls for cls, model in models.items() if model[0] is getattr(cls, "__pydantic_fields__", None)}
        if len(plain) != len(models):  # a class's fields were redefined: let dumps() recache it first
            return None
        try:
            if not plain or plain.isdisjoint(set(map(type, items))):
                return self._models_epoch, ormsgpack.packb(items, option=_OPTS), self._native_dumps
            return self._models_epoch, ormsgpack.packb(
                [[o.__dict__, o.__pydantic_extra__] if type(o) in plain else o for o in items], option=_OPTS), False
        except (TypeError, AttributeError):
            return None

    def _default(self, obj: Any) -> Any:
        cls = type(obj)
        model = self._models.get(cls)
        if model is not None and model[0] is getattr(cls, "__pydantic_fields__", None):
            return ormsgpack.Ext(_MODEL, model[3] + ormsgpack.packb(self._model_data(obj, model), default=self._default,
                                                                    option=_OPTS))
        code, data = self._reduce(obj)
        return data if code is None else ormsgpack.Ext(code, ormsgpack.packb(data, default=self._default, option=_OPTS))

    @staticmethod
    def _model_data(obj: Any, model: tuple[Any, frozenset[str], tuple[str, ...], bytes]) -> dict[str, Any]:
        """A pydantic model's set fields (then its extras), as ``_reduce`` stores them, read from ``__dict__``."""
        found = getattr(obj, "__dict__", None)
        if found is None:  # no instance dict: through the attributes
            data = {k: getattr(obj, k) for k in model[2] if hasattr(obj, k)}
        elif found.keys() == model[1]:  # every field set and nothing else (the usual case): the dict as it is
            data = found
        else:
            data = {k: found[k] for k in model[2] if k in found}
        extra = getattr(obj, "__pydantic_extra__", None)
        return {**data, **extra} if extra else data

    def _reduce(self, obj: Any) -> tuple[int | None, Any]:
        """(extension code, payload) for a value msgpack cannot hold natively; code None: a plain stand-in."""
        cls = type(obj)
        if cls in _ENCODERS:
            return _ENCODERS[cls](obj)
        name = [cls.__module__, cls.__qualname__]
        if isinstance(obj, enum.Enum):
            return _ENUM, [*name, obj.value]
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            fields = {f.name: getattr(obj, f.name, _MISSING) for f in dataclasses.fields(obj)}
            return _DATACLASS, [*name, {k: v for k, v in fields.items() if v is not _MISSING}]
        if _is_model(cls):
            fields = cls.__pydantic_fields__
            model = (fields, frozenset(fields), tuple(fields), ormsgpack.packb([*name, None], option=_OPTS)[:-1])
            if len(self._models) >= _MODEL_CACHE_LIMIT:  # classes made on the fly (create_model): stay bounded
                self._models.clear()
            self._models[cls] = model
            self._models_epoch += 1
            return _MODEL, [*name, self._model_data(obj, model)]
        if isinstance(obj, tuple) and hasattr(cls, "_fields"):
            return _NAMEDTUPLE, [*name, list(obj)]
        if isinstance(obj, BaseException):  # unstorable args are kept as their repr, unstorable attributes dropped
            args = [a if _packs(a, self._default) else repr(a) for a in obj.args]
            return _EXCEPTION, [*name, [args, {k: v for k, v in vars(obj).items() if _packs(v, self._default)}]]
        for base in _PRIMITIVE_BASES:  # e.g. a str subclass: stored with its class, if it can come back exactly
            if isinstance(obj, base):
                return _SUBCLASS, [*name, self._subclass_value(obj, base)]
        if cls in self._allowed:
            return _VARS, [*name, dict(vars(obj))]
        raise SerializationError("it is not a supported type")

    def _too_deep(self, obj: Any) -> bool:
        """Whether containers and stored objects nest more than ``_MAX_DEPTH`` levels (a loop, not recursion)."""
        stack: list[tuple[Any, int]] = [(obj, 0)]
        seen: dict[int, Any] = {}  # keeps each walked value alive, so its id is not reused by a later payload
        while stack:
            item, depth = stack.pop()
            kind = type(item)
            if item is None or kind in _LEAVES or kind is str or id(item) in seen:
                continue
            if depth > _MAX_DEPTH:
                return True
            seen[id(item)] = item
            if kind is dict or kind is list:
                children = item.values() if kind is dict else item
            else:
                try:
                    children = [self._reduce(item)[1]]
                except Exception:  # noqa: BLE001 - not storable: not a nesting question
                    continue
            stack.extend((child, depth + 1) for child in children)
        return False

    def _subclass_value(self, obj: Any, base: type) -> Any:
        """The built-in value a subclass instance is stored as; ``SerializationError`` if the class would not
        come back exactly (attributes, a class defined in a function, a constructor that does not take it)."""
        cls = type(obj)
        attributes = getattr(obj, "__dict__", None)
        if attributes:
            raise SerializationError(f"its attributes {sorted(attributes)} cannot be stored with a {base.__name__}")
        value = base(obj)
        if self._resolve(cls.__module__, cls.__qualname__, _SUBCLASS) is not cls:
            raise SerializationError(f"{cls.__qualname__} is not a module-level class, so it could not be found on "
                                     "load: define it at module level or list it in SafeSerializer(allowed_types=...)")
        try:
            same = type(again := cls(value)) is cls and again == obj
        except Exception:  # noqa: BLE001 - any failure means it cannot be rebuilt
            same = False
        if not same:
            raise SerializationError(f"{cls.__qualname__}({base.__name__}) does not rebuild an equal value")
        return value

    def _find(self, obj: Any, path: str, active: set[int]) -> tuple[str, Any, str] | None:
        """Slow path, only after a failure: locate the first value that cannot be encoded."""
        t = type(obj)
        if obj is None or t in _LEAVES or t is str:
            return None if t is not str or _packs(obj) else (path, obj, "the string is not valid UTF-8")
        if id(obj) in active:
            return path, obj, "it contains itself: circular reference"
        active.add(id(obj))
        try:
            if t is dict:
                for key in obj:
                    if not _packs({key: None}):
                        return f"{path} (key {key!r})", key, "dict keys must be str, int, float, bool, None or tuples"
                children = [(f"{path}[{k!r}]", v) for k, v in obj.items()]
            elif t is list:
                children = [(f"{path}[{i}]", v) for i, v in enumerate(obj)]
            else:
                try:
                    code, payload = self._reduce(obj)
                except Exception as err:
                    return path, obj, str(err)
                if code is not None and code >= _ENUM and isinstance(payload := payload[2], dict):
                    children = [(f"{path}.{k}", v) for k, v in payload.items()]
                elif isinstance(payload, list):
                    children = [(f"{path}[{i}]", v) for i, v in enumerate(payload)]
                else:
                    children = [(path, payload)]
            return next(filter(None, (self._find(v, p, active) for p, v in children)), None)
        finally:
            active.discard(id(obj))

    def _ext_hook(self, code: int, data: bytes) -> Any:
        try:
            return self._load_ext(code, data)
        except Exception as exc:
            _ext_errors.setdefault(threading.get_ident(), exc)  # the innermost error names the problem
            raise

    def _load_ext(self, code: int, data: bytes) -> Any:
        if code not in _DECODERS and code not in _KINDS:
            self._warn(f"ext{code}", f"unknown msgpack extension {code} (from another serializer?) loaded as raw bytes")
            return data
        payload = self.loads(data)
        if code in _DECODERS:
            return _DECODERS[code](payload)
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
        elif isinstance(module, str) and module.startswith(_lc_messages.PREFIXES):
            why = "it is not one of the langchain_core message classes a checkpoint may revive"
        elif isinstance(module, str) and sys.modules.get(module) is None:
            why = f"its module {module!r} is not imported: import it before loading the checkpoint"
        else:
            why = f"it does not name a module-level {_KINDS[code][0]} class"
        self._warn(f"{module}.{qualname}", f"{module}.{qualname} was loaded as plain data because {why} "
                   "(or pass the class in SafeSerializer(allowed_types=...))")
        if code == _EXCEPTION:
            return Exception(f"{module}.{qualname}: " + ", ".join(map(str, value[0])))
        return tuple(value) if code == _NAMEDTUPLE and isinstance(value, list) else value

    def _resolve(self, module: Any, qualname: Any, code: int) -> type | None:
        """Find an accepted class by plain dict lookups: no import, no ``__getattr__`` hooks, no dunder names."""
        if not (isinstance(module, str) and isinstance(qualname, str)):
            return None
        cls = self._allowed_names.get((module, qualname))
        if cls is None and module.startswith(_lc_messages.PREFIXES):
            cls = _lc_messages.message_class(module, qualname) if code == _MODEL else None
        elif cls is None:
            obj: Any = sys.modules.get(module)
            for part in qualname.split("."):  # "<locals>" is no identifier: local classes need allowed_types
                if not part.isidentifier() or part.startswith("__") or not isinstance(obj, (types.ModuleType, type)):
                    return None
                obj = vars(obj).get(part)
            cls = obj
        if not isinstance(cls, type):
            return None
        return cls if _KINDS[code][1](cls) or (code == _VARS and cls in self._allowed) else None

    @staticmethod
    def _rebuild(cls: Any, code: int, value: Any) -> Any:
        if code in (_ENUM, _NAMEDTUPLE, _SUBCLASS):
            return cls(*value) if code == _NAMEDTUPLE else cls(value)
        if code == _EXCEPTION:
            args, state = value
            try:
                exc = cls(*args)
            except Exception:  # an __init__ with another signature: skip it
                exc = cls.__new__(cls, *args)
            exc.args = tuple(args)  # exactly as stored, even if __init__ rewrapped them
            exc.__dict__.update(state)
            return exc
        if not isinstance(value, dict):
            return _MISSING
        if code == _MODEL:
            try:
                return cls.model_validate(value.get("root") if getattr(cls, "__pydantic_root_model__", 0) else value)
            except Exception:
                return cls.model_construct(**value)
        if code == _VARS:
            (obj := cls.__new__(cls)).__dict__.update(value)
            return obj
        fields = dataclasses.fields(cls)
        if not set(value) <= {f.name for f in fields}:
            return _MISSING
        try:  # through the class, so frozen/slots dataclasses and __post_init__ behave as usual
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
            warnings.warn(message, UserWarning, stacklevel=4)  # the unpack in loads(), past _load_ext
