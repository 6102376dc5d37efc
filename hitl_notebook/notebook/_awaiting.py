"""How code that waits for a run learns its end: done callbacks, ``await handle`` futures, and the explanation
given instead of blocking when a cell would wait for a click that cannot arrive (anchors §3.3)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from . import _capture
from ._errors import RunPendingError, RunStoppedError
from ._policy import HEADLESS_HINT
from ._record import Entry, RunStatus

__all__ = ["AwaitingMixin", "call_soon"]


class AwaitingMixin:
    """Part of :class:`._driver.RunDriver`: the callbacks and futures that wait for the run's end."""

    _callbacks: list[Callable[[Any], Any]]
    _cell_awaits: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]]
    _callback_entry: Entry | None

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

    def _fail_cell_awaits(self) -> None:
        with self._lock:
            awaits, self._cell_awaits = self._cell_awaits, []
        for loop, future in awaits:
            error = RunPendingError(self._blocking_message("`await handle` at the top level of a cell"))
            call_soon(loop, lambda f=future, e=error: f.done() or f.set_exception(e))

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
