"""RunHandle: double clicks, result/wait/await, done callbacks, stop, errors, no checkpointer, restore.

Every test runs once per engine (``eng``): this package's graphs and graphs compiled by the real ``langgraph``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, TypedDict

import pytest

from hitl_notebook.drawing.status import NodeStatus
from hitl_notebook.notebook import (
    RunPendingError,
    RunStateError,
    RunStatus,
    RunStoppedError,
    run,
    show,
)
from hitl_notebook.notebook import _controller


class S(TypedDict, total=False):
    answer: Any
    n: int


def eventually(check: Any, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def counted(eng: Any, saver: Any = None) -> tuple[Any, list]:
    """ask -> after, compiled by ``eng``; ``after`` counts how often it really ran."""
    after_runs: list = []

    def ask(state: S) -> dict:
        return {"answer": eng.interrupt({"question": "go?"})}

    def after(state: S) -> dict:
        after_runs.append(state["answer"])
        print(f"after got {state['answer']}")
        return {"n": len(after_runs)}

    graph = (eng.StateGraph(S).add_node("ask", ask).add_node("after", after).add_edge(eng.START, "ask")
             .add_edge("ask", "after").compile(checkpointer=saver if saver is not None else eng.InMemorySaver()))
    return graph, after_runs


def test_double_click_resumes_exactly_once(eng, start):
    graph, after_runs = counted(eng)
    handle = start(graph, {})
    panel = handle.view.panel()
    approve = panel.button("Approve")
    approve.click()
    approve.click()
    panel.button("Reject").click()
    assert handle.wait(5) == {"answer": "approve", "n": 1}
    assert after_runs == ["approve"]
    assert len(handle.record.decisions) == 1


def test_concurrent_clicks_from_threads_resume_once(eng, start):
    graph, after_runs = counted(eng)
    handle = start(graph, {})
    approve = handle.view.panel().button("Approve")
    threads = [threading.Thread(target=approve.click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    handle.wait(5)
    assert after_runs == ["approve"]


def test_result_before_the_end_explains_itself(eng, start):
    handle = start(counted(eng)[0], {})
    with pytest.raises(RunPendingError, match="waiting for a human"):
        handle.result
    with pytest.raises(ValueError, match="not pending"):
        handle.answer("nope", 1)
    handle.resume("approve")
    assert handle.wait(5)["n"] == 1
    with pytest.raises(RunStateError, match="not waiting"):
        handle.resume("again")


def test_wait_on_kernel_main_thread_raises_instead_of_deadlocking(eng, start, monkeypatch):
    handle = start(counted(eng)[0], {})
    monkeypatch.setattr(_controller, "on_kernel_main_thread", lambda: True)
    with pytest.raises(RunPendingError, match="add_done_callback"):
        handle.wait(timeout=5)
    handle.resume("approve")
    assert handle.wait(timeout=5)["n"] == 1  # once no human is needed, blocking is fine


def test_await_handle_resolves_when_the_run_finishes(eng, start):
    handle = start(counted(eng)[0], {})

    async def main() -> Any:
        asyncio.get_running_loop().call_later(0.02, handle.view.panel().button("Approve").click)
        return await handle

    assert asyncio.run(main()) == {"answer": "approve", "n": 1}


def test_done_callbacks_run_once_and_their_errors_and_prints_show_in_the_view(eng, start):
    handle = start(counted(eng)[0], {})
    seen = []

    def good(h: Any) -> None:
        seen.append(h.result["n"])
        print("callback says hi")

    def bad(h: Any) -> None:
        raise ValueError("callback bug")

    handle.add_done_callback(good)
    handle.add_done_callback(bad)
    handle.resume("approve")
    handle.wait(5)
    assert eventually(lambda: "callback bug" in handle.view.text())  # callbacks run right after waiters wake
    assert seen == [1] and "callback says hi" in handle.view.text()
    late = []
    handle.add_done_callback(lambda h: late.append(h.status))
    assert late == [RunStatus.DONE]


def test_a_failing_observer_is_reported_in_the_view(eng, start):
    from hitl_notebook.notebook import RunObserver

    class Broken(RunObserver):
        def on_change(self, entry: Any) -> None:
            raise RuntimeError("observer bug")

    handle = start(counted(eng)[0], {})
    handle.add_observer(Broken())
    handle.view.panel().button("Approve").click()
    assert handle.wait(5)["n"] == 1  # the run itself is unharmed
    assert "observer bug" in handle.view.text() and "Broken.on_change" in handle.view.text()


def test_stop_while_waiting(eng, start):
    handle = start(counted(eng)[0], {})
    handle.view.stop_button.click()
    assert handle.status is RunStatus.STOPPED and handle.view.stop_button.disabled
    assert "Run stopped." in handle.view.text()
    panel = handle.view.panels[0]
    assert panel.locked and all(b.disabled for b in panel.buttons) and "Not answered" in panel.message.value
    with pytest.raises(RunStoppedError):
        handle.result
    with pytest.raises(RunStateError):
        handle.resume("approve")


def test_stop_while_running_ends_between_steps(eng):
    started, release = threading.Event(), threading.Event()
    ran = []

    def slow(state: S) -> dict:
        ran.append("slow")
        started.set()
        release.wait(5)
        return {"n": 1}

    def later(state: S) -> dict:
        ran.append("later")
        return {"n": 2}

    graph = (eng.StateGraph(S).add_node("slow", slow).add_node("later", later).add_edge(eng.START, "slow")
             .add_edge("slow", "later").compile(checkpointer=eng.InMemorySaver()))
    handle = run(graph, {}, ui="widgets", display=False)
    assert started.wait(5)
    handle.stop()
    assert handle.status is RunStatus.RUNNING  # the running step is not interrupted
    release.set()
    with pytest.raises(RunStoppedError):
        handle.wait(5)
    assert ran == ["slow"] and handle.status is RunStatus.STOPPED
    assert handle.state.next == ("later",)


def test_node_error_is_shown_and_raised(eng):
    def broken(state: S) -> dict:
        raise ValueError("node exploded")

    graph = (eng.StateGraph(S).add_node("broken", broken).add_edge(eng.START, "broken")
             .compile(checkpointer=eng.InMemorySaver()))
    handle = run(graph, {}, ui="widgets", display=False)
    with pytest.raises(ValueError, match="node exploded"):
        handle.wait(5)
    assert handle.status is RunStatus.ERROR
    text = handle.view.text()
    assert "node exploded" in text and "in broken" in text and "frames inside" in text  # folded traceback
    assert handle.journal.statuses["broken"] == "error"


def test_graph_without_checkpointer_explains_how_to_fix_it(eng):
    graph = (eng.StateGraph(S).add_node("ask", lambda s: {"answer": eng.interrupt("ok?")})
             .add_edge(eng.START, "ask").compile())
    handle = run(graph, {}, ui="widgets", display=False)
    with pytest.raises(RunStateError, match="checkpointer=InMemorySaver"):
        handle.wait(5)
    panel = handle.view.panels[0]
    assert panel.locked and all(b.disabled for b in panel.buttons) and "checkpointer" in panel.message.value
    with pytest.raises(RunStateError):
        handle.state


def test_breakpoint_gets_a_continue_button(eng, start):
    graph = (eng.StateGraph(S).add_node("a", lambda s: {"n": 1}).add_node("b", lambda s: {"n": 2})
             .add_edge(eng.START, "a").add_edge("a", "b")
             .compile(checkpointer=eng.InMemorySaver(), interrupt_before=["b"]))
    handle = start(graph, {})
    assert handle.status is RunStatus.WAITING and handle.pending == []
    [go] = [b for b in handle.view.buttons if b.description == "Continue"]
    go.click()
    assert handle.wait(5) == {"n": 2}
    assert "continued by" in handle.view.text()


def test_rerun_on_paused_thread_restores_panels_without_running(seeds):
    saver = seeds.eng.InMemorySaver()
    config = {"configurable": {"thread_id": "restart-me"}}
    first = run(seeds.seed000(saver), {}, config, ui="widgets", display=False)
    assert first.wait_idle(5) is RunStatus.WAITING
    graph = seeds.seed000(saver)  # "after a kernel restart": a fresh graph object on the same checkpoints
    handle = run(graph, None, config, ui="widgets", display=False)
    assert handle.wait_idle(5) is RunStatus.WAITING
    assert not [e for e in handle.record.entries if e.kind == "node"]  # nothing ran
    assert handle.view.panel().interrupt.id == first.pending[0].id
    assert "restored" in handle.view.text()
    assert handle.journal.statuses == {"generate_llm_output": NodeStatus.DONE,  # the drawing shows what ran
                                       "human_approval": NodeStatus.INTERRUPTED}
    handle.view.panel().button("Approve").click()
    assert handle.wait(5)["decision"] == "approved"
    assert "✅ Approved path taken." in handle.view.text()


def test_sqlite_thread_survives_a_restart(seeds, tmp_path):
    SqliteSaver = seeds.eng.SqliteSaver
    path = tmp_path / "runs.sqlite"
    config = {"configurable": {"thread_id": "durable"}}
    with SqliteSaver.from_conn_string(str(path)) as saver:
        first = run(seeds.seed000(saver), {}, config, ui="widgets", display=False)
        assert first.wait_idle(5) is RunStatus.WAITING
    with SqliteSaver.from_conn_string(str(path)) as saver:  # a new process would do exactly this
        handle = show(seeds.seed000(saver), config, ui="widgets", display=False)
        assert handle.wait_idle(5) is RunStatus.WAITING
        assert handle.view.panel().interrupt.id == first.pending[0].id
        handle.view.panel().button("Reject").click()
        assert handle.wait(5)["decision"] == "rejected"


def test_show_refuses_unknown_threads(seeds):
    with pytest.raises(ValueError, match="no checkpoint"):
        show(seeds.seed000(), {"configurable": {"thread_id": "never-ran"}}, ui="widgets", display=False)



_PAUSE_IN_A_PROCESS = """
import sys
from hitl_notebook.notebook import HumanInputRequired, run
from tests.conftest import engine_api
from tests.notebook.conftest import seed000

eng = engine_api(sys.argv[1])
with eng.SqliteSaver.from_conn_string(sys.argv[2]) as saver:
    try:
        run(seed000(saver, eng), {}, {"configurable": {"thread_id": "durable"}}, ui="console")
    except HumanInputRequired as paused:  # no terminal, no policy: the run stays paused in the file
        print("PAUSED", paused.handle.pending[0].id)
"""


def test_show_answers_a_thread_paused_by_another_process(seeds, tmp_path):
    """A kernel restart for real: one process pauses the thread in the engine's own SqliteSaver file and exits; a
    fresh process shows it (nothing re-runs), answers it, and the run continues from the checkpoint."""
    path = tmp_path / "runs.sqlite"
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", _PAUSE_IN_A_PROCESS, seeds.eng.name, str(path)], cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    [interrupt_id] = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("PAUSED")]
    config = {"configurable": {"thread_id": "durable"}}
    with seeds.eng.SqliteSaver.from_conn_string(str(path)) as saver:
        handle = show(seeds.seed000(saver), config, ui="widgets", display=False)
        assert handle.wait_idle(5) is RunStatus.WAITING
        assert not [e for e in handle.record.entries if e.kind == "node"]  # restored, not re-run
        panel = handle.view.panel()
        assert panel.interrupt.id == interrupt_id and "Do you approve the following output?" in handle.view.text()
        panel.button("Approve").click()
        assert handle.wait(5) == {"llm_output": "This is the generated output.", "decision": "approved"}
        assert "✅ Approved path taken." in handle.view.text()
        assert [d.applied for d in handle.record.decisions] == [True]
    with seeds.eng.SqliteSaver.from_conn_string(str(path)) as saver:  # and the answer is in the file
        assert seeds.seed000(saver).get_state(config).values["decision"] == "approved"


def test_show_restores_a_paused_entrypoint_without_re_running_its_task(seeds):
    saver, config = seeds.eng.InMemorySaver(), {"configurable": {"thread_id": "essay"}}
    first = run(seeds.seed003(saver), "cat", config, ui="widgets", display=False)
    assert first.wait_idle(5) is RunStatus.WAITING
    handle = show(seeds.seed003(saver), config, ui="widgets", display=False, approve_value=True)
    assert handle.wait_idle(5) is RunStatus.WAITING
    assert not [e for e in handle.record.entries if e.kind == "node"]
    handle.view.panel().button("Approve").click()
    assert handle.wait(5) == {"essay": "An essay about topic: cat", "is_approved": True}
    # LangGraph announces the finished @task again on resume, this engine does not: either way it is not re-run
    assert all(e.cached for e in handle.record.entries if e.node == "write_essay")
