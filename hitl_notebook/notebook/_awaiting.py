"""How code that waits for a run learns its end: done callbacks, ``await handle`` futures, and the explanation
given instead of blocking when a cell would wait for a click that cannot arrive (anchors §3.3)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from . import _capture
from ._blocking import blocks_a_cell, cancel_on_interrupt
from ._errors import RunPendingError, RunStoppedError
from ._policy import HEADLESS_HINT
from ._record import Entry, RunStatus

__all__ = ["RECHECK", "AwaitingMixin", "call_soon"]

RECHECK = 0.25  # s between checks for a cell that started awaiting a waiting run


class AwaitingMixin:
    """Part of :class:`._driver.RunDriver`: the callbacks and futures that wait for the run's end."""

    _callbacks: list[Callable[[Any], Any]]
    _cell_awaits: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]]
    _callback_entry: Entry | None
    _watched_loops: set[asyncio.AbstractEventLoop]

    def _run_callback(self, fn: Callable[[Any], Any]) -> None:
        try:
            with _capture.routed(self._callback_print):
                fn(self)
        except Exception as exc:
            self.journal.report(f"done callback {getattr(fn, '__name__', fn)!s}", exc)
        finally:
            self.journal.text.flush()

    def _callback_print(self, text: str, stream: str) -> None:
        if self._callback_entry is None:
            self._callback_entry = self.journal.add("node", node="callback output", status="done")
        self.journal.write(self._callback_entry, text)

    def _settle(self, future: asyncio.Future) -> None:
        if future.done():
            return
        if self._status is RunStatus.DONE:
            future.set_result(self._result)
        elif self._status is RunStatus.ERROR and self._error is not None:
            future.set_exception(self._error)
        else:
            future.set_exception(RunStoppedError("The run was stopped before it finished."))

    def _watch_cell_await(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
        """``await handle`` on a kernel's loop: fail it at once if it keeps a cell running while the run needs a
        human; awaits that leave the cell free (a task of its own) wait for the end."""
        cancel_on_interrupt(loop, future)
        with self._lock:
            self._cell_awaits.append((loop, future))
            blocked = self._status is RunStatus.WAITING and self._needs_human
        if blocked:
            self._fail_cell_awaits()

    def _fail_cell_awaits(self) -> None:
        """The run needs a human: fail the awaits that keep a cell running, checked now (once the awaiting tasks
        have suspended) and again every :data:`RECHECK` seconds while the run waits (a later cell may await a task
        that awaits the run)."""
        with self._lock:
            loops = {loop for loop, _ in self._cell_awaits} - self._watched_loops
            self._watched_loops |= loops
        for loop in loops:
            call_soon(loop, self._check_cell_awaits, loop)

    def _check_cell_awaits(self, loop: asyncio.AbstractEventLoop) -> None:
        """On ``loop``: see :meth:`_fail_cell_awaits`."""
        with self._lock:
            self._cell_awaits = [(lp, f) for lp, f in self._cell_awaits if not f.done()]
            futures = [f for lp, f in self._cell_awaits if lp is loop]
            blocked = self._status is RunStatus.WAITING and self._needs_human
            if not (blocked and futures):
                self._watched_loops.discard(loop)
                return
        for future in futures:
            if blocks_a_cell(future):
                future.set_exception(RunPendingError(self._blocking_message(
                    "Awaiting the run in a cell (`await handle`, or asyncio.gather / wait_for / shield of it)")))
        loop.call_later(RECHECK, self._check_cell_awaits, loop)

    def _describe_pending(self) -> str:
        with self._lock:
            if not self._pending:
                return f"paused before {', '.join(self._breakpoint) or '?'}"
            nodes = sorted({self._node_of.get(i.id, "?") for i in self._pending})
            return f"{len(self._pending)} pending interrupt(s) from {', '.join(nodes)}"

    def _blocking_message(self, what: str) -> str:
        return (f"{what} would wait for a click, but the run is waiting for a human ({self._describe_pending()}) "
                "and the kernel only handles widget clicks once the running cell has finished, so it would hang. "
                "Click in the run's panel first and read handle.result in a later cell, or use "
                "handle.add_done_callback(fn), or `await handle` inside an asyncio task "
                f"(asyncio.ensure_future(...)). {HEADLESS_HINT.partition('. ')[2]}")


def call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> None:
    """Schedule ``fn`` on ``loop`` from any thread; a closed loop has nobody left to tell."""
    if not loop.is_closed():
        loop.call_soon_threadsafe(fn, *args)
