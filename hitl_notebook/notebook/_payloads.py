"""Read an interrupt's payload: which panel fits it, and the shapes of the answers each panel sends.

Nothing here imports ipywidgets; the console prompts and the approval policies use the same rules as the panels.
Order of choice: a registered renderer, LangChain's per-call tool approval (its ``response_schema`` lists the
decisions), ``response_schema`` (typed form), LangChain's batched HITL request (``action_requests`` +
``review_configs``), a payload with ``options``, a plain string question, anything else
(Approve / Reject / edit as JSON).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Literal

from ..types import Interrupt
from ._hitl import Action, describe_decisions, hitl_actions, hitl_review, is_hitl_request
from ._schema import is_string_schema
from ._text import as_text, shorten, to_json

__all__ = [
    "Action",
    "PanelKind",
    "Renderer",
    "classify",
    "decision_label",
    "find_renderer",
    "hitl_actions",
    "hitl_review",
    "is_hitl_request",
    "option_items",
    "pretty",
    "question_of",
    "register_renderer",
]

PanelKind = Literal["custom", "schema", "hitl", "options", "text", "approve"]
Renderer = Callable[..., Any]
"""``builder(ctx) -> widget``; ``ctx`` is a :class:`~hitl_notebook.notebook._panels.PanelContext` whose
``submit(value)`` resumes the run with ``value``."""

_renderers: list[tuple[Callable[[Any], bool], Renderer]] = []
_registry_lock = threading.Lock()
_QUESTION_KEYS = ("question", "action", "message", "description", "prompt", "title")


def register_renderer(match: type | Callable[[Any], bool], builder: Renderer) -> Callable[[], None]:
    """Use ``builder`` for interrupts whose value is an instance of ``match`` (a type) or satisfies it (a predicate).

    Later registrations win over earlier ones. Returns a function that removes the registration.

    >>> remove = register_renderer(lambda v: v == "special", lambda ctx: None)
    >>> find_renderer(Interrupt("special", "1")) is not None
    True
    >>> remove(); find_renderer(Interrupt("special", "1")) is None
    True
    """
    predicate: Callable[[Any], bool]
    if isinstance(match, type):
        kind = match
        predicate = lambda value: isinstance(value, kind)  # noqa: E731
    elif callable(match):
        predicate = match
    else:
        raise TypeError("register_renderer(match, builder): match must be a type or a predicate function")
    item = (predicate, builder)
    with _registry_lock:
        _renderers.insert(0, item)

    def remove() -> None:
        with _registry_lock:
            if item in _renderers:
                _renderers.remove(item)

    return remove


def find_renderer(interrupt: Interrupt) -> Renderer | None:
    """The newest registered renderer whose predicate accepts the payload (a failing predicate does not match)."""
    with _registry_lock:
        candidates = list(_renderers)
    for predicate, builder in candidates:
        try:
            if predicate(interrupt.value):
                return builder
        except Exception:
            continue
    return None


def classify(interrupt: Interrupt, *, widgets: bool = True) -> PanelKind:
    """Which panel answers ``interrupt`` (``widgets=False`` skips registered widget renderers)."""
    value = interrupt.value
    if widgets and find_renderer(interrupt) is not None:
        return "custom"
    if hitl_review(interrupt) is not None:
        return "hitl"
    schema = interrupt.response_schema
    if isinstance(value, str) and is_string_schema(schema):  # a question answered by a string: the text box
        return "text"
    if schema:
        return "schema"
    if option_items(value):
        return "options"
    if isinstance(value, str):
        return "text"
    return "approve"


def option_items(value: Any) -> list[tuple[str, Any]]:
    """``(label, value)`` per entry of a payload's ``options`` list; entries may be ``{"label", "value"}`` dicts."""
    if not isinstance(value, Mapping):
        return []
    options = value.get("options")
    if not isinstance(options, (list, tuple)) or not options:
        return []
    items = []
    for option in options:
        if isinstance(option, Mapping) and "value" in option:
            items.append((as_text(option.get("label", option["value"])), option["value"]))
        else:
            items.append((option if isinstance(option, str) else to_json(option), option))
    return items


def question_of(value: Any) -> str | None:
    """The human-readable question of a payload: the string itself, or its ``question``/``action``/... field."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in _QUESTION_KEYS:
            if isinstance(value.get(key), str):
                return value[key]
    return None


def pretty(value: Any) -> str:
    """Indented JSON when the value is JSON-like, else ``repr``; never raises (see :func:`._text.to_json`)."""
    return to_json(value, indent=2)


def decision_label(value: Any, approve_value: Any, reject_value: Any, interrupt: Any = None) -> str:
    """A short past-tense summary of an answer: ``approved``, ``rejected``, ``answered "…"``.

    HITL middleware decisions read as ``approved search_flights``, ``edited book_hotel``, ``rejected: too
    expensive``; pass the answered ``interrupt`` so that approvals and rejections name their tool.
    """
    if _same(value, approve_value):
        return "approved"
    if _same(value, reject_value):
        return "rejected"
    hitl = describe_decisions(value, interrupt)
    if hitl is not None:
        return hitl
    text = value if isinstance(value, str) else to_json(value)
    return f"answered {shorten(text, 40)!r}"


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b
