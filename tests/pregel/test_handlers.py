"""Error handlers across a resume (pregel/_handlers.py, _loop.py): the handler runs again, not the failed node."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.constants import ERROR, ERROR_SOURCE_NODE
from hitl_notebook.errors import NodeError
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.pregel._algo import classify_writes
from hitl_notebook.types import Command, interrupt


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def _graph(saver, calls):
    def boom(state: S) -> dict:
        calls.append("boom")
        raise ValueError("bad")

    def handler(state: S, error: NodeError) -> dict:
        calls.append("handler")
        return {"log": [f"handled {error.node}: {error.error}"]}

    def ask(state: S) -> dict:
        return {"log": [interrupt("q?")]}

    g = StateGraph(S).add_node("boom", boom, error_handler=handler).add_node("ask", ask)
    return g.add_edge(START, "boom").add_edge(START, "ask").compile(checkpointer=saver)


@pytest.fixture(params=["memory", "sqlite"])
def any_saver(request, tmp_path):
    if request.param == "memory":
        return InMemorySaver()
    from hitl_notebook.checkpoint.sqlite import SqliteSaver

    return SqliteSaver(str(tmp_path / "runs.sqlite"))


def test_a_resume_runs_the_handler_again_with_the_saved_error_not_the_failed_node(any_saver, thread):
    calls: list[str] = []
    app = _graph(any_saver, calls)
    app.invoke({"log": []}, thread)
    assert sorted(calls) == ["boom", "handler"]
    writes = [(c, v) for _, c, v in app.checkpointer.get_tuple(thread).pending_writes if c.startswith("__error")]
    assert writes == [(ERROR, "ValueError('bad')"), (ERROR_SOURCE_NODE, "boom")]
    calls.clear()
    assert app.invoke(Command(resume="yes"), thread) == {"log": ["yes", "handled boom: ValueError('bad')"]}
    assert calls == ["handler"]


def test_the_rerun_handler_is_announced_with_the_step(thread):
    app = _graph(InMemorySaver(), [])
    app.invoke({"log": []}, thread)
    started = [c["name"] for c in app.stream(Command(resume="y"), thread, stream_mode="tasks") if "input" in c]
    assert started == ["boom", "ask", "__error_handler__boom"]


def test_a_handler_that_asks_pauses_the_step_and_its_answer_resumes_it(thread):
    def boom(state: S) -> dict:
        raise ValueError("bad")

    def asking(state: S, error: NodeError) -> dict:
        return {"log": [interrupt(f"handle {error.node}?")]}

    app = StateGraph(S).add_node("boom", boom, error_handler=asking).add_edge(START, "boom")
    app = app.compile(checkpointer=InMemorySaver())
    assert [i.value for i in app.invoke({"log": []}, thread)["__interrupt__"]] == ["handle boom?"]
    assert app.get_state(thread).next == ("boom",)
    assert app.invoke(Command(resume="ok"), thread) == {"log": ["ok"]}


def test_classify_writes_reports_the_handled_marker_without_counting_the_task_finished():
    entry = classify_writes([("t", ERROR, "E()"), ("t", ERROR_SOURCE_NODE, "boom")])["t"]
    assert (entry["ok"], entry["error"], entry["handled"], entry["writes"]) == (False, "E()", "boom", [])
