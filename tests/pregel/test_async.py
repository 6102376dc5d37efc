"""The async API: ainvoke/astream, async nodes and routers, sync nodes under it, and a running outer loop."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.config import get_config, get_stream_writer
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.types import Command, interrupt


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


async def async_node(state):
    await asyncio.sleep(0)
    get_stream_writer()("tick")
    return {"log": [f"async:{get_config()['metadata']['langgraph_node']}"]}


def sync_node(state):
    return {"log": ["sync"]}


async def async_router(state) -> str:
    await asyncio.sleep(0)
    return END


def graph(**compile_kwargs):
    builder = StateGraph(S).add_node("a", async_node).add_node("s", sync_node)
    builder.add_edge(START, "a").add_edge("a", "s").add_conditional_edges("s", async_router)
    return builder.compile(**compile_kwargs)


def test_ainvoke_runs_async_and_sync_nodes():
    assert asyncio.run(graph().ainvoke({})) == {"log": ["async:a", "sync"]}


def test_astream_yields_the_same_chunks_as_stream():
    async def collect():
        return [c async for c in graph().astream({}, stream_mode=["custom", "updates"])]

    assert asyncio.run(collect()) == [
        ("custom", "tick"), ("updates", {"a": {"log": ["async:a"]}}), ("updates", {"s": {"log": ["sync"]}}),
    ]


def test_sync_invoke_inside_a_running_loop_works_for_sync_nodes():
    builder = StateGraph(S).add_node("s", sync_node).add_edge(START, "s")

    async def in_loop():
        return builder.compile().invoke({})

    assert asyncio.run(in_loop()) == {"log": ["sync"]}


def test_async_router_under_sync_invoke_names_the_fix():
    builder = StateGraph(S).add_node("s", sync_node).add_edge(START, "s").add_conditional_edges("s", async_router)
    with pytest.raises(TypeError, match="invoke via the async API"):
        builder.compile().invoke({})


def test_async_interrupt_and_state_api():
    async def ask(state):
        return {"log": [await asyncio.sleep(0, result=interrupt("q"))]}

    saver = InMemorySaver()
    g = StateGraph(S).add_node(ask).add_edge(START, "ask").compile(checkpointer=saver)
    config = {"configurable": {"thread_id": "a1"}}

    async def flow():
        first = await g.ainvoke({}, config)
        state = await g.aget_state(config)
        done = await g.ainvoke(Command(resume="yes"), config)
        history = [s async for s in g.aget_state_history(config)]
        new = await g.aupdate_state(config, {"log": ["edit"]})
        return first, state, done, history, new

    first, state, done, history, new = asyncio.run(flow())
    assert first["__interrupt__"][0].value == "q" and state.next == ("ask",)
    assert done == {"log": ["yes"]} and history[0].values == {"log": ["yes"]}
    assert g.get_state(new).values == {"log": ["yes", "edit"]}


def test_breaking_out_of_astream_cancels_the_run():
    ran = []

    def loop_node(state):
        ran.append(1)
        return {"x": len(ran)}

    g = StateGraph(S).add_node("l", loop_node).add_edge(START, "l").add_edge("l", "l").compile()

    async def first_only():
        async for chunk in g.astream({}, {"recursion_limit": 10_000}):
            return chunk

    assert asyncio.run(first_only()) == {"l": {"x": 1}}
    import time

    time.sleep(0.2)
    settled = len(ran)
    time.sleep(0.2)
    # Backpressure: the run may only get a bounded number of chunks ahead of the consumer that left.
    assert len(ran) == settled <= 100
