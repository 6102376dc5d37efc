"""A durable checkpointer in one SQLite file: paused runs survive a kernel restart.

In a notebook, pass a file path::

    from hitl_notebook.checkpoint.sqlite import SqliteSaver

    graph = builder.compile(checkpointer=SqliteSaver("runs.sqlite"))

``SqliteSaver(conn)`` (an ``sqlite3.Connection``) and ``with SqliteSaver.from_conn_string(path) as saver:`` work as in
LangGraph. The same file may be used by several kernels at once.

Layout (mirrors ``InMemorySaver``): ``checkpoints`` holds one row per checkpoint with its header (channel versions, no
values) and metadata; ``blobs`` holds each channel value once per ``(thread, namespace, channel, version)``;
``writes`` holds the pending writes of tasks, keyed ``(checkpoint, task, idx)`` with the special writes at fixed
negative ``idx`` so a later one replaces an earlier one.

Guarantees:

* **Atomic steps.** Each ``put`` (a checkpoint and its new blobs) and each ``put_writes`` is one transaction, in WAL
  mode. A process killed at any moment leaves every thread at its last committed step, readable and resumable.
  With the default ``synchronous="NORMAL"`` a commit survives a crash of the process or kernel; after a power loss
  or OS crash the last few commits may be rolled back (never corrupted). Pass ``synchronous="FULL"`` to make every
  commit survive power loss too, at the cost of an fsync per commit.
* **One winner per paused run.** When two processes continue the same checkpoint at once, the first one to save
  wins; the other gets :class:`~hitl_notebook.errors.CheckpointConflictError` and saves nothing. Each saver
  remembers, for every checkpoint it loaded, how far the file had got; a ``loop``/``input`` checkpoint, or pending
  writes, added on top of a checkpoint by someone else after that are a conflict. ``update`` and ``fork``
  checkpoints (``update_state``, time travel) always branch freely.
* **No code on load.** Values go through the saver's ``serde`` (:class:`SafeSerializer`: msgpack, never pickle); a
  file from an untrusted source cannot execute code when read.

Nodes may run on worker threads: the connection is opened with ``check_same_thread=False`` and every use of it holds
the saver's lock.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import CheckpointConflictError
from ..pregel._channels import MISSING
from .base import (
    BaseCheckpointSaver,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    PausedThread,
    WRITES_IDX_MAP,
    checkpoint_ns,
    config_for,
    get_checkpoint_id,
    metadata_matches,
    pending_interrupts,
    require_thread_id,
    serialize_value,
)
from .serde import SafeSerializer

__all__ = ["SqliteSaver"]

_SCHEMA_VERSION = 1
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS checkpoints (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        checkpoint_id TEXT NOT NULL,
        parent_checkpoint_id TEXT,
        source TEXT,
        step INTEGER,
        type TEXT,
        checkpoint BLOB,
        metadata_type TEXT,
        metadata BLOB,
        writer TEXT,
        UNIQUE (thread_id, checkpoint_ns, checkpoint_id)
    )""",
    """CREATE INDEX IF NOT EXISTS checkpoints_by_parent
        ON checkpoints (thread_id, checkpoint_ns, parent_checkpoint_id)""",
    """CREATE TABLE IF NOT EXISTS blobs (
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL,
        version TEXT NOT NULL,
        type TEXT NOT NULL,
        blob BLOB,
        PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS writes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        checkpoint_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        task_path TEXT NOT NULL DEFAULT '',
        idx INTEGER NOT NULL,
        channel TEXT NOT NULL,
        type TEXT,
        value BLOB,
        writer TEXT,
        UNIQUE (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
    )""",
)
_REQUIRED_COLUMNS = {
    "checkpoints": {"seq", "parent_checkpoint_id", "source", "step", "checkpoint", "metadata_type", "writer"},
    "blobs": {"channel", "version", "blob"},
    "writes": {"seq", "task_id", "idx", "channel", "value", "writer"},
}
_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
_HEAD_SOURCES = ("loop", "input")  # checkpoints that move a run forward; "update" and "fork" branch freely
_SEEN_LIMIT = 4096
_PAGE = 64  # list(): checkpoints decoded per batch of blob/write lookups
_KEYS_PER_QUERY = 200  # (thread, ns, channel, version) keys per blob query: 800 parameters

_SELECT = ("SELECT thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata_type, "
           "metadata FROM checkpoints")
_INSERT_BLOB = ("INSERT OR REPLACE INTO blobs (thread_id, checkpoint_ns, channel, version, type, blob) "
                "VALUES (?, ?, ?, ?, ?, ?)")
_INSERT_CHECKPOINT = (
    "INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, source, step, "
    "type, checkpoint, metadata_type, metadata, writer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_WRITE = (
    "INSERT OR REPLACE INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel, type, "
    "value, writer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Compare-and-swap checks, from what this saver saw when it loaded the checkpoint: a newer loop/input child, or
# (before saving pending writes, or a step built on them) newer pending writes from another saver.
_NEWER_CHILD = (
    "SELECT writer, step FROM checkpoints WHERE thread_id = ?1 AND checkpoint_ns = ?2 "
    "AND parent_checkpoint_id IS ?3 AND source IN ('loop', 'input') AND seq > ?4 ORDER BY seq LIMIT 1"
)
_NEWER_CHILD_OR_WRITE = (
    "SELECT * FROM (" + _NEWER_CHILD + ") UNION ALL SELECT * FROM (SELECT writer, NULL FROM writes "
    "WHERE thread_id = ?1 AND checkpoint_ns = ?2 AND checkpoint_id = ?3 AND seq > ?5 AND writer != ?6 "
    "ORDER BY seq LIMIT 1) LIMIT 1"
)
_SEQUENCES = ("(SELECT seq FROM sqlite_sequence WHERE name = 'checkpoints'), "
              "(SELECT seq FROM sqlite_sequence WHERE name = 'writes')")
_GET_HEAD = (f"{_SELECT[:-len(' FROM checkpoints')]}, {_SEQUENCES} FROM checkpoints "
             "WHERE thread_id = ? AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1")
_GET_ONE = (f"{_SELECT[:-len(' FROM checkpoints')]}, {_SEQUENCES} FROM checkpoints "
            "WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?")
_GET_WRITES = ("SELECT task_id, channel, type, value FROM writes WHERE thread_id = ? AND checkpoint_ns = ? "
               "AND checkpoint_id = ? ORDER BY seq")

_Key = tuple[str, str, "str | None"]  # (thread_id, checkpoint_ns, checkpoint_id); None: the thread's root


class SqliteSaver(BaseCheckpointSaver):
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
        if synchronous is not None and str(synchronous).upper() not in _SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {_SYNCHRONOUS} or None, not {synchronous!r}")
        self.synchronous = None if synchronous is None else str(synchronous).upper()
        if isinstance(conn, sqlite3.Connection):
            self.conn, self._owns_conn = conn, False
        elif isinstance(conn, (str, os.PathLike)):
            target = os.fspath(conn)
            self.conn = sqlite3.connect(target, timeout=timeout, check_same_thread=False, isolation_level=None,
                                        uri=target.startswith("file:"))
            self._owns_conn = True
        else:
            raise TypeError(
                f"SqliteSaver needs a file path or an sqlite3.Connection, not {type(conn).__name__}: "
                "use SqliteSaver('runs.sqlite')"
            )
        self.is_setup = False
        self.lock = threading.RLock()
        self._process = f"pid {os.getpid()} on {socket.gethostname()}"
        self.writer = f"{self._process} #{os.urandom(3).hex()}"  # recorded with every row this saver writes
        # For each checkpoint loaded or written here: the file's (checkpoints, writes) sequence numbers at that time.
        self._seen: OrderedDict[_Key, tuple[int, int]] = OrderedDict()

    # -- connection ------------------------------------------------------------------------------------------------

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
                conn.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError as exc:  # a read-only file keeps its journal mode
                if "readonly" not in str(exc):
                    raise
            if self.synchronous is not None:
                conn.execute(f"PRAGMA synchronous={self.synchronous}")
            if not self._tables_ok(conn):
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _SCHEMA:
                        conn.execute(statement)
                    if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                        conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
                if not self._tables_ok(conn):
                    raise RuntimeError(
                        "This SQLite file already has checkpoint tables in another layout (written by another "
                        "checkpointer, e.g. langgraph's SqliteSaver?). Use a separate file for hitl_notebook."
                    )
            self.is_setup = True

    @staticmethod
    def _tables_ok(conn: sqlite3.Connection) -> bool:
        for table, required in _REQUIRED_COLUMNS.items():
            columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if not required <= columns:
                return False
        return True

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
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def _observe(self, key: _Key, seen: tuple[int, int]) -> None:
        """Remember how far the file had got (checkpoints, writes sequence numbers) when ``key`` was loaded."""
        self._seen[key] = seen
        self._seen.move_to_end(key)
        if len(self._seen) > _SEEN_LIMIT:
            self._seen.popitem(last=False)

    # -- reading ---------------------------------------------------------------------------------------------------

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        thread_id = require_thread_id(config)
        ns = checkpoint_ns(config)
        wanted = get_checkpoint_id(config)
        with self._transaction(write=False) as conn:
            if wanted:
                row = conn.execute(_GET_ONE, (thread_id, ns, wanted)).fetchone()
            else:
                row = conn.execute(_GET_HEAD, (thread_id, ns)).fetchone()
            if row is None:
                seen = conn.execute(f"SELECT {_SEQUENCES}").fetchone()
                # a run starting here writes the thread's first checkpoint
                self._observe((thread_id, ns, None), (seen[0] or 0, seen[1] or 0))
                return None
            header = self.serde.loads_typed((row[4], row[5]))
            blobs = self._fetch_blobs(conn, [(thread_id, ns, header)])
            writes = conn.execute(_GET_WRITES, (thread_id, ns, row[2])).fetchall()
            self._observe((thread_id, ns, row[2]), (row[8] or 0, row[9] or 0))
        return self._tuple(row, header, blobs, writes)

    def list(
        self,
        config: dict[str, Any] | None,
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        where, params = [], []
        if config:
            where.append("thread_id = ?")
            params.append(require_thread_id(config))
            if "checkpoint_ns" in (config.get("configurable") or {}):
                where.append("checkpoint_ns = ?")
                params.append(checkpoint_ns(config))
            if wanted := get_checkpoint_id(config):
                where.append("checkpoint_id = ?")
                params.append(wanted)
        if before_id := get_checkpoint_id(before):
            where.append("checkpoint_id < ?")
            params.append(before_id)
        rest = dict(filter or {})
        if isinstance(rest.get("source"), str):
            where.append("source = ?")
            params.append(rest.pop("source"))
        if type(rest.get("step")) is int:
            where.append("step = ?")
            params.append(rest.pop("step"))
        query = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
        query += " ORDER BY thread_id, checkpoint_ns, checkpoint_id DESC"
        if limit is not None and not rest:
            query += " LIMIT ?"
            params.append(max(int(limit), 0))
        with self._transaction(write=False) as conn:
            rows = conn.execute(query, params).fetchall()
        count = 0
        for start in range(0, len(rows), _PAGE):
            page = []
            for row in rows[start:start + _PAGE]:
                metadata = self.serde.loads_typed((row[6], row[7]))
                if rest and not metadata_matches(metadata, rest):
                    continue
                if limit is not None and count >= limit:
                    break
                count += 1
                page.append((row, metadata))
            if not page:
                if limit is not None and count >= limit:
                    return
                continue
            headers = [self.serde.loads_typed((row[4], row[5])) for row, _ in page]
            with self._transaction(write=False) as conn:
                blobs = self._fetch_blobs(conn, [(row[0], row[1], h) for (row, _), h in zip(page, headers)])
                writes = self._fetch_writes(conn, [(row[0], row[1], row[2]) for row, _ in page])
            for (row, metadata), header in zip(page, headers):
                yield self._tuple(row, header, blobs, writes.get((row[0], row[1], row[2]), []), metadata)
            if limit is not None and count >= limit:
                return

    def _fetch_blobs(self, conn: sqlite3.Connection,
                     wanted: Iterable[tuple[str, str, dict[str, Any]]]) -> dict[tuple[str, str, str, str], tuple]:
        keys = list({(t, ns, ch, str(v)) for t, ns, header in wanted for ch, v in header["channel_versions"].items()})
        found: dict[tuple[str, str, str, str], tuple] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]
            values = ",".join(["(?,?,?,?)"] * len(chunk))
            query = (f"SELECT b.thread_id, b.checkpoint_ns, b.channel, b.version, b.type, b.blob "
                     f"FROM (VALUES {values}) AS k CROSS JOIN blobs AS b ON b.thread_id = k.column1 "
                     f"AND b.checkpoint_ns = k.column2 AND b.channel = k.column3 AND b.version = k.column4")
            for t, ns, ch, v, kind, blob in conn.execute(query, [p for key in chunk for p in key]):
                found[(t, ns, ch, v)] = (kind, blob)
        return found

    def _fetch_writes(self, conn: sqlite3.Connection, keys: list[tuple[str, str, str]]) -> dict[tuple, list]:
        found: dict[tuple, list] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]
            values = ",".join(["(?,?,?)"] * len(chunk))
            query = (f"SELECT w.thread_id, w.checkpoint_ns, w.checkpoint_id, w.task_id, w.channel, w.type, w.value "
                     f"FROM (VALUES {values}) AS k CROSS JOIN writes AS w ON w.thread_id = k.column1 "
                     f"AND w.checkpoint_ns = k.column2 AND w.checkpoint_id = k.column3 ORDER BY w.seq")
            for t, ns, cid, task_id, channel, kind, value in conn.execute(query, [p for key in chunk for p in key]):
                found.setdefault((t, ns, cid), []).append((task_id, channel, kind, value))
        return found

    def _tuple(self, row: tuple, header: dict[str, Any], blobs: dict, writes: Sequence[tuple],
               metadata: Any = None) -> CheckpointTuple:
        thread_id, ns, checkpoint_id, parent_id = row[0], row[1], row[2], row[3]
        loads = self.serde.loads_typed
        values = {}
        for channel, version in header["channel_versions"].items():
            blob = blobs.get((thread_id, ns, channel, str(version)))
            if blob is not None and blob[0] != "empty":
                values[channel] = loads(blob)
        checkpoint: Checkpoint = {**header, "channel_values": values}  # type: ignore[typeddict-item]
        return CheckpointTuple(
            config=config_for(thread_id, ns, checkpoint_id),
            checkpoint=checkpoint,
            metadata=metadata if metadata is not None else loads((row[6], row[7])),
            parent_config=config_for(thread_id, ns, parent_id) if parent_id else None,
            pending_writes=[(task_id, channel, loads((kind, value))) for task_id, channel, kind, value in writes],
        )

    # -- writing ---------------------------------------------------------------------------------------------------

    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: dict[str, Any],
    ) -> dict[str, Any]:
        thread_id = require_thread_id(config)
        ns = checkpoint_ns(config)
        parent_id = get_checkpoint_id(config)
        values = checkpoint["channel_values"]
        blobs = []
        for channel, version in new_versions.items():
            value = values.get(channel, MISSING)
            kind, blob = ("empty", b"") if value is MISSING else serialize_value(self.serde, value, channel)
            blobs.append((thread_id, ns, channel, str(version), kind, blob))
        header = {k: v for k, v in checkpoint.items() if k != "channel_values"}
        kind, data = self.serde.dumps_typed(header)
        meta_kind, meta = self.serde.dumps_typed(dict(metadata))
        source = metadata.get("source")
        step = metadata.get("step")
        with self._transaction(write=True) as conn:
            if source in _HEAD_SOURCES:
                self._refuse_if_advanced(conn, thread_id, ns, parent_id)
            if blobs:
                conn.executemany(_INSERT_BLOB, blobs)
            seq = conn.execute(_INSERT_CHECKPOINT, (
                thread_id, ns, checkpoint["id"], parent_id, source, step if type(step) is int else None, kind, data,
                meta_kind, meta, self.writer)).lastrowid
            # Nothing is built on the new checkpoint yet, and any write to it by another saver is a conflict.
            self._observe((thread_id, ns, checkpoint["id"]), (seq or 0, 0))
        return config_for(thread_id, ns, checkpoint["id"])

    def put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                   task_path: str = "") -> None:
        thread_id = require_thread_id(config)
        ns = checkpoint_ns(config)
        checkpoint_id = get_checkpoint_id(config)
        if not checkpoint_id:
            raise ValueError("put_writes needs the config of a saved checkpoint (with 'checkpoint_id')")
        rows = [
            (thread_id, ns, checkpoint_id, task_id, task_path, WRITES_IDX_MAP.get(channel, idx), channel,
             *serialize_value(self.serde, value, channel, task_path or task_id), self.writer)
            for idx, (channel, value) in enumerate(writes)
        ]
        with self._transaction(write=True) as conn:
            self._refuse_if_advanced(conn, thread_id, ns, checkpoint_id)
            if len(rows) == 1:
                conn.execute(_INSERT_WRITE, rows[0])
            elif rows:
                conn.executemany(_INSERT_WRITE, rows)

    def _refuse_if_advanced(self, conn: sqlite3.Connection, thread_id: str, ns: str, checkpoint_id: str | None) -> None:
        """Compare-and-swap on the thread: raise if, since this saver loaded ``checkpoint_id``, someone built a
        ``loop``/``input`` checkpoint on it, or another saver saved pending writes against it.

        Whoever saves first after the load wins: the first write of a resumed step claims the checkpoint.
        """
        seen = self._seen.get((thread_id, ns, checkpoint_id))
        if seen is None:  # never loaded here (direct use of the API): nothing to compare against
            return
        if checkpoint_id is None:
            found = conn.execute(_NEWER_CHILD, (thread_id, ns, None, seen[0])).fetchone()
        else:
            found = conn.execute(_NEWER_CHILD_OR_WRITE,
                                 (thread_id, ns, checkpoint_id, seen[0], seen[1], self.writer)).fetchone()
        if found is not None:
            writer, step = found
            what = f"saved step {step} on top of it" if step is not None else "saved a result for the same step"
            raise self._conflict(thread_id, ns, checkpoint_id, writer, what)

    def _conflict(self, thread_id: str, ns: str, checkpoint_id: str | None, writer: str | None,
                  what: str) -> CheckpointConflictError:
        where = f"checkpoint {checkpoint_id}" if checkpoint_id else "the start of the thread"
        space = f" (namespace {ns!r})" if ns else ""
        if writer and writer.startswith(self._process + " "):
            who = "another run in this process"
        else:
            who = f"another run ({writer.rsplit(' #', 1)[0] if writer else 'unknown writer'})"
        return CheckpointConflictError(
            f"Thread {thread_id!r}{space} was advanced by {who} while this run was continuing it: that run {what} "
            f"from {where} first. Only one run may resume a paused thread; this run's step was not saved and the "
            "thread is not corrupted. To proceed, reload the thread with graph.get_state(config) (it may be "
            "finished or paused at a new interrupt) and continue from there, or start over on a new thread_id."
        )

    # -- housekeeping ----------------------------------------------------------------------------------------------

    def delete_thread(self, thread_id: str) -> None:
        thread_id = str(thread_id)
        with self._transaction(write=True) as conn:
            for table in ("checkpoints", "blobs", "writes"):
                conn.execute(f"DELETE FROM {table} WHERE thread_id = ?", (thread_id,))
            for key in [k for k in self._seen if k[0] == thread_id]:
                del self._seen[key]

    def list_threads(self) -> list[str]:
        """Thread ids with at least one checkpoint, oldest first."""
        with self._transaction(write=False) as conn:
            rows = conn.execute("SELECT thread_id FROM checkpoints GROUP BY thread_id ORDER BY MIN(seq)").fetchall()
        return [row[0] for row in rows]

    def list_paused_threads(self) -> list[PausedThread]:
        """Threads whose newest root checkpoint has pending interrupts, most recently paused first.

        Reads only the heads' headers and writes (no channel values), so it is cheap to poll from an inbox.
        """
        with self._transaction(write=False) as conn:
            heads = conn.execute(
                "SELECT c.thread_id, c.checkpoint_id, c.type, c.checkpoint FROM checkpoints AS c JOIN ("
                "SELECT thread_id, MAX(checkpoint_id) AS checkpoint_id FROM checkpoints WHERE checkpoint_ns = '' "
                "GROUP BY thread_id) AS h ON c.thread_id = h.thread_id AND c.checkpoint_ns = '' "
                "AND c.checkpoint_id = h.checkpoint_id "
                "WHERE EXISTS (SELECT 1 FROM writes AS w WHERE w.thread_id = c.thread_id AND w.checkpoint_ns = '' "
                "AND w.checkpoint_id = c.checkpoint_id AND w.channel = '__interrupt__') "
                "ORDER BY c.checkpoint_id DESC").fetchall()
            writes = self._fetch_writes(conn, [(t, "", cid) for t, cid, _, _ in heads])
        found = []
        loads = self.serde.loads_typed
        for thread_id, checkpoint_id, kind, data in heads:
            pending = [(task, channel, loads((k, v)) if channel == "__interrupt__" else None)
                       for task, channel, k, v in writes.get((thread_id, "", checkpoint_id), [])]
            interrupts = pending_interrupts(pending)
            if interrupts:
                header = loads((kind, data))
                found.append(PausedThread(thread_id, config_for(thread_id, "", checkpoint_id), interrupts,
                                          header.get("ts")))
        return found
