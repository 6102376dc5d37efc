"""The value types the checkpoint serializer rebuilds from a fixed table (extension codes 1-39), part of ``serde``.

Time zones and ``defaultdict`` round-trip exactly or are refused when saved, never changed on the way:
``datetime.timezone`` keeps its offset and name, ``zoneinfo.ZoneInfo`` its key (looked up again on load); other
tzinfo classes (pytz, dateutil) are refused, as is a ``defaultdict`` whose ``default_factory`` is not a built-in
container or number type (a lambda, a function, a class) since a stored callable would have to run on load.
"""

from __future__ import annotations

import collections
import datetime as _dt
import decimal
import pathlib
import re
import uuid
import zoneinfo
from collections.abc import Callable
from typing import Any

(TUPLE, SET, FROZENSET, BIGINT, DATETIME, DATE, TIME, TIMEDELTA, TIMEZONE, UUID, DECIMAL, PATH,
 PURE_POSIX, PURE_WINDOWS, DEQUE, PATTERN, COMPLEX, ORDERED_DICT, COUNTER, ZONEINFO, DEFAULTDICT) = range(1, 22)


class SerializationError(TypeError):
    """A value cannot be stored in a checkpoint; the message names where it is, its type and the fix."""


# defaultdict factories stored by name: built-in types whose call with no argument runs no user code.
_FACTORIES: dict[str, Any] = {f.__name__: f for f in (list, dict, set, frozenset, tuple, int, float, complex, str,
                                                      bytes, bool, collections.Counter, collections.OrderedDict,
                                                      collections.deque)}
_FACTORY_NAMES = {f: name for name, f in _FACTORIES.items()}


def _type_name(t: type) -> str:
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _tz(o: _dt.datetime | _dt.time) -> _dt.tzinfo | None:
    """The tzinfo to store with ``o``: only those that load back exactly."""
    tz = o.tzinfo
    if tz is None or type(tz) in (_dt.timezone, zoneinfo.ZoneInfo):
        return tz
    raise SerializationError(
        f"its tzinfo of type {_type_name(type(tz))!r} cannot be stored exactly: use zoneinfo.ZoneInfo(key) "
        "(e.g. ZoneInfo('Europe/Paris')) or a fixed datetime.timezone instead"
    )


def _timezone(o: _dt.timezone) -> tuple[int, Any]:
    offset = o.utcoffset(None)
    name = o.tzname(None)
    return TIMEZONE, offset if name == _dt.timezone(offset).tzname(None) else [offset, name]


def _load_timezone(p: Any) -> _dt.timezone:
    return _dt.timezone(p[0], p[1]) if isinstance(p, list) else _dt.timezone(p)


def _zone(o: zoneinfo.ZoneInfo) -> tuple[int, Any]:
    if o.key is None:
        raise SerializationError("a ZoneInfo read from a file has no key to store: use zoneinfo.ZoneInfo(key)")
    return ZONEINFO, o.key


def _load_zone(key: Any) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(str(key))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"the checkpoint names time zone {key!r}, which this machine's time zone database does not "
                         "have: install the tzdata package") from exc


def _defaultdict(o: collections.defaultdict) -> tuple[int, Any]:
    factory = o.default_factory
    if factory is not None and factory not in _FACTORY_NAMES:
        shown = getattr(factory, "__qualname__", type(factory).__qualname__)
        raise SerializationError(
            f"its default_factory {shown} cannot be stored (it would have to run when the checkpoint is loaded): "
            f"use a plain dict, or a defaultdict of {', '.join(sorted(_FACTORIES))}"
        )
    return DEFAULTDICT, [None if factory is None else _FACTORY_NAMES[factory], dict(o)]


def _load_defaultdict(p: Any) -> Any:
    name, items = p
    if name is not None and name not in _FACTORIES:  # not written by this serializer: neutral data
        return dict(items)
    return collections.defaultdict(None if name is None else _FACTORIES[name], items)


def _container(kind: type, items: list) -> Any:
    try:
        return kind(items)
    except TypeError:  # members came back unhashable (a class fell back to a dict): keep them as a list
        return items


ENCODERS: dict[type, Callable[[Any], tuple[int, Any]]] = {
    tuple: lambda o: (TUPLE, list(o)), set: lambda o: (SET, list(o)), frozenset: lambda o: (FROZENSET, list(o)),
    int: lambda o: (BIGINT, hex(o)),  # hex: no int/str digit limit for huge ints
    _dt.datetime: lambda o: (DATETIME, [o.replace(tzinfo=None).isoformat(), _tz(o), o.fold]),
    _dt.date: lambda o: (DATE, o.isoformat()),
    _dt.time: lambda o: (TIME, [o.replace(tzinfo=None).isoformat(), _tz(o), o.fold]),
    _dt.timedelta: lambda o: (TIMEDELTA, [o.days, o.seconds, o.microseconds]),
    _dt.timezone: _timezone, zoneinfo.ZoneInfo: _zone,
    uuid.UUID: lambda o: (UUID, o.bytes), decimal.Decimal: lambda o: (DECIMAL, str(o)),
    pathlib.PosixPath: lambda o: (PATH, str(o)), pathlib.WindowsPath: lambda o: (PATH, str(o)),
    pathlib.PurePosixPath: lambda o: (PURE_POSIX, str(o)), pathlib.PureWindowsPath: lambda o: (PURE_WINDOWS, str(o)),
    collections.deque: lambda o: (DEQUE, [list(o), o.maxlen]), re.Pattern: lambda o: (PATTERN, [o.pattern, o.flags]),
    complex: lambda o: (COMPLEX, [o.real, o.imag]),
    collections.OrderedDict: lambda o: (ORDERED_DICT, dict(o)), collections.Counter: lambda o: (COUNTER, dict(o)),
    collections.defaultdict: _defaultdict,
}
DECODERS: dict[int, Callable[[Any], Any]] = {
    TUPLE: tuple, SET: lambda p: _container(set, p), FROZENSET: lambda p: _container(frozenset, p),
    BIGINT: lambda p: int(p, 16),
    DATETIME: lambda p: _dt.datetime.fromisoformat(p[0]).replace(tzinfo=p[1], fold=p[2]),
    DATE: _dt.date.fromisoformat, TIME: lambda p: _dt.time.fromisoformat(p[0]).replace(tzinfo=p[1], fold=p[2]),
    TIMEDELTA: lambda p: _dt.timedelta(p[0], p[1], p[2]), TIMEZONE: _load_timezone, ZONEINFO: _load_zone,
    UUID: lambda p: uuid.UUID(bytes=p), DECIMAL: lambda p: decimal.Decimal(str(p)),
    PATH: lambda p: pathlib.Path(str(p)), PURE_POSIX: lambda p: pathlib.PurePosixPath(str(p)),
    PURE_WINDOWS: lambda p: pathlib.PureWindowsPath(str(p)), DEQUE: lambda p: collections.deque(p[0], p[1]),
    PATTERN: lambda p: re.compile(p[0], p[1]), COMPLEX: lambda p: complex(p[0], p[1]),
    ORDERED_DICT: lambda p: collections.OrderedDict(dict(p)), COUNTER: lambda p: collections.Counter(dict(p)),
    DEFAULTDICT: _load_defaultdict,
}

__all__ = ["DECODERS", "ENCODERS", "SerializationError"]
