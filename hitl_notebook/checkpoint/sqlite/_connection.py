"""Opening, setting up and transacting on the SQLite connection (one lock; WAL; ``BEGIN IMMEDIATE`` writes)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

from ._ops import MANY, drive
from ._sql import PAUSE
from ._wal import BACKSTOP_PAGES, WalMover

if TYPE_CHECKING:
    from ..serde import SafeSerializer
    from ._saver import SqliteSaver


def execute(conn: sqlite3.Connection, statement: tuple[str, str, Any]) -> Any:
    """Run one statement of an operation on a sqlite3 connection (see ``_ops``)."""
    kind, sql, params = statement
    if kind is MANY:
        conn.executemany(sql, params)
        return None
    if kind is PAUSE:
        time.sleep(params)
        return None
    return conn.execute(sql, params).fetchall()


class ConnectionMixin:
    """The connection half of ``SqliteSaver``; the saver's ``__init__`` sets the attributes below."""

    conn: sqlite3.Connection
    is_setup: bool
    lock: threading.RLock
    synchronous: str | None
    _owns_conn: bool
    _wal: WalMover | None = None  # set for a file the saver opened itself


    @classmethod
    @contextmanager
    def from_conn_string(cls, conn_string: str, *, serde: SafeSerializer | None = None) -> Iterator["SqliteSaver"]:
        """``with SqliteSaver.from_conn_string("runs.sqlite") as saver:`` (or ``":memory:"``); closed on exit."""
        saver = cls(conn_string, serde=serde)
        try:
            yield saver
        finally:
            saver.close()

    def close(self) -> None:
        """Close the connection if the saver opened it (a connection you passed in is left open)."""
        with self.lock:
            if self._wal is not None:
                self._wal.stop(wait=True)
            if self._owns_conn:
                self.conn.close()

    def __enter__(self) -> "SqliteSaver":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def setup(self) -> None:
        """Create the tables if needed (done automatically on first use); switch the file to WAL mode."""
        if self.is_setup:
            return
        with self.lock, self._thread_hint():
            if self.is_setup:
                return
            conn = self.conn
            if conn.in_transaction:
                conn.commit()
            try:
                drive(self._setup_ops(), partial(execute, conn))
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
            if self._wal is not None:  # WAL checkpoints move to the background thread (not for in-memory files)
                if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                    conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
                else:
                    self._wal.stop()
                    self._wal = None
            self.is_setup = True

    @contextmanager
    def _thread_hint(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.ProgrammingError as exc:
            raise self._hint(exc) from exc

    @staticmethod
    def _hint(exc: sqlite3.ProgrammingError) -> sqlite3.ProgrammingError:
        if "same thread" not in str(exc):
            return exc
        return sqlite3.ProgrammingError(
            f"{exc}\nNodes run on worker threads: open the connection with "
            "sqlite3.connect(path, check_same_thread=False), or pass the path: SqliteSaver('runs.sqlite')."
        )

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction under the lock: ``BEGIN IMMEDIATE`` to write (takes the file's write lock up front, so
        the compare-and-swap checks and the inserts see the same state), ``BEGIN`` for a consistent read."""
        with self.lock:
            if not self.is_setup:
                self.setup()
            conn = self.conn
            try:
                if conn.in_transaction:  # a caller's connection left a transaction open: keep its work (as LangGraph)
                    conn.commit()
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.ProgrammingError as exc:
                raise self._hint(exc) from exc
            try:
                yield conn
                conn.commit()
                if write and self._wal is not None:
                    self._wal.committed()
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
