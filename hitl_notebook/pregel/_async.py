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


async def stream_in_thread(make_iter: Callable[[threading.Event], Any]) -> AsyncIterator[Any]:
    """Drive a sync iterator on a worker thread and yield its items here; closing early cancels the run."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    cancel = threading.Event()
    finished = object()
    bridge = AsyncBridge(loop)

    def post(message: tuple[Any, BaseException | None]) -> None:
        if cancel.is_set():
            return  # the consumer left (break, cancellation or a closed loop)
        try:
            loop.call_soon_threadsafe(queue.put_nowait, message)
        except RuntimeError:
            cancel.set()

    def produce() -> None:
        _bridge.set(bridge)
        try:
            for item in make_iter(cancel):
                post((item, None))
        except BaseException as exc:  # delivered to the awaiting side
            post((finished, exc))
        else:
            post((finished, None))

    worker = threading.Thread(target=contextvars.copy_context().run, args=(produce,), name="hitl-run", daemon=True)
    worker.start()
    try:
        while True:
            item, error = await queue.get()
            if item is finished:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        cancel.set()
