"""Reviewing the tool calls a static breakpoint stops before: ``create_react_agent(..., interrupt_before=["tools"])``,
``interrupt_after=["agent"]``, or any graph paused before a ``ToolNode`` while the last message asks for tools.

The pause is a breakpoint, not an ``interrupt()``, so there is no resume value to send: a decision becomes a state
edit through the public ``update_state`` API, then the run continues (``invoke(None)``), as LangGraph's docs do it
(``RunHandle.continue_with``):

- approve: continue as the model proposed;
- edit: the model's message is replaced (same id, so ``add_messages`` updates it in place) with the edited
  arguments, then the tools run;
- reject: an error ``ToolMessage`` with the reviewer's message answers each call, written as the tools node
  (``as_node``), so the tools never run and the model is told why.

A breakpoint runs every call of the message or none, so rejecting some calls and running others is refused with
the fix; LangChain's ``HumanInTheLoopMiddleware`` reviews calls one by one.
"""

from __future__ import annotations

import json

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as w

from ._chat import is_message, role_of
from ._form import PRE, AnswerError, escape
from ._hitl import Action, Review
from ._hitl_panel import HitlBody

__all__ = ["PendingCalls", "ToolCallReview", "pending_calls", "state_edit", "tool_schemas", "with_schemas"]

_ALLOWED = ("approve", "edit", "reject")
_REJECTED = "The reviewer rejected this tool call."
MIXED = ("A breakpoint before {node!r} runs every tool call of the message or none. Reject all of them, or "
         "approve / edit each (LangChain's HumanInTheLoopMiddleware reviews tool calls one by one).")


@dataclass(frozen=True)
class PendingCalls:
    """The tool calls a paused run is about to run: the tools node, the state key and message holding them."""

    node: str
    key: str
    message: Any
    actions: tuple[Action, ...]

    @property
    def calls(self) -> list[dict[str, Any]]:
        return list(self.message.tool_calls)


def pending_calls(graph: Any, state: Any) -> PendingCalls | None:
    """The tool calls waiting at a breakpoint, or ``None`` when the run is not paused before tools.

    ``state`` is the thread's ``StateSnapshot``. The tools node is the next node whose drawable data (from the
    public ``get_graph()``) is a ``ToolNode``; its tools give each call a description and a typed argument schema.
    A next node named ``tools`` with no drawable data still counts (the form then follows the values).
    """
    values = getattr(state, "values", None)
    nexts = tuple(getattr(state, "next", ()) or ())
    if not isinstance(values, Mapping) or not nexts:
        return None
    found = _last_ai_with_calls(values)
    if found is None:
        return None
    key, message = found
    node, tools = _tools_node(graph, nexts)
    if node is None:
        return None
    actions = []
    for call in message.tool_calls:
        tool = tools.get(call.get("name"))
        actions.append(Action(name=str(call.get("name")), args=dict(call.get("args") or {}),
                              description=getattr(tool, "description", None) or None, allowed=_ALLOWED,
                              args_schema=_args_schema(tool)))
    return PendingCalls(node, key, message, tuple(actions))


def state_edit(pending: PendingCalls, decisions: list[Mapping[str, Any]]) -> tuple[Any, str | None, str]:
    """The state edit that carries out the decisions (see the module docstring): ``(values, as_node, label)`` for
    ``update_state(config, values, as_node=as_node)`` (``values`` is ``None`` when every call is approved as it
    is) and a one-line label of what was decided.

    Raises ``AnswerError`` for a mix of rejected and running calls.
    """
    kinds = [d.get("type") for d in decisions]
    calls = pending.calls
    if all(k == "reject" for k in kinds):
        from langchain_core.messages import ToolMessage  # the state already holds langchain-core messages

        answers = [ToolMessage(str(d.get("message") or _REJECTED), tool_call_id=c["id"], name=c["name"],
                               status="error") for c, d in zip(calls, decisions)]
        label = "rejected " + ", ".join(_label(c["name"], d.get("message")) for c, d in zip(calls, decisions))
        return {pending.key: answers}, pending.node, label
    if "reject" in kinds:
        raise AnswerError(MIXED.format(node=pending.node))
    label = ", ".join(_label(c["name"], None, word=_WORDS[k])
                      + (f" → {json.dumps(d['edited_action']['args'], ensure_ascii=False, default=repr)}"
                         if k == "edit" else "") for c, k, d in zip(calls, kinds, decisions))
    if "edit" not in kinds:
        return None, None, label
    edited = [{**c, "args": dict(d["edited_action"]["args"])} if d.get("type") == "edit" else c
              for c, d in zip(calls, decisions)]
    # same id: add_messages replaces the model's message; as_node left to the graph (the node that wrote it last)
    return {pending.key: [pending.message.model_copy(update={"tool_calls": edited})]}, None, label


_WORDS = {"approve": "approved", "edit": "edited"}


def _label(name: str, message: Any, *, word: str = "") -> str:
    text = f"{word} {name}".strip()
    return f"{text}: {str(message).strip()}" if isinstance(message, str) and message.strip() else text


class ToolCallReview:
    """The cards of the calls waiting at a breakpoint and a Submit that applies them and continues the run.

    ``continue_with(values, as_node, label)`` edits the state and continues the run (``handle.continue_with``).
    The box is ``self.box``; ``self.message`` shows an inline error, and the breakpoint stays pending.
    """

    def __init__(self, pending: PendingCalls, *, continue_with: Callable[[Any, str | None, str], Any],
                 guard: Callable[[str, Callable[[], Any]], Callable[[Any], None]]) -> None:
        self.pending = pending
        self._continue_with = continue_with
        self.message = w.HTML("")
        self.body = HitlBody(Review("batched", pending.actions), self._button)
        n = len(pending.actions)
        head = w.HTML(f"🔧 <b>review the tool call{'s' if n != 1 else ''}</b> before <code>{escape(pending.node)}"
                      "</code> runs")
        self.submit.on_click(guard("Submit decision", self.answer))
        self.box = w.VBox([head, self.body.box, self.message])
        self.box.add_class("hitl-tool-review")

    def _button(self, label: str, compute: Callable[[], Any]) -> w.Button:
        self.submit = w.Button(description=label, button_style="primary", icon="paper-plane")
        if len(label) > 14:
            self.submit.layout.width = "auto"
        return self.submit

    def answer(self) -> None:
        """Apply the decisions and continue; an answer that does not fit reopens with the reason."""
        if self.submit.disabled:  # already sent (a programmatic click ignores ``disabled``)
            return
        self._set_disabled(True)
        try:
            values, as_node, label = state_edit(self.pending, self.body.answer()["decisions"])
            self._continue_with(values, as_node, label)
        except Exception as exc:
            text = str(exc) if isinstance(exc, AnswerError) else f"{type(exc).__name__}: {exc}"
            self.message.value = f"<pre style='{PRE};color:#dc2626'>✖ {escape(text)}</pre>"
            self._set_disabled(False)
            return
        self.message.value = f"<div style='color:#15803d;font-weight:bold'>✔ {escape(label)}</div>"

    def _set_disabled(self, flag: bool) -> None:
        from ._panels import walk

        for control in walk(self.box):
            if control.has_trait("disabled"):
                control.disabled = flag


def tool_schemas(graph: Any) -> dict[str, dict[str, Any]]:
    """The argument schema of every tool of the graph's ``ToolNode`` s, by tool name (read from the public
    ``get_graph()``; empty when there are none or the graph cannot be drawn)."""
    try:
        nodes = graph.get_graph().nodes
    except Exception:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for node in nodes.values():
        tools = getattr(getattr(node, "data", None), "tools_by_name", None)
        if isinstance(tools, Mapping):
            for name, tool in tools.items():
                schema = _args_schema(tool)
                if schema is not None:
                    found.setdefault(str(name), schema)
    return found


def with_schemas(review: Review, schemas: Mapping[str, dict[str, Any]]) -> Review:
    """``review`` with each action that has no argument schema typed from its tool's (LangChain's batched
    ``HumanInTheLoopMiddleware`` requests and Agent Inbox requests carry none), so the edit form offers every
    argument with its type, not only the ones the model filled in."""
    actions = tuple(replace(a, args_schema=schemas[a.name]) if a.args_schema is None and a.name in schemas else a
                    for a in review.actions)
    return replace(review, actions=actions)


def _last_ai_with_calls(values: Mapping[str, Any]) -> tuple[str, Any] | None:
    for key, value in values.items():
        if isinstance(value, list) and value and is_message(value[-1]):
            last = value[-1]
            if role_of(last) == "assistant" and getattr(last, "tool_calls", None):
                return str(key), last
    return None


def _tools_node(graph: Any, nexts: tuple[str, ...]) -> tuple[str | None, Mapping[str, Any]]:
    try:
        nodes = graph.get_graph().nodes
    except Exception:
        nodes = {}
    for name in nexts:
        node = nodes.get(name)
        tools = getattr(getattr(node, "data", None), "tools_by_name", None)
        if isinstance(tools, Mapping):
            return name, tools
    return ("tools", {}) if "tools" in nexts else (None, {})


def _args_schema(tool: Any) -> dict[str, Any] | None:
    """The JSON schema of the arguments the model fills in (``tool_call_schema``: injected ones left out)."""
    schema_of = getattr(getattr(tool, "tool_call_schema", None), "model_json_schema", None)
    if schema_of is None:
        return None
    try:
        schema = schema_of()
    except Exception:  # a tool whose schema pydantic cannot render: the form follows the values
        return None
    return schema if isinstance(schema, dict) and schema.get("properties") else None

