"""get_state / get_state_history / update_state, replay and fork."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.constants import NULL_TASK_ID
from hitl_notebook.errors import InvalidUpdateError
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command, Overwrite, interrupt


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


# -- replaying from a named checkpoint forks the thread (LangGraph 1.2), even at the head ------------------------


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
