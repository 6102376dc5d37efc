"""react_like_100: agent/tools loop for 100 tool rounds on a growing message list, with InMemorySaver."""

import operator
from typing import Annotated, TypedDict

from bench._util import expect, fresh_config

NAME = "react_like_100"
N_ROUNDS = 100
DESCRIPTION = (f"agent⇄tools loop, {N_ROUNDS} tool rounds, dict messages appended to "
               f"Annotated[list, add]; InMemorySaver, fresh thread, default durability; invoke")


class State(TypedDict):
    messages: Annotated[list, operator.add]


def _agent(state: State):
    i = sum(1 for m in state["messages"] if m["role"] == "ai")
    return {"messages": [{"role": "ai", "content": "x" * 100, "tool_call": str(i) * 36}]}


def _tools(state: State):
    call = state["messages"][-1]["tool_call"]
    return {"messages": [{"role": "tool", "content": f"result of {call[:8]}", "tool_call_id": call}]}


def build(engine):
    END = engine.END

    def route(state: State):
        n_tool = sum(1 for m in state["messages"] if m["role"] == "tool")
        return "tools" if n_tool < N_ROUNDS else END

    builder = engine.StateGraph(State)
    builder.add_node("agent", _agent)
    builder.add_node("tools", _tools)
    builder.add_edge(engine.START, "agent")
    builder.add_conditional_edges("agent", route, ["tools", END])
    builder.add_edge("tools", "agent")
    return builder.compile(checkpointer=engine.InMemorySaver())


def _input():
    return {"messages": [{"role": "user", "content": "hi"}]}


def _config():
    return fresh_config(recursion_limit=1_000_000)


def run(engine, graph) -> None:
    graph.invoke(_input(), _config())


def check(engine, graph):
    config = _config()
    final = graph.invoke(_input(), config)
    msgs = final["messages"]
    # user + (N_ROUNDS + 1) agent turns + N_ROUNDS tool results
    expected_len = 1 + (N_ROUNDS + 1) + N_ROUNDS
    expect(len(msgs) == expected_len, f"expected {expected_len} messages, got {len(msgs)}")
    expect([m["role"] for m in msgs] == ["user"] + ["ai", "tool"] * N_ROUNDS + ["ai"], "message roles out of order")
    expect(msgs[-1]["tool_call"] == str(N_ROUNDS) * 36, f"last tool_call {msgs[-1]['tool_call']!r}")
    history = list(graph.get_state_history(config))
    return {"final": final, "history_len": len(history),
            "history_steps": [h.metadata.get("step") for h in history]}
