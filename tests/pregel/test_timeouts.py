"""Timed attempts (pregel/_timeouts.py, _progress.py): idle and run timeouts, what counts as progress, timed
``@task`` calls and Runnables, as LangGraph 1.2."""

from __future__ import annotations

import asyncio
import time
from typing import TypedDict

import pytest

from hitl_notebook.errors import NodeTimeoutError
from hitl_notebook.func import entrypoint, task
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.graph._runnable import native_async
from hitl_notebook.pregel._progress import Progress
from hitl_notebook.pregel._timeouts import TimeoutPolicy, timed
from hitl_notebook.runtime import Runtime


class S(TypedDict, total=False):
    x: int


def _run(node, timeout, **kw):
    app = StateGraph(S).add_node("n", node, timeout=timeout, **kw).add_edge(START, "n").compile()
    return asyncio.run(app.ainvoke({}))


async def _beating(state: S, runtime: Runtime) -> dict:
    for _ in range(4):
        await asyncio.sleep(0.1)
        runtime.heartbeat()
    return {"x": 1}


@pytest.mark.parametrize("refresh_on", ["auto", "heartbeat"])
def test_heartbeats_keep_an_idle_timed_node_alive(refresh_on):
    assert _run(_beating, TimeoutPolicy(idle_timeout=0.3, refresh_on=refresh_on)) == {"x": 1}


def test_a_silent_node_fails_with_an_idle_node_timeout_error():
    async def silent(state: S) -> dict:
        await asyncio.sleep(2)
        return {"x": 2}

    started = time.monotonic()
    with pytest.raises(NodeTimeoutError) as info:
        _run(silent, TimeoutPolicy(idle_timeout=0.2, run_timeout=5))
    assert time.monotonic() - started < 1.5
    error = info.value
    assert (error.node, error.kind, error.timeout, error.idle_timeout, error.run_timeout) == ("n", "idle", 0.2, 0.2, 5)
    assert str(error).startswith("Node 'n' exceeded its idle timeout of 0.200s without making progress")


def test_run_timeout_is_not_refreshed_by_heartbeats():
    with pytest.raises(NodeTimeoutError) as info:
        _run(_beating, TimeoutPolicy(idle_timeout=0.3, run_timeout=0.2))
    assert info.value.kind == "run"


@pytest.mark.parametrize(("refresh_on", "passes"), [("auto", True), ("heartbeat", False)])
def test_custom_writes_count_as_progress_only_under_auto(refresh_on, passes):
    from hitl_notebook.config import get_stream_writer

    async def writing(state: S) -> dict:
        for i in range(4):
            await asyncio.sleep(0.1)
            get_stream_writer()(i)
        return {"x": 3}

    if passes:
        assert _run(writing, TimeoutPolicy(idle_timeout=0.3, refresh_on=refresh_on)) == {"x": 3}
    else:
        with pytest.raises(NodeTimeoutError):
            _run(writing, TimeoutPolicy(idle_timeout=0.2, refresh_on=refresh_on))


def test_a_timeout_error_the_node_raises_itself_passes_through():
    async def own(state: S) -> dict:
        raise TimeoutError("mine")

    with pytest.raises(TimeoutError, match="mine") as info:
        _run(own, TimeoutPolicy(idle_timeout=0.3))
    assert not isinstance(info.value, NodeTimeoutError)


def test_the_progress_clock_drops_stream_output_and_task_calls_after_it_closes():
    progress = Progress("auto")
    seen = []
    write = progress._guard_writer(seen.append)
    schedule = progress._guard_scheduler(lambda *a: "scheduled")
    before = progress.last
    time.sleep(0.01)
    write("a")
    assert seen == ["a"] and progress.last > before
    assert schedule() == "scheduled"
    progress.close()
    write("b")
    assert seen == ["a"]
    with pytest.raises(asyncio.CancelledError):
        schedule()
    strict = Progress("heartbeat")
    before = strict.last
    time.sleep(0.01)
    strict._guard_writer(seen.append)("c")
    assert strict.last == before  # only heartbeats count under refresh_on="heartbeat"
    strict.touch()
    assert strict.last > before


def test_a_cancelled_timed_attempt_lets_the_node_handle_the_cancel_first():
    seen = []

    async def node(value, config):
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            seen.append("node cancelled")
            raise

    async def main():
        attempt = asyncio.ensure_future(timed("n", TimeoutPolicy(idle_timeout=5), node, None, {}))
        await asyncio.sleep(0.05)
        attempt.cancel()
        with pytest.raises(asyncio.CancelledError):
            await attempt
        assert seen == ["node cancelled"]

    asyncio.run(main())


def test_task_timeouts_are_enforced_and_refused_on_sync_functions():
    with pytest.raises(ValueError, match="Task 'plain' is sync"):
        @task(timeout=1)
        def plain(x):
            return x

    @task(timeout=0.2)
    async def slow(x):
        await asyncio.sleep(2)
        return x

    @entrypoint()
    async def flow(x):
        try:
            await slow(x)
        except NodeTimeoutError as error:
            return (error.node, error.kind)

    assert asyncio.run(flow.ainvoke(1)) == ("slow", "run")


def test_native_async_follows_langgraphs_rules_for_runnables():
    from langchain_core.runnables import Runnable, RunnableLambda

    async def afn(x):
        return x

    def fn(x):
        return x

    class Own(Runnable):
        def invoke(self, x, config=None):
            return x

        async def ainvoke(self, x, config=None, **kwargs):
            return x

    class OnlySync(Runnable):
        def invoke(self, x, config=None):
            return x

    assert native_async(RunnableLambda(afn)) and native_async(RunnableLambda(fn, afunc=afn))
    assert not native_async(RunnableLambda(fn))
    assert native_async(RunnableLambda(afn) | RunnableLambda(afn))
    assert not native_async(RunnableLambda(afn) | RunnableLambda(fn))
    assert native_async(Own()) and not native_async(OnlySync())
    with pytest.raises(ValueError, match="Node 'n' is sync"):
        StateGraph(S).add_node("n", OnlySync(), timeout=1).add_edge(START, "n").compile()


def test_entrypoint_timeouts_as_langgraph():
    with pytest.raises(ValueError, match="Node 'plain' is sync"):
        @entrypoint(timeout=1)
        def plain(x):
            return x

    @entrypoint(timeout=TimeoutPolicy(idle_timeout=0.2))
    async def idle(x, runtime: Runtime):
        for _ in range(3):
            await asyncio.sleep(0.1)
            runtime.heartbeat()
        if x:
            await asyncio.sleep(2)
        return "done"

    assert asyncio.run(idle.ainvoke(0)) == "done"
    with pytest.raises(NodeTimeoutError) as info:
        asyncio.run(idle.ainvoke(1))
    assert (info.value.node, info.value.kind) == ("idle", "idle")
    with pytest.raises(ValueError, match="Node 'idle' is sync"):
        idle.invoke(0)
