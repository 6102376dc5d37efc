"""run() and show() at a past checkpoint: replay and fork like ``graph.invoke(None, past_config)``, on both engines
(``eng``): the checkpoint ids and forks come from the graph's own engine."""

from __future__ import annotations

import itertools
import operator
from typing import Annotated, TypedDict

from hitl_notebook.notebook import RunStatus, run, show


class State(TypedDict, total=False):
    topic: str
    joke: str
    verdict: str
    log: Annotated[list, operator.add]


def make_graph(eng):
    jokes = itertools.count(1)

    def write(state: State):
        return {"joke": f"joke {next(jokes)} about {state['topic']}", "log": ["write"]}

    def review(state: State):
        return {"verdict": eng.interrupt({"question": "Funny?", "joke": state["joke"]}), "log": ["review"]}

    builder = eng.StateGraph(State).add_node(write).add_node(review)
    builder.add_edge(eng.START, "write").add_edge("write", "review")
    return builder.compile(checkpointer=eng.InMemorySaver())


def _before_write(graph, config):
    return next(s for s in graph.get_state_history(config) if s.next == ("write",)).config


def test_run_with_a_past_checkpoint_replays_from_it_like_invoke(eng):
    graph, config = make_graph(eng), {"configurable": {"thread_id": "t"}}
    first = run(graph, {"topic": "cats"}, config, policy="approve", ui="console")
    assert first.result["joke"] == "joke 1 about cats"

    replay = run(graph, None, _before_write(graph, config), policy="approve", ui="console")
    assert replay.status is RunStatus.DONE
    assert replay.result == {"topic": "cats", "joke": "joke 2 about cats", "verdict": "approve",
                             "log": ["write", "review"]}  # write ran again: a replay, not a restore
    assert graph.get_state(config).values == replay.result  # the replay is the thread's new head
    assert not any(e.kind == "breakpoint" for e in replay.record.entries)


def test_run_after_a_fork_with_update_state_runs_the_fork(eng):
    graph, config = make_graph(eng), {"configurable": {"thread_id": "t"}}
    run(graph, {"topic": "cats"}, config, policy="approve", ui="console")
    fork = graph.update_state(_before_write(graph, config), {"topic": "dogs"})
    forked = run(graph, None, fork, policy="reject", ui="console")
    assert forked.result["joke"] == "joke 2 about dogs" and forked.result["verdict"] == "reject"


def test_show_at_a_past_checkpoint_waits_and_continue_replays(eng):
    graph, config = make_graph(eng), {"configurable": {"thread_id": "t"}}
    run(graph, {"topic": "cats"}, config, policy="approve", ui="console")
    past = _before_write(graph, config)

    stopped = show(graph, past, policy="reject", ui="console")  # nothing re-runs unless someone continues
    assert stopped.status is RunStatus.STOPPED
    [paused] = [e for e in stopped.record.entries if e.kind == "breakpoint"]
    assert paused.text == "Paused before: write."
    assert graph.get_state(config).values["joke"] == "joke 1 about cats"

    continued = show(graph, past, policy="approve", ui="console")
    assert continued.result["joke"] == "joke 2 about cats"


# -- the same in the run view, by clicking ----------------------------------------------------------------------


def test_show_at_a_past_checkpoint_in_the_view_continues_and_answers(eng, start):
    graph, config = make_graph(eng), {"configurable": {"thread_id": "t"}}
    run(graph, {"topic": "cats"}, config, policy="approve", ui="console")
    past = _before_write(graph, config)
    handle = show(graph, past, ui="widgets", display=False)
    assert handle.wait_idle(5) is RunStatus.WAITING and handle.pending == []  # paused before write: nothing ran
    assert "Paused before: write" in handle.view.text()
    [go] = [b for b in handle.view.buttons if b.description == "Continue"]
    go.click()
    assert handle.wait_idle(5) is RunStatus.WAITING
    panel = handle.view.panel()
    assert panel.interrupt.value == {"question": "Funny?", "joke": "joke 2 about cats"}  # write ran again
    panel.button("Reject").click()
    assert handle.wait(5) == {"topic": "cats", "joke": "joke 2 about cats", "verdict": "reject",
                              "log": ["write", "review"]}
    assert graph.get_state(config).values["verdict"] == "reject"  # the replay is the thread's new head
    assert [(d.label, d.applied) for d in handle.record.decisions if d.interrupt_id] == [("rejected", True)]


def test_a_fork_made_with_update_state_runs_in_the_view(eng, start):
    graph, config = make_graph(eng), {"configurable": {"thread_id": "t"}}
    first = start(graph, {"topic": "cats"}, config)
    first.view.panel().button("Approve").click()
    assert first.wait(5)["joke"] == "joke 1 about cats"
    fork = graph.update_state(_before_write(graph, config), {"topic": "dogs"})
    assert fork["configurable"]["checkpoint_id"]  # a new checkpoint of the graph's own engine
    handle = start(graph, None, fork)
    panel = handle.view.panel()
    assert panel.interrupt.value["joke"] == "joke 2 about dogs"
    panel.button("Approve").click()
    assert handle.wait(5)["joke"] == "joke 2 about dogs"
    history = [s.values.get("joke") for s in graph.get_state_history(config)]
    assert history[0] == "joke 2 about dogs" and "joke 1 about cats" in history  # the original run is kept


def test_show_at_a_past_checkpoint_marks_the_nodes_that_ran_before_it(eng):
    builder = eng.StateGraph(State)
    for name in ("a", "b", "c"):
        builder.add_node(name, lambda s, n=name: {"log": [n]})
    builder.add_edge(eng.START, "a").add_edge("a", "b").add_edge("b", "c")
    graph, config = builder.compile(checkpointer=eng.InMemorySaver()), {"configurable": {"thread_id": "t"}}
    graph.invoke({"log": []}, config)
    before_c = next(s for s in graph.get_state_history(config) if s.next == ("c",)).config
    # get_state_history of a config naming a checkpoint lists that checkpoint alone (LangGraph 1.2)
    assert [s.config for s in graph.get_state_history(before_c)] == [graph.get_state(before_c).config]
    stopped = show(graph, before_c, policy="reject", ui="console")
    assert stopped.status is RunStatus.STOPPED
    assert {n: stopped.journal.statuses.get(n) for n in "abc"} == {"a": "done", "b": "done", "c": None}
