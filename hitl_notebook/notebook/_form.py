"""Typed answer forms: one input per schema field, read back into the typed values (widgets only, no run logic)."""

from __future__ import annotations

import json
from html import escape as _escape
from typing import Any

import ipywidgets as w

from . import _schema

__all__ = ["AnswerError", "Form", "escape", "parse_json"]

PRE = "margin:2px 0;padding:4px 6px;background:#f8f8fa;border-radius:4px;white-space:pre-wrap;font-size:12px"
FULL = w.Layout(width="100%")


class AnswerError(ValueError):
    """The answer typed into a panel does not fit; shown inline, the interrupt stays pending."""


def escape(text: str) -> str:
    """HTML-escape element text (quotes stay readable)."""
    return _escape(text, quote=False)


class Form:
    """Typed inputs for schema fields (bool → Checkbox, int/number → IntText/FloatText, string → Text/Textarea,
    enum → Dropdown, anything else → JSON textarea)."""

    def __init__(self, fields: list[_schema.Field], values: dict[str, Any] | None = None) -> None:
        self.fields = fields
        self.inputs: dict[str, w.Widget] = {}
        rows = []
        for field in fields:
            current = (values or {}).get(field.name, field.default)
            widget = self.inputs[field.name] = _input(field, current, (values or {}).get(field.name) is not None)
            title = field.title + ("" if field.required else " (optional)")
            label = w.HTML(f"<span title='{_escape(field.description or '')}'>{escape(title)}</span>",
                           layout=w.Layout(width="160px"))
            rows.append(w.HBox([label, widget]))
        self.box = w.VBox(rows)

    def read(self) -> dict[str, Any]:
        """The typed values; optional fields left empty are omitted."""
        out: dict[str, Any] = {}
        for field in self.fields:
            raw = self.inputs[field.name].value
            if field.kind in ("int", "number", "json") and isinstance(raw, str):
                if not raw.strip():
                    if field.required:
                        raise AnswerError(f"{field.title}: required")
                    continue
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
        options = [(str(o), o) for o in field.options]
        return w.Dropdown(options=options, value=current if current in field.options else field.options[0])
    if field.kind == "int" and (filled or field.required):
        return w.IntText(value=int(current) if filled else 0)
    if field.kind == "number" and (filled or field.required):
        return w.FloatText(value=float(current) if filled else 0.0)
    if field.kind == "json":
        return w.Textarea(value=json.dumps(current, default=repr) if filled else "", layout=FULL)
    text = "" if current is None else str(current)
    if field.kind == "text":
        return w.Textarea(value=text, layout=FULL)
    return w.Text(value=text, layout=FULL)


def _number(field: _schema.Field, raw: str) -> Any:
    try:
        return int(raw) if field.kind == "int" else float(raw)
    except ValueError:
        raise AnswerError(f"{field.title}: {raw!r} is not a {'whole ' if field.kind == 'int' else ''}number") from None


def parse_json(text: str) -> Any:
    """Parse the JSON editor's text (``AnswerError`` with line and column when it is not JSON)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswerError(f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
