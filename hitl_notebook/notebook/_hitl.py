"""LangChain's ``HumanInTheLoopMiddleware`` requests, in both interrupt modes, and the decisions that answer them.

Nothing here imports langchain or ipywidgets: the shapes are read from the interrupt, as langchain 1.5 sends them.

- ``batched``: the value is a ``HITLRequest`` (``action_requests`` + ``review_configs``, one config per request,
  in the same order); the answer is ``{"decisions": [decision, ...]}``, one per request, in order.
- ``per_call``: the value is a ``ToolApprovalRequest`` (``{"type": "tool_approval", "name", "args", ...}``) and
  the interrupt's ``response_schema`` lists the allowed decisions (a top-level ``oneOf``, or one decision's plain
  object schema when the tool allows only one); the answer is that single decision.

Decision shapes (langchain 1.5 ``ApproveDecision`` / ``EditDecision`` / ``RejectDecision`` / ``RespondDecision``):
``{"type": "approve"}``, ``{"type": "edit", "edited_action": {"name", "args"}}``,
``{"type": "reject"[, "message"]}`` and ``{"type": "respond", "message"}`` (the message is required).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from . import _schema
from ._text import as_text, safe_repr, shorten, to_json

__all__ = [
    "DECISIONS",
    "Action",
    "Review",
    "decide",
    "decision_types",
    "describe_decisions",
    "edit_fields",
    "hitl_actions",
    "hitl_review",
    "is_hitl_request",
    "is_tool_approval",
]

DECISIONS = ("approve", "edit", "reject", "respond")
# What a review config without ``allowed_decisions`` allows (the middleware always sends it; older payloads may not).
_DEFAULT_ALLOWED = ("approve", "edit", "reject")
_PAST = {"approve": "approved", "edit": "edited", "reject": "rejected", "respond": "responded to",
         "ignore": "ignored"}


@dataclass(frozen=True)
class Action:
    """One tool call awaiting review, with the decisions its review config allows.

    ``args_schema`` is a self-contained JSON schema of the tool's arguments (per-call mode, from the edit branch of
    the response schema) or ``None`` (batched mode: the middleware sends no schema, the form follows the values).
    """

    name: str
    args: dict[str, Any]
    description: str | None
    allowed: tuple[str, ...]
    args_schema: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()
    """What was wrong with the request and how it is shown instead (a field of the wrong type); the card shows
    these, so a malformed request still gets a panel to answer."""


@dataclass(frozen=True)
class Review:
    """A HITL interrupt read for answering: its actions, its mode, and the schema the answer must fit."""

    mode: Literal["batched", "per_call", "inbox"]
    actions: tuple[Action, ...]
    schema: dict[str, Any] | None = None
    payload: Any = None  # the interrupt's value (``inbox``: a list is answered with a list, see ._inbox)

    def answer(self, decisions: Sequence[Mapping[str, Any]]) -> Any:
        """The resume value for ``decisions`` (one per action, in order), checked before it is sent.

        Raises ``ValueError`` naming the problem when the count is wrong or the answer breaks the schema.
        """
        if len(decisions) != len(self.actions):
            raise ValueError(f"{len(decisions)} decision(s) for {len(self.actions)} tool call(s); "
                             "give one decision per tool call, in order")
        if self.mode == "inbox":
            from ._inbox import inbox_answer

            return inbox_answer(self.payload, decisions)
        value: Any = dict(decisions[0]) if self.mode == "per_call" else {"decisions": [dict(d) for d in decisions]}
        if self.mode == "per_call" and self.schema:
            errors = _schema.check(self.schema, value)
            if errors:
                raise ValueError(f"{self.actions[0].name}: " + "; ".join(errors))
        return value


def is_hitl_request(value: Any) -> bool:
    """LangChain's batched ``HITLRequest``: ``{"action_requests": [{"name", "args"}...], "review_configs": [...]}``."""
    if not isinstance(value, Mapping):
        return False
    requests = value.get("action_requests")
    return (isinstance(requests, list) and bool(requests)
            and all(isinstance(r, Mapping) and "name" in r for r in requests))


def is_tool_approval(value: Any) -> bool:
    """LangChain's per-call ``ToolApprovalRequest``: ``{"type": "tool_approval", "name", "args", ...}``."""
    return (isinstance(value, Mapping) and value.get("type") == "tool_approval"
            and isinstance(value.get("name"), str) and isinstance(value.get("args", {}), Mapping))


def hitl_review(interrupt: Any) -> Review | None:
    """The :class:`Review` of a HITL interrupt (either mode), or ``None`` when it is not one.

    ``interrupt`` is this package's or LangGraph's ``Interrupt`` (anything with ``value`` and ``response_schema``).
    """
    value = getattr(interrupt, "value", None)
    schema = getattr(interrupt, "response_schema", None)
    if is_tool_approval(value) and (not schema or decision_types(schema)):
        return _per_call(value, schema if isinstance(schema, dict) else None)
    if is_hitl_request(value) and not schema:
        return Review("batched", tuple(hitl_actions(value)))
    from ._inbox import inbox_actions, is_inbox_request

    if is_inbox_request(value) and not schema:
        try:
            return Review("inbox", tuple(inbox_actions(value)), payload=value)
        except ValueError:  # a request that allows nothing: the generic panel shows it
            return None
    return None


def hitl_actions(value: Mapping[str, Any]) -> list[Action]:
    """The action requests of a batched HITL payload, each paired with its review config.

    The middleware sends one config per request in the same order; when the counts differ (hand-made payloads),
    configs are matched by ``action_name``.
    """
    requests = value["action_requests"]
    configs = [c for c in value.get("review_configs") or () if isinstance(c, Mapping)]
    by_name = {c.get("action_name"): c for c in configs}
    actions = []
    for i, request in enumerate(requests):
        config = configs[i] if len(configs) == len(requests) else _by_name(by_name, request.get("name"))
        schema = config.get("args_schema")
        actions.append(_action(request, config.get("allowed_decisions"),
                               schema if isinstance(schema, dict) and schema.get("properties") else None))
    return actions


def _by_name(configs: Mapping[Any, Mapping[str, Any]], name: Any) -> Mapping[str, Any]:
    try:
        return configs.get(name, {})
    except TypeError:  # an unhashable name (a list where a string belongs)
        return {}


def _action(request: Mapping[str, Any], allowed: Any, args_schema: dict[str, Any] | None) -> Action:
    """An :class:`Action` from one tool-call request, whatever types its fields have: a field of the wrong type is
    shown as text (or left out) with a note, so the panel can always be built and answered."""
    notes: list[str] = []
    name = request.get("name")
    if not isinstance(name, str):
        notes.append(f"The tool name is {_a(name)}, not a string; shown as text.")
        name = as_text(name) or "(unnamed tool)"
    description = request.get("description")
    if description is not None and not isinstance(description, str):
        notes.append(f"The description is {_a(description)}, not a string; shown as JSON.")
        description = to_json(description, indent=2)
    raw_args = request.get("args")
    args: dict[str, Any] = {}
    if isinstance(raw_args, Mapping):
        args = {k if isinstance(k, str) else as_text(k): v for k, v in raw_args.items()}
    elif raw_args is not None:
        notes.append(f"The arguments are {_a(raw_args)}, not an object: {shorten(to_json(raw_args), 200)}. "
                     "An edit starts from no arguments.")
    decisions, problem = _allowed(allowed)
    if problem:
        notes.append(problem)
    return Action(name=name, args=args, description=description or None, allowed=decisions,
                  args_schema=args_schema, notes=tuple(notes))


def _a(value: Any) -> str:
    kind = type(value).__name__
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def decision_types(schema: Any) -> tuple[str, ...]:
    """The decision types a per-call ``response_schema`` allows, in its order (empty when it is not one)."""
    if not isinstance(schema, dict):
        return ()
    top = _schema.resolve(schema, schema)
    branches = top.get("oneOf") or top.get("anyOf") or [top]
    found = []
    for branch in branches:
        kind = _type_const(_schema.resolve(branch, schema) if isinstance(branch, dict) else {})
        if kind not in DECISIONS:
            return ()
        found.append(kind)
    return tuple(dict.fromkeys(found))


def decide(action: Action, kind: str, *, args: Mapping[str, Any] | None = None, message: str | None = None
           ) -> dict[str, Any]:
    """The decision dict for one action, in the shape langchain 1.5's middleware reads.

    ``args`` are the edited arguments (``edit``); ``message`` the reason (``reject``, optional) or the reply to
    the model (``respond``, required). Raises ``ValueError`` when the action does not allow ``kind``, a respond
    has no message, or edited arguments break the tool's argument schema.
    """
    if kind not in action.allowed:
        raise ValueError(f"{action.name}: {kind!r} is not allowed here (allowed: {', '.join(action.allowed)})")
    text = (message or "").strip()
    if kind == "edit":
        edited = dict(action.args if args is None else args)
        if action.args_schema:
            errors = _schema.check(action.args_schema, edited)
            if errors:
                raise ValueError(f"{action.name}: " + "; ".join(errors))
        return {"type": "edit", "edited_action": {"name": action.name, "args": edited}}
    if kind == "respond":
        if not text:
            raise ValueError(f"{action.name}: a respond decision needs a message (it is the tool's answer to the "
                             "model)")
        return {"type": "respond", "message": text}
    if kind == "reject":
        return {"type": "reject", "message": text} if text else {"type": "reject"}
    return {"type": kind}


def edit_fields(action: Action) -> list[_schema.Field]:
    """The fields for editing an action's arguments: typed from the tool's argument schema when there is one,
    else from the current values (batched mode, where the middleware sends no schema)."""
    fields = _schema.fields_of(action.args_schema) if action.args_schema else []
    if fields:
        return fields
    return [_schema.Field(k, k, _schema.kind_of_value(v), default=v, has_default=True) for k, v in action.args.items()]


def describe_decisions(value: Any, interrupt: Any = None) -> str | None:
    """A readable past-tense label for a HITL answer, or ``None`` when ``value`` is not one.

    E.g. ``"approved search_flights"``, ``"edited book_hotel"``, ``"rejected: too expensive"``; with several
    decisions the labels are joined with ``", "``. Tool names come from ``interrupt`` when given.
    """
    review = hitl_review(interrupt) if interrupt is not None else None
    if review is not None and review.mode == "inbox":
        value = {"decisions": [_from_inbox(r) for r in (value if isinstance(value, list) else [value])]}
    if isinstance(value, Mapping) and isinstance(value.get("decisions"), list):
        decisions = list(value["decisions"])
    elif isinstance(value, Mapping) and value.get("type") in DECISIONS and (
            review is None or review.mode == "per_call"):
        decisions = [value]
    else:
        return None
    names = [a.name for a in review.actions] if review is not None else []
    parts = []
    for i, decision in enumerate(decisions):
        name = names[i] if i < len(names) else None
        parts.append(_label_one(decision, name) if isinstance(decision, Mapping) else "answered")
    return ", ".join(parts) or "answered"


def _from_inbox(response: Any) -> Any:
    """An Agent Inbox ``HumanResponse`` as the decision it answers (for its label)."""
    if not isinstance(response, Mapping):
        return response
    kind, args = response.get("type"), response.get("args")
    if kind == "edit" and isinstance(args, Mapping):
        return {"type": "edit", "edited_action": {"name": args.get("action")}}
    if kind == "response":
        return {"type": "respond", "message": args}
    return {"type": {"accept": "approve"}.get(str(kind), kind)}


def _label_one(decision: Mapping[str, Any], name: str | None) -> str:
    kind = str(decision.get("type", "?"))
    edited = decision.get("edited_action")
    if kind == "edit" and isinstance(edited, Mapping) and edited.get("name"):
        name = str(edited["name"])
    word = _PAST.get(kind, kind)
    message = decision.get("message")
    if isinstance(message, str) and message.strip():
        text = message.strip() if len(message.strip()) <= 60 else message.strip()[:59] + "…"
        return f"{word} {name}: {text}" if name else f"{word}: {text}"
    return f"{word} {name}" if name else word


def _per_call(value: Mapping[str, Any], schema: dict[str, Any] | None) -> Review:
    action = _action(value, list(decision_types(schema)), _edit_args_schema(schema) if schema else None)
    return Review("per_call", (action,), schema)


def _edit_args_schema(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The tool's argument schema from the edit branch, made self-contained (its ``$defs`` carried along)."""
    top = _schema.resolve(schema, schema)
    for branch in top.get("oneOf") or top.get("anyOf") or [top]:
        edit = _schema.resolve(branch, schema) if isinstance(branch, dict) else {}
        if _type_const(edit) != "edit":
            continue
        action = _schema.resolve((edit.get("properties") or {}).get("edited_action") or {}, schema)
        args = _schema.resolve((action.get("properties") or {}).get("args") or {}, schema)
        if not args.get("properties"):
            return None  # a JSON-schema tool or no tool: any object; the form follows the values
        defs = {k: schema[k] for k in ("$defs", "definitions") if k in schema}
        return {**defs, **args}
    return None


def _type_const(schema: Mapping[str, Any]) -> str | None:
    prop = (schema.get("properties") or {}).get("type")
    if not isinstance(prop, Mapping):
        return None
    if "const" in prop:
        return prop["const"]
    enum = prop.get("enum")
    return enum[0] if isinstance(enum, list) and len(enum) == 1 else None


def _allowed(raw: Any) -> tuple[tuple[str, ...], str | None]:
    """The allowed decisions of a review config, and a note when ``raw`` is not a list of them (the defaults are
    offered then)."""
    if not raw:
        return _DEFAULT_ALLOWED, None
    if isinstance(raw, str) or not isinstance(raw, Sequence):
        return _DEFAULT_ALLOWED, (f"allowed_decisions={shorten(safe_repr(raw), 80)} is not a list of "
                                  f"{', '.join(DECISIONS)}; offering {', '.join(_DEFAULT_ALLOWED)}.")
    return tuple(dict.fromkeys(as_text(d) for d in raw)), None


def args_text(args: Mapping[str, Any]) -> str:
    """The arguments as indented JSON (``repr`` for values JSON cannot show)."""
    return to_json(dict(args), indent=2)
