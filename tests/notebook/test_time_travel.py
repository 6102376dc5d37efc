"""run() and show() at a past checkpoint: replay and fork like ``graph.invoke(None, past_config)``."""

from __future__ import annotations

import itertools
import operator
from typing import Annotated, TypedDict

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.notebook import RunStatus, run, show
from hitl_notebook.types import interrupt


class State(TypedDict, total=False):
    topic: str
    joke: str
    verdict: str
    log: Annotated[list, operator.add]


def make_graph():
    jokes = itertools.count(1)

    def write(state: State):
        return {"joke": f"joke {next(jokes)} about {state['topic']}", "log": ["write"]}

    def review(state: State):
        return {"verdict": interrupt({"question": "Funny?", "joke": state["joke"]}), "log": ["review"]}

    builder = StateGraph(State).add_node(write).add_node(review)
    builder.add_edge(START, "write").add_edge("write", "review")
    return builder.compile(checkpointer=InMemorySaver())


def _before_write(graph, config):
    return next(s for s in graph.get_state_history(config) if s.next == ("write",)).config


def test_run_with_a_past_checkpoint_replays_from_it_like_invoke():
    graph, config = make_graph(), {"configurable": {"thread_id": "t"}}
    first = run(graph, {"topic": "cats"}, config, policy="approve", ui="console")
    assert first.result["joke"] == "joke 1 about cats"

    replay = run(graph, None, _before_write(graph, config), policy="approve", ui="console")
    assert replay.status is RunStatus.DONE
    assert replay.result == {"topic": "cats", "joke": "joke 2 about cats", "verdict": "approve",
                             "log": ["write", "review"]}  # write ran again: a replay, not a restore
    assert graph.get_state(config).values == replay.result  # the replay is the thread's new head
    assert not any(e.kind == "breakpoint" for e in replay.record.entries)


def test_run_after_a_fork_with_update_state_runs_the_fork():
    graph, config = make_graph(), {"configurable": {"thread_id": "t"}}
    run(graph, {"topic": "cats"}, config, policy="approve", ui="console")
    fork = graph.update_state(_before_write(graph, config), {"topic": "dogs"})
    forked = run(graph, None, fork, policy="reject", ui="console")
    assert forked.result["joke"] == "joke 2 about dogs" and forked.result["verdict"] == "reject"


def test_show_at_a_past_checkpoint_waits_and_continue_replays():
    graph, config = make_graph(), {"configurable": {"thread_id": "t"}}
    run(graph, {"topic": "cats"}, config, policy="approve", ui="console")
    past = _before_write(graph, config)

    stopped = show(graph, past, policy="reject", ui="console")  # nothing re-runs unless someone continues
    assert stopped.status is RunStatus.STOPPED
    [paused] = [e for e in stopped.record.entries if e.kind == "breakpoint"]
    assert paused.text == "Paused before: write. Continue runs it."
    assert graph.get_state(config).values["joke"] == "joke 1 about cats"

    continued = show(graph, past, policy="approve", ui="console")
    assert continued.result["joke"] == "joke 2 about cats"
