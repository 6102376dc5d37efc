"""Checkpoint events' task entries once tasks saved writes (pregel/_events.py ``saved_outcome``), as LangGraph 1.2."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.constants import RETURN
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.pregel._events import saved_outcome
from hitl_notebook.types import Command, Interrupt, interrupt

ENTRY = {"id": "t", "name": "n", "interrupts": (), "state": None}


def _saved(writes=(), error=None, interrupts=()):
    return {"writes": list(writes), "interrupts": tuple(interrupts), "answers": [], "error": error, "ok": not error}


def test_an_error_replaces_result_and_interrupts():
    assert saved_outcome(ENTRY, _saved(error="ValueError('x')"), ("a",)) == {
        "id": "t", "name": "n", "error": "ValueError('x')", "state": None}


def test_writes_to_output_keys_are_the_result_and_repeats_are_grouped():
    entry = saved_outcome(ENTRY, _saved([("a", 1), ("b", 2), ("a", 3), ("a", 4)]), ("a",))
    assert entry == {"id": "t", "name": "n", "result": {"a": {"$writes": [1, 3, 4]}}, "interrupts": (), "state": None}
    assert list(entry) == ["id", "name", "result", "interrupts", "state"]


def test_no_output_writes_keeps_the_short_shape_with_the_raised_interrupts():
    asked = Interrupt(value="q", id="i1")
    entry = saved_outcome(ENTRY, _saved([("b", 2)], interrupts=[asked]), ("a",))
    assert entry == {"id": "t", "name": "n", "interrupts": ({"value": "q", "id": "i1", "response_schema": None},),
                     "state": None}


def test_a_single_output_channel_and_a_task_return_value_are_shown_bare():
    assert saved_outcome(ENTRY, _saved([("__root__", [1])]), "__root__")["result"] == [1]
    assert saved_outcome(ENTRY, _saved([(RETURN, 5), ("a", 1)]), ("a",))["result"] == 5


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def test_a_resume_streams_the_finished_sibling_with_its_result():
    g = StateGraph(S).add_node("ok", lambda s: {"log": ["ok"]}).add_node("ask", lambda s: {"log": [interrupt("q")]})
    app = g.add_edge(START, "ok").add_edge(START, "ask").compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "1"}}
    app.invoke({"log": []}, cfg)
    first = next(c for c in app.stream(Command(resume="y"), cfg, stream_mode="checkpoints"))
    by_name = {t["name"]: t for t in first["tasks"]}
    assert by_name["ok"]["result"] == {"log": ["ok"]}
    assert "result" not in by_name["ask"] and by_name["ask"]["interrupts"][0]["value"] == "q"


def test_fold_writes_groups_repeats_and_lets_a_write_follow_none():
    from hitl_notebook.pregel._events import fold_writes

    assert fold_writes([("a", 1), ("b", 2), ("a", 3)], ("a",)) == {"a": {"$writes": [1, 3]}}
    assert fold_writes([("a", None), ("a", 3)], ("a",)) == {"a": 3}  # as LangGraph's map_task_result_writes


def test_snapshots_and_task_events_show_repeated_writes_and_entrypoint_outputs(saver, thread):
    from hitl_notebook.func import entrypoint

    builder = StateGraph(S).add_node("many", lambda s: [Command(update={"log": [1]}), {"log": [2]}])
    builder.add_edge(START, "many")
    graph = builder.compile(checkpointer=saver)
    [started, finished] = list(graph.stream({"log": []}, thread, stream_mode="tasks"))
    assert finished["result"] == {"log": {"$writes": [[1], [2]]}}
    history = list(graph.get_state_history(thread))
    assert [t.result for t in history[1].tasks] == [{"log": {"$writes": [[1], [2]]}}]

    @entrypoint(checkpointer=saver)
    def flow(n: int) -> int:
        return n + 1

    other = {"configurable": {"thread_id": "flow"}}
    flow.invoke(1, other)
    assert [t.result for t in list(flow.get_state_history(other))[-1].tasks] == [2]  # the output, not its channels
