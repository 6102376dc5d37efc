"""The panel body for LangChain's ``HumanInTheLoopMiddleware``: one card per tool call, one Submit for all.

Each card shows the tool's name, description and arguments and offers exactly the decisions its review config (batched)
or its ``response_schema`` (per call) allows. Cards start undecided; Submit is enabled once every card has a
decision and sends the answer in the shape the middleware reads (see :mod:`._hitl`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ._form import FULL, PRE, AnswerError, Form, escape
from ._hitl import Action, Review, args_text, decide, edit_fields
from ._terminal import WRAP_CSS

__all__ = ["ActionCard", "HitlBody"]

_LABELS = {"approve": "Approve", "edit": "Edit", "reject": "Reject", "respond": "Respond"}
_NOTE_HINT = {"reject": "message (optional)", "respond": "reply to the model in place of the tool (required)"}


class ActionCard:
    """One tool call: what it is, the decision toggle, the typed argument form (edit) and the message (reject /
    respond)."""

    def __init__(self, action: Action) -> None:
        self.action = action
        # LangChain's description has line breaks ("...approval\n\nTool: ...\nArgs: ..."): keep them.
        about = f"<div style='{WRAP_CSS}'>{escape(action.description)}</div>" if action.description else ""
        args = f"<pre style='{PRE}'>{escape(args_text(action.args))}</pre>"
        notes = "".join(f"<div style='color:#b45309'>⚠ {escape(note)}</div>" for note in action.notes)
        head = w.HTML(f"🔧 <b>{escape(action.name)}</b>{notes}{about}{args}", layout=FULL)
        # No decision is preselected: a tool call runs only when someone chose to let it.
        self.choice = w.ToggleButtons(options=[(_LABELS.get(d, d.capitalize()), d) for d in action.allowed],
                                      value=None)
        self.form = Form(edit_fields(action), action.args)
        self.form.box.layout.display = "none"
        self.note = w.Text(layout=w.Layout(width="100%", display="none"))
        self.choice.observe(self._on_choice, names=["value"])
        self.box = w.VBox([head, self.choice, self.form.box, self.note],
                          layout=w.Layout(border_left="3px solid #e4e4e7", padding="0 0 0 6px"))
        self.box.add_class("hitl-action")

    @property
    def decided(self) -> bool:
        return self.choice.value is not None

    def _on_choice(self, change: dict[str, Any]) -> None:
        kind = change["new"]
        # The chosen toggle is coloured as its answer will be (approve green, reject red, edit/respond blue): the
        # toggles' own "pressed" grey was too faint to tell which decision Submit will send.
        for known in _LABELS:
            self.choice.remove_class(f"hitl-pick-{known}")
        if kind in _LABELS:
            self.choice.add_class(f"hitl-pick-{kind}")
        self.form.box.layout.display = "" if kind == "edit" else "none"
        self.note.layout.display = "" if kind in _NOTE_HINT else "none"
        self.note.placeholder = _NOTE_HINT.get(kind, "")

    def read(self) -> dict[str, Any]:
        """The decision dict for this tool call (``AnswerError`` when undecided or when it does not fit)."""
        kind = self.choice.value
        if kind is None:
            raise AnswerError(f"{self.action.name}: choose {' / '.join(self.action.allowed)} first")
        try:
            if kind == "edit":
                shown = {f.name for f in self.form.fields}
                args = {k: v for k, v in self.action.args.items() if k not in shown}
                args.update(self.form.read())
                return decide(self.action, "edit", args=args)
            return decide(self.action, kind, message=self.note.value)
        except AnswerError:
            raise
        except ValueError as exc:
            raise AnswerError(str(exc)) from None


class HitlBody:
    """The cards of a HITL interrupt and the Submit button that sends every decision at once.

    ``make_button(label, compute)`` builds the panel's answering button (it locks the panel, calls ``compute`` for
    the value, and reopens with an inline error when that raises).
    """

    def __init__(self, review: Review, make_button: Callable[[str, Callable[[], Any]], w.Button]) -> None:
        self.review = review
        self.cards = [ActionCard(action) for action in review.actions]
        n = len(self.cards)
        self.submit = make_button("Submit decision" if n == 1 else f"Submit {n} decisions", self.answer)
        self.submit.tooltip = "Choose a decision for every tool call first"
        for card in self.cards:
            card.choice.observe(lambda _: self._sync(), names=["value"])
        self._sync()
        self.box = w.VBox([c.box for c in self.cards] + [self.submit])

    def _sync(self) -> None:
        ready = all(card.decided for card in self.cards)
        self.submit.disabled = not ready
        self.submit.tooltip = "" if ready else "Choose a decision for every tool call first"

    def answer(self) -> Any:
        """The resume value: ``{"decisions": [...]}`` (batched) or the single decision (per call), checked."""
        decisions = [card.read() for card in self.cards]
        try:
            return self.review.answer(decisions)
        except ValueError as exc:
            raise AnswerError(str(exc)) from None
