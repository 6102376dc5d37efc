"""A tool-calling agent whose earlier messages change in place, and a saver that stores every value whole: shared
by the delta tests of both savers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.graph import END, START, MessagesState, StateGraph


class WholeValuesSaver(InMemorySaver):
    """InMemorySaver storing every value whole (no list deltas): the reference a delta history must read back as."""

    def _list_rows(self, *args: Any) -> dict:
        return {}


MUTATIONS = {  # step of the agent -> what it does to the first AI message, in place, before appending
    3: lambda m: m.tool_calls[0]["args"].update(q="edited"),  # nested dict
    5: lambda m: setattr(m, "content", "new content"),  # a field reassigned
    7: lambda m: m.additional_kwargs.update(flag=1),
    9: lambda m: m.additional_kwargs.update(flag=True),  # equal to 1, another type: still a change
    11: lambda m: m.additional_kwargs.update(flag=1.0),
    13: lambda m: m.response_metadata.update(b=1, a=2),
    15: lambda m: (m.response_metadata.pop("b"), m.response_metadata.update(b=1)),  # same items, new key order
    17: lambda m: setattr(m, "note", "an extra field"),  # stored in __pydantic_extra__
    19: lambda m: m.additional_kwargs.update(when=dt.date(2020, 1, 2)),  # beyond plain msgpack
}
TURNS = 24


def agent_graph(saver, mutate: bool = True):
    def agent(state: MessagesState):
        seen = sum(isinstance(m, ToolMessage) for m in state["messages"])
        first_ai = next((m for m in state["messages"] if isinstance(m, AIMessage)), None)
        if mutate and first_ai is not None and seen in MUTATIONS:
            MUTATIONS[seen](first_ai)
        if seen >= TURNS:
            return {"messages": [AIMessage(f"done after {seen}", id=f"a{seen}")]}
        call = {"name": "lookup", "args": {"q": f"q{seen}"}, "id": f"c{seen}"}
        return {"messages": [AIMessage("x" * 80, tool_calls=[call], id=f"a{seen}")]}

    def tools(state: MessagesState):
        call = state["messages"][-1].tool_calls[0]
        return {"messages": [ToolMessage(f"result {call['args']['q']}", tool_call_id=call["id"], id=f"t{call['id']}")]}

    def route(state: MessagesState):
        return "tools" if getattr(state["messages"][-1], "tool_calls", None) else END

    builder = StateGraph(MessagesState).add_node(agent).add_node(tools)
    builder.add_edge(START, "agent").add_conditional_edges("agent", route, ["tools", END]).add_edge("tools", "agent")
    return builder.compile(checkpointer=saver)


def exact(messages: list) -> list:
    """Everything that must survive: class, every field and extra, dict key order, the type of each value."""
    def typed(value: Any) -> Any:
        if isinstance(value, dict):
            return [type(value).__name__, [(k, typed(v)) for k, v in value.items()]]
        if isinstance(value, (list, tuple)):
            return [type(value).__name__, [typed(v) for v in value]]
        return [type(value).__name__, value]
    return [[type(m).__name__, typed(m.__dict__), typed(m.__pydantic_extra__ or {})] for m in messages]


def history(graph, config) -> list:
    return [(s.config["configurable"]["checkpoint_id"], exact(s.values.get("messages", [])))
            for s in graph.get_state_history(config)]


def reference_history(graph) -> list:
    """The history as a saver of whole values stores it, with the same mutations."""
    reference = agent_graph(WholeValuesSaver())
    config = {"configurable": {"thread_id": "t"}}
    reference.invoke({"messages": [HumanMessage("go", id="h")]}, config)
    return [values for _, values in history(reference, config)]
