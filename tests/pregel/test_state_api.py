"""get_state / get_state_history / update_state, replay and fork."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.errors import InvalidUpdateError
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Overwrite


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


def chain(saver, **kw):
    builder = StateGraph(S)
    for name in ("a", "b", "c"):
        builder.add_node(name, lambda s, n=name: {"log": [n]})
    builder.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c")
    return builder.compile(checkpointer=saver, **kw)


def test_history_is_newest_first_with_steps_and_sources(saver, thread):
    graph = chain(saver)
    graph.invoke({"x": 1}, thread)
    history = list(graph.get_state_history(thread))
    assert [(h.metadata["step"], h.metadata["source"], h.next) for h in history] == [
        (3, "loop", ()), (2, "loop", ("c",)), (1, "loop", ("b",)), (0, "loop", ("a",)), (-1, "input", ("__start__",)),
    ]
    assert history[0].values == {"log": ["a", "b", "c"], "x": 1}
    assert history[-1].values == {"log": []}
    assert [h.metadata["step"] for h in graph.get_state_history(thread, limit=2)] == [3, 2]
    assert [h.metadata["step"] for h in graph.get_state_history(thread, filter={"source": "loop"})] == [3, 2, 1, 0]
    assert [h.metadata["step"] for h in graph.get_state_history(thread, before=history[1].config)] == [1, 0, -1]
    assert history[0].parent_config == history[1].config


def test_update_state_as_node_controls_next(saver, thread):
    graph = chain(saver, interrupt_before=["b"])
    graph.invoke({}, thread)
    graph.update_state(thread, {"log": ["manual"]})
    assert graph.get_state(thread).next == ("b",)
    graph.update_state(thread, {"log": ["as-b"]}, as_node="b")
    state = graph.get_state(thread)
    assert state.next == ("c",) and state.values["log"] == ["a", "manual", "as-b"]
    assert state.metadata["source"] == "update"
    graph.update_state(thread, {"log": Overwrite(["reset"])})
    assert graph.get_state(thread).values["log"] == ["reset"]
    with pytest.raises(InvalidUpdateError, match="Node nope does not exist"):
        graph.update_state(thread, {}, as_node="nope")


def test_update_state_on_a_fresh_thread_acts_as_input(saver):
    graph = chain(saver)
    config = {"configurable": {"thread_id": "fresh"}}
    graph.update_state(config, {"x": 5})
    assert graph.get_state(config).next == ("a",)


def test_replay_forks_and_reruns_later_tasks(saver, thread):
    graph = chain(saver)
    graph.invoke({}, thread)
    at_b = next(h for h in graph.get_state_history(thread) if h.next == ("b",))
    assert graph.invoke(None, at_b.config)["log"] == ["a", "b", "c"]
    sources = [h.metadata["source"] for h in graph.get_state_history(thread)]
    assert sources[:4] == ["loop", "loop", "fork", "loop"]
    forked = graph.update_state(at_b.config, {"x": 100})
    assert graph.invoke(None, forked) == {"log": ["a", "b", "c"], "x": 100}


def test_history_of_a_paused_thread_shows_the_waiting_task(saver, thread):
    graph = chain(saver, interrupt_after=["a"])
    graph.invoke({}, thread)
    state = graph.get_state(thread)
    assert state.next == ("b",) and state.tasks[0].name == "b" and state.interrupts == ()
    assert state.created_at and state.config["configurable"]["checkpoint_id"]


def test_history_of_a_config_naming_a_checkpoint_is_that_checkpoint(saver, thread):
    graph = chain(saver)
    graph.invoke({"x": 1}, thread)
    middle = list(graph.get_state_history(thread))[2]
    assert [h.config for h in graph.get_state_history(middle.config)] == [middle.config]  # as LangGraph 1.2
    assert [h.metadata["step"] for h in graph.get_state_history(thread, before=middle.config)] == [0, -1]
