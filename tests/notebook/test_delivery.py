"""A human's decision is never lost (issue 15, notebook side): every answer goes through one place that records
exactly what was delivered, refuses an answer the thread can no longer take, and keeps the interrupt pending when
an answer could not be applied.

Each test runs once per engine (``eng``): this package's graphs and graphs compiled by the real ``langgraph``.
"""

from __future__ import annotations

import contextlib
import operator
import threading
from typing import Annotated, Any, TypedDict

import pytest

from hitl_notebook.errors import CheckpointConflictError
from hitl_notebook.notebook import (
    DecisionConflictError,
    RunStateError,
    RunStatus,
    UnstorableAnswerError,
    export_audit,
    run,
    show,
)
from tests.conftest import engine_api


class Draft(TypedDict, total=False):
    draft: str
    verdict: str


class Log(TypedDict, total=False):
    log: Annotated[list, operator.add]


def review_graph(eng: Any, saver: Any = None, calls: list | None = None) -> Any:
    """One node that asks "Ship it?" and stores the answer in ``verdict``."""

    def review(s: Draft) -> dict:
        verdict = eng.interrupt({"question": "Ship it?", "draft": s["draft"]})
        if calls is not None:
            calls.append(verdict)
        return {"verdict": verdict}

    return eng.StateGraph(Draft).add_node(review).add_edge(eng.START, "review").compile(
        checkpointer=saver if saver is not None else eng.InMemorySaver())


def applied(handle: Any) -> list[Any]:
    return [d.value for d in handle.record.decisions if d.applied]


def audit_decisions(handle: Any, path: Any) -> list[dict]:
    audit = export_audit(handle, path).metadata["hitl_notebook"]["audit"]
    return [a["decision"] for a in audit if a["decision"]]


@contextlib.contextmanager
def sqlite(eng: Any, path: Any) -> Any:
    with eng.SqliteSaver.from_conn_string(str(path)) as saver:
        yield saver


# -- case 2: a stale panel in a second kernel ------------------------------------------------------------------

def test_a_stale_panel_of_a_second_kernel_gets_a_conflict_and_applies_nothing(eng, start, tmp_path):
    """Kernel A and kernel B show one paused SQLite thread (two savers on one file); A approves and the run ends;
    then B clicks Reject: B's run ends in a CheckpointConflictError and nothing of B's answer is applied."""
    path, config = tmp_path / "runs.sqlite", {"configurable": {"thread_id": "shared"}}
    with sqlite(eng, path) as saver_a, sqlite(eng, path) as saver_b:
        review_graph(eng, saver_a).invoke({"draft": "hello"}, config)
        kernel_a = show(review_graph(eng, saver_a), config, ui="widgets", display=False)
        kernel_b = show(review_graph(eng, saver_b), config, ui="widgets", display=False)
        assert kernel_a.wait_idle(5) is kernel_b.wait_idle(5) is RunStatus.WAITING
        kernel_a.view.panel().button("Approve").click()
        assert kernel_a.wait(5) == {"draft": "hello", "verdict": "approve"}
        kernel_b.view.panel().button("Reject").click()
        assert kernel_b.wait_idle(5) is RunStatus.ERROR
        with pytest.raises(CheckpointConflictError, match="already moved on"):
            kernel_b.result
        assert review_graph(eng, saver_b).get_state(config).values["verdict"] == "approve"
        assert applied(kernel_b) == [] and [d.applied for d in kernel_b.record.decisions] == [False]
        assert [d["applied"] for d in audit_decisions(kernel_b, tmp_path / "b.ipynb")] == [False]
        assert "NOT applied" in kernel_b.view.panels[0].message.value
        assert "CheckpointConflictError" in kernel_b.view.panels[0].message.value
        assert kernel_b.view.panels[0].locked


def test_two_handles_answering_at_once_apply_exactly_one(eng):
    """Two handles of one thread in one process resume at the same moment: one answer applies, the other run ends
    in a conflict, and every record agrees with what the graph received."""
    for attempt in range(5):
        saver, calls = eng.InMemorySaver(), []
        config = {"configurable": {"thread_id": f"race-{attempt}"}}
        review_graph(eng, saver).invoke({"draft": "hello"}, config)
        handles = [show(review_graph(eng, saver, calls), config, ui="widgets", display=False) for _ in range(2)]
        for handle in handles:
            handle.wait_idle(5)
        go = threading.Barrier(2)

        def answer(handle: Any, value: str) -> None:
            go.wait(5)
            handle.resume(value)

        threads = [threading.Thread(target=answer, args=(h, v)) for h, v in zip(handles, ["approve", "reject"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        statuses = sorted(h.wait_idle(10).value for h in handles)
        assert statuses == ["done", "error"], statuses
        winner = next(h for h in handles if h.status is RunStatus.DONE)
        loser = next(h for h in handles if h.status is RunStatus.ERROR)
        assert len(calls) == 1 and applied(winner) == calls
        assert review_graph(eng, saver).get_state(config).values["verdict"] == calls[0]
        assert applied(loser) == [] and isinstance(loser._error, CheckpointConflictError)


# -- case 3: a click and handle.resume() racing ---------------------------------------------------------------

def test_resume_before_a_click_wins_and_the_panel_stays_locked_with_the_winner(eng, start, tmp_path):
    calls: list = []
    handle = start(review_graph(eng, calls=calls), {"draft": "hello"})
    panel = handle.view.panel()
    handle._background = False  # the resume runs to its end here, so the click comes after it
    handle.resume("reject")
    panel.locked = False  # as if the click's handler started before the view showed the decision
    panel.button("Approve").click()
    assert handle.wait(5) == {"draft": "hello", "verdict": "reject"}
    assert calls == ["reject"] and applied(handle) == ["reject"]
    assert [d["value"] for d in audit_decisions(handle, tmp_path / "a.ipynb")] == ["reject"]
    assert panel.locked and all(b.disabled for b in panel.buttons)
    assert "rejected by" in panel.message.value and "was not sent" in panel.message.value


def test_a_click_before_resume_wins_and_resume_is_refused(eng, start):
    calls: list = []
    handle = start(review_graph(eng, calls=calls), {"draft": "hello"})
    handle._background = False
    handle.view.panel().button("Approve").click()
    with pytest.raises(RunStateError, match="was already answered"):
        handle.resume("reject")
    assert handle.result == {"draft": "hello", "verdict": "approve"}
    assert calls == ["approve"] and applied(handle) == ["approve"]


def test_resume_of_an_interrupt_answered_in_its_panel_is_refused(eng, start):
    """Two pending interrupts: one answered in its panel (waiting for the other); resume() of the same id must
    not replace the panel's answer, which is what the record shows."""
    def ask(name: str) -> Any:
        return lambda s: {"log": [f"{name}={eng.interrupt({'question': name})}"]}

    graph = (eng.StateGraph(Log).add_node("a", ask("a")).add_node("b", ask("b")).add_edge(eng.START, "a")
             .add_edge(eng.START, "b").compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"log": []})
    panel_a = next(p for p in handle.view.panels if p.entry.node == "a")
    panel_a.button("Approve").click()
    with pytest.raises(RunStateError, match="was already answered"):
        handle.resume("reject", id=panel_a.interrupt.id)
    open_id = next(i.id for i in handle.pending if i.id != panel_a.interrupt.id)
    handle.resume("reject", id=open_id)
    assert sorted(handle.wait(5)["log"]) == ["a=approve", "b=reject"]
    assert sorted(applied(handle)) == ["approve", "reject"]


def test_clicks_racing_resume_calls_deliver_exactly_what_is_recorded(eng, start, tmp_path):
    for attempt in range(5):
        calls: list = []
        handle = start(review_graph(eng, calls=calls), {"draft": "hello"})
        panel = handle.view.panel()
        go = threading.Barrier(2)
        errors: list = []

        def by_resume() -> None:
            go.wait(5)
            try:
                handle.resume("reject")
            except RunStateError as exc:
                errors.append(exc)

        thread = threading.Thread(target=by_resume)
        thread.start()
        go.wait(5)
        panel.button("Approve").click()
        thread.join(10)
        handle.wait(5)
        assert len(calls) == 1 and applied(handle) == calls
        assert [d["value"] for d in audit_decisions(handle, tmp_path / f"{attempt}.ipynb")] == calls
        assert panel.locked and all(b.disabled for b in panel.buttons)
        assert ("rejected by" if calls == ["reject"] else "approved by") in panel.message.value


# -- case 4: an answer the checkpointer cannot store -----------------------------------------------------------

def test_an_unstorable_answer_is_refused_and_the_interrupt_stays_answerable(eng, start):
    handle = start(review_graph(eng), {"draft": "hello"})
    pending = handle.pending
    with pytest.raises(UnstorableAnswerError, match="cannot store the answer"):
        handle.resume(object())
    assert handle.status is RunStatus.WAITING and handle.pending == pending
    assert handle.record.decisions == []
    handle.resume("approve")
    assert handle.wait(5) == {"draft": "hello", "verdict": "approve"}


def test_an_unstorable_panel_answer_reopens_the_panel(eng, start):
    handle = start(review_graph(eng), {"draft": "hello"})
    panel = handle.view.panel()
    panel.answer_with(lambda: {1, 2, object()})
    assert not panel.locked and "cannot store the answer" in panel.message.value
    assert handle.status is RunStatus.WAITING
    panel.button("Approve").click()
    assert handle.wait(5)["verdict"] == "approve"


def test_an_answer_whose_save_fails_keeps_the_interrupt_pending(eng, start):
    """The save fails anyway (the disk fills up while the answer is saved): none of it reached the thread, so the
    run waits again with the error in the panel, and the next answer applies."""

    class Flaky(eng.InMemorySaver):
        disk_full, fills_on_first_answer = False, True

        def put(self, *args: Any, **kwargs: Any) -> Any:
            if self.disk_full:
                raise OSError("disk full")
            return super().put(*args, **kwargs)

        def put_writes(self, config: Any, writes: Any, task_id: str, task_path: str = "") -> None:
            if self.fills_on_first_answer and any(channel == "__resume__" for channel, _ in writes):
                self.disk_full, self.fills_on_first_answer = True, False
            if self.disk_full:
                raise OSError("disk full")
            super().put_writes(config, writes, task_id, task_path)

    saver = Flaky()
    handle = start(review_graph(eng, saver), {"draft": "hello"})
    interrupt_id = handle.pending[0].id
    handle.view.panel().button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.WAITING
    assert [i.id for i in handle.pending] == [interrupt_id]
    assert "verdict" not in handle.state.values
    panel = handle.view.panel()
    assert not panel.locked and "disk full" in panel.message.value
    assert handle.record.decisions == []
    saver.disk_full = False
    panel.button("Reject").click()
    assert handle.wait(5)["verdict"] == "reject" and applied(handle) == ["reject"]


def test_an_answer_applied_before_a_later_failure_is_recorded_as_applied(eng, start):
    """The answer moved the thread on, then a later node failed: the decision was applied, and says so."""
    def boom(s: Draft) -> dict:
        raise RuntimeError("later node exploded")

    graph = (eng.StateGraph(Draft).add_node("review", lambda s: {"verdict": eng.interrupt({"question": "ok?"})})
             .add_node("boom", boom).add_edge(eng.START, "review").add_edge("review", "boom")
             .compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"draft": "x"})
    handle.view.panel().button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.ERROR
    assert [d.applied for d in handle.record.decisions] == [True]


# -- case 9: resuming without a checkpointer -------------------------------------------------------------------

def test_resume_without_a_checkpointer_names_the_fix(eng):
    graph = eng.StateGraph(Draft).add_node("review", lambda s: {"verdict": eng.interrupt("ok?")}).add_edge(
        eng.START, "review").compile()
    handle = run(graph, {"draft": "x"}, ui="widgets", display=False)
    handle.wait_idle(5)
    with pytest.raises(RunStateError, match=r"compile\(checkpointer=InMemorySaver\(\)\)"):
        handle.resume("approve")


# -- stale handles ---------------------------------------------------------------------------------------------

def test_a_stale_handle_refuses_instead_of_resuming_a_newer_checkpoint(eng, start):
    """The thread moved on to a newer checkpoint (here ``update_state``, as another process could) while the
    handle still shows the old one: its answer is refused, and the newer checkpoint is left as it is."""
    calls: list = []
    graph = review_graph(eng, calls=calls)
    handle = start(graph, {"draft": "hello"})
    newer = graph.update_state(handle.config, {"draft": "edited elsewhere"})
    handle.view.panel().button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.ERROR
    with pytest.raises(CheckpointConflictError, match="already moved on"):
        handle.result
    assert isinstance(handle._error, DecisionConflictError)
    assert calls == [] and applied(handle) == []
    with pytest.raises(RunStateError, match=r"show\(graph, handle.config\) shows what it asks now"):
        handle.resume("approve")
    state = graph.get_state(handle.config)
    assert state.config["configurable"]["checkpoint_id"] == newer["configurable"]["checkpoint_id"]


# -- case 1: show() after a crash ------------------------------------------------------------------------------

def crashed_thread(eng: Any, parallel: bool) -> tuple[Any, dict, list]:
    """A thread cut short by a crash in step 1: node ``b``'s writes were saved, the step's checkpoint was not
    (built with a saver's public ``put`` / ``put_writes``, as the saved rows of a killed kernel)."""
    ran: list = []

    def node(name: str) -> Any:
        def fn(s: Log) -> dict:
            ran.append(name)
            return {"log": [name]}
        return fn

    def build(saver: Any) -> Any:
        builder = eng.StateGraph(Log).add_node("a", node("a")).add_node("b", node("b")).add_node("c", node("c"))
        builder.add_edge(eng.START, "a").add_edge("a", "b").add_edge("b", "c")
        if parallel:
            builder.add_node("b2", node("b2")).add_edge("a", "b2").add_edge("b2", "c")
        return builder.compile(checkpointer=saver)

    config = {"configurable": {"thread_id": "crashed"}}
    finished, saver = eng.InMemorySaver(), eng.InMemorySaver()
    first = build(finished)
    first.invoke({"log": []}, config)
    for saved in reversed(list(finished.list(config))):
        parent = saved.parent_config or {"configurable": {"thread_id": "crashed", "checkpoint_ns": ""}}
        saver.put(parent, saved.checkpoint, saved.metadata, saved.checkpoint["channel_versions"])
        snapshot = first.get_state(saved.config)
        if "b" in snapshot.next:  # the step that runs b: keep b's writes, then "crash"
            (task,) = [t for t in snapshot.tasks if t.name == "b"]
            saver.put_writes(saved.config, [(c, v) for t, c, v in saved.pending_writes if t == task.id], task.id)
            break
    ran.clear()
    return build(saver), config, ran


@pytest.mark.parametrize("parallel", [False, True], ids=["one-task", "parallel"])
def test_show_continues_a_thread_cut_short_by_a_crash(eng, parallel):
    graph, config, ran = crashed_thread(eng, parallel)
    assert not graph.get_state(config).interrupts
    handle = show(graph, config, ui="widgets", display=False)
    result = handle.wait(10)
    assert sorted(result["log"]) == sorted(["a", "b", "c"] + (["b2"] if parallel else []))
    assert "b" not in ran and "c" in ran  # b's saved result is reused, the rest runs
    assert "stopped in the middle of step" in handle.view.text()


def test_show_of_a_finished_thread_still_reports_its_result(eng):
    graph = review_graph(eng)
    config = {"configurable": {"thread_id": "done"}}
    graph.invoke({"draft": "x"}, config)
    graph.invoke(eng.Command(resume="approve"), config)
    handle = show(graph, config, ui="widgets", display=False)
    assert handle.wait(5) == {"draft": "x", "verdict": "approve"}
    assert "stopped in the middle" not in handle.view.text()


def test_continue_at_a_breakpoint_the_thread_moved_past_is_refused(eng, start):
    ran: list = []
    graph = (eng.StateGraph(Log).add_node("a", lambda s: {"log": ["a"]})
             .add_node("b", lambda s: ran.append("b") or {"log": ["b"]}).add_edge(eng.START, "a").add_edge("a", "b")
             .compile(checkpointer=eng.InMemorySaver(), interrupt_before=["b"]))
    handle = start(graph, {"log": []})
    graph.invoke(None, handle.config)  # another kernel continued first
    assert ran == ["b"]
    handle.resume()
    assert handle.wait_idle(5) is RunStatus.ERROR
    with pytest.raises(CheckpointConflictError, match="already moved on"):
        handle.result
    assert ran == ["b"]  # not run a second time
    (breakpoint,) = [e for e in handle.record.entries if e.kind == "breakpoint"]
    assert breakpoint.decision.applied is False


def shipping(eng: Any, calls: list) -> Any:
    """One node that asks "ok?" and raises on the answer ``"approve"`` (after receiving it), else stores it."""
    def review(s: Draft) -> dict:
        verdict = eng.interrupt({"question": "ok?"})
        calls.append(verdict)
        if verdict == "approve":
            raise RuntimeError(f"cannot ship with {verdict}")
        return {"verdict": verdict}

    return eng.StateGraph(Draft).add_node("review", review).add_edge(eng.START, "review").compile(
        checkpointer=eng.InMemorySaver())


def all_audit_decisions(handle: Any, path: Any) -> list[dict]:
    audit = export_audit(handle, path).metadata["hitl_notebook"]["audit"]
    return [d for a in audit for d in (*a["earlier_decisions"], a["decision"]) if d]


def test_a_node_failing_after_its_answer_reopens_the_panel_and_takes_a_new_answer(start, tmp_path):
    """Case 5 on this package's engine (a new answer replaces the one a failed attempt used): the node raised after
    receiving the answer, the thread is still paused there, so the run waits again in the same view. The panel
    reopens with the node's error, the first decision stays recorded as NOT applied, and the next click applies."""
    eng, calls = engine_api("hitl_notebook"), []
    graph = shipping(eng, calls)
    handle = start(graph, {"draft": "x"})
    interrupt_id = handle.pending[0].id
    panel = handle.view.panel()
    panel.button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.WAITING
    assert [i.id for i in handle.pending] == [interrupt_id] and handle.view.panel() is panel
    assert not panel.locked and not any(b.disabled for b in panel.buttons)
    message = panel.message.value
    assert "RuntimeError: cannot ship with approve" in message and "raised after receiving the answer" in message
    assert "hitl-trace" in message and "in <b>review</b>" in message  # the node's folded traceback
    assert "approved by" in message and "(NOT applied)" in message
    assert [(d.value, d.applied) for d in handle.record.decisions] == [("approve", False)]
    panel.button("Reject").click()
    assert handle.wait(5) == {"draft": "x", "verdict": "reject"}
    assert calls == ["approve", "reject"]
    assert [(d.value, d.applied) for d in handle.record.decisions] == [("approve", False), ("reject", True)]
    audit = all_audit_decisions(handle, tmp_path / "a.ipynb")
    assert [(d["value"], d["applied"]) for d in audit] == [("approve", False), ("reject", True)]
    assert "cannot ship with approve" in audit[0]["error"]
    assert "(NOT applied)" in panel.message.value and "rejected by" in panel.message.value
    text = handle.log_text()
    assert text.index("approved by") < text.index("rejected by")


def test_after_a_failed_answer_resume_delivers_the_new_one(start):
    eng, calls = engine_api("hitl_notebook"), []
    handle = start(shipping(eng, calls), {"draft": "x"})
    handle._background = False
    handle.resume("approve")
    assert handle.status is RunStatus.WAITING and "cannot ship" in handle.view.panel().message.value
    handle.resume("reject")
    assert handle.result == {"draft": "x", "verdict": "reject"} and calls == ["approve", "reject"]
    assert [d.applied for d in handle.record.decisions] == [False, True]


def test_a_langgraph_node_failing_after_its_answer_ends_the_run_and_says_why(start, tmp_path):
    """LangGraph replays the failed answer on every later resume, so the run cannot ask again: it ends in the node's
    error, the decision is NOT applied, and the message says why (and that this package's engine reopens)."""
    eng, calls = engine_api("langgraph"), []
    graph = shipping(eng, calls)
    handle = start(graph, {"draft": "x"})
    panel = handle.view.panel()
    panel.button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.ERROR
    with pytest.raises(RuntimeError, match="cannot ship with approve"):
        handle.result
    assert [d.applied for d in handle.record.decisions] == [False]
    assert [d["applied"] for d in all_audit_decisions(handle, tmp_path / "a.ipynb")] == [False]
    assert panel.locked and "NOT applied" in panel.message.value
    assert "LangGraph gives the node this same answer again" in panel.message.value
    assert "hitl_notebook's engine takes a new answer" in panel.message.value
    assert graph.get_state(handle.config).interrupts  # still paused (and poisoned, as LangGraph 1.2)


def test_a_policy_whose_answer_makes_the_node_fail_hands_over_to_a_human(eng):
    from hitl_notebook.notebook import HumanInputRequired

    calls: list = []
    graph = shipping(eng, calls)
    if eng.name == "langgraph":  # the answer is replayed: the run ends in the node's error
        with pytest.raises(RuntimeError, match="cannot ship"):
            run(graph, {"draft": "x"}, policy="approve", ui="console")
        assert calls == ["approve"]
        return
    with pytest.raises(HumanInputRequired) as paused:
        run(graph, {"draft": "x"}, policy="approve", ui="console")
    handle = paused.value.handle
    assert calls == ["approve"] and handle.status is RunStatus.WAITING  # asked once, not again
    assert "cannot ship with approve" in handle.log_text()
    handle.resume("reject")
    assert handle.result == {"draft": "x", "verdict": "reject"}
    assert [d.applied for d in handle.record.decisions] == [False, True]

    calls.clear()  # the same in a headless widget view: the panel waits for a human
    handle = run(shipping(eng, calls), {"draft": "x"}, policy="approve", ui="widgets", display=False)
    assert handle.wait_idle(5) is RunStatus.WAITING and calls == ["approve"]
    assert not handle.view.panel().locked
    handle.view.panel().button("Reject").click()
    assert handle.wait(5)["verdict"] == "reject"


def test_the_console_asks_again_after_the_node_failed_on_the_answer(monkeypatch, capsys):
    import builtins

    from hitl_notebook.notebook import _run

    eng, calls = engine_api("hitl_notebook"), []
    replies = iter(["a", "r"])
    monkeypatch.setattr(_run, "stdin_is_tty", lambda: True)
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(replies))
    handle = run(shipping(eng, calls), {"draft": "x"}, ui="console")
    assert handle.result == {"draft": "x", "verdict": "reject"} and calls == ["approve", "reject"]
    out = capsys.readouterr().out
    assert out.index("RuntimeError: cannot ship with approve") < out.index("rejected by")
    assert 'in review' in out  # the node's traceback, before the question is asked again
    assert [d.applied for d in handle.record.decisions] == [False, True]


@pytest.mark.parametrize("shape", ["subgraph", "entrypoint"])
def test_a_failed_answer_inside_a_subgraph_or_entrypoint_is_asked_again(start, shape):
    eng, calls = engine_api("hitl_notebook"), []

    def judge() -> str:
        verdict = eng.interrupt({"question": "ok?"})
        calls.append(verdict)
        if verdict == "approve":
            raise RuntimeError("cannot ship")
        return verdict

    if shape == "subgraph":
        inner = eng.StateGraph(Draft).add_node("review", lambda s: {"verdict": judge()}).add_edge(
            eng.START, "review").compile()
        graph = eng.StateGraph(Draft).add_node("outer", inner).add_edge(eng.START, "outer").compile(
            checkpointer=eng.InMemorySaver())
        expected: Any = {"draft": "x", "verdict": "reject"}
    else:
        graph = eng.entrypoint(checkpointer=eng.InMemorySaver())(lambda draft: judge())
        expected = "reject"
    handle = start(graph, {"draft": "x"})
    handle.view.panel().button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.WAITING and "cannot ship" in handle.view.panel().message.value
    handle.view.panel().button("Reject").click()
    assert handle.wait(5) == expected and calls == ["approve", "reject"]
    assert [(d.value, d.applied) for d in handle.record.decisions] == [("approve", False), ("reject", True)]


def test_the_console_asks_again_after_the_graph_refused_the_answer(eng, monkeypatch, capsys):
    """The same rule for the graph's own validation (a ``response_schema`` model's validator): the console's
    human is asked again, where any other policy hands over."""
    import builtins

    from hitl_notebook.notebook import _run
    from tests.notebook.test_panels import Review, asking

    replies = iter(["y", "3", "", "", "a stupid draft", "y", "3", "", "", "a fine draft"])
    monkeypatch.setattr(_run, "stdin_is_tty", lambda: True)
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(replies))
    handle = run(asking(eng, "Rate the draft", response_schema=Review), {}, ui="console")
    assert handle.result["answer"]["comment"] == "a fine draft"
    assert "be polite" in capsys.readouterr().out


def test_a_parallel_answer_used_before_the_other_node_failed_counts_once_the_step_is_saved(start):
    """Two nodes ask at once; one raises on its answer, the other finished with its own: only the failed one is
    asked again, and the other's decision is applied once the step is saved, with the new answer."""
    eng = engine_api("hitl_notebook")

    def ask(name: str) -> Any:
        def node(s: Log) -> dict:
            answer = eng.interrupt({"question": name})
            if answer == "approve" and name == "a":
                raise RuntimeError("a cannot take approve")
            return {"log": [f"{name}={answer}"]}
        return node

    graph = (eng.StateGraph(Log).add_node("a", ask("a")).add_node("b", ask("b")).add_edge(eng.START, "a")
             .add_edge(eng.START, "b").compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"log": []})
    ids = {i.value["question"]: i.id for i in handle.pending}
    handle.view.panel(ids["b"]).button("Approve").click()
    handle.view.panel(ids["a"]).button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.WAITING and [i.id for i in handle.pending] == [ids["a"]]
    assert handle.view.panel(ids["b"]).locked
    handle.view.panel(ids["a"]).button("Reject").click()
    assert sorted(handle.wait(5)["log"]) == ["a=reject", "b=approve"]
    assert sorted((d.interrupt_id, d.value, d.applied) for d in handle.record.decisions) == sorted([
        (ids["a"], "approve", False), (ids["a"], "reject", True), (ids["b"], "approve", True)])


def test_a_thread_that_moves_on_while_the_answer_is_sent_is_a_conflict(eng, start, monkeypatch):
    """Another process saves its answer between this run's check and its resume: the resume runs on the newer
    checkpoint, where the task that asked never runs, so the answer is recorded as not applied."""
    calls: list = []
    graph = review_graph(eng, calls=calls)
    handle = start(graph, {"draft": "hello"})
    from hitl_notebook.notebook._delivery import Delivery

    checked = Delivery.before

    def then_another_process_answers(self: Any, graph: Any, config: dict) -> None:
        checked(self, graph, config)
        graph.invoke(eng.Command(resume="answered elsewhere"), config)

    monkeypatch.setattr(Delivery, "before", then_another_process_answers)
    handle.view.panel().button("Reject").click()
    status = handle.wait_idle(5)
    assert calls == ["answered elsewhere"]
    assert graph.get_state(handle.config).values["verdict"] == "answered elsewhere"
    assert applied(handle) == [] and [d.applied for d in handle.record.decisions] == [False]
    assert status is RunStatus.ERROR and isinstance(handle._error, CheckpointConflictError)


def test_resume_without_id_answers_the_one_left_open_next_to_a_panel_answer(eng, start):
    def ask(name: str) -> Any:
        return lambda s: {"log": [f"{name}={eng.interrupt({'question': name})}"]}

    graph = (eng.StateGraph(Log).add_node("a", ask("a")).add_node("b", ask("b")).add_edge(eng.START, "a")
             .add_edge(eng.START, "b").compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"log": []})
    for panel in handle.view.panels[-1:]:  # the panel shown last: resume() must still find the other one
        panel.button("Approve").click()
    handle.resume("reject")
    assert sorted(handle.wait(5)["log"]) in (["a=approve", "b=reject"], ["a=reject", "b=approve"])


def test_a_policy_giving_an_unstorable_answer_hands_over_to_a_human(eng):
    from hitl_notebook.notebook import HumanInputRequired

    graph = review_graph(eng)
    with pytest.raises(HumanInputRequired) as paused:
        run(graph, {"draft": "hello"}, policy=lambda interrupt: object(), ui="console")
    handle = paused.value.handle
    assert handle.status is RunStatus.WAITING and len(handle.pending) == 1
    assert "cannot store the answer" in handle.log_text()
    handle.resume("approve")
    assert handle.result == {"draft": "hello", "verdict": "approve"}
