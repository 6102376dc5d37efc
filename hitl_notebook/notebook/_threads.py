"""Threads a node starts inherit the node's context, so their output reaches the node's entry.

Python does not copy ``contextvars`` into a ``threading.Thread`` (before 3.14) nor into work submitted to a
``ThreadPoolExecutor``; such a thread would print with no run sink, and ipykernel would put the text in whichever
cell is executing (anchors §3, lesson 6). Once :func:`install` ran, a thread started (or work submitted) while a
run sink is set runs in a copy of the starter's context: the sink, and the engine's task config that tells which
node's entry the output belongs to. Nothing changes for threads started without a sink. An executor's worker
thread never inherits the context that happened to create it: it serves later submissions of other code, which
carry their own context instead.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import thread as _cf_thread
from typing import Any

from . import _capture

__all__ = ["install", "uninstall"]

_originals: dict[str, Any] = {}


def _start(self: threading.Thread) -> None:
    if _capture._sink.get() is not None and getattr(self, "_target", None) is not _cf_thread._worker:
        context = contextvars.copy_context()
        run = self.run
        self.run = lambda: context.run(run)  # type: ignore[method-assign]  # _bootstrap_inner calls self.run()
    _originals["start"](self)


def _submit(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    if _capture._sink.get() is not None:
        return _originals["submit"](self, contextvars.copy_context().run, fn, *args, **kwargs)
    return _originals["submit"](self, fn, *args, **kwargs)


def install() -> None:
    """Patch ``Thread.start`` and ``ThreadPoolExecutor.submit`` (once)."""
    if _originals:
        return
    _originals["start"], _originals["submit"] = threading.Thread.start, ThreadPoolExecutor.submit
    threading.Thread.start = _start  # type: ignore[method-assign]
    ThreadPoolExecutor.submit = _submit  # type: ignore[method-assign]


def uninstall() -> None:
    """Restore the originals (tests)."""
    if not _originals:
        return
    threading.Thread.start = _originals.pop("start")  # type: ignore[method-assign]
    ThreadPoolExecutor.submit = _originals.pop("submit")  # type: ignore[method-assign]
