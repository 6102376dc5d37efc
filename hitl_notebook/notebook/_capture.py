"""Route what graph nodes produce (prints, logging, warnings, ``display()``, ``clear_output()``) to their run.

``install()`` (once) puts proxies on ``sys.stdout``/``sys.stderr`` and hooks the other channels (see
:mod:`._channels` and :mod:`._threads`). Each hook looks up :data:`_sink`, a ``ContextVar`` naming the current
run's :class:`RunSink`; with none set, everything passes through unchanged. The engine copies the context into the
threads that run nodes, and :mod:`._threads` copies it into the threads a node starts, so a node's output finds
its run from any thread, also after a widget click resumed the run in a new worker thread (anchors §3, lesson 6:
no reliance on the kernel's parent header, which ipykernel resolves to whichever cell runs now).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TextIO

__all__ = ["RunSink", "Sink", "StreamProxy", "current", "install", "original", "proxy", "routed", "uninstall"]

Sink = Callable[[str, str], None]
"""Receives ``(text, stream_name)`` where ``stream_name`` is ``"stdout"`` or ``"stderr"``."""


@dataclass(frozen=True)
class RunSink:
    """Where one run's output goes. ``write(text, stream)`` takes text; ``display(data, metadata, transient,
    update)`` a rich output (a mime bundle, as IPython's ``publish_display_data`` gets it); ``clear(wait)`` a
    ``clear_output()``. A missing ``display``/``clear`` lets that kind of output pass through to the cell."""

    write: Sink
    display: Callable[[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any], bool], None] | None = None
    clear: Callable[[bool], None] | None = None


_sink: ContextVar[RunSink | None] = ContextVar("hitl_notebook_print_sink", default=None)
_local = threading.local()
_STREAMS = ("stdout", "stderr")
_proxies: dict[str, StreamProxy] = {}
_install_lock = threading.Lock()


def current() -> RunSink | None:
    """The sink of the current context, or ``None`` (also while a sink is already handling output: no loops)."""
    sink = _sink.get()
    if sink is None or getattr(_local, "busy", False):
        return None
    return sink


@contextmanager
def handling() -> Iterator[None]:
    """Marks this thread as inside a sink: output the sink itself produces passes through."""
    _local.busy = True
    try:
        yield
    finally:
        _local.busy = False


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
        sink = current()
        if sink is None or not text:
            return self._target.write(text)
        with handling():
            sink.write(text, self._name)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def install() -> None:
    """Put proxies on ``sys.stdout``/``sys.stderr`` and hook the other channels; calling it again only points
    logging handlers made since (``logging.basicConfig()`` in a cell) at the proxies."""
    from . import _channels, _threads

    with _install_lock:
        for name in _STREAMS:
            current_stream = getattr(sys, name)
            if current_stream is not None and not isinstance(current_stream, StreamProxy):
                _proxies[name] = StreamProxy(current_stream, name)
                setattr(sys, name, _proxies[name])
            elif isinstance(current_stream, StreamProxy):
                _proxies[name] = current_stream
        _threads.install()
        _channels.install(_proxies)


def uninstall() -> None:
    """Take the proxies and hooks off again (tests)."""
    from . import _channels, _threads

    with _install_lock:
        _channels.uninstall(_proxies)
        _threads.uninstall()
        for name in _STREAMS:
            current_stream = getattr(sys, name)
            if isinstance(current_stream, StreamProxy):
                setattr(sys, name, current_stream.target)
        _proxies.clear()


def proxy(name: str) -> StreamProxy | None:
    """The installed proxy for ``"stdout"``/``"stderr"`` (``None`` before :func:`install`)."""
    return _proxies.get(name)


def original(name: str = "stdout") -> TextIO:
    """The stream under the proxy (now): where console output of a run is written."""
    stream = getattr(sys, name)
    while isinstance(stream, StreamProxy):
        stream = stream.target
    return stream


@contextmanager
def routed(sink: RunSink | Sink | None) -> Iterator[None]:
    """Within this block (and in contexts copied from it, threads started from it included) output goes to
    ``sink``: a :class:`RunSink`, or a plain ``(text, stream)`` callable for text only."""
    install()
    if sink is not None and not isinstance(sink, RunSink):
        sink = RunSink(write=sink)
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)
