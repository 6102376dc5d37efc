"""``SqliteSaver``: checkpoints, blobs and pending writes in SQLite, with compare-and-swap on the thread head."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ...errors import CheckpointConflictError
from ...pregel._channels import MISSING
from ..base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    PausedThread,
    checkpoint_ns,
    config_for,
    get_checkpoint_id,
    metadata_matches,
    pending_interrupts,
    require_thread_id,
    serialize_value,
)
from ..serde import SafeSerializer
from ._connection import ConnectionMixin
from ._sql import (
    _ADVANCED,
    _GET_HEAD,
    _GET_ONE,
    _GET_WRITES,
    _HEAD_SOURCES,
    _INSERT_BLOB,
    _INSERT_CHECKPOINT,
    _INSERT_WRITE,
    _KEYS_PER_QUERY,
    _NEWEST_CHILD,
    _NEWEST_ROOT,
    _PAGE,
    _ROOTS_ADVANCED,
    _SEEN_LIMIT,
    _SELECT,
    _SYNCHRONOUS,
    _blob_query,
    _Key,
)

__all__ = ["SqliteSaver"]


class SqliteSaver(ConnectionMixin, BaseCheckpointSaver):
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
        # For each checkpoint loaded or written here: (loop/input checkpoints built on it, its newest write's seq) then.
        self._seen: OrderedDict[_Key, tuple[int, int]] = OrderedDict()

    def _observe(self, key: _Key, seen: tuple[int, int]) -> None:
        """Remember what was built on ``key`` when it was loaded: (loop/input children, newest write seq)."""
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
            if row is None:  # a run starting here writes the thread's first checkpoint
                roots = conn.execute(_ROOTS_ADVANCED, (thread_id, ns)).fetchone()[0]
                self._observe((thread_id, ns, None), (roots, 0))
                return None
            header = self.serde.loads_typed((row[4], row[5]))
            blobs = self._fetch_blobs(conn, [(thread_id, ns, header)])
            writes = conn.execute(_GET_WRITES, (thread_id, ns, row[2])).fetchall()
            self._observe((thread_id, ns, row[2]), (row[8], writes[-1][4] if writes else 0))
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
            for t, ns, ch, v, kind, blob in conn.execute(_blob_query(len(chunk)), [p for key in chunk for p in key]):
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
                found.setdefault((t, ns, cid), []).append((task_id, channel, kind, value, None))
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
        # LangGraph's SqliteSaver puts the values right after the id (its InMemorySaver puts them last).
        checkpoint: Checkpoint = {"v": header.get("v"), "ts": header.get("ts"), "id": header.get("id"),  # type: ignore
                                  "channel_values": values, **header}
        return CheckpointTuple(
            config=config_for(thread_id, ns, checkpoint_id),
            checkpoint=checkpoint,
            metadata=metadata if metadata is not None else loads((row[6], row[7])),
            parent_config=config_for(thread_id, ns, parent_id) if parent_id else None,
            pending_writes=[(task_id, channel, loads((kind, value))) for task_id, channel, kind, value, _ in writes],
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
            conn.execute(_INSERT_CHECKPOINT, (thread_id, ns, checkpoint["id"], parent_id, source,
                                              step if type(step) is int else None, kind, data, meta_kind, meta,
                                              self.writer))
            # Nothing is built on the new checkpoint yet, and any write to it by another saver is a conflict.
            self._observe((thread_id, ns, checkpoint["id"]), (0, 0))
        return config_for(thread_id, ns, checkpoint["id"])

    def put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                   task_path: str = "") -> None:
        thread_id = require_thread_id(config)
        ns = checkpoint_ns(config)
        checkpoint_id = get_checkpoint_id(config)
        if not checkpoint_id:
            raise ValueError("put_writes needs the config of a saved checkpoint (with 'checkpoint_id')")
        rows = [
            (thread_id, ns, checkpoint_id, task_id, WRITES_IDX_MAP.get(channel, idx), task_path, channel,
             *serialize_value(self.serde, value, channel, task_path or task_id), self.writer)
            for idx, (channel, value) in enumerate(writes)
        ]
        with self._transaction(write=True) as conn:
            self._refuse_if_advanced(conn, thread_id, ns, checkpoint_id)
            if any(row[4] >= 0 for row in rows):  # a task's regular writes replace all its earlier ones
                conn.execute("DELETE FROM writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ? "
                             "AND task_id = ? AND idx >= 0", rows[0][:4])
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
            children, other = conn.execute(_ROOTS_ADVANCED, (thread_id, ns)).fetchone()
        else:
            children, other = conn.execute(_ADVANCED, (thread_id, ns, checkpoint_id, seen[1], self.writer)).fetchone()
        if children > seen[0]:
            if checkpoint_id is None:
                writer, step = conn.execute(_NEWEST_ROOT, (thread_id, ns)).fetchone()
            else:
                writer, step = conn.execute(_NEWEST_CHILD, (thread_id, ns, checkpoint_id)).fetchone()
            what = f"saved step {step} on top of it" if step is not None else "continued it"
            raise self._conflict(thread_id, ns, checkpoint_id, writer, what)
        if other is not None:
            raise self._conflict(thread_id, ns, checkpoint_id, other, "saved a result for the same step")

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
            rows = conn.execute(
                "SELECT thread_id FROM checkpoints GROUP BY thread_id ORDER BY min(checkpoint_id)").fetchall()
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
                       for task, channel, k, v, _ in writes.get((thread_id, "", checkpoint_id), [])]
            interrupts = pending_interrupts(pending)
            if interrupts:
                header = loads((kind, data))
                found.append(PausedThread(thread_id, config_for(thread_id, "", checkpoint_id), interrupts,
                                          header.get("ts")))
        return found
