"""Through a real kernel (see bench/_kernel.py): async graphs run in the cell and are answered by a click (issue 17
item 8); awaiting a handle waits or fails at once, never hangs, and the stop button ends a wait (item 9)."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

from bench._kernel import KernelSession
from tests.notebook.test_kernel_lifecycle import errors, stdout

ASYNC_SEED = '''
import asyncio
from typing import Any, TypedDict
from hitl_notebook.graph import StateGraph, START
from hitl_notebook.types import interrupt
from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.notebook import run, RunPendingError

class S(TypedDict, total=False):
    draft: str
    verdict: Any

async def write(state: S):
    await asyncio.sleep(0.01)
    print("drafting")
    return {"draft": "hello"}

async def review(state: S):
    return {"verdict": interrupt({"question": "Ship it?", "draft": state["draft"]})}

graph = (StateGraph(S).add_node("write", write).add_node("review", review).add_edge(START, "write")
         .add_edge("write", "review").compile(checkpointer=InMemorySaver()))
'''


@pytest.mark.slow
def test_an_async_graph_runs_in_the_cell_and_a_click_resumes_it():
    with KernelSession() as kernel:
        assert not errors(kernel.run(ASYNC_SEED))
        started = time.monotonic()
        outputs = kernel.run("handle = run(graph, {})")
        assert not errors(outputs) and time.monotonic() - started < 10
        assert kernel.value("handle.wait_idle(timeout=30).value") == "'waiting'"
        [approve] = kernel.comm_ids("ButtonModel", description="Approve")
        kernel.click(approve)
        outputs = kernel.run("print(handle.wait(timeout=30))")
        assert "'verdict': 'approve'" in stdout(outputs), outputs
        assert "drafting" in kernel.value("handle.log_text()")


@pytest.mark.slow
@pytest.mark.parametrize("awaited", ["handle", "asyncio.gather(handle)", "asyncio.wait_for(handle, 60)",
                                     "asyncio.shield(handle)"])
def test_awaiting_a_waiting_run_at_the_top_level_of_a_cell_fails_at_once(awaited):
    from tests.notebook.test_kernel import SEED

    with KernelSession() as kernel:
        assert not errors(kernel.run(SEED + "import asyncio\nhandle = run(graph, {})\nhandle.wait_idle(timeout=30)"))
        [error] = errors(kernel.run(f"await {awaited}", timeout=20))
        assert error.ename == "RunPendingError" and "HITL_NOTEBOOK_POLICY" in error.evalue
        assert kernel.value("handle.status.value") == "'waiting'"


@pytest.mark.slow
def test_a_task_defined_in_a_cell_waits_for_the_click_and_a_later_cell_awaiting_it_fails():
    from tests.notebook.test_kernel import SEED

    with KernelSession() as kernel:
        assert not errors(kernel.run(SEED + "import asyncio\nhandle = run(graph, {})\nhandle.wait_idle(timeout=30)"))
        waiter = "async def waiter():\n    return await handle\ntask = asyncio.ensure_future(waiter())"
        assert not errors(kernel.run(waiter))
        [error] = errors(kernel.run("await task", timeout=20))  # this cell would block the click
        assert error.ename == "RunPendingError"
        assert not errors(kernel.run(waiter))  # a fresh task for the click
        time.sleep(1)
        assert kernel.value("task.done()") == "False"
        [approve] = kernel.comm_ids("ButtonModel", description="Approve")
        kernel.click(approve)
        outputs = kernel.run("print(await asyncio.wait_for(task, 20))", timeout=30)
        assert "'decision': 'approved'" in stdout(outputs), outputs


@pytest.mark.slow
def test_the_stop_button_ends_a_top_level_await_of_a_busy_run():
    with KernelSession() as kernel:
        assert not errors(kernel.run(ASYNC_SEED.replace("await asyncio.sleep(0.01)", "await asyncio.sleep(60)")))
        assert not errors(kernel.run("handle = run(graph, {})"))
        msg_id = kernel.send("print('awaiting', flush=True)\nawait handle")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the cell has reached its await (bounded)
            msg = kernel.next(1.0)
            if msg and msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        time.sleep(0.5)
        started = time.monotonic()
        kernel.interrupt()
        outputs = kernel.collect(msg_id, timeout=20)
        assert time.monotonic() - started < 10
        assert [e.ename for e in errors(outputs)] in (["CancelledError"], ["KeyboardInterrupt"])
        assert kernel.value("1 + 1") == "2"  # the kernel is free again
        msg_id = kernel.send("import time\nprint('sleeping', flush=True)\ntime.sleep(30)")
        while (msg := kernel.next(20)) is not None:
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
                break
        time.sleep(0.3)
        kernel.interrupt()  # a blocking cell after it still stops
        assert [e.ename for e in errors(kernel.collect(msg_id, timeout=10))] == ["KeyboardInterrupt"]


@pytest.mark.slow
@pytest.mark.parametrize("package", ["hitl_notebook", "langgraph"])
def test_an_async_graph_with_an_async_sqlite_saver_opened_in_a_cell(package, tmp_path):
    pytest.importorskip(package)
    seed = (ASYNC_SEED.replace("hitl_notebook.graph", f"{package}.graph")
            .replace("hitl_notebook.types", f"{package}.types")
            .replace(".compile(checkpointer=InMemorySaver())", ".compile(checkpointer=saver)")
            .replace("await asyncio.sleep(0.01)", "await asyncio.sleep(2)"))  # still running at the wait below
    opened = (f"from {package}.checkpoint.sqlite.aio import AsyncSqliteSaver\n"
              f"opener = AsyncSqliteSaver.from_conn_string({str(tmp_path / 'runs.sqlite')!r})\n"
              "saver = await opener.__aenter__()\n")
    until_idle = "for _ in range(200):\n    if handle.status.value != 'running': break\n    await asyncio.sleep(0.1)"
    with KernelSession() as kernel:
        assert not errors(kernel.run(opened + seed))
        assert not errors(kernel.run("handle = run(graph, {})"))
        [error] = errors(kernel.run("handle.wait_idle(timeout=30)"))  # would stop the saver's loop: refused
        assert error.ename == "RunPendingError" and "await handle" in error.evalue
        assert not errors(kernel.run(until_idle))
        assert kernel.value("handle.status.value") == "'waiting'"
        [approve] = kernel.comm_ids("ButtonModel", description="Approve")
        kernel.click(approve)
        outputs = kernel.run("print(await asyncio.wait_for(handle, 30))", timeout=40)
        assert "'verdict': 'approve'" in stdout(outputs), outputs
