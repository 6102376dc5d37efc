"""Typed answer forms: one input per schema field, read back into the typed values (widgets only, no run logic)."""

from __future__ import annotations

import json
import math
from typing import Any

import ipywidgets as w

from . import _schema
from ._retire import shared
from ._schema import AnswerError
from ._terminal import WRAP_CSS
from ._text import as_text, escape, escape_attr, safe_repr, to_json

__all__ = ["AnswerError", "Form", "NumberText", "escape", "parse_json"]

PRE = f"margin:2px 0;padding:4px 6px;background:#f8f8fa;border-radius:4px;{WRAP_CSS};font-size:12px"
FULL = shared(w.Layout(width="100%"))  # one Layout for many views: never closed with one of them


class NumberText(w.Text):
    """The input of an integer or number field: a text box read back as a number.

    Not ``IntText`` / ``FloatText``: those cannot be empty (a cleared box keeps sending its last number), so an
    emptied field could never be told apart from a typed one. Here empty stays empty, and ``Form.read`` decides
    what it means from the schema.
    """


class Form:
    """Typed inputs for schema fields (bool → Checkbox, int/number → NumberText, string → Text/Textarea,
    enum → Dropdown, anything else → JSON textarea)."""

    def __init__(self, fields: list[_schema.Field], values: dict[str, Any] | None = None) -> None:
        self.fields = fields
        self.inputs: dict[str, w.Widget] = {}
        rows = []
        for field in fields:
            current = (values or {}).get(field.name, field.default)
            widget = self.inputs[field.name] = _input(field, current, (values or {}).get(field.name) is not None)
            title = field.title + ("" if field.required else " (optional)")
            label = w.HTML(f"<span title='{escape_attr(field.description)}'>{escape(title)}</span>",
                           layout=w.Layout(width="160px"))
            rows.append(w.HBox([label, widget]))
        self.box = w.VBox(rows)

    def read(self) -> dict[str, Any]:
        """The typed values, as the schema says: an optional number or JSON field left empty is omitted, a required
        one that allows null is ``None``.

        Raises ``AnswerError`` (shown inline, the interrupt stays pending) for an empty required field or text
        that is not a number / not JSON.
        """
        out: dict[str, Any] = {}
        for field in self.fields:
            raw = self.inputs[field.name].value
            if field.kind in ("int", "number", "json") and isinstance(raw, str):
                if not raw.strip():
                    if not field.required:
                        continue
                    if not field.nullable:
                        raise AnswerError(f"{field.title}: required, type {_WHAT[field.kind]}")
                    raw = None
                else:
                    raw = parse_json(raw) if field.kind == "json" else _number(field, raw)
            elif raw == "" and field.kind in ("string", "text") and not field.required:
                continue
            out[field.name] = raw
        return out


def _input(field: _schema.Field, current: Any, given: bool) -> w.Widget:
    filled = current is not None and (given or field.has_default)
    if field.kind == "bool":
        return w.Checkbox(value=bool(current) if filled else False, indent=False)
    if field.kind == "enum":
        options = [(as_text(o), o) for o in field.options]
        return w.Dropdown(options=options, value=current if current in field.options else field.options[0])
    if field.kind in ("int", "number"):
        hint = _WHAT[field.kind] + ("" if field.required and not field.nullable else " (or leave empty)")
        return NumberText(value=_number_text(current) if filled else "", placeholder=hint, layout=FULL)
    if field.kind == "json":
        return w.Textarea(value=to_json(current) if filled else "", layout=FULL)
    text = as_text(current)
    if field.kind == "text":
        return w.Textarea(value=text, layout=FULL)
    return w.Text(value=text, layout=FULL)


_WHAT = {"int": "a whole number", "number": "a number", "json": "a JSON value"}


def _number_text(value: Any) -> str:
    """The box text for a current value (``4``, ``0.5``; anything else as given)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return safe_repr(value)
    return as_text(value)


def _number(field: _schema.Field, raw: str) -> Any:
    try:
        value = int(raw) if field.kind == "int" else float(raw)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):  # nan / inf are not JSON numbers
        raise AnswerError(f"{field.title}: {raw.strip()!r} is not {_WHAT[field.kind]}")
    return value


def parse_json(text: str) -> Any:
    """Parse the JSON editor's text (``AnswerError`` with line and column when it is not JSON)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswerError(f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
