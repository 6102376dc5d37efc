"""Interrupt panels: the widgets that ask the human and hand the answer to the run.

A panel locks the moment it is used (every control disabled before the answer is sent, and a flag under a lock,
so a double click answers once), shows who decided what, and reopens with an inline error when the answer does
not fit (invalid JSON, a schema violation, or the graph's own validation).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from ..types import Interrupt
from . import _schema
from ._callbacks import guard_callbacks
from ._errors import RunStateError
from ._form import FULL as _FULL
from ._form import PRE as _PRE
from ._form import AnswerError, Form, escape, parse_json
from ._hitl_panel import HitlBody
from ._payloads import classify, find_renderer, hitl_review, option_items, question_of
from ._record import Entry
from ._schema import text_answer
from ._text import safe_repr, to_json
from ._timeline import payload_html
from ._traceback import trace_html

__all__ = ["AnswerError", "Panel", "PanelContext", "walk"]


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
                 report: Callable[[str, BaseException], None] | None = None,
                 tool_schemas: Callable[[], Mapping[str, dict[str, Any]]] | None = None) -> None:
        assert entry.interrupt is not None
        self.tool_schemas = tool_schemas  # the graph's tools' argument schemas, asked for by tool-call reviews
        self.entry = entry
        self.report = report
        self.interrupt = entry.interrupt
        self.approve_value, self.reject_value = approve_value, reject_value
        self._answer = answer
        self._guard = threading.Lock()
        self.locked = False
        self._building = True  # a renderer's submit() during its build waits for ready() (one panel, see ready)
        self._early: tuple[Any] | None = None
        self.message = w.HTML("")
        try:
            self.kind = classify(self.interrupt)
            body = self._body()
        except Exception as exc:  # a payload or schema this panel cannot read: still offer an answer, and say why
            self.kind = "approve"
            body = self._approve()
            self.message.value = (f"<div style='color:#b45309'>⚠ The answer form for this question could not be "
                                  f"built ({escape(type(exc).__name__)}: {escape(exc)}). Answer with Approve / "
                                  f"Reject, or send a value with Edit as JSON.</div>")
        super().__init__([self._header(), body, self.message],
                         layout=w.Layout(border="1px solid #fdba74", padding="4px 8px", margin="4px 0"))
        self.add_class("hitl-panel")
        if not resumable:
            self.locked = True
            self._set_disabled(True)
            self.message.value = f"<div style='color:#b45309'>⚠ {escape(blocked_reason)}</div>"
        self._building = False

    def ready(self) -> None:
        """Called once the panel is shown in its view: send the answer a renderer gave while it was being built.

        Sending it from inside the build would announce the decision before the view knows this panel, and the
        view would build a second panel for the same interrupt (stuck on "sending…")."""
        early, self._early = self._early, None
        if early is not None:
            self.answer_with(lambda: early[0])

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
        except RunStateError as exc:  # the run cannot take it (answered elsewhere first, finished): stay locked
            self.refuse(f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            text = str(exc) if isinstance(exc, AnswerError) else f"{type(exc).__name__}: {exc}"
            self.reopen(text)

    def reopen(self, error: str, trace: Any = None) -> None:
        """Unlock with an inline error (and a node's folded traceback, ``trace``); the interrupt is still pending.
        Earlier answers to it that were not applied stay shown above."""
        with self._guard:
            self.locked = False
        self.message.value = (f"{_earlier_html(self.entry)}<pre style='{_PRE};color:#dc2626'>✖ {escape(error)}</pre>"
                              f"{trace_html(trace, '', _PRE) if trace is not None else ''}")
        self._set_disabled(False)

    def refuse(self, error: str) -> None:
        """Stay locked with ``error``: this panel's answer was not sent and cannot be (e.g. ``handle.resume()``
        answered the interrupt first); the decision that was taken, if any, stays shown above the error."""
        with self._guard:
            self.locked = True
        self._set_disabled(True)
        decision = self.entry.decision
        caption = "" if decision is None else f"<div style='font-weight:bold'>{escape(decision.caption())}</div>"
        self.message.value = f"{caption}<pre style='{_PRE};color:#dc2626'>✖ {escape(error)}</pre>"

    def show(self, entry: Entry) -> None:
        """Reflect the entry: a decision locks the panel and shows its caption; an error reopens it."""
        if entry.decision is not None:
            with self._guard:
                self.locked = True
            self._set_disabled(True)
            caption = entry.decision.caption(waiting_for_others=entry.waiting_for_others)
            color, error = ("#dc2626", f"<br>{escape(entry.error or '')}") if entry.decision.applied is False \
                else ("#15803d", "")
            self.message.value = (f"{_earlier_html(entry)}<div style='color:{color};font-weight:bold'>"
                                  f"{escape(caption)}{error}</div>")
        elif entry.error:
            self.reopen(entry.error, entry.trace)

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
        if self.kind == "hitl":
            question = "review the tool call" if _calls(self.interrupt) == 1 else "review the tool calls"
        head = f"⏸ <b>{escape(self.entry.node or 'graph')}</b> asks" + (f": {escape(question)}" if question else "")
        # The payload's other fields as ``key: value`` lines (the question is the heading, options are buttons).
        detail = "" if self.kind in ("text", "hitl") else payload_html(value, {})
        return w.HTML(f"<div style='font-size:14px'>{head}</div>{detail}", layout=_FULL)

    def _body(self) -> w.Widget:
        if self.kind == "custom":
            try:
                return self._custom()
            except Exception as exc:
                self.kind = classify(self.interrupt, widgets=False)
                failed = escape(safe_repr(exc))
                self.message.value = f"<pre style='{_PRE};color:#dc2626'>renderer failed: {failed}</pre>"
        build = {"schema": self._schema_form, "hitl": self._hitl, "options": self._options,
                 "text": self._text}.get(self.kind, self._approve)
        return build()

    def _custom(self) -> w.Widget:
        builder = find_renderer(self.interrupt)
        assert builder is not None
        ctx = PanelContext(self.interrupt, self.entry.node, self.approve_value, self.reject_value,
                           submit=self._submit)
        widget = builder(ctx)
        if not isinstance(widget, w.Widget):
            raise TypeError(f"renderer returned {type(widget).__name__}, not an ipywidgets widget")
        guard_callbacks(walk(widget), self._callback_failed)
        return widget

    def _submit(self, value: Any) -> None:
        """``ctx.submit`` of a renderer."""
        if self._building:
            self._early = (value,)
            return
        self.answer_with(lambda: value)

    def _callback_failed(self, exc: BaseException) -> None:
        """An error in a renderer's own callback: shown in this panel, with the traceback in the run's log."""
        self.message.value = (f"<pre style='{_PRE};color:#dc2626'>✖ error in the renderer's callback: "
                              f"{escape(f'{type(exc).__name__}: {exc}')}</pre>")
        if self.report is not None:
            self.report(f"renderer callback in panel {self.entry.node or ''}", exc)

    def _approve(self) -> w.Widget:
        approve = _button("Approve", "success", "check", lambda: self.approve_value, self)
        reject = _button("Reject", "danger", "times", lambda: self.reject_value, self)
        editor = w.Textarea(value=to_json(self.approve_value), layout=w.Layout(width="100%",
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
        schema = self.interrupt.response_schema
        return w.VBox([area, _button("Submit", "primary", "paper-plane", lambda: text_answer(area.value, schema),
                                     self)])

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
        review = hitl_review(self.interrupt)
        assert review is not None
        if self.tool_schemas is not None:  # type the edit forms from the tools' own schemas where the payload has none
            from ._chat_review import with_schemas

            review = with_schemas(review, self.tool_schemas())
        body = HitlBody(review, lambda label, compute: _button(label, "primary", "paper-plane", compute, self))
        self.hitl = body
        return body.box


def _calls(interrupt: Interrupt) -> int:
    review = hitl_review(interrupt)
    return len(review.actions) if review is not None else 0


def _button(label: str, style: str, icon: str, compute: Callable[[], Any], panel: Panel) -> w.Button:
    button = w.Button(description=label, button_style=style, icon=icon)
    if len(label) > 14:  # wider than ipywidgets' fixed button width: grow instead of cutting the label off
        button.layout.width = "auto"

    def press() -> None:
        if panel.locked:
            return
        button.add_class("hitl-chosen")  # the answer given stays marked on its button
        panel.answer_with(compute)
        if not panel.locked:  # refused (e.g. invalid JSON): nothing was chosen
            button.remove_class("hitl-chosen")

    button.on_click(panel.guarded(press))
    return button


def _earlier_html(entry: Entry) -> str:
    """The answers given to this interrupt before, not applied (the node raised on them), one line each."""
    return "".join(f"<div style='color:#dc2626'>{escape(d.caption())}</div>" for d in entry.earlier)
