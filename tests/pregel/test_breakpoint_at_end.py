"""interrupt_after on the last node (the run ends paused, nothing next) and subgraph breakpoints' stream chunks."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, TypedDict

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.graph import END, START, StateGraph


class N(TypedDict):
    x: int


class S(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


def _chain(**kw):
    return (StateGraph(N).add_node("first", lambda s: {"x": s["x"] + 1}).add_node("last", lambda s: {"x": s["x"] * 10})
            .add_edge(START, "first").add_edge("first", "last").add_edge("last", END).compile(**kw))


def test_interrupt_after_the_last_node_ends_with_an_empty_interrupt(saver, thread):
    graph = _chain(checkpointer=saver, interrupt_after=["last"])
    assert list(graph.stream({"x": 1}, thread)) == [{"first": {"x": 2}}, {"last": {"x": 20}}, {"__interrupt__": ()}]
    state = graph.get_state(thread)
    assert (state.values, state.next, state.tasks, state.interrupts) == ({"x": 20}, (), (), ())
    steps_before = len(list(graph.get_state_history(thread)))
    assert list(graph.stream(None, thread)) == []  # nothing left to run, no new checkpoint
    assert graph.invoke(None, thread) == {"x": 20}
    assert len(list(graph.get_state_history(thread))) == steps_before


def test_values_mode_and_invoke_show_no_interrupt_key(saver, thread):
    graph = _chain(checkpointer=saver, interrupt_after=["last"])
    assert list(graph.stream({"x": 1}, thread, stream_mode="values")) == [{"x": 1}, {"x": 2}, {"x": 20}]
    assert graph.invoke({"x": 3}, {"configurable": {"thread_id": "t2"}}) == {"x": 40}


def test_star_and_call_time_breakpoints_pause_at_the_end_too(saver, thread):
    star = _chain(checkpointer=saver, interrupt_after="*")
    assert list(star.stream({"x": 1}, thread))[-1] == {"__interrupt__": ()}
    assert list(star.stream(None, thread)) == [{"last": {"x": 20}}, {"__interrupt__": ()}]
    assert list(star.stream(None, thread)) == []
    plain = _chain(checkpointer=InMemorySaver())
    chunks = list(plain.stream({"x": 1}, thread, interrupt_after=["last"]))
    assert chunks[-1] == {"__interrupt__": ()}
    assert list(_chain(interrupt_after=["last"]).stream({"x": 1}))[-1] == {"__interrupt__": ()}  # no checkpointer


def test_async_stream_pauses_after_the_last_node(saver, thread):
    graph = _chain(checkpointer=saver, interrupt_after=["last"])

    async def main():
        chunks = [c async for c in graph.astream({"x": 1}, thread)]
        return chunks, await graph.ainvoke(None, thread)

    chunks, result = asyncio.run(main())
    assert chunks[-1] == {"__interrupt__": ()} and result == {"x": 20}


def test_subgraph_paused_after_its_last_node_pauses_the_parent(saver, thread):
    app = (StateGraph(N).add_node("sub", _chain(interrupt_after=["last"])).add_node("after", lambda s: {"x": s["x"] + 3})
           .add_edge(START, "sub").add_edge("sub", "after").compile(checkpointer=saver))
    chunks = list(app.stream({"x": 1}, thread, stream_mode=["updates", "values"]))
    # the parent's values are not repeated with the (empty) interrupt, as LangGraph 1.2
    assert chunks == [("values", {"x": 1}), ("updates", {"__interrupt__": ()})]
    state = app.get_state(thread, subgraphs=True)
    assert state.next == ("sub",) and state.tasks[0].interrupts == ()
    assert (state.tasks[0].state.values, state.tasks[0].state.next) == ({"x": 20}, ())
    assert app.invoke(None, thread) == {"x": 23}


def test_a_subgraph_breakpoint_is_announced_after_the_siblings_finish(saver, thread):
    sub = _chain(interrupt_before=["last"])
    app = (StateGraph(S).add_node("sub", sub).add_node("other", lambda s: {"log": ["other"]})
           .add_edge(START, "sub").add_edge(START, "other").compile(checkpointer=saver))
    chunks = list(app.stream({"x": 1}, thread, stream_mode=["updates", "values"]))
    assert chunks[-2:] == [("values", {"x": 1, "log": ["other"]}), ("updates", {"__interrupt__": ()})]
    assert not any(mode == "values" and "__interrupt__" in chunk for mode, chunk in chunks)
    saved = saver.get_tuple(thread)
    assert [w for w in saved.pending_writes if w[1] == "__interrupt__"] == []  # nothing saved for the pause
    assert app.invoke(None, thread) == {"x": 20, "log": ["other"]}
