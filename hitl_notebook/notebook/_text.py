"""Any value as text, safely: HTML-escaped, ``repr``'d or JSON-dumped without ever raising.

Run values come from user code, so they can be anything: an ``int`` longer than Python's digit limit
(``sys.set_int_max_str_digits``, 4300 by default, where ``str()``, ``repr()`` and ``json.dumps`` raise), an object
whose ``__repr__`` fails, a description that is a dict where a string was expected. Every place that puts a value
into HTML, plain text or JSON goes through these functions, so an odd value is shown, not a traceback.
"""

from __future__ import annotations

import json
import math
import sys
from html import escape as _html_escape
from typing import Any

__all__ = ["as_text", "escape", "escape_attr", "int_text", "safe_repr", "shorten", "to_json"]

_LOG10_2 = math.log10(2)


def _digit_limit() -> int:
    get = getattr(sys, "get_int_max_str_digits", None)  # Python >= 3.11 (and 3.10.7+)
    return get() if get is not None else 0


def int_text(number: int) -> str:
    """The exact decimal digits of ``number``, also above Python's int/str digit limit (which ``str`` enforces).

    >>> int_text(-1234)
    '-1234'
    >>> len(int_text(10 ** 5000))
    5001
    """
    number = int(number)
    if number < 0:
        return "-" + int_text(-number)
    limit = _digit_limit()
    digits = int(number.bit_length() * _LOG10_2) + 1  # an estimate, off by at most one
    if limit == 0 or digits < limit - 2:
        return int.__repr__(number)
    half = digits // 2  # split into two halves that each fit (divide and conquer keeps it fast)
    high, low = divmod(number, 10 ** half)  # high >= 1: the estimate is at most one digit over
    return int_text(high) + int_text(low).rjust(half, "0")


def safe_repr(value: Any) -> str:
    """``repr(value)``, or a readable stand-in when ``repr`` raises (huge ints are written out in full)."""
    try:
        return repr(value)
    except Exception:
        return _fallback_repr(value, 0)


def _fallback_repr(value: Any, depth: int) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return int_text(value)
    if depth < 20:
        inner = lambda v: _repr_at(v, depth + 1)  # noqa: E731
        if isinstance(value, dict):
            return "{" + ", ".join(f"{inner(k)}: {inner(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(inner(v) for v in value) + "]"
        if isinstance(value, tuple):
            return "(" + ", ".join(inner(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return f"<unrepresentable {type(value).__name__}>"


def _repr_at(value: Any, depth: int) -> str:
    try:
        return repr(value)
    except Exception:
        return _fallback_repr(value, depth)


def as_text(value: Any) -> str:
    """``value`` if it is a string, else ``str(value)``, else its safe ``repr`` (never raises)."""
    if isinstance(value, str):
        return str.__str__(value)
    if value is None:
        return ""
    try:
        return str(value)
    except Exception:
        return safe_repr(value)


def escape(value: Any) -> str:
    """HTML-escape element text; any value (quotes stay readable, ``<``, ``>`` and ``&`` never pass through)."""
    return _html_escape(as_text(value), quote=False)


def escape_attr(value: Any) -> str:
    """HTML-escape a value for an attribute (both quote characters escaped too)."""
    return _html_escape(as_text(value), quote=True)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with ``…`` at the cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def to_json(value: Any, *, indent: int | None = None) -> str:
    """JSON text of ``value`` for display: pydantic models dumped, other non-JSON values as their ``repr``,
    integers of any length exact, cycles marked; never raises."""
    try:
        return json.dumps(value, indent=indent, ensure_ascii=False, default=_default)
    except Exception:  # an int over the digit limit, a cycle, a failing model_dump: walk the value once
        pass
    numbers: list[str] = []
    plain = _plain(value, numbers, frozenset(), 0)
    try:
        text = json.dumps(plain, indent=indent, ensure_ascii=False)
    except Exception:
        return safe_repr(value)
    for i, digits in enumerate(numbers):
        text = text.replace(json.dumps(_marker(i)), digits, 1)
    return text


def _default(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        return dump()
    return safe_repr(value)


def _marker(i: int) -> str:
    return f"\x00int{i}\x00"  # a control character: json.dumps writes it as \u0000, which no real text contains


def _plain(value: Any, numbers: list[str], path: frozenset[int], depth: int) -> Any:
    """``value`` as JSON-ready data; too-long ints become markers replaced by their digits afterwards."""
    if value is None or isinstance(value, (bool, float, str)):
        return value
    if isinstance(value, int):
        numbers.append(int_text(value))
        return _marker(len(numbers) - 1)
    if id(value) in path or depth > 100:
        return "<circular>" if id(value) in path else safe_repr(value)
    inner = path | {id(value)}
    if isinstance(value, dict):
        return {_key(k): _plain(v, numbers, inner, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, numbers, inner, depth + 1) for v in value]
    try:
        converted = _default(value)
    except Exception:
        return safe_repr(value)
    return converted if isinstance(converted, str) else _plain(converted, numbers, inner, depth + 1)


def _key(key: Any) -> str:
    """A dict key as JSON writes it (``1`` -> ``"1"``, ``True`` -> ``"true"``), any other key as its ``repr``."""
    if isinstance(key, str):
        return key
    if isinstance(key, (bool, float)) or key is None:
        return json.dumps(key)
    return int_text(key) if isinstance(key, int) else safe_repr(key)
