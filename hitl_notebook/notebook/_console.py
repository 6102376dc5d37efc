"""Outside a widget frontend: print the run as it happens, and ask the human on the terminal.

:class:`ConsolePrinter` writes the run's log to the real stdout (node prints, tokens, updates, decisions).
:class:`ConsolePolicy` answers interrupts with ``input()`` prompts chosen by the same payload rules as the panels.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ..types import Interrupt
from . import _capture, _schema
from ._hitl import Action, Review, args_text, decide, edit_fields, hitl_review
from ._journal import RunObserver
from ._payloads import classify, option_items, pretty, question_of
from ._policy import AnswerContext, Policy, PolicyError
from ._record import Entry
from ._schema import text_answer
from ._text import as_text, safe_repr, shorten

__all__ = ["ConsolePolicy", "ConsolePrinter"]

_MAX_TRIES = 5
_SKIP: Any = object()


class ConsolePrinter(RunObserver):
    """Writes the run's log to stdout as it happens (``stream`` defaults to the real stdout at write time)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._fresh_line = True

    def _write(self, text: str) -> None:
        out = self._stream or _capture.original("stdout")
        out.write(text)
        out.flush()
        if text:
            self._fresh_line = text.endswith("\n")

    def _line(self, text: str) -> None:
        self._write(("" if self._fresh_line else "\n") + text + "\n")

    def on_stream(self, items: list[tuple[Entry, str]]) -> None:
        for _, text in items:
            self._write(text)

    def on_display(self, entry: Entry, output: dict[str, Any], update: bool) -> None:
        self._line(str((output.get("data") or {}).get("text/plain", "")))  # a terminal shows the plain form

    def on_entry(self, entry: Entry) -> None:
        if entry.kind == "interrupt":
            self._line(f"⏸ {entry.node or 'graph'} is waiting for a human:\n{_indent(pretty(_value(entry)))}")
        elif entry.kind in ("info", "breakpoint") and entry.text:
            self._line(entry.text.rstrip("\n"))
        elif entry.kind == "error":
            where = "" if entry.node == "run" else f" in {entry.node}"
            self._line(f"✖ error{where}: {entry.error}" + (f"\n{entry.text}" if entry.text else ""))
        elif entry.kind == "result":
            self._line(f"■ done: {_short(entry.update)}")
        elif entry.kind == "node" and entry.cached:
            self._line(f"▸ {entry.node} (cached): {_short(entry.update)}")

    def on_change(self, entry: Entry) -> None:
        if entry.kind == "node" and entry.status == "done" and entry.has_update:
            self._line(f"▸ {entry.node}: {_short(entry.update)}")
        elif entry.kind == "node" and entry.status == "error" and entry.error:  # not the error cleared (Journal.error)
            self._line(f"✖ {entry.node} failed: {entry.error}")
        elif entry.kind in ("interrupt", "breakpoint") and entry.decision is not None:
            if entry.decision.applied is not True:  # shown when given, and again only if it was not applied
                self._line(entry.decision.caption(waiting_for_others=entry.waiting_for_others))
            if entry.decision.applied is False and entry.error:
                self._line(f"  {entry.error}")
        elif entry.kind == "interrupt" and entry.error:
            trace = entry.trace.text() if entry.trace is not None else ""  # a node raised on the answer
            failed = f"{entry.earlier[-1].caption()}\n" if trace and entry.earlier else ""
            self._line(f"{failed}✖ {entry.error}" + (f"\n{trace}" if trace else ""))


class ConsolePolicy(Policy):
    """Ask on the terminal with ``input()``; EOF or a frontend without stdin raises :class:`PolicyError`."""

    name = "console"
    asks_a_human = True

    def __init__(self, input_fn: Callable[[str], str] | None = None, stream: TextIO | None = None) -> None:
        self._input = input_fn
        self._stream = stream

    # -- plumbing ----------------------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        out = self._stream or _capture.original("stdout")
        out.write(text + "\n")
        out.flush()

    def _ask(self, prompt: str) -> str:
        try:
            reply = (self._input or builtins.input)(prompt)
        except (EOFError, NotImplementedError) as exc:  # closed stdin / StdinNotImplementedError (nbclient)
            raise PolicyError(f"no answer from the console ({type(exc).__name__}); use run(..., policy=...) "
                              "or $HITL_NOTEBOOK_POLICY to answer without a human") from None
        return reply.strip()

    def _retry(self, ask: Callable[[], Any]) -> Any:
        for _ in range(_MAX_TRIES):
            try:
                return ask()
            except ValueError as exc:
                self._say(f"  ✖ {exc}")
        raise PolicyError(f"no valid answer after {_MAX_TRIES} tries")

    # -- answering ---------------------------------------------------------------------------------------------

    def continue_breakpoint(self, nodes: Sequence[str]) -> bool:
        return self._ask(f"Continue past the breakpoint before {', '.join(nodes)}? [Y/n] ").lower() not in ("n", "no")

    def answer(self, interrupt: Interrupt, ctx: AnswerContext) -> Any:
        kind = classify(interrupt, widgets=False)
        if kind == "schema":
            return self._retry(lambda: self._form(interrupt.response_schema or {}))
        review = hitl_review(interrupt) if kind == "hitl" else None
        if review is not None:
            return self._retry(lambda: self._review(review))
        if kind == "options":
            return self._retry(lambda: self._option(option_items(interrupt.value)))
        if kind == "text":
            schema = interrupt.response_schema
            return self._retry(lambda: text_answer(self._ask(f"{question_of(interrupt.value)}\n> "), schema))
        return self._retry(lambda: self._verdict(ctx))

    def _verdict(self, ctx: AnswerContext) -> Any:
        reply = self._ask("[a]pprove / [r]eject / or type a JSON value: ")
        if reply.lower() in ("a", "approve", "y", "yes"):
            return ctx.approve_value
        if reply.lower() in ("r", "reject", "n", "no"):
            return ctx.reject_value
        return _json(reply)

    def _option(self, items: list[tuple[str, Any]]) -> Any:
        for i, (label, _) in enumerate(items, 1):
            self._say(f"  {i}. {label}")
        reply = self._ask(f"Choose 1-{len(items)}: ")
        for label, value in items:
            if reply == label:
                return value
        if reply.isdigit() and 1 <= int(reply) <= len(items):
            return items[int(reply) - 1][1]
        raise ValueError(f"{reply!r} is not one of the options")

    def _form(self, schema: dict[str, Any]) -> Any:
        fields = _schema.fields_of(schema)
        value: dict[str, Any] = {}
        for field in fields:
            hint = f" [{safe_repr(field.default)}]" if field.has_default else ""
            choices = f" {list(field.options)}" if field.options else ""
            prompt = f"{field.title} ({field.kind}){choices}{hint}: "
            item = self._retry(lambda f=field, p=prompt: self._field(f, p))
            if item is not _SKIP:
                value[field.name] = item
        answer = value if _schema.is_object_schema(schema) else value.get("value")
        errors = _schema.check(schema, answer)
        if errors:
            raise ValueError("; ".join(errors))
        return answer

    def _field(self, field: _schema.Field, prompt: str) -> Any:
        reply = self._ask(prompt)
        if reply == "" and (field.has_default or not field.required):
            return field.default if field.has_default else _SKIP
        return parse_field(field.kind, reply, field.options)

    def _edit_arg(self, field: _schema.Field, prompt: str) -> Any:
        reply = self._ask(prompt)
        return _SKIP if reply == "" else parse_field(field.kind, reply, field.options)

    def _review(self, review: Review) -> Any:
        """One decision per tool call, asked in order; the answer is checked as a whole before it is sent."""
        return review.answer([self._retry(lambda a=a: self._action(a)) for a in review.actions])

    def _action(self, action: Action) -> dict[str, Any]:
        about = f"\n{_indent(_indent(action.description))}" if action.description else ""
        self._say(f"  tool call {action.name}{about}")
        self._say(_indent(_indent(f"args: {args_text(action.args)}")))
        reply = self._ask(f"  decision ({' / '.join(action.allowed)}): ").lower()
        kind = _pick(reply, action.allowed)
        if kind == "edit":
            args = dict(action.args)
            for field in edit_fields(action):
                prompt = f"    {field.name} [{safe_repr(args.get(field.name, field.default))}]: "
                new = self._retry(lambda f=field, p=prompt: self._edit_arg(f, p))
                if new is not _SKIP:
                    args[field.name] = new
            return decide(action, "edit", args=args)
        if kind in ("reject", "respond"):
            need = "optional" if kind == "reject" else "required, sent to the model as the tool's answer"
            return decide(action, kind, message=self._ask(f"    message ({need}): "))
        return decide(action, kind)


def _pick(reply: str, allowed: Sequence[str]) -> str:
    """The allowed decision named by ``reply`` (the whole word or its first letters); no default, so an empty reply
    never approves a tool call."""
    matches = [d for d in allowed if reply and d.startswith(reply)]
    if len(matches) != 1:
        raise ValueError(f"{reply!r} is not one of the allowed decisions ({', '.join(allowed)})")
    return matches[0]


def parse_field(kind: str, text: str, options: tuple[Any, ...]) -> Any:
    """Turn typed text into the field's value (``ValueError`` with a readable message when it does not fit)."""
    if kind == "bool":
        lowered = text.lower()
        if lowered in ("y", "yes", "true", "1"):
            return True
        if lowered in ("n", "no", "false", "0"):
            return False
        raise ValueError(f"{text!r} is not yes/no")
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if kind == "enum":
        for option in options:
            if text == as_text(option):
                return option
        raise ValueError(f"{text!r} is not one of {list(options)}")
    if kind == "json":
        return _json(text)
    return text


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None


def _value(entry: Entry) -> Any:
    return entry.interrupt.value if entry.interrupt is not None else None


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _short(value: Any, limit: int = 300) -> str:
    return shorten(safe_repr(value), limit)
