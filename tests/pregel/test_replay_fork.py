"""Replaying from a checkpoint named by its ``checkpoint_id`` forks the thread (LangGraph 1.2), even at the head."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from hitl_notebook.constants import NULL_TASK_ID
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command, interrupt


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


def chain(saver, **kw):
    builder = StateGraph(S)
    for name in ("a", "b", "c"):
        builder.add_node(name, lambda s, n=name: {"log": [n]})
    builder.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c")
    return builder.compile(checkpointer=saver, **kw)


def sources(graph, thread):
    return [(h.metadata["source"], h.metadata["step"], h.next) for h in graph.get_state_history(thread)]


def test_invoke_none_with_the_heads_own_config_forks(saver, thread):
    graph = chain(saver, interrupt_before=["b"])
    graph.invoke({"log": []}, thread)
    assert graph.invoke(None, graph.get_state(thread).config) == {"log": ["a", "b", "c"]}
    assert sources(graph, thread)[:3] == [("loop", 4, ()), ("loop", 3, ("c",)), ("fork", 2, ("b",))]


def test_without_checkpoint_id_or_from_an_update_there_is_no_fork(saver, thread):
    graph = chain(saver, interrupt_before=["b"])
    graph.invoke({"log": []}, thread)
    graph.invoke(None, thread)
    assert "fork" not in [s for s, _, _ in sources(graph, thread)]
    other = {"configurable": {"thread_id": "t2"}}
    graph.invoke({"log": []}, other)
    graph.invoke(None, graph.update_state(other, {"x": 1}))
    assert [s for s, _, _ in sources(graph, other)] == ["loop", "loop", "update", "loop", "loop", "input"]


def test_a_command_update_is_carried_by_the_fork(saver, thread):
    graph = chain(saver)
    graph.invoke({"log": []}, thread)
    before_b = next(h for h in graph.get_state_history(thread) if h.next == ("b",))
    assert graph.invoke(Command(update={"x": 7}), before_b.config) == {"log": ["a", "b", "c"], "x": 7}
    fork = next(h for h in graph.get_state_history(thread) if h.metadata["source"] == "fork")
    assert fork.values == {"log": ["a"], "x": 7} and fork.next == ("b",)
    writes = graph.checkpointer.get_tuple(fork.config).pending_writes
    assert [w for w in writes if w[0] == NULL_TASK_ID] == []  # in the fork's values, not kept as pending writes


def test_the_fork_event_lists_its_tasks_after_the_first_values(saver, thread):
    graph = chain(saver)
    graph.invoke({"log": []}, thread)
    before_b = next(h for h in graph.get_state_history(thread) if h.next == ("b",))
    events = list(graph.stream(None, before_b.config, stream_mode=["values", "checkpoints"]))
    assert [mode for mode, _ in events[:2]] == ["values", "checkpoints"]
    fork = events[1][1]
    assert fork["metadata"]["source"] == "fork" and fork["next"] == ["b"]
    assert [t["name"] for t in fork["tasks"]] == ["b"]


def test_replaying_a_paused_head_asks_again(saver, thread):
    builder = StateGraph(S)
    builder.add_node("ask", lambda s: {"log": [interrupt("?")]})
    builder.add_edge(START, "ask")
    graph = builder.compile(checkpointer=saver)
    graph.invoke({"log": []}, thread)
    graph.invoke(Command(resume="first"), graph.get_state(thread).config)  # a resume never forks
    assert graph.get_state(thread).values == {"log": ["first"]}
    other = {"configurable": {"thread_id": "t2"}}
    graph.invoke({"log": []}, other)
    again = graph.invoke(None, graph.get_state(other).config)
    assert [i.value for i in again["__interrupt__"]] == ["?"]
    assert sources(graph, other)[0] == ("fork", 1, ("ask",))
    assert graph.invoke(Command(resume="ok"), other) == {"log": ["ok"]}
