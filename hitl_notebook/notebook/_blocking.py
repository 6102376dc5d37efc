"""Does a future keep a notebook cell running? The exact test behind "awaited at the top level of a cell".

A cell with a top-level ``await`` runs as an asyncio task of its own (ipykernel wraps IPython's
``run_cell_async`` coroutine in a task and awaits it), and the kernel handles no widget click until that task ends
(anchors §3.1, lesson 2). So awaiting a run that waits for a click deadlocks exactly when that cell task waits,
directly or through other futures, for the run's future: ``await handle`` in the cell, or
``asyncio.gather(handle)``, ``asyncio.wait_for(handle, t)``, ``asyncio.shield(handle)``, or a task that awaits it
being awaited in the cell. A task started with ``asyncio.ensure_future(...)`` that nobody in a cell awaits leaves
the cell free, whatever file its coroutine was defined in.

Who waits for a future is read from its done callbacks, which is how asyncio wakes waiters: a waiting task
registers its bound ``task_wakeup``; ``gather``, ``shield`` and ``wait_for`` register closures or partials that
hold the future they settle next.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["blocks_a_cell", "cancel_on_interrupt", "is_cell_task"]

_LIMIT = 2000  # futures visited at most (a chain of waiters is short; this only bounds odd callback graphs)


def is_cell_task(task: Any) -> bool:
    """True for the task in which ipykernel runs a cell with top-level ``await`` (IPython's ``run_cell_async``)."""
    get_coro = getattr(task, "get_coro", None)
    code = getattr(get_coro() if callable(get_coro) else None, "cr_code", None)
    return (getattr(code, "co_name", "") == "run_cell_async"
            and f"{os.sep}IPython{os.sep}" in getattr(code, "co_filename", ""))


def blocks_a_cell(future: asyncio.Future) -> bool:
    """True when a running cell's task waits, directly or through other futures, for ``future``."""
    seen: set[int] = set()
    todo = [future]
    while todo and len(seen) < _LIMIT:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current is not future and isinstance(current, asyncio.Task) and is_cell_task(current):
            return not current.done()
        todo.extend(_waiters(current))
    return False


def _waiters(future: asyncio.Future) -> Iterator[asyncio.Future]:
    """The futures that ``future``'s done callbacks wake or settle."""
    for callback, _context in getattr(future, "_callbacks", None) or ():
        yield from _futures_of(callback)


def _futures_of(callback: Any) -> Iterator[asyncio.Future]:
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Future):  # a waiting task's task_wakeup
        yield owner
    if isinstance(callback, functools.partial):  # e.g. wait_for's _release_waiter(waiter)
        for value in (*callback.args, *callback.keywords.values()):
            if isinstance(value, asyncio.Future):
                yield value
        callback = callback.func
    for cell in getattr(callback, "__closure__", None) or ():  # gather's and shield's inner callbacks
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(value, asyncio.Future):
            yield value


# -- the stop button ------------------------------------------------------------------------------------------------
#
# ipykernel (7.x) installs a SIGINT handler while a top-level-await cell runs that should cancel the cell's task, but
# its callback never reaches the running loop, so the stop button cannot end such a cell. For awaits of a run we do
# it ourselves: on SIGINT the awaits that block a cell are cancelled on their loop, then the previous handler runs.

_awaits: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []
_awaits_lock = threading.Lock()


def cancel_on_interrupt(loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
    """Let SIGINT cancel ``future`` while it blocks a cell; call on the main thread (where signals are set)."""
    with _awaits_lock:
        _awaits[:] = [(lp, f) for lp, f in _awaits if not f.done()]
        _awaits.append((loop, future))
        current = signal.getsignal(signal.SIGINT)
        if not getattr(current, "cancels_run_awaits", False):
            signal.signal(signal.SIGINT, _handler(current))


def _handler(previous: Any) -> Any:
    """A SIGINT handler that cancels the blocking awaits, then calls ``previous``. Each keeps its own
    ``previous``: ipykernel saves and restores whichever handler it found around a cell, so a restored one must
    still lead to the handler that was current when it was installed (``default_int_handler`` between cells)."""

    def on_sigint(signum: int, frame: Any) -> None:
        with _awaits_lock:
            _awaits[:] = [(lp, f) for lp, f in _awaits if not f.done() and not lp.is_closed()]
            loops = {lp for lp, _ in _awaits}
        for loop in loops:
            loop.call_soon_threadsafe(_cancel_blocking, loop)
        if callable(previous):
            previous(signum, frame)

    on_sigint.cancels_run_awaits = True  # type: ignore[attr-defined]
    return on_sigint


def _cancel_blocking(loop: asyncio.AbstractEventLoop) -> None:
    with _awaits_lock:
        futures = [f for lp, f in _awaits if lp is loop and not f.done()]
    for future in futures:
        if blocks_a_cell(future):
            future.cancel()
