"""Route ``print`` output of graph nodes to the run that started them.

``install()`` replaces ``sys.stdout``/``sys.stderr`` (once) with proxies. A write looks up :data:`_sink`, a
``ContextVar`` that names the current run's sink; with none set the write passes through unchanged. The engine
copies the context into the threads that run nodes, so a node's ``print`` finds its run from any thread, also
after a widget click resumed the run in a new worker thread (anchors §3, lesson 6: no reliance on the kernel's
parent header).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

__all__ = ["Sink", "StreamProxy", "install", "original", "routed", "uninstall"]

Sink = Callable[[str, str], None]
"""Receives ``(text, stream_name)`` where ``stream_name`` is ``"stdout"`` or ``"stderr"``."""

_sink: ContextVar[Sink | None] = ContextVar("hitl_notebook_print_sink", default=None)
_local = threading.local()
_STREAMS = ("stdout", "stderr")


class StreamProxy:
    """A text stream that hands writes to the run sink of the current context, else to ``target``."""

    def __init__(self, target: TextIO, name: str) -> None:
        self._target = target
        self._name = name

    @property
    def target(self) -> TextIO:
        """The stream this proxy passes writes through to."""
        return self._target

    def write(self, text: str) -> int:
        sink = _sink.get()
        if sink is None or getattr(_local, "busy", False) or not text:
            return self._target.write(text)
        _local.busy = True  # a sink that prints must not loop back into itself
        try:
            sink(text, self._name)
        finally:
            _local.busy = False
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def install() -> None:
    """Put proxies on ``sys.stdout``/``sys.stderr``; calling it again changes nothing."""
    for name in _STREAMS:
        current = getattr(sys, name)
        if current is not None and not isinstance(current, StreamProxy):
            setattr(sys, name, StreamProxy(current, name))


def uninstall() -> None:
    """Take the proxies off again (tests)."""
    for name in _STREAMS:
        current = getattr(sys, name)
        if isinstance(current, StreamProxy):
            setattr(sys, name, current.target)


def original(name: str = "stdout") -> TextIO:
    """The stream under the proxy (now): where console output of a run is written."""
    stream = getattr(sys, name)
    while isinstance(stream, StreamProxy):
        stream = stream.target
    return stream


@contextmanager
def routed(sink: Sink | None) -> Iterator[None]:
    """Within this block (and in contexts copied from it) prints go to ``sink``."""
    install()
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)
