"""Approval policies: who answers interrupts when no human clicks (scripts, CI, papermill/nbclient runs).

Select one with ``run(..., policy=...)`` or the ``HITL_NOTEBOOK_POLICY`` environment variable
(``approve``, ``reject``, ``console`` or ``script:<json list>``).
"""

from __future__ import annotations

import json
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..types import Interrupt
from . import _schema
from ._hitl import Action, decide, hitl_review
from ._payloads import classify, option_items

__all__ = [
    "POLICY_ENV",
    "AnswerContext",
    "Policy",
    "PolicyError",
    "as_policy",
    "auto_approve",
    "auto_reject",
    "from_callable",
    "policy_from_env",
    "scripted",
]

POLICY_ENV = "HITL_NOTEBOOK_POLICY"
HEADLESS_HINT = (
    "Waiting for a human. When this notebook runs headless (nbclient, papermill, CI) nobody can click: pass "
    "run(..., policy='approve' | 'reject' | [scripted answers] | callable), or set "
    f"{POLICY_ENV}=approve|reject|script:<json list> before the run starts."
)


class PolicyError(RuntimeError):
    """A policy could not answer an interrupt (script exhausted, no acceptable value); the run stays paused."""


@dataclass(frozen=True)
class AnswerContext:
    """What a policy knows besides the interrupt: the node that asked and the run's approve/reject values."""

    node: str | None = None
    approve_value: Any = "approve"
    reject_value: Any = "reject"


class Policy(ABC):
    """Answers interrupts without a human; ``name`` appears in the decision caption ("approved by policy …")."""

    name: str = "policy"
    asks_a_human: bool = False
    """True when the answers come from a person (the console's prompts): after an answer that could not be
    applied, the run asks this policy again; any other policy hands the interrupt over to a human instead."""

    @abstractmethod
    def answer(self, interrupt: Interrupt, ctx: AnswerContext) -> Any:
        """The resume value for ``interrupt`` (raise :class:`PolicyError` when there is none)."""

    def continue_breakpoint(self, nodes: Sequence[str]) -> bool:
        """Whether to go on past a static breakpoint (``interrupt_before``/``interrupt_after``)."""
        return True

    def __repr__(self) -> str:
        return f"<policy {self.name}>"


class _Verdict(Policy):
    """Approve (or reject) everything, in the form each payload expects."""

    def __init__(self, approve: bool) -> None:
        self.approve = approve
        self.name = "approve" if approve else "reject"

    def continue_breakpoint(self, nodes: Sequence[str]) -> bool:
        return self.approve

    def answer(self, interrupt: Interrupt, ctx: AnswerContext) -> Any:
        plain = ctx.approve_value if self.approve else ctx.reject_value
        kind = classify(interrupt, widgets=False)
        review = hitl_review(interrupt) if kind == "hitl" else None
        if review is not None:
            return review.answer([self._decision(a) for a in review.actions])
        if kind == "options":
            items = option_items(interrupt.value)
            values = [v for _, v in items]
            if plain in values:
                return plain
            return values[0] if self.approve else values[-1]
        if kind == "schema":
            return self._schema_answer(interrupt.response_schema or {}, plain)
        return plain

    def _decision(self, action: Action) -> dict[str, Any]:
        """``approve``, or ``reject`` with a message, for one tool call of LangChain's HITL middleware."""
        if self.name not in action.allowed:
            raise PolicyError(f"policy {self.name!r}: the tool call {action.name} does not allow {self.name!r} "
                              f"(allowed: {', '.join(action.allowed)}); use policy=scripted([...]) or a callable")
        return decide(action, self.name, message=None if self.approve else "Rejected by policy.")

    def _schema_answer(self, schema: dict[str, Any], plain: Any) -> Any:
        if not _schema.check(schema, plain):
            return plain
        if _schema.is_object_schema(schema):
            value = {}
            for field in _schema.fields_of(schema):
                if field.kind == "bool":
                    value[field.name] = self.approve
                elif field.has_default:
                    value[field.name] = field.default
                elif field.nullable:
                    value[field.name] = None
            if not _schema.check(schema, value):
                return value
        raise PolicyError(f"policy {self.name!r} cannot fill the answer form {schema.get('title', '')!r}; "
                          "use policy=scripted([...]) or a callable")


class _Scripted(Policy):
    """Answers from a script: a list used in order, or a dict keyed by node name (or interrupt id)."""

    name = "script"

    def __init__(self, answers: Sequence[Any] | Mapping[str, Any]) -> None:
        self.by_key = dict(answers) if isinstance(answers, Mapping) else None
        self.queue = list(answers) if not isinstance(answers, Mapping) else []
        self.used = 0

    def answer(self, interrupt: Interrupt, ctx: AnswerContext) -> Any:
        if self.by_key is not None:
            for key in (interrupt.id, ctx.node):
                if key in self.by_key:
                    return self.by_key[key]
            raise PolicyError(f"scripted policy has no answer for node {ctx.node!r} (keys: {list(self.by_key)})")
        if self.used >= len(self.queue):
            raise PolicyError(f"scripted policy ran out of answers after {self.used} "
                              f"(node {ctx.node!r} asked: {interrupt.value!r})")
        self.used += 1
        return self.queue[self.used - 1]


class _Callable(Policy):
    """Asks a function ``fn(interrupt) -> value``."""

    def __init__(self, fn: Callable[[Interrupt], Any]) -> None:
        self.fn = fn
        self.name = getattr(fn, "__name__", "callable")

    def answer(self, interrupt: Interrupt, ctx: AnswerContext) -> Any:
        return self.fn(interrupt)


def auto_approve() -> Policy:
    """Approve every interrupt (Approve button value, ``approve`` decisions, the approve option, ...)."""
    return _Verdict(True)


def auto_reject() -> Policy:
    """Reject every interrupt."""
    return _Verdict(False)


def scripted(answers: Sequence[Any] | Mapping[str, Any]) -> Policy:
    """Answer from a list (consumed in order) or a dict keyed by node name or interrupt id."""
    return _Scripted(answers)


def from_callable(fn: Callable[[Interrupt], Any]) -> Policy:
    """Answer with ``fn(interrupt)``."""
    return _Callable(fn)


def as_policy(spec: Any) -> Policy | None:
    """Turn what ``run(policy=...)`` accepts into a :class:`Policy` (``None`` stays ``None``).

    Accepted: a Policy; ``"approve"``/``"reject"``/``"console"``/``"script:[...]"``; a list or dict (scripted);
    a callable ``(interrupt) -> value``.
    """
    if spec is None or isinstance(spec, Policy):
        return spec
    if isinstance(spec, str):
        return _from_string(spec, source="policy=")
    if isinstance(spec, (list, tuple, Mapping)):
        return scripted(spec)
    if callable(spec):
        return from_callable(spec)
    raise TypeError(f"policy={spec!r}: expected 'approve', 'reject', 'console', 'script:[...]', a list, a dict, "
                    "a callable or a Policy")


def policy_from_env(environ: Mapping[str, str] | None = None) -> Policy | None:
    """The policy named by ``HITL_NOTEBOOK_POLICY`` (unset or empty: ``None``)."""
    raw = (environ if environ is not None else os.environ).get(POLICY_ENV, "").strip()
    return _from_string(raw, source=f"${POLICY_ENV}") if raw else None


def _from_string(text: str, *, source: str) -> Policy:
    word = text.strip()
    lowered = word.lower()
    if lowered in ("approve", "auto-approve", "yes"):
        return auto_approve()
    if lowered in ("reject", "auto-reject", "no"):
        return auto_reject()
    if lowered == "console":
        from ._console import ConsolePolicy

        return ConsolePolicy()
    if lowered.startswith("script:"):
        try:
            answers = json.loads(word[len("script:"):])
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source} {text!r}: the script is not valid JSON ({exc})") from None
        if not isinstance(answers, (list, dict)):
            raise ValueError(f"{source} {text!r}: the script must be a JSON list or object")
        return scripted(answers)
    raise ValueError(f"{source} {text!r}: use approve, reject, console or script:<json list>")
