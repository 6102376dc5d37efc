"""Copying the WAL back into the database file on a background thread, so a run never waits on those fsyncs.

By default SQLite does that copy (a "checkpoint", with an fsync of the WAL and one of the database) inside the
commit that crosses 1000 WAL pages: every hundred or so steps, one step of the run stalls for the two fsyncs. A saver
that opened the file itself hands that work to a thread with its own connection instead (``PASSIVE``: it never
blocks the saver's reads or writes), woken every :data:`_COMMITS_PER_CHECKPOINT` write transactions. Commits are as
durable as before: the WAL is still synced at each checkpoint, now about as often as SQLite's default. The saver's
connection keeps a larger automatic threshold as a backstop, should the thread fall behind.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Generator
from typing import Any

from ._sql import ALL, PAUSE

_COMMITS_PER_CHECKPOINT = 100
BACKSTOP_PAGES = 10_000
"""The saver connection's ``wal_autocheckpoint`` while a background mover runs (SQLite's default: 1000)."""


def switch_to_wal_ops(wait: float) -> Generator[tuple[str, str, Any], Any, None]:
    """``PRAGMA journal_mode=WAL`` (an operation of ``_ops``), retried for up to ``wait`` seconds while locked.

    Switching a new file to WAL takes an exclusive lock, and when several processes open the file at once SQLite
    can answer "database is locked" straight away, without its busy timeout (about 1 in 200 with twenty processes).
    A read-only file keeps its journal mode.
    """
    deadline = time.monotonic() + wait
    pause = 0.002
    while True:
        try:
            yield ALL, "PRAGMA journal_mode=WAL", ()
            return
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                return
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() >= deadline:
                raise
        yield PAUSE, "", random.uniform(pause / 2, pause)  # jittered, so the racing processes do not retry in step
        pause = min(pause * 2, 0.1)


class WalMover:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own connection and thread, started on first need.

    Holds no reference to the saver, so a saver that is never closed can still be collected (its finalizer calls
    :meth:`stop`)."""

    def __init__(self, target: str, *, uri: bool, synchronous: str | None, timeout: float) -> None:
        self._target, self._uri, self._synchronous, self._timeout = target, uri, synchronous, timeout
        self._wake = threading.Event()
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._commits = 0

    def committed(self) -> None:
        """Count a write transaction of the saver (called under the saver's lock)."""
        self._commits += 1
        if self._commits < _COMMITS_PER_CHECKPOINT or self._stopped:
            return
        self._commits = 0
        if self._thread is None or not self._thread.is_alive():  # first use, or after a fork
            self._thread = threading.Thread(target=self._run, name="hitl-sqlite-wal", daemon=True)
            self._thread.start()
        self._wake.set()

    def stop(self, wait: bool = False) -> None:
        """End the thread (it finishes a checkpoint under way); ``wait``: until it has closed its connection."""
        self._stopped = True
        self._wake.set()
        thread = self._thread
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self._target, timeout=self._timeout, isolation_level=None, uri=self._uri)
        except sqlite3.Error:  # the saver's own connection still checkpoints (BACKSTOP_PAGES)
            return
        try:
            if self._synchronous is not None:  # the checkpoint's fsyncs follow this connection's setting
                conn.execute(f"PRAGMA synchronous={self._synchronous}")
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopped:
                    return
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:  # busy with another process's checkpoint, file gone, ...: try next time
                    pass
        finally:
            conn.close()
