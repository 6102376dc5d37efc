"""Cancelling the async API (pregel/_async.py): running coroutines see CancelledError, the worker ends, and the
cancelled step leaves no checkpoint (as LangGraph 1.2)."""

from __future__ import annotations

import asyncio
import operator
import threading
import time
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.func import entrypoint, task
from hitl_notebook.graph import START, StateGraph


class S(TypedDict):
    log: Annotated[list, operator.add]


def cfg(thread_id: str = "t") -> dict:
    return {"configurable": {"thread_id": thread_id}}


def engine_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("hitl-run")]


def chain(*nodes) -> StateGraph:
    g = StateGraph(S)
    previous = START
    for name, fn in nodes:
        g.add_node(name, fn)
        g.add_edge(previous, name)
        previous = name
    return g


def waiting(name: str, seen: list[str]):
    async def node(state):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            seen.append(f"{name} cancelled")
            raise
        return {"log": [name]}
    return node


async def quick(state):
    return {"log": ["quick"]}


def test_wait_for_timeout_cancels_the_node_promptly_and_saves_no_step():
    seen: list[str] = []
    saver = InMemorySaver()
    app = chain(("quick", quick), ("slow", waiting("slow", seen))).compile(checkpointer=saver)

    async def main():
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(app.ainvoke({"log": []}, cfg()), 0.2)
        assert time.monotonic() - started < 2
        assert seen == ["slow cancelled"]  # handled before the timeout reached the caller
        await asyncio.sleep(0.05)
        assert engine_threads() == []

    asyncio.run(main())
    assert [c.metadata["step"] for c in saver.list(cfg())] == [1, 0, -1]
    saved = saver.get_tuple(cfg())
    assert saved.pending_writes == []  # a lone cancelled node records nothing, as LangGraph
    assert app.get_state(cfg()).next == ("slow",)


def test_cancelled_parallel_step_keeps_finished_writes_and_marks_the_cancelled_task():
    seen: list[str] = []
    g = StateGraph(S).add_node("quick", quick).add_node("slow", waiting("slow", seen))
    g.add_edge(START, "quick").add_edge(START, "slow")
    saver = InMemorySaver()
    app = g.compile(checkpointer=saver)

    async def main():
        run = asyncio.create_task(app.ainvoke({"log": []}, cfg()))
        await asyncio.sleep(0.2)
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run

    asyncio.run(main())
    state = app.get_state(cfg())
    assert seen == ["slow cancelled"]
    assert state.values == {"log": ["quick"]}
    assert sorted((t.name, t.error) for t in state.tasks) == [("quick", None), ("slow", "CancelledError()")]
    assert [c.metadata["step"] for c in saver.list(cfg())] == [0, -1]


@pytest.mark.parametrize("parallel", [False, True])
def test_exit_durability_keeps_the_last_finished_step_when_cancelled(parallel):
    seen: list[str] = []
    g = chain(("first", quick), ("slow", waiting("slow", seen)))
    if parallel:
        g.add_node("sibling", lambda s: {"log": ["sibling"]}).add_edge("first", "sibling")
    saver = InMemorySaver()
    app = g.compile(checkpointer=saver)

    async def main():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(app.ainvoke({"log": []}, cfg(), durability="exit"), 0.3)
        await asyncio.sleep(0.05)

    asyncio.run(main())
    assert seen == ["slow cancelled"]
    assert [c.metadata["step"] for c in saver.list(cfg())] == [1]  # only the exit checkpoint, as LangGraph
    state = app.get_state(cfg())
    assert state.next == ("slow",)  # the sibling finished
    # A finished sibling's writes are kept; the cancelled task's error is not recorded under "exit".
    writes = [(c, v) for _, c, v in saver.get_tuple(cfg()).pending_writes]
    assert writes == ([("log", ["sibling"])] if parallel else [])
    assert state.values == {"log": ["quick", "sibling"] if parallel else ["quick"]}


def test_task_futures_are_cancelled_with_the_entrypoint():
    seen: list[str] = []

    started: list[int] = []

    @task
    async def slow(x):
        started.append(x)
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            seen.append(f"slow({x})")
            raise
        return x

    @entrypoint(checkpointer=InMemorySaver())
    async def workflow(x):
        return await asyncio.gather(slow(1), slow(2))

    async def main():
        run = asyncio.ensure_future(workflow.ainvoke(0, cfg()))
        for _ in range(2000):  # cancel once both tasks run (a fixed delay was flaky on a loaded machine)
            if len(started) == 2:
                break
            await asyncio.sleep(0.005)
        run.cancel()
        with pytest.raises(asyncio.CancelledError):
            await run

    asyncio.run(main())
    assert sorted(seen) == ["slow(1)", "slow(2)"]
    errors = [value for _, channel, value in workflow.checkpointer.get_tuple(cfg()).pending_writes
              if channel == "__error__"]
    assert errors == ["CancelledError()"] * 3  # both calls and the entrypoint itself


def test_a_sync_node_finishing_after_the_cancel_writes_no_checkpoint_and_stops_the_run():
    ran: list[str] = []

    def blocking(state):
        time.sleep(0.3)
        ran.append("blocking")
        return {"log": ["blocking"]}

    def later(state):
        ran.append("later")
        return {"log": ["later"]}

    saver = InMemorySaver()
    app = chain(("blocking", blocking), ("later", later)).compile(checkpointer=saver)

    async def main():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(app.ainvoke({"log": []}, cfg()), 0.05)
        await asyncio.sleep(0.6)

    asyncio.run(main())
    assert ran == ["blocking"]
    assert [c.metadata["step"] for c in saver.list(cfg())] == [0, -1]
    assert engine_threads() == []


def test_astream_break_starts_no_new_step_and_aclose_cancels_the_running_one():
    seen: list[str] = []
    started: list[str] = []

    def node(name, wait):
        async def run(state):
            started.append(name)
            try:
                await asyncio.sleep(wait)
            except asyncio.CancelledError:
                seen.append(name)
                raise
            return {"log": [name]}
        return run

    g = StateGraph(S).add_node("a", node("a", 0)).add_node("b", node("b", 30)).add_node("c", node("c", 30))
    g.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c")
    saver = InMemorySaver()
    app = g.compile(checkpointer=saver)

    async def main():
        stream = app.astream({"log": []}, cfg())
        async for chunk in stream:
            assert chunk == {"a": {"log": ["a"]}}
            break
        await asyncio.sleep(0.1)
        assert started == ["a"]  # the consumer left: the next superstep waits
        await stream.aclose()
        await asyncio.sleep(0.05)
        assert seen == [] and engine_threads() == []

        stream = app.astream(None, cfg())
        reader = asyncio.create_task(stream.__anext__())  # b and c run; no chunk comes
        await asyncio.sleep(0.1)
        assert sorted(started[1:]) == ["b", "c"]
        reader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reader
        assert sorted(seen) == ["b", "c"]

    asyncio.run(main())
    assert [c.metadata["step"] for c in saver.list(cfg())] == [1, 0, -1]


def test_astream_consumer_that_keeps_reading_gets_every_step():
    app = chain(("a", quick), ("b", quick), ("c", quick)).compile()

    async def main():
        return [chunk async for chunk in app.astream({"log": []}, stream_mode="values")]

    assert asyncio.run(main())[-1] == {"log": ["quick"] * 3}
