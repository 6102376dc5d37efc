"""What a task's ``config["configurable"]`` holds (pregel/_checkpointing.py ``task_config``), as LangGraph 1.2."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.config import get_config
from hitl_notebook.func import entrypoint, task
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.runtime import Runtime


class S(TypedDict):
    x: Annotated[int, operator.add]


def _recording(seen: list[dict[str, Any]], name: str):
    def node(s: S, config, runtime: Runtime):
        seen.append({"node": name, **config["configurable"], "runtime": runtime.execution_info.checkpoint_id})
        return {"x": 1}
    return node


def _public(entry: dict[str, Any]) -> list[str]:
    return sorted(k for k in entry if not k.startswith("__pregel") and k not in ("node", "runtime"))


def test_a_node_sees_checkpoint_map_of_the_checkpoint_its_step_was_planned_from_and_no_checkpoint_id():
    seen: list[dict[str, Any]] = []
    b = StateGraph(S).add_node("a", _recording(seen, "a")).add_node("b", _recording(seen, "b"))
    g = b.add_edge(START, "a").add_edge("a", "b").compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "t", "user_id": "u"}}
    g.invoke({"x": 0}, cfg)
    keys = ["checkpoint_id", "checkpoint_map", "checkpoint_ns", "thread_id", "user_id"]
    assert [_public(e) for e in seen] == [keys, keys]
    assert [e["checkpoint_id"] for e in seen] == [None, None]
    planned = {h.next: h.config["configurable"]["checkpoint_id"] for h in g.get_state_history(cfg)}
    assert [e["checkpoint_map"] for e in seen] == [{"": planned[("a",)]}, {"": planned[("b",)]}]
    assert [e["runtime"] for e in seen] == [planned[("a",)], planned[("b",)]]


def test_nodes_of_one_step_share_the_map_and_a_subgraph_adds_its_own_namespace():
    seen: list[dict[str, Any]] = []
    sub = StateGraph(S).add_node("inner", _recording(seen, "inner")).add_edge(START, "inner").compile()
    b = StateGraph(S).add_node("a", _recording(seen, "a")).add_node("c", _recording(seen, "c")).add_node("sub", sub)
    b.add_edge(START, "a").add_edge(START, "c").add_edge(START, "sub")
    b.compile().invoke({"x": 0})  # no checkpointer: still mapped, but no thread_id key
    by_name = {e["node"]: e for e in seen}
    assert by_name["a"]["checkpoint_map"] == by_name["c"]["checkpoint_map"]
    root_id = by_name["a"]["checkpoint_map"][""]
    inner = by_name["inner"]
    sub_ns = inner["checkpoint_ns"].split("|")[0]
    assert sub_ns.startswith("sub:") and list(inner["checkpoint_map"]) == ["", sub_ns]
    assert inner["checkpoint_map"][""] == root_id and inner["runtime"] == inner["checkpoint_map"][sub_ns]
    assert all("thread_id" not in e for e in seen)


def test_a_task_call_is_nested_under_its_caller():
    seen: dict[str, Any] = {}

    @task
    def double(x):
        seen["task"] = dict(get_config()["configurable"])
        return x * 2

    @entrypoint(checkpointer=InMemorySaver())
    def ep(x, config):
        seen["entrypoint"] = dict(config["configurable"])
        return double(x).result()

    assert ep.invoke(2, {"configurable": {"thread_id": "e"}}) == 4
    caller, call = seen["entrypoint"], seen["task"]
    assert call["checkpoint_ns"].startswith(caller["checkpoint_ns"] + "|double:")
    assert call["checkpoint_map"] == {**caller["checkpoint_map"], caller["checkpoint_ns"]: caller["checkpoint_map"][""]}
    assert call["checkpoint_id"] is None


def test_a_graph_invoked_in_a_task_nests_under_the_call_and_its_caller():
    seen: dict[str, Any] = {}

    def inner(s: S, config):
        seen["inner"] = dict(config["configurable"])
        return {"x": 1}

    sub = StateGraph(S).add_node("inner", inner).add_edge(START, "inner").compile()

    @task
    def run_sub(x):
        seen["call"] = dict(get_config()["configurable"])
        return sub.invoke({"x": x})

    @entrypoint(checkpointer=InMemorySaver())
    def ep(x):
        return run_sub(x).result()

    chunks = list(ep.stream(1, {"configurable": {"thread_id": "t"}}, stream_mode="updates", subgraphs=True))
    call_ns = seen["call"]["checkpoint_ns"]
    assert seen["inner"]["checkpoint_ns"].startswith(call_ns + "|inner:")
    assert list(seen["inner"]["checkpoint_map"]) == ["", call_ns.split("|")[0], call_ns]
    assert chunks[0] == (tuple(call_ns.split("|")), {"inner": {"x": 1}})
