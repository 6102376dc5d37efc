"""LangGraph's deprecated Agent Inbox review shape (``langgraph.prebuilt.interrupt``), read like LangChain's HITL
requests so that the same cards, console prompts and policies answer it.

LangGraph's docs wrap a tool for review with it (``add_human_in_the_loop``): inside the tool,
``interrupt([HumanInterrupt])[0]`` asks, where a ``HumanInterrupt`` is
``{"action_request": {"action", "args"}, "config": {"allow_accept", "allow_edit", "allow_respond",
"allow_ignore"}, "description"}``. The answer is one ``HumanResponse`` per request, in a list when the payload is a
list (a single dict answers a single request): ``{"type": "accept", "args": None}``,
``{"type": "edit", "args": {"action", "args"}}``, ``{"type": "response", "args": text}`` or
``{"type": "ignore", "args": None}``. Nothing here imports langchain or ipywidgets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._hitl import Action

__all__ = ["inbox_actions", "inbox_answer", "is_inbox_request"]

# config flag -> the decision the cards offer for it (and the HumanResponse type it sends)
_FLAGS = (("allow_accept", "approve"), ("allow_edit", "edit"), ("allow_respond", "respond"),
          ("allow_ignore", "ignore"))
_TYPES = {"approve": "accept", "edit": "edit", "respond": "response", "ignore": "ignore"}


def _requests(value: Any) -> list[Mapping[str, Any]] | None:
    items = value if isinstance(value, list) else [value]
    if not items or not all(_is_one(item) for item in items):
        return None
    return items


def _is_one(item: Any) -> bool:
    request = item.get("action_request") if isinstance(item, Mapping) else None
    return (isinstance(request, Mapping) and isinstance(request.get("action"), str)
            and isinstance(request.get("args", {}), Mapping) and isinstance(item.get("config", {}), Mapping))


def is_inbox_request(value: Any) -> bool:
    """A ``HumanInterrupt`` payload, or a non-empty list of them."""
    return _requests(value) is not None


def inbox_actions(value: Any) -> list[Action]:
    """One :class:`Action` per request, offering what its ``config`` allows (accept shows as Approve, respond as
    Respond: the text goes to the model in place of the tool's result). Raises ``ValueError`` when the payload
    is not an Agent Inbox request or a request allows nothing."""
    requests = _requests(value)
    if requests is None:
        raise ValueError("not an Agent Inbox request: expected {'action_request': {'action', 'args'}, 'config': "
                         "{...}} or a list of them")
    actions = []
    for item in requests:
        config = item.get("config") or {}
        allowed = tuple(kind for flag, kind in _FLAGS if config.get(flag))
        name = str(item["action_request"]["action"])
        if not allowed:
            raise ValueError(f"{name}: its config allows no answer (set allow_accept, allow_edit, allow_respond or "
                             "allow_ignore)")
        description = item.get("description")
        actions.append(Action(name=name, args=dict(item["action_request"].get("args") or {}),
                              description=description if isinstance(description, str) and description else None,
                              allowed=allowed))
    return actions


def inbox_answer(value: Any, decisions: Sequence[Mapping[str, Any]]) -> Any:
    """The resume value for the decisions (in the cards' shape, see :func:`._hitl.decide`): a list of
    ``HumanResponse`` when the payload is a list, else the one response."""
    responses = []
    for decision in decisions:
        kind = str(decision.get("type"))
        if kind == "edit":
            edited = decision["edited_action"]
            args: Any = {"action": edited["name"], "args": dict(edited["args"])}
        elif kind == "respond":
            args = decision.get("message")
        else:
            args = None
        responses.append({"type": _TYPES.get(kind, kind), "args": args})
    return responses if isinstance(value, list) else responses[0]
