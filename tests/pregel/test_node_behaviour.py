"""Node behaviour: error handlers, caching, timeouts, several writes per node, task notes (as LangGraph 1.2)."""

from __future__ import annotations

import asyncio
import operator
import time
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.cache.memory import InMemoryCache
from hitl_notebook.errors import NodeError, NodeInterrupt, NodeTimeoutError
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import CachePolicy, Command, RetryPolicy, TimeoutPolicy


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    status: str


def boom(state: S) -> dict:
    raise ValueError("bad thing")


def test_error_handler_runs_in_the_same_step_and_replaces_the_failed_nodes_edges():
    seen = []

    def handler(state: S, error: NodeError) -> dict:
        seen.append((error.node, repr(error.error)))
        return {"status": "recovered"}

    g = StateGraph(S).add_node("boom", boom, error_handler=handler).add_node("after", lambda s: {"log": ["after"]})
    app = g.add_edge(START, "boom").add_edge("boom", "after").compile()
    assert list(app.stream({"log": []})) == [{"__error_handler__boom": {"status": "recovered"}}]
    assert seen == [("boom", "ValueError('bad thing')")]


def test_error_handler_command_routes_and_handler_failure_ends_the_run():
    def route(state: S, error: NodeError) -> Command:
        return Command(update={"status": "cmd"}, goto="after")

    g = StateGraph(S).add_node("boom", boom, error_handler=route).add_node("after", lambda s: {"log": ["after"]})
    assert g.add_edge(START, "boom").compile().invoke({}) == {"log": ["after"], "status": "cmd"}

    def broken(state: S, error: NodeError) -> dict:
        raise RuntimeError("handler broke")

    g = StateGraph(S).add_node("boom", boom, error_handler=broken).add_edge(START, "boom")
    with pytest.raises(RuntimeError, match="handler broke"):
        g.compile().invoke({})


def test_node_defaults_give_every_node_retries_and_the_default_handler():
    attempts = []

    def flaky(state: S) -> dict:
        attempts.append(1)
        raise ValueError(f"try {len(attempts)}")

    def handler(state: S, error: NodeError) -> dict:
        return {"status": str(error.error)}

    g = StateGraph(S).set_node_defaults(
        error_handler=handler, retry_policy=RetryPolicy(max_attempts=2, initial_interval=0, jitter=False, retry_on=ValueError))
    g.add_node("flaky", flaky).add_edge(START, "flaky")
    assert g.compile().invoke({}) == {"log": [], "status": "try 2"}
    assert "__default_error_handler__" in g.nodes and len(attempts) == 2
    g.compile()  # compiling again is fine


def test_cached_node_is_not_run_again_and_streams_cached_metadata():
    calls = []

    def work(state: S) -> dict:
        calls.append(1)
        return {"log": ["w"]}

    g = StateGraph(S).add_node("work", work, cache_policy=CachePolicy(ttl=60)).add_edge(START, "work")
    app = g.compile(cache=InMemoryCache())
    assert list(app.stream({"log": []})) == [{"work": {"log": ["w"]}}]
    assert list(app.stream({"log": []})) == [{"work": {"log": ["w"]}, "__metadata__": {"cached": True}}]
    assert list(app.stream({"log": ["other"]})) == [{"work": {"log": ["w"]}}]
    assert len(calls) == 2
    app.clear_cache()
    app.invoke({"log": []})
    assert len(calls) == 3
    with pytest.raises(ValueError, match="No cache is set for this graph"):
        g.compile().clear_cache()


def test_cache_entries_expire():
    cache = InMemoryCache()
    key = (("ns",), "k")
    cache.set({key: ({"v": 1}, 0.05)})
    assert cache.get([key]) == {key: {"v": 1}}
    time.sleep(0.06)
    assert cache.get([key]) == {}


def test_a_list_of_commands_and_dicts_writes_in_order_and_shows_each_write():
    node = lambda s: [Command(update={"log": ["c"]}), {"log": ["d"], "status": "s"}]  # noqa: E731
    app = StateGraph(S).add_node("n", node).add_edge(START, "n").compile()
    assert app.invoke({}) == {"log": ["c", "d"], "status": "s"}
    assert list(app.stream({})) == [{"n": [{"log": ["c"]}, {"log": ["d"]}, {"status": "s"}]}]
    one_each = lambda s: [Command(update={"log": ["c"]}), Command(update={"status": "s"})]  # noqa: E731
    app = StateGraph(S).add_node("n", one_each).add_edge(START, "n").compile()
    assert list(app.stream({})) == [{"n": {"log": ["c"], "status": "s"}}]


def test_failed_node_exception_names_the_task():
    app = StateGraph(S).add_node("boom", boom).add_edge(START, "boom").compile()
    with pytest.raises(ValueError) as info:
        app.invoke({})
    assert info.value.__notes__[0].startswith("During task with name 'boom' and id '")


def test_node_interrupt_uses_langgraphs_placeholder_id():
    assert NodeInterrupt("v").interrupts[0].id == "placeholder-id"
    assert NodeInterrupt("v", id="abc").interrupts[0].id == "abc"


def test_timeouts_are_coerced_and_refused_on_sync_nodes():
    assert TimeoutPolicy.coerce(2) == TimeoutPolicy(run_timeout=2.0)
    with pytest.raises(ValueError, match="run_timeout must be greater than 0"):
        StateGraph(S).add_node("n", lambda s: s, timeout=0)
    with pytest.raises(ValueError, match="Node timeouts are only supported for async nodes"):
        StateGraph(S).add_node("n", lambda s: s, timeout=1).add_edge(START, "n").compile()


def test_async_node_run_timeout_raises_node_timeout_error():
    async def slow(state: S) -> dict:
        await asyncio.sleep(1)
        return {"status": "late"}

    app = StateGraph(S).add_node("slow", slow, timeout=0.05).add_edge(START, "slow").compile()
    with pytest.raises(NodeTimeoutError) as info:
        asyncio.run(app.ainvoke({}))
    assert (info.value.node, info.value.kind, info.value.run_timeout) == ("slow", "run", 0.05)


def test_step_timeout_fails_a_slow_step():
    def slow(state: S) -> dict:
        time.sleep(0.3)
        return {"status": "late"}

    app = StateGraph(S).add_node("slow", slow).add_edge(START, "slow").compile()
    app.step_timeout = 0.05
    with pytest.raises(TimeoutError, match="Timed out"):
        app.invoke({})
    app.step_timeout = 2
    assert app.invoke({}) == {"log": [], "status": "late"}
