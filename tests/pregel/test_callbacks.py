"""Node runs as LangChain callbacks see them (pregel/_callbacks.py), as LangGraph 1.2 reports them."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, Any, TypedDict

import pytest

pytest.importorskip("langchain_core")
from langchain_core.callbacks import BaseCallbackHandler  # noqa: E402
from langchain_core.runnables import RunnableLambda  # noqa: E402

from hitl_notebook.graph import START, StateGraph  # noqa: E402
from hitl_notebook.func import entrypoint, task  # noqa: E402
from hitl_notebook.pregel._callbacks import call_input, stream_events_refusal  # noqa: E402
from hitl_notebook.types import Command  # noqa: E402


class S(TypedDict):
    x: int
    log: Annotated[list, operator.add]


def _graph(*nodes: Any):
    b = StateGraph(S)
    for name, fn in nodes:
        b.add_node(name, fn)
    b.add_edge(START, nodes[0][0])
    for (x, _), (y, _) in zip(nodes, nodes[1:]):
        b.add_edge(x, y)
    return b.compile()


COMMAND = Command(update={"x": 2})
SEVERAL = [Command(update={"log": ["a"]}), {"log": ["b"]}]
GRAPH = _graph(("command", lambda s: COMMAND), ("nothing", lambda s: None), ("several", lambda s: SEVERAL),
               ("extra", lambda s: {"x": 3, "nope": 1}))


def _node_events(graph, inp) -> list[tuple[str, str, Any]]:
    async def collect():
        return [(e["event"], e["name"], e["data"].get("chunk", e["data"].get("output")))
                async for e in graph.astream_events(inp, version="v2")
                if e["event"] in ("on_chain_stream", "on_chain_end") and e["name"] != "LangGraph"]

    return asyncio.run(collect())


def test_astream_events_report_what_each_node_returned_once_streamed_then_ended():
    assert _node_events(GRAPH, {"x": 1, "log": []}) == [
        ("on_chain_stream", "command", COMMAND), ("on_chain_end", "command", COMMAND),
        ("on_chain_stream", "nothing", None), ("on_chain_end", "nothing", None),
        ("on_chain_stream", "several", SEVERAL), ("on_chain_end", "several", SEVERAL),
        ("on_chain_stream", "extra", {"x": 3, "nope": 1}), ("on_chain_end", "extra", {"x": 3, "nope": 1}),
    ]


def test_the_graph_stream_chunk_of_the_last_step_comes_before_the_graph_end():
    async def collect():
        return [(e["event"], e["name"]) async for e in GRAPH.astream_events({"x": 1, "log": []}, version="v2")]

    for _ in range(5):  # the run thread used to end the graph's run before the reader tapped the last chunk
        events = asyncio.run(collect())
        assert events[-2:] == [("on_chain_stream", "LangGraph"), ("on_chain_end", "LangGraph")]


def test_a_runnable_node_is_streamed_under_astream_events():
    graph = _graph(("lam", RunnableLambda(lambda s: {"x": s["x"] + 1})))

    async def collect():
        return [(e["event"], e["name"], e["data"]) async for e in graph.astream_events({"x": 1}, version="v2")
                if e["name"] == "RunnableLambda"]

    events = asyncio.run(collect())
    assert [(kind, data) for kind, _, data in events] == [
        ("on_chain_start", {}),  # streamed input is not known when it starts, as under LangGraph
        ("on_chain_stream", {"chunk": {"x": 2}}),
        ("on_chain_end", {"output": {"x": 2}, "input": {"x": 1, "log": []}}),
    ]


class _Ends(BaseCallbackHandler):
    def __init__(self) -> None:
        self.ends: list[Any] = []

    def on_chain_end(self, outputs: Any, **kwargs: Any) -> None:
        self.ends.append(outputs)


def test_sync_callbacks_see_the_node_output_and_no_stream_chunks():
    handler = _Ends()
    GRAPH.invoke({"x": 1, "log": []}, {"callbacks": [handler]})
    assert handler.ends[:4] == [COMMAND, None, SEVERAL, {"x": 3, "nope": 1}]


def test_stream_events_is_refused_with_langchains_text():
    with pytest.raises(NotImplementedError, match=r"^stream_events\(version='v2'\) is not supported. Use astream"):
        GRAPH.stream_events({"x": 1, "log": []})
    assert "hitl_notebook" in str(stream_events_refusal("v3"))


def test_a_task_calls_input_is_its_arguments_by_name():
    def fn(x, step=1, *rest, **extra):
        return x

    assert call_input(fn, (1,), {"flag": True}) == {"x": 1, "step": 1, "rest": (), "flag": True}
    assert call_input(fn, (), {}) == {"step": 1, "rest": ()}  # bound partially, as LangGraph

    def one(x):
        return x

    assert call_input(one, (1, 2), {}) is None  # does not fit: the call itself fails with the TypeError


def test_a_task_call_nests_under_its_callers_run_in_astream_events():
    @task
    def plus(x):
        return x + 1

    @entrypoint()
    def workflow(x):
        return plus(x).result()

    async def collect():
        return [(e["event"], e["name"], e["tags"], e["parent_ids"][-1:], e["run_id"], e["data"].get("input"))
                async for e in workflow.astream_events(1, version="v2") if e["event"] == "on_chain_start"]

    graph_start, node_start, call_start = asyncio.run(collect())
    assert call_start[:3] == ("on_chain_start", "plus", ["seq:step:1"]) and call_start[-1] == {"x": 1}
    assert call_start[3] == [node_start[4]]  # its parent is the entrypoint's run, not the graph's
