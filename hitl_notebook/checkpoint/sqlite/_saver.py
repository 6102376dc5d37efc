"""``SqliteSaver``: checkpoints, blobs and pending writes in SQLite, with compare-and-swap on the thread head.

The statements and their logic live in ``_ops`` (shared with ``AsyncSqliteSaver``); this class runs them on an
``sqlite3`` connection, one transaction per operation.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from ..base import BaseCheckpointSaver, Checkpoint, CheckpointMetadata, CheckpointTuple, PausedThread
from ..serde import SafeSerializer
from ._connection import ConnectionMixin, execute
from ._ops import Ops, SqliteOps, chain, drive, one
from ._wal import WalMover

__all__ = ["SqliteSaver"]


class SqliteSaver(ConnectionMixin, SqliteOps, BaseCheckpointSaver):
    """Checkpoints in an SQLite database; the notebook-friendly form is ``SqliteSaver("runs.sqlite")``.

    Args:
        conn: a file path (``str`` or ``pathlib.Path``; ``":memory:"`` for a private in-memory database) or an open
            ``sqlite3.Connection``. A path is opened (and closed by :meth:`close` or ``with``) by the saver, with
            ``check_same_thread=False``; a connection you pass stays yours to close and needs
            ``check_same_thread=False`` because nodes run on worker threads.
        serde: the serializer (default :class:`~hitl_notebook.checkpoint.serde.SafeSerializer`; never pickle).
        synchronous: SQLite's ``PRAGMA synchronous`` for this connection: ``"NORMAL"`` (default; crash-safe for
            process and kernel crashes), ``"FULL"`` (also power-loss safe, slower), or ``None`` to leave it alone.
        timeout: seconds to wait for another process's write to finish before failing with "database is locked".

    WAL mode also creates ``<file>-wal`` and ``<file>-shm`` next to the database while it is open.
    """

    conn: sqlite3.Connection
    is_setup: bool

    def __init__(
        self,
        conn: sqlite3.Connection | str | os.PathLike[str],
        *,
        serde: SafeSerializer | None = None,
        synchronous: str | None = "NORMAL",
        timeout: float = 30.0,
    ) -> None:
        super().__init__(serde=serde)
        self._init_ops(synchronous)
        self.busy_wait = timeout
        if isinstance(conn, sqlite3.Connection):
            self.conn, self._owns_conn = conn, False
        elif isinstance(conn, (str, os.PathLike)):
            target = os.fspath(conn)
            self.conn = sqlite3.connect(target, timeout=timeout, check_same_thread=False, isolation_level=None,
                                        uri=target.startswith("file:"))
            self._owns_conn = True
            self._wal = WalMover(target, uri=target.startswith("file:"), synchronous=self.synchronous,
                                 timeout=timeout)
            weakref.finalize(self, self._wal.stop)
        else:
            raise TypeError(
                f"SqliteSaver needs a file path or an sqlite3.Connection, not {type(conn).__name__}: "
                "use SqliteSaver('runs.sqlite')"
            )
        self.lock = threading.RLock()

    def _run(self, ops: Ops, write: bool) -> Any:
        with self._transaction(write) as conn:
            return drive(ops, partial(execute, conn))

    # -- reading ---------------------------------------------------------------------------------------------------

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        return self._run(self._get_tuple_ops(config), write=False)

    def list(
        self,
        config: dict[str, Any] | None,
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        query, params, rest = self._list_query(config, filter, before, limit)
        rows = self._run(one(query, params), write=False)
        for page in self._pages(rows, rest, limit):
            yield from self._run(self._page_ops(page), write=False)

    # -- writing ---------------------------------------------------------------------------------------------------

    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: dict[str, Any],
    ) -> dict[str, Any]:
        return self._run(self._put(config, checkpoint, metadata, new_versions), write=True)

    def put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                   task_path: str = "") -> None:
        self._run(self._put_writes(config, writes, task_id, task_path), write=True)

    def put_with_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                        task_path: str, checkpoint: Checkpoint, metadata: CheckpointMetadata,
                        new_versions: dict[str, Any]) -> dict[str, Any]:
        """``put_writes(config, writes, ...)`` then ``put(config, checkpoint, ...)`` in one transaction (one commit
        instead of two): both are saved, or, on a compare-and-swap conflict, neither. The engine uses it for a
        step's lone task, whose checkpoint follows at once. A subclass that overrides ``put`` or ``put_writes``
        gets the two calls."""
        cls = type(self)
        if cls.put is not SqliteSaver.put or cls.put_writes is not SqliteSaver.put_writes:
            self.put_writes(config, writes, task_id, task_path)
            return self.put(config, checkpoint, metadata, new_versions)
        writes_ops = self._put_writes(config, writes, task_id, task_path)
        try:
            put_ops = self._put(config, checkpoint, metadata, new_versions)
        except Exception:  # the checkpoint cannot be serialized: the writes are saved first, as with two calls
            self._run(writes_ops, write=True)
            raise
        return self._run(chain(writes_ops, put_ops), write=True)

    # -- housekeeping ----------------------------------------------------------------------------------------------

    def delete_thread(self, thread_id: str) -> None:
        self._run(self._delete_thread_ops(thread_id), write=True)

    def list_threads(self) -> list[str]:
        """Thread ids with at least one checkpoint, oldest first."""
        return self._run(self._list_threads_ops(), write=False)

    def list_paused_threads(self) -> list[PausedThread]:
        """Threads whose newest root checkpoint has pending interrupts, most recently paused first.

        Reads only the heads' headers and writes (no channel values), so it is cheap to poll from an inbox.
        """
        return self._run(self._list_paused_threads_ops(), write=False)
