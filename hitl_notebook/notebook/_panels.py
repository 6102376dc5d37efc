"""Interrupt panels: the widgets that ask the human and hand the answer to the run.

A panel locks the moment it is used (every control disabled before the answer is sent, and a flag under a lock,
so a double click answers once), shows who decided what, and reopens with an inline error when the answer does
not fit (invalid JSON, a schema violation, or the graph's own validation).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape as _escape
from typing import Any

import ipywidgets as w

from ..types import Interrupt
from . import _schema
from ._payloads import Action, classify, find_renderer, hitl_actions, option_items, pretty, question_of
from ._record import Entry

__all__ = ["AnswerError", "Panel", "PanelContext", "walk"]


def escape(text: str) -> str:
    """HTML-escape element text (quotes stay readable)."""
    return _escape(text, quote=False)

_PRE = "margin:2px 0;padding:4px 6px;background:#f8f8fa;border-radius:4px;white-space:pre-wrap;font-size:12px"
_FULL = w.Layout(width="100%")


class AnswerError(ValueError):
    """The answer typed into a panel does not fit; shown inline, the interrupt stays pending."""


@dataclass
class PanelContext:
    """What a registered renderer gets: the interrupt, its node, the run's values, and ``submit(value)``."""

    interrupt: Interrupt
    node: str | None
    approve_value: Any
    reject_value: Any
    submit: Callable[[Any], None]


def walk(widget: Any) -> Iterator[Any]:
    """The widget and all its descendants (through ``children``)."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


class Panel(w.VBox):
    """One pending interrupt: question, answer controls and a status line."""

    def __init__(self, entry: Entry, *, answer: Callable[[str, Any], Any], approve_value: Any = "approve",
                 reject_value: Any = "reject", resumable: bool = True, blocked_reason: str = "",
                 report: Callable[[str, BaseException], None] | None = None) -> None:
        assert entry.interrupt is not None
        self.entry = entry
        self.report = report
        self.interrupt = entry.interrupt
        self.kind = classify(self.interrupt)
        self.approve_value, self.reject_value = approve_value, reject_value
        self._answer = answer
        self._guard = threading.Lock()
        self.locked = False
        self.message = w.HTML("")
        body = self._body()
        super().__init__([self._header(), body, self.message],
                         layout=w.Layout(border="1px solid #fdba74", padding="4px 8px", margin="4px 0"))
        self.add_class("hitl-panel")
        if not resumable:
            self.locked = True
            self._set_disabled(True)
            self.message.value = f"<div style='color:#b45309'>⚠ {escape(blocked_reason)}</div>"

    # -- state -------------------------------------------------------------------------------------------------

    @property
    def buttons(self) -> list[w.Button]:
        return [x for x in walk(self) if isinstance(x, w.Button)]

    def button(self, description: str) -> w.Button:
        """The button labelled ``description`` (tests and scripted clicks)."""
        for button in self.buttons:
            if button.description == description:
                return button
        raise KeyError(f"no button {description!r} in panel (have {[b.description for b in self.buttons]})")

    def guarded(self, fn: Callable[[], Any]) -> Callable[[Any], None]:
        """A click handler running ``fn``; an unexpected error is reported to the run's log (never swallowed)."""

        def handler(_: Any) -> None:
            try:
                fn()
            except Exception as exc:
                if self.report is None:
                    raise
                self.report(f"panel {self.entry.node or ''} click", exc)

        return handler

    def answer_with(self, compute: Callable[[], Any]) -> None:
        """Lock, compute the answer, hand it to the run; reopen with an inline error when that fails."""
        with self._guard:
            if self.locked:
                return
            self.locked = True
        self._set_disabled(True)
        self.message.value = "<span style='color:#71717a'>sending…</span>"
        try:
            value = compute()
            self._answer(self.interrupt.id, value)
        except Exception as exc:
            text = str(exc) if isinstance(exc, AnswerError) else f"{type(exc).__name__}: {exc}"
            self.reopen(text)

    def reopen(self, error: str) -> None:
        """Unlock with an inline error; the interrupt is still pending."""
        with self._guard:
            self.locked = False
        self.message.value = f"<pre style='{_PRE};color:#dc2626'>✖ {escape(error)}</pre>"
        self._set_disabled(False)

    def show(self, entry: Entry) -> None:
        """Reflect the entry: a decision locks the panel and shows its caption; an error reopens it."""
        if entry.decision is not None:
            with self._guard:
                self.locked = True
            self._set_disabled(True)
            caption = entry.decision.caption(waiting_for_others=entry.waiting_for_others)
            color, error = ("#dc2626", f"<br>{escape(entry.error or '')}") if entry.decision.applied is False \
                else ("#15803d", "")
            self.message.value = f"<div style='color:{color};font-weight:bold'>{escape(caption)}{error}</div>"
        elif entry.error:
            self.reopen(entry.error)

    def close_out(self, note: str) -> None:
        """Lock for good without a decision (the run ended while this question was open)."""
        with self._guard:
            if self.locked:
                return
            self.locked = True
        self._set_disabled(True)
        self.message.value = f"<div style='color:#71717a'>{escape(note)}</div>"

    def _set_disabled(self, flag: bool) -> None:
        for control in walk(self):
            if control is not self and control.has_trait("disabled"):
                control.disabled = flag

    # -- building ----------------------------------------------------------------------------------------------

    def _header(self) -> w.HTML:
        value = self.interrupt.value
        question = question_of(value)
        head = f"⏸ <b>{escape(self.entry.node or 'graph')}</b> asks" + (f": {escape(question)}" if question else "")
        shown = value
        if self.kind == "options" and isinstance(value, dict):
            shown = {k: v for k, v in value.items() if k != "options"}
        detail = ""
        if self.kind not in ("text", "hitl") and shown not in (None, {}, question):
            detail = f"<pre style='{_PRE}'>{escape(pretty(shown))}</pre>"
        return w.HTML(f"<div>{head}</div>{detail}", layout=_FULL)

    def _body(self) -> w.Widget:
        if self.kind == "custom":
            try:
                return self._custom()
            except Exception as exc:
                self.kind = classify(self.interrupt, widgets=False)
                self.message.value = f"<pre style='{_PRE};color:#dc2626'>renderer failed: {escape(repr(exc))}</pre>"
        build = {"schema": self._schema_form, "hitl": self._hitl, "options": self._options,
                 "text": self._text}.get(self.kind, self._approve)
        return build()

    def _custom(self) -> w.Widget:
        builder = find_renderer(self.interrupt)
        assert builder is not None
        ctx = PanelContext(self.interrupt, self.entry.node, self.approve_value, self.reject_value,
                           submit=lambda value: self.answer_with(lambda: value))
        widget = builder(ctx)
        if not isinstance(widget, w.Widget):
            raise TypeError(f"renderer returned {type(widget).__name__}, not an ipywidgets widget")
        return widget

    def _approve(self) -> w.Widget:
        approve = _button("Approve", "success", "check", lambda: self.approve_value, self)
        reject = _button("Reject", "danger", "times", lambda: self.reject_value, self)
        editor = w.Textarea(value=json.dumps(self.approve_value, default=repr), layout=w.Layout(width="100%",
                            display="none"), placeholder="any JSON value")
        send = _button("Send JSON", "", "paper-plane", lambda: parse_json(editor.value), self)
        send.layout.display = "none"
        toggle = w.Button(description="Edit as JSON", icon="pencil")

        def flip(_: Any) -> None:
            shown = editor.layout.display == "none"
            editor.layout.display = send.layout.display = "" if shown else "none"

        toggle.on_click(self.guarded(lambda: flip(None)))
        return w.VBox([w.HBox([approve, reject, toggle]), editor, send])

    def _text(self) -> w.Widget:
        area = w.Textarea(placeholder="Your answer", layout=_FULL)
        return w.VBox([area, _button("Submit", "primary", "paper-plane", lambda: area.value, self)])

    def _options(self) -> w.Widget:
        items = option_items(self.interrupt.value)
        return w.HBox([_button(label, "", "", lambda v=value: v, self) for label, value in items],
                      layout=w.Layout(flex_flow="row wrap"))

    def _schema_form(self) -> w.Widget:
        schema = self.interrupt.response_schema or {}
        form = Form(_schema.fields_of(schema))

        def collect() -> Any:
            values = form.read()
            answer = values if _schema.is_object_schema(schema) else values.get("value")
            errors = _schema.check(schema, answer)
            if errors:
                raise AnswerError("\n".join(errors))
            return answer

        return w.VBox([form.box, _button("Submit", "primary", "paper-plane", collect, self)])

    def _hitl(self) -> w.Widget:
        reviews = [ActionReview(action) for action in hitl_actions(self.interrupt.value)]
        label = "Submit decision" if len(reviews) == 1 else f"Submit {len(reviews)} decisions"
        submit = _button(label, "primary", "paper-plane", lambda: {"decisions": [r.read() for r in reviews]}, self)
        return w.VBox([r.box for r in reviews] + [submit])


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


class ActionReview:
    """One tool call of a HITL request: its arguments, the decision toggle, edit and reject inputs."""

    def __init__(self, action: Action) -> None:
        self.action = action
        args = json.dumps(action.args, indent=2, ensure_ascii=False, default=repr)
        about = f"<div>{escape(action.description)}</div>" if action.description else ""
        head = w.HTML(f"🔧 <b>{escape(action.name)}</b>{about}<pre style='{_PRE}'>{escape(args)}</pre>", layout=_FULL)
        labels = {"approve": "Approve", "edit": "Edit", "reject": "Reject", "respond": "Respond"}
        self.choice = w.ToggleButtons(options=[(labels.get(d, d.capitalize()), d) for d in action.allowed],
                                      value=action.allowed[0])
        fields = (_schema.fields_of(action.args_schema) if action.args_schema else
                  [_schema.Field(k, k, _schema.kind_of_value(v), default=v, has_default=True)
                   for k, v in action.args.items()])
        self.form = Form(fields, action.args)
        self.form.box.layout.display = "none"
        self.note = w.Text(placeholder="message (optional)", layout=w.Layout(width="100%", display="none"))
        self.choice.observe(self._on_choice, names=["value"])
        self.box = w.VBox([head, self.choice, self.form.box, self.note],
                          layout=w.Layout(border_left="3px solid #e4e4e7", padding="0 0 0 6px"))
        self.box.add_class("hitl-action")

    def _on_choice(self, change: dict[str, Any]) -> None:
        self.form.box.layout.display = "" if change["new"] == "edit" else "none"
        self.note.layout.display = "" if change["new"] in ("reject", "respond") else "none"

    def read(self) -> dict[str, Any]:
        kind = self.choice.value
        if kind == "edit":
            args = {**self.action.args, **self.form.read()}
            if self.action.args_schema:
                errors = _schema.check(self.action.args_schema, args)
                if errors:
                    raise AnswerError(f"{self.action.name}: " + "; ".join(errors))
            return {"type": "edit", "edited_action": {"name": self.action.name, "args": args}}
        if kind in ("reject", "respond"):
            return {"type": kind, **({"message": self.note.value} if self.note.value.strip() else {})}
        return {"type": kind}


def _button(label: str, style: str, icon: str, compute: Callable[[], Any], panel: Panel) -> w.Button:
    button = w.Button(description=label, button_style=style, icon=icon)
    if len(label) > 14:  # wider than ipywidgets' fixed button width: grow instead of cutting the label off
        button.layout.width = "auto"
    button.on_click(panel.guarded(lambda: panel.answer_with(compute)))
    return button


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
        return w.Textarea(value=json.dumps(current, default=repr) if filled else "", layout=_FULL)
    text = "" if current is None else str(current)
    if field.kind == "text":
        return w.Textarea(value=text, layout=_FULL)
    return w.Text(value=text, layout=_FULL)


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
