"""Rate-limited buffering of streamed text: many small writes, few widget updates, nothing lost."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Mapping

from ._workers import Scheduled, call_later, long_lived

__all__ = ["Coalescer"]


class Coalescer:
    """Collect text per key and deliver it in batches, at most once per ``interval`` seconds.

    The first write after a quiet period is delivered at once (low latency): by the writing thread when it is
    long-lived (the main thread, a run's driver), else right away by the timer thread. A thread that publishes on
    IOPub costs the kernel a socket until ipykernel's next sweep (see _workers), and a node's thread usually ends
    with its run. Writes inside the interval are buffered and delivered by the timer, or by :meth:`flush`. Deliveries are serialized and keep the order of the
    writes, so the concatenation of all batches for a key is exactly what was written.

    >>> got = []
    >>> c = Coalescer(lambda batch: got.append(dict(batch)), interval=60)
    >>> for t in "abc": c.add("k", t)
    >>> c.flush(); got
    [{'k': 'a'}, {'k': 'bc'}]
    """

    def __init__(self, deliver: Callable[[Mapping[Hashable, str]], None], interval: float = 0.05) -> None:
        self._deliver = deliver
        self.interval = interval
        self._lock = threading.Lock()  # guards the buffer and the timer
        self._order = threading.RLock()  # serializes take-and-deliver, so batches arrive in order
        self._buffer: dict[Hashable, list[str]] = {}
        self._last = float("-inf")
        self._timer: Scheduled | None = None
        self.deliveries = 0

    def add(self, key: Hashable, text: str) -> None:
        """Buffer ``text`` for ``key``; delivers now if the last delivery is older than the interval."""
        if not text:
            return
        with self._lock:
            self._buffer.setdefault(key, []).append(text)
            wait = self._last + self.interval - time.monotonic()
            if wait > 0 or not long_lived():
                if self._timer is None:
                    # on the shared timer thread, in an empty context: what a delivery prints is never taken for
                    # the output of the node that wrote (see _threads); no thread per batch (see _workers)
                    self._timer = call_later(max(wait, 0.0), self.flush)
                return
        self.flush()

    def flush(self) -> None:
        """Deliver everything buffered now (no-op when the buffer is empty)."""
        with self._order:
            with self._lock:
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
                batch, self._buffer = self._buffer, {}
                if batch:
                    self._last = time.monotonic()
            if batch:
                self.deliveries += 1
                self._deliver({key: "".join(parts) for key, parts in batch.items()})
