"""Long-lived threads for the notebook layer's own background work: run drivers, event-loop helpers, and the
coalescers' delayed deliveries.

Why not a fresh ``threading.Thread`` each time: ipykernel gives every thread that publishes on IOPub (a print, a
widget update) a zmq socket of its own, and closes the sockets of ended threads only in a sweep every 10 seconds
(``IOPubThread._event_pipe_gc``). Each costs some 40 KB of native memory meanwhile, which the C allocator keeps for
reuse after the sweep. A thread per run (and one per delayed text batch) made every re-run of a ``run(...)`` cell
add such sockets, hundreds at once when cells are re-run quickly, and the kernel's resident memory grew with them.
A worker here stays alive for :data:`LINGER` seconds after its last job, so the next run reuses it, and its socket.

Each job runs in a fresh, empty ``contextvars`` context, as it would on a new thread: nothing one job set is seen
by the next.
"""

from __future__ import annotations

import contextvars
import heapq
import itertools
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["LINGER", "Scheduled", "Workers", "call_later", "long_lived"]

LINGER = 30.0
"""Seconds an idle worker waits for more work before it ends (longer than ipykernel's 10 s socket sweep)."""


_ours = threading.local()  # ``worker`` is set on the threads of this module


def long_lived() -> bool:
    """Whether this thread outlives the run it works for: the main thread, or a worker of this module. Others (a
    node's thread in the engine's pool, a thread a node started) usually end with their run, so code that publishes
    often (see _coalesce) hands that to the timer thread instead."""
    return getattr(_ours, "worker", False) or threading.current_thread() is threading.main_thread()


class Workers:
    """Daemon threads named ``name`` that run submitted jobs, each on an idle worker or, when none is idle, on a new
    one: as many run at once as are submitted, and a worker idle for ``linger`` seconds ends."""

    def __init__(self, name: str, linger: float = LINGER) -> None:
        self.name = name
        self.linger = linger
        self._jobs: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0  # workers waiting for a job and not yet promised one
        self.started = 0  # threads started so far (tests, diagnostics)

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn(*args)`` in the background; what it raises is left to ``threading.excepthook``, as on a plain
        thread."""
        with self._lock:
            if self._idle:
                self._idle -= 1  # that worker is promised this job: it will not end before taking it
                self._jobs.put((fn, args))
                return
            self.started += 1
            self._jobs.put((fn, args))  # through the queue, not the thread's args: those live as long as it does
        _start(threading.Thread(target=self._work, name=self.name, daemon=True))

    def _work(self) -> None:
        me = threading.current_thread()
        _ours.worker = True
        job: tuple[Callable[..., Any], tuple[Any, ...]] | None = self._jobs.get()  # promised when started
        while job is not None:
            me.name = self.name
            fn, args = job
            try:
                contextvars.Context().run(fn, *args)
            except BaseException:  # noqa: BLE001 - reported as a thread's error would be; the worker goes on
                _report()
            del fn, args, job  # nothing of a finished job stays reachable from an idle worker
            me.name = f"{self.name} (idle)"  # so a thread listing tells a job still running from a waiting worker
            with self._lock:
                self._idle += 1
            job = self._next()

    def _next(self) -> tuple[Callable[..., Any], tuple[Any, ...]] | None:
        try:
            return self._jobs.get(timeout=self.linger)
        except queue.Empty:
            with self._lock:  # a job submitted meanwhile was promised to an idle worker: maybe this one
                try:
                    return self._jobs.get_nowait()
                except queue.Empty:
                    self._idle -= 1
                    return None


def _start(thread: threading.Thread) -> None:
    """Start ``thread`` from an empty context: one started while a run's output is routed would otherwise run in a
    copy of that context (see _threads), and keep it, and the run behind it, for as long as the worker lives."""
    contextvars.Context().run(thread.start)


def _report() -> None:
    """Hand the exception being handled to ``threading.excepthook``, as a plain thread's would be."""
    threading.excepthook(threading.ExceptHookArgs((*sys.exc_info(), threading.current_thread())))


class Scheduled:
    """A call :func:`call_later` will make; :meth:`cancel` drops it if it has not started."""

    __slots__ = ("fn", "when")

    def __init__(self, when: float, fn: Callable[[], Any]) -> None:
        self.when = when
        self.fn: Callable[[], Any] | None = fn

    def cancel(self) -> None:
        self.fn = None  # what it would have called is not kept alive until it would have been due


class _Timers:
    """One thread that makes every delayed call, in the order they are due; it ends after :data:`LINGER` idle
    seconds and starts again with the next call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._due: list[tuple[float, int, Scheduled]] = []
        self._seq = itertools.count()
        self._wake = threading.Condition(threading.Lock())
        self._running = False
        self.started = 0

    def call_later(self, delay: float, fn: Callable[[], Any]) -> Scheduled:
        call = Scheduled(time.monotonic() + max(delay, 0.0), fn)
        with self._wake:
            heapq.heappush(self._due, (call.when, next(self._seq), call))
            if not self._running:
                self._running = True
                self.started += 1
                _start(threading.Thread(target=self._loop, name=self.name, daemon=True))
            else:
                self._wake.notify()
        return call

    def _loop(self) -> None:
        _ours.worker = True
        while True:
            with self._wake:
                call = self._take()
                if call is None:
                    self._running = False
                    return
            fn = call.fn
            if fn is not None:
                try:
                    contextvars.Context().run(fn)
                except BaseException:  # noqa: BLE001 - as on a threading.Timer: reported, the others still run
                    _report()
            del call, fn

    def _take(self) -> Scheduled | None:
        """The next due call (waiting for it, under the lock), or None after :data:`LINGER` seconds with none."""
        idle_until = time.monotonic() + LINGER
        while True:
            now = time.monotonic()
            if self._due:
                when, _, call = self._due[0]
                if when <= now:
                    heapq.heappop(self._due)
                    return call
                self._wake.wait(when - now)
                idle_until = time.monotonic() + LINGER
            elif now >= idle_until:
                return None
            else:
                self._wake.wait(idle_until - now)


_timers = _Timers("hitl-notebook-timer")


def call_later(delay: float, fn: Callable[[], Any]) -> Scheduled:
    """Call ``fn()`` after ``delay`` seconds on the notebook layer's timer thread, in an empty context (as a
    ``threading.Timer`` would, without a thread per call). Calls run one at a time, earliest due first."""
    return _timers.call_later(delay, fn)
