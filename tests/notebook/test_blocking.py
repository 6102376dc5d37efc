"""Awaiting a run: which awaits keep a cell running (they fail at once while the run needs a click) and which wait
(issue 17 item 9). A "cell" here is a task that ``is_cell_task`` is told to recognise, as ipykernel's task running
IPython's ``run_cell_async`` is recognised in a kernel (see test_kernel_async.py for the real thing)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hitl_notebook.notebook import RunPendingError, RunStatus, _blocking, _controller
from hitl_notebook.notebook._awaiting import RECHECK
from tests.notebook.test_handle import counted

AWAITS = {
    "await": lambda handle: handle,
    "gather": lambda handle: asyncio.gather(handle),
    "wait_for": lambda handle: asyncio.wait_for(handle, 60),
    "shield": lambda handle: asyncio.shield(handle),
}


@pytest.fixture
def cells(monkeypatch) -> set:
    """Tasks in this set count as cells; the run's awaits count as made on a kernel's main thread."""
    tasks: set = set()
    monkeypatch.setattr(_controller, "on_kernel_main_thread", lambda: True)
    monkeypatch.setattr(_blocking, "is_cell_task", lambda task: task in tasks)
    return tasks


async def in_cell(cells: set, coro: Any) -> Any:
    async def cell() -> Any:
        return await coro

    task = asyncio.ensure_future(cell())
    cells.add(task)
    return await asyncio.wait_for(task, 5)  # 5 s: a hang fails the test instead of blocking it


@pytest.mark.parametrize("how", list(AWAITS))
def test_awaiting_a_waiting_run_in_a_cell_fails_at_once(eng, start, cells, how):
    handle = start(counted(eng)[0], {})

    async def main() -> Any:
        return await in_cell(cells, AWAITS[how](handle))

    with pytest.raises(RunPendingError, match="HITL_NOTEBOOK_POLICY"):
        asyncio.run(main())
    assert handle.status is RunStatus.WAITING  # nothing was lost: the panel still answers it


def test_a_task_of_its_own_waits_for_the_click_even_with_a_coroutine_defined_in_a_cell(eng, start, cells):
    handle = start(counted(eng)[0], {})

    async def main() -> Any:
        async def waiter() -> Any:
            return await handle

        task = await in_cell(cells, _ensure(waiter()))  # the cell returns at once; the task goes on
        await asyncio.sleep(3 * RECHECK)
        assert not task.done()
        handle.view.panel().button("Approve").click()
        return await asyncio.wait_for(task, 5)

    assert asyncio.run(main()) == {"answer": "approve", "n": 1}


def test_a_later_cell_awaiting_that_task_fails_instead_of_hanging(eng, start, cells):
    handle = start(counted(eng)[0], {})

    async def main() -> Any:
        async def waiter() -> Any:
            return await handle

        task = await in_cell(cells, _ensure(waiter()))
        with pytest.raises(RunPendingError):
            await in_cell(cells, task)

    asyncio.run(main())


def test_a_cell_awaiting_a_run_that_a_policy_answers_gets_the_result(eng, cells):
    from hitl_notebook.notebook import run

    handle = run(counted(eng)[0], {}, ui="widgets", display=False, policy="approve")

    async def main() -> Any:
        return await in_cell(cells, asyncio.gather(handle))

    assert asyncio.run(main()) == [{"answer": "approve", "n": 1}]


def test_ipythons_cell_coroutine_is_recognised():
    from types import SimpleNamespace

    from IPython.core.interactiveshell import InteractiveShell

    cell = InteractiveShell.run_cell_async(None, "1")  # the coroutine ipykernel runs as a cell's task (not started)
    other = asyncio.sleep(0)
    try:
        assert _blocking.is_cell_task(SimpleNamespace(get_coro=lambda: cell))
        assert not _blocking.is_cell_task(SimpleNamespace(get_coro=lambda: other))
    finally:
        cell.close()
        other.close()


async def _ensure(coro: Any) -> asyncio.Future:
    return asyncio.ensure_future(coro)


def test_each_interrupt_handler_keeps_the_handler_it_replaced(monkeypatch):
    import signal

    installed: list = []
    current: list = [signal.default_int_handler]
    monkeypatch.setattr(signal, "getsignal", lambda signum: current[-1])
    monkeypatch.setattr(signal, "signal", lambda signum, fn: (installed.append(fn), current.append(fn)))
    calls: list = []

    loop = asyncio.new_event_loop()
    try:
        _blocking.cancel_on_interrupt(loop, loop.create_future())  # between cells: wraps default_int_handler
        current.append(lambda *a: calls.append("ipykernel"))  # a top-level-await cell installs its own ...
        _blocking.cancel_on_interrupt(loop, loop.create_future())  # ... which an await in that cell wraps
        current[:] = [installed[0]]  # the cell ends: ipykernel restores the handler it found
        assert len(installed) == 2
        with pytest.raises(KeyboardInterrupt):  # a later blocking cell can still be interrupted
            installed[0](signal.SIGINT, None)
        installed[1](signal.SIGINT, None)
        assert calls == ["ipykernel"]
    finally:
        loop.close()
