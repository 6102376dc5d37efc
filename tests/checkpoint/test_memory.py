"""InMemorySaver against the checkpointer contract, and its isolation from in-place mutation."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.base import BaseCheckpointSaver, new_checkpoint_id
from hitl_notebook.checkpoint.memory import InMemorySaver, MemorySaver
from hitl_notebook.graph import START, StateGraph


def _checkpoint(step: int, values: dict, versions: dict) -> dict:
    return {"v": 1, "id": new_checkpoint_id(step), "ts": "2026-01-01T00:00:00+00:00",
            "channel_values": values, "channel_versions": versions, "updated_channels": list(values)}


def test_alias_and_interface():
    assert MemorySaver is InMemorySaver and issubclass(InMemorySaver, BaseCheckpointSaver)


def test_put_get_list_writes_and_delete():
    saver = InMemorySaver()
    root = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
    first = saver.put(root, _checkpoint(-1, {"a": [1]}, {"a": "1"}), {"source": "input", "step": -1}, {"a": "1"})
    second = saver.put(first, _checkpoint(0, {"a": [1], "b": (2, 3)}, {"a": "1", "b": "1"}),
                       {"source": "loop", "step": 0}, {"b": "1"})
    saver.put_writes(second, [("a", [9]), ("__interrupt__", ["x"])], "task-1")
    latest = saver.get_tuple({"configurable": {"thread_id": "t"}})
    assert latest.config == second and latest.parent_config == first
    assert latest.checkpoint["channel_values"] == {"a": [1], "b": (2, 3)}
    assert latest.pending_writes == [("task-1", "a", [9]), ("task-1", "__interrupt__", ["x"])]
    assert [t.metadata["step"] for t in saver.list({"configurable": {"thread_id": "t"}})] == [0, -1]
    assert [t.metadata["step"] for t in saver.list({"configurable": {"thread_id": "t"}}, filter={"source": "input"})] == [-1]
    assert saver.get(first)["channel_values"] == {"a": [1]}
    assert saver.list_threads() == ["t"]
    saver.delete_thread("t")
    assert saver.get_tuple({"configurable": {"thread_id": "t"}}) is None and saver.list_threads() == []


def test_special_writes_replace_earlier_ones_of_the_same_task():
    saver = InMemorySaver()
    config = saver.put({"configurable": {"thread_id": "t"}}, _checkpoint(0, {}, {}), {"step": 0}, {})
    saver.put_writes(config, [("__interrupt__", ["first"])], "task")
    saver.put_writes(config, [("__interrupt__", ["second"])], "task")
    assert saver.get_tuple(config).pending_writes == [("task", "__interrupt__", ["second"])]


def test_history_is_not_rewritten_by_nodes_mutating_state():
    class S(TypedDict):
        log: Annotated[list, operator.add]

    def mutate(state):
        state["log"].append("sneaky")  # mutation in place, not a returned update
        return {"log": ["ok"]}

    saver = InMemorySaver()
    graph = StateGraph(S).add_node(mutate).add_edge(START, "mutate").compile(checkpointer=saver)
    config = {"configurable": {"thread_id": "m"}}
    graph.invoke({"log": ["in"]}, config)
    first_loop = [h for h in graph.get_state_history(config) if h.metadata["step"] == 0][0]
    assert first_loop.values == {"log": ["in"]}


def test_missing_thread_id_message_names_the_fix():
    with pytest.raises(ValueError, match=r"config=\{'configurable': \{'thread_id'"):
        InMemorySaver().get_tuple({})
