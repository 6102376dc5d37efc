"""A call's config metadata and plain configurable entries land in its checkpoints' metadata (LangGraph 1.2)."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command, StateUpdate, interrupt


class S(TypedDict):
    x: int


def _first(s):
    return {"x": s["x"] + 1}


def _ask(s):
    return {"x": interrupt("q")}


def _extras(saver, thread_id, ns=None):
    """Per saved checkpoint, newest first: (namespace, source, the metadata beyond source/step/parents)."""
    found = []
    for c in saver.list({"configurable": {"thread_id": thread_id}}):
        namespace = c.config["configurable"]["checkpoint_ns"].split(":")[0]
        if ns is None or namespace == ns:
            found.append((namespace, c.metadata["source"],
                          {k: v for k, v in c.metadata.items() if k not in ("source", "step", "parents")}))
    return found


@pytest.fixture(params=["memory", "sqlite"])
def any_saver(request, tmp_path):
    return InMemorySaver() if request.param == "memory" else SqliteSaver(str(tmp_path / "c.sqlite"))


def test_each_call_stamps_its_own_checkpoints(any_saver):
    graph = (StateGraph(S).add_node("first", _first).add_node("ask", _ask).add_edge(START, "first")
             .add_edge("first", "ask").compile(checkpointer=any_saver))
    graph.invoke({"x": 1}, {"configurable": {"thread_id": "1", "user_id": "u", "obj": {"no": 1}}, "metadata": {"m": 1}})
    graph.invoke(Command(resume=5), {"configurable": {"thread_id": "1"}, "metadata": {"resumed": True}})
    graph.update_state({"configurable": {"thread_id": "1", "editor": "e"}}, {"x": 9})
    assert _extras(any_saver, "1") == [
        ("", "update", {"editor": "e"}),
        ("", "loop", {"resumed": True}),
        ("", "loop", {"m": 1, "user_id": "u"}),
        ("", "loop", {"m": 1, "user_id": "u"}),
        ("", "input", {"m": 1, "user_id": "u"}),
    ]
    assert [c.metadata["step"] for c in any_saver.list(None, filter={"user_id": "u"})] == [1, 0, -1]
    assert graph.get_state({"configurable": {"thread_id": "1"}}).metadata["editor"] == "e"


def test_streamed_checkpoint_events_keep_the_bare_metadata(saver):
    graph = StateGraph(S).add_node("first", _first).add_edge(START, "first").compile(checkpointer=saver)
    events = list(graph.stream({"x": 1}, {"configurable": {"thread_id": "1", "k": "v"}}, stream_mode="checkpoints"))
    assert [set(e["metadata"]) for e in events] == [{"source", "step", "parents"}] * 3
    assert all(extra == {"k": "v"} for _, _, extra in _extras(saver, "1"))


def test_with_config_bulk_updates_forks_and_copies(saver):
    graph = (StateGraph(S).add_node("first", _first).add_edge(START, "first").compile(checkpointer=saver)
             .with_config({"metadata": {"wc": 1}}))
    graph.invoke({"x": 1}, {"configurable": {"thread_id": "w"}})
    graph.bulk_update_state({"configurable": {"thread_id": "w", "bk": "b"}},
                            [[StateUpdate({"x": 5}, "first")], [StateUpdate({"x": 6}, "first")]])
    assert [e for _, _, e in _extras(saver, "w")[:2]] == [{"wc": 1}, {"wc": 1, "bk": "b"}]  # later steps: with_config
    oldest = list(graph.get_state_history({"configurable": {"thread_id": "w"}}))[-2].config
    graph.invoke(None, {**oldest, "metadata": {"replay": 1}})
    assert [(s, e) for _, s, e in _extras(saver, "w")[:2]] == [("loop", {"wc": 1, "replay": 1}),
                                                                 ("fork", {"wc": 1, "replay": 1})]
    graph.update_state({"configurable": {"thread_id": "w", "copy": 1}}, None, as_node="__copy__")
    assert _extras(saver, "w")[0] == ("", "fork", {})  # a copy carries nothing of the call, as LangGraph 1.2


def test_exit_durability_stamps_the_one_checkpoint_it_saves(saver):
    graph = StateGraph(S).add_node("first", _first).add_edge(START, "first").compile(checkpointer=saver)
    graph.invoke({"x": 1}, {"configurable": {"thread_id": "e", "k": 1}}, durability="exit")
    assert _extras(saver, "e") == [("", "loop", {"k": 1})]


@pytest.mark.parametrize("stateful", [None, True])
def test_subgraph_checkpoints_and_nodes_inherit_the_callers_config(saver, stateful):
    seen = []

    def peek(s, config):
        seen.append((config["configurable"].get("user_id"), config["metadata"].get("m")))
        return {"x": interrupt("q")}

    sub = StateGraph(S).add_node("peek", peek).add_edge(START, "peek").compile(checkpointer=stateful)
    graph = StateGraph(S).add_node("sub", sub).add_edge(START, "sub").compile(checkpointer=saver)
    graph.invoke({"x": 1}, {"configurable": {"thread_id": "s", "user_id": "u"}, "metadata": {"m": 1}})
    graph.invoke(Command(resume=2), {"configurable": {"thread_id": "s", "k2": "v"}})
    assert seen == [("u", 1), (None, None)]
    assert [e for _, _, e in _extras(saver, "s", ns="sub")] == [{"k2": "v"}, {"m": 1, "user_id": "u"},
                                                                 {"m": 1, "user_id": "u"}]


def test_async_calls_stamp_their_checkpoints(saver):
    graph = StateGraph(S).add_node("first", _first).add_edge(START, "first").compile(checkpointer=saver)

    async def main():
        await graph.ainvoke({"x": 1}, {"configurable": {"thread_id": "a", "ak": "a"}})
        await graph.aupdate_state({"configurable": {"thread_id": "a"}, "metadata": {"um": 1}}, {"x": 3})
        return [c.metadata["step"] async for c in saver.alist({"configurable": {"thread_id": "a"}}, filter={"ak": "a"})]

    assert asyncio.run(main()) == [1, 0, -1]
    assert _extras(saver, "a")[0] == ("", "update", {"um": 1})
