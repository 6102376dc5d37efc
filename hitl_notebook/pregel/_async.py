"""The async API, built on the sync loop: the run goes on a worker thread, async nodes on the caller's loop.

One loop implementation serves both APIs, and nothing here calls ``asyncio.run``, so ``await graph.ainvoke(...)``
works inside an already running loop (a Jupyter kernel).

Cancellation follows LangGraph 1.2: cancelling the ``ainvoke``/``astream`` task (or a ``wait_for`` timeout, or
closing an ``astream`` generator) cancels every running async node and ``@task`` coroutine, which see
``CancelledError``; the worker thread stops at its next await or step boundary and saves no checkpoint for the
cancelled step (finished sibling tasks keep their pending writes, cancelled ones get an ``__error__`` write).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")

_bridge: contextvars.ContextVar["AsyncBridge | None"] = contextvars.ContextVar("hitl_notebook_bridge", default=None)

_GRACE = 0.5
"""Seconds a cancelled call waits for its worker thread to wind down. A sync node cannot be interrupted: it keeps
running in the background (as in LangGraph's executor) and nothing it returns is checkpointed."""


class AsyncBridge:
    """One ``ainvoke``/``astream`` call: runs the engine's coroutines on the caller's loop and cancels them with it.

    It is also the run's stop check between supersteps (``is_set``): there an ``astream`` run waits until the
    consumer asks for more, and a cancelled run raises ``CancelledError``.
    """

    __slots__ = ("loop", "cancelled", "gate", "_tasks", "_stores")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.cancelled = False
        self.gate: Callable[[], None] | None = None
        self._tasks: dict[asyncio.Task, None] = {}  # running coroutines, oldest first
        self._stores: list[Any] = []  # the runs' Checkpointing objects, disarmed on cancel

    def run(self, coro: Awaitable[T]) -> T:
        """From a worker thread: run ``coro`` on the loop and wait for it (``CancelledError`` once cancelled)."""
        result: concurrent.futures.Future = concurrent.futures.Future()

        def start() -> None:  # on the loop thread, in the worker's context (the task runtime reaches the coroutine)
            if self.cancelled:
                _close(coro)
                result.set_exception(asyncio.CancelledError())
                return
            task = self.loop.create_task(coro)  # type: ignore[arg-type]
            self._tasks[task] = None
            task.add_done_callback(partial(self._settle, result))

        try:
            self.loop.call_soon_threadsafe(start)
        except RuntimeError:  # the loop is closed: the caller is gone
            _close(coro)
            raise asyncio.CancelledError() from None
        return result.result()

    def _settle(self, result: concurrent.futures.Future, task: asyncio.Task) -> None:
        self._tasks.pop(task, None)
        if task.cancelled():
            result.set_exception(asyncio.CancelledError())
        elif (error := task.exception()) is not None:
            result.set_exception(error)
        else:
            result.set_result(task.result())

    def register(self, store: Any) -> None:
        """A run under this call: after a cancel it must not save a checkpoint."""
        self._stores.append(store)
        if self.cancelled:
            store.disarm()

    def is_set(self) -> bool:
        """The loop's check between supersteps: ``False`` to go on; raises ``CancelledError`` once cancelled."""
        gate = self.gate
        if gate is not None:
            gate()
        if self.cancelled:
            raise asyncio.CancelledError()
        return False

    async def cancel(self) -> None:
        """On the loop thread: cancel every running coroutine and wait until each has handled its CancelledError."""
        self.cancelled = True
        for store in self._stores:
            store.disarm()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)


def _close(coro: Any) -> None:
    if hasattr(coro, "close"):
        coro.close()


def current_bridge() -> AsyncBridge | None:
    """The bridge of the ``ainvoke``/``astream`` call this thread works for, if any."""
    return _bridge.get()


def in_async_run() -> bool:
    """True while the engine runs under ``ainvoke``/``astream`` (a node may then await on the caller's loop)."""
    return _bridge.get() is not None


def run_coroutine(coro: Awaitable[T], name: str) -> T:
    """Await ``coro`` from engine code; only possible under the async API."""
    bridge = _bridge.get()
    if bridge is None:
        _close(coro)
        raise TypeError(
            f'No synchronous function provided to "{name}".\nEither initialize with a synchronous function or '
            "invoke via the async API (ainvoke, astream, etc.)"
        )
    return bridge.run(coro)


def _start_worker(bridge: AsyncBridge, target: Callable[[], Any]) -> asyncio.Future:
    """Run ``target`` on a new worker thread that can reach back into the loop; the future settles when it ends."""
    loop = bridge.loop
    finished: asyncio.Future = loop.create_future()

    def settle(value: Any, error: BaseException | None) -> None:
        if finished.done():
            return
        if error is not None:
            finished.set_exception(error)
        else:
            finished.set_result(value)

    def work() -> None:
        _bridge.set(bridge)
        value, error = None, None
        try:
            value = target()
        except BaseException as exc:  # delivered to the awaiting side
            error = exc
        try:
            loop.call_soon_threadsafe(settle, value, error)
        except RuntimeError:
            pass  # the loop is closed: nobody is waiting

    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(work,), name="hitl-run", daemon=True).start()
    return finished


async def _stop(bridge: AsyncBridge, finished: asyncio.Future) -> None:
    """Cancel the run's coroutines, then give its worker a moment to wind down."""
    await bridge.cancel()
    if not finished.done():
        await asyncio.wait({finished}, timeout=_GRACE)
    if finished.done() and not finished.cancelled():
        finished.exception()  # retrieved: the CancelledError it ended with is expected


async def call_in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking engine call on a worker thread that can reach back into this loop; cancellable."""
    bridge = AsyncBridge(asyncio.get_running_loop())
    finished = _start_worker(bridge, partial(fn, *args, **kwargs))
    try:
        return await asyncio.shield(finished)
    except asyncio.CancelledError:
        if finished.done() and not finished.cancelled() and finished.exception() is not None:
            raise  # the run itself ended with CancelledError
        await _stop(bridge, finished)
        raise


async def stream_in_thread(make_iter: Callable[[AsyncBridge], Any]) -> AsyncIterator[Any]:
    """Drive a sync iterator on a worker thread and yield its items here.

    As in LangGraph, the run starts a superstep only when the consumer has taken every chunk so far and asks for
    more, so a consumer that stops reading (``break``) stops the run at the next superstep; closing the generator
    (``aclose()``, cancellation) cancels the running step.
    """
    bridge = AsyncBridge(asyncio.get_running_loop())
    queue: asyncio.Queue = asyncio.Queue()
    done = object()
    demand = threading.Condition()
    counts = [0, 0]  # chunks posted, chunks the consumer has moved past

    def gate() -> None:
        with demand:
            while counts[1] < counts[0] and not bridge.cancelled:
                demand.wait(0.05)

    bridge.gate = gate

    def post(message: tuple[Any, BaseException | None]) -> None:
        try:
            bridge.loop.call_soon_threadsafe(queue.put_nowait, message)
        except RuntimeError:  # the loop is closed: nobody is reading
            bridge.cancelled = True

    def produce() -> None:
        items = make_iter(bridge)
        try:
            for item in items:
                with demand:
                    counts[0] += 1
                post((item, None))
        except BaseException as exc:
            post((done, exc))
        else:
            post((done, None))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # ends the run's generator: its finally blocks release the pool

    finished = _start_worker(bridge, produce)
    complete = False
    try:
        while True:
            item, error = await queue.get()
            if item is done:
                complete = True
                if error is not None:
                    raise error
                return
            yield item
            with demand:
                counts[1] += 1
                demand.notify()
    finally:
        if not complete:
            await _stop(bridge, finished)
