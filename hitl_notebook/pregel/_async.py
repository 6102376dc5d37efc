"""The async API, built on the sync loop: the run goes on a worker thread, async nodes on the caller's loop.

One loop implementation serves both APIs, and nothing here calls ``asyncio.run``, so ``await graph.ainvoke(...)``
works inside an already running loop (a Jupyter kernel).
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

_bridge: contextvars.ContextVar["AsyncBridge | None"] = contextvars.ContextVar("hitl_notebook_bridge", default=None)


class AsyncBridge:
    """Runs coroutines from the engine's worker threads on the event loop that called ``ainvoke``/``astream``."""

    __slots__ = ("loop",)

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def run(self, coro: Awaitable[T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()  # type: ignore[arg-type]


def in_async_run() -> bool:
    """Whether engine code runs under the async API (so coroutines can be awaited)."""
    return _bridge.get() is not None


def run_coroutine(coro: Awaitable[T], name: str) -> T:
    """Await ``coro`` from engine code; only possible under the async API."""
    bridge = _bridge.get()
    if bridge is None:
        if hasattr(coro, "close"):
            coro.close()  # type: ignore[union-attr]
        raise TypeError(
            f'No synchronous function provided to "{name}".\nEither initialize with a synchronous function or '
            "invoke via the async API (ainvoke, astream, etc.)"
        )
    return bridge.run(coro)


async def call_in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking engine call on a worker thread that can reach back into this loop."""
    bridge = AsyncBridge(asyncio.get_running_loop())

    def target() -> T:
        _bridge.set(bridge)
        return fn(*args, **kwargs)

    return await asyncio.to_thread(contextvars.copy_context().run, target)


_AHEAD = 64
"""How many chunks the run may produce before the consumer takes them (backpressure)."""


async def stream_in_thread(make_iter: Callable[[threading.Event], Any]) -> AsyncIterator[Any]:
    """Drive a sync iterator on a worker thread and yield its items here.

    The run stays at most ``_AHEAD`` chunks ahead of the consumer, so a consumer that stops reading (``break``)
    also stops the run, even before the async generator is closed; closing it cancels the run outright.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    cancel = threading.Event()
    room = threading.Semaphore(_AHEAD)
    finished = object()
    bridge = AsyncBridge(loop)

    def post(message: tuple[Any, BaseException | None]) -> bool:
        while not room.acquire(timeout=0.05):
            if cancel.is_set():
                return False
        if cancel.is_set():
            return False  # the consumer left (break, cancellation or a closed loop)
        try:
            loop.call_soon_threadsafe(queue.put_nowait, message)
        except RuntimeError:
            cancel.set()
            return False
        return True

    def produce() -> None:
        _bridge.set(bridge)
        items = make_iter(cancel)
        try:
            for item in items:
                if not post((item, None)):
                    return
        except BaseException as exc:  # delivered to the awaiting side
            post((finished, exc))
        else:
            post((finished, None))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # ends the run's generator: its finally blocks release the pool

    worker = threading.Thread(target=contextvars.copy_context().run, args=(produce,), name="hitl-run", daemon=True)
    worker.start()
    try:
        while True:
            item, error = await queue.get()
            room.release()
            if item is finished:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        cancel.set()
