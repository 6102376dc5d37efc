"""The SQLite checkpointer's logic without I/O, shared by ``SqliteSaver`` (sqlite3) and ``AsyncSqliteSaver`` (aiosqlite).

Each operation is a generator that yields statements, ``(ALL, sql, params)`` (answered with the rows) or
``(MANY, sql, rows)`` (answered with ``None``), and returns its result. A saver runs it inside one transaction with
its own connection, so both savers execute the same SQL in the same order, with the same compare-and-swap and the
same serialization: one file format.
"""

from __future__ import annotations

import os
import socket
from collections import OrderedDict
from collections.abc import Generator, Iterable, Iterator, Sequence
from functools import partial
from typing import Any, Callable

from ...pregel._channels import MISSING
from ..base import (
    WRITES_IDX_MAP,
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
from ._cas import CasOps
from .._delta import ListDeltas, resolve
from ._header import checked_header, checked_metadata
from ._wal import switch_to_wal_ops
from ._sql import (  # ALL, MANY: the statement kinds (see above)
    ALL,
    MANY,
    _GET_HEAD,
    _GET_ONE,
    _GET_WRITES,
    _HAS_BLOB,
    _HEAD_SOURCES,
    _INSERT_BLOB,
    _INSERT_CHECKPOINT,
    _INSERT_WRITE,
    _KEYS_PER_QUERY,
    _PAGE,
    _REQUIRED_COLUMNS,
    _ROOTS_ADVANCED,
    _SCHEMA,
    _SCHEMA_VERSION,
    _SEEN_LIMIT,
    _SELECT,
    _SYNCHRONOUS,
    _blob_query,
    _Key,
)

Ops = Generator[tuple[str, str, Any], Any, Any]
"""An operation: yields statements, receives their rows, returns its result."""


def drive(ops: Ops, execute: Callable[[tuple[str, str, Any]], Any]) -> Any:
    """Run ``ops`` with a blocking ``execute(statement) -> rows``; an error is raised inside ``ops``."""
    reply, error = None, None
    while True:
        try:
            statement = ops.send(reply) if error is None else ops.throw(error)
        except StopIteration as stop:
            return stop.value
        try:
            reply, error = execute(statement), None
        except Exception as exc:
            reply, error = None, exc


def one(sql: str, params: Sequence[Any] = ()) -> Ops:
    """An operation of a single query, returning its rows."""
    return (yield ALL, sql, params)


def chain(first: Ops, then: Ops) -> Ops:
    """Two operations in one transaction; returns the second's result."""
    yield from first
    return (yield from then)


class SqliteOps(CasOps):
    """The shared half of both SQLite savers: what to run and how to read it back (``serde`` is the saver's)."""

    serde: Any
    synchronous: str | None
    busy_wait = 30.0  # seconds the first open retries switching the file to WAL (the saver's ``timeout``)

    def _init_ops(self, synchronous: str | None) -> None:
        if synchronous is not None and str(synchronous).upper() not in _SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {_SYNCHRONOUS} or None, not {synchronous!r}")
        self.synchronous = None if synchronous is None else str(synchronous).upper()
        self.is_setup = False
        self._process = f"pid {os.getpid()} on {socket.gethostname()}"
        self.writer = f"{self._process} #{os.urandom(3).hex()}"  # recorded with every row this saver writes
        # For each checkpoint loaded or written here: (loop/input checkpoints built on it, its newest write's seq) then.
        self._seen: OrderedDict[_Key, tuple[int, int]] = OrderedDict()
        self._deltas = ListDeltas()  # the list values stored last, so a grown list is stored as a delta

    def _observe(self, key: _Key, seen: tuple[int, int]) -> None:
        """Remember what was built on ``key`` when it was loaded: (loop/input children, newest write seq)."""
        self._seen[key] = seen
        self._seen.move_to_end(key)
        if len(self._seen) > _SEEN_LIMIT:
            self._seen.popitem(last=False)

    # -- setup (run outside a transaction: it takes its own) ---------------------------------------------------------

    def _setup_ops(self) -> Ops:
        yield from switch_to_wal_ops(self.busy_wait)
        if self.synchronous is not None:
            yield ALL, f"PRAGMA synchronous={self.synchronous}", ()
        if (yield from self._tables_ok_ops()):
            return
        yield ALL, "BEGIN IMMEDIATE", ()
        for statement in _SCHEMA:
            yield ALL, statement, ()
        if not (yield from self._tables_ok_ops()):
            raise RuntimeError(
                "This SQLite file already has checkpoint tables in another layout (written by another "
                "checkpointer, e.g. langgraph's SqliteSaver?). Use a separate file for hitl_notebook."
            )
        if (yield ALL, "PRAGMA user_version", ())[0][0] == 0:
            yield ALL, f"PRAGMA user_version = {_SCHEMA_VERSION}", ()
        yield ALL, "COMMIT", ()

    @staticmethod
    def _tables_ok_ops() -> Ops:
        for table, required in _REQUIRED_COLUMNS.items():
            columns = {row[1] for row in (yield ALL, f"PRAGMA table_info({table})", ())}
            if not required <= columns:
                return False
        return True

    # -- reading -----------------------------------------------------------------------------------------------------

    def _get_tuple_ops(self, config: dict[str, Any]) -> Ops:
        thread_id = require_thread_id(config)
        ns = checkpoint_ns(config)
        wanted = get_checkpoint_id(config)
        if wanted:
            rows = yield ALL, _GET_ONE, (thread_id, ns, wanted)
        else:
            rows = yield ALL, _GET_HEAD, (thread_id, ns)
        if not rows:  # a run starting here writes the thread's first checkpoint
            roots = (yield ALL, _ROOTS_ADVANCED, (thread_id, ns))[0][0]
            self._observe((thread_id, ns, None), (roots, 0))
            return None
        row = rows[0]
        header = checked_header(row, self.serde.loads_typed((row[4], row[5])))
        blobs = yield from self._fetch_blobs_ops([(thread_id, ns, header)])
        writes = yield ALL, _GET_WRITES, (thread_id, ns, row[2])
        self._observe((thread_id, ns, row[2]), (row[8], writes[-1][4] if writes else 0))
        return self._tuple(row, header, blobs, writes)

    def _list_query(self, config: dict[str, Any] | None, filter: dict[str, Any] | None,
                    before: dict[str, Any] | None, limit: int | None) -> tuple[str, list[Any], dict[str, Any]]:
        """The checkpoint query of ``list()``, its parameters, and the metadata filter left to apply in Python."""
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
        return query, params, rest

    def _pages(self, rows: Sequence[tuple], rest: dict[str, Any], limit: int | None) -> Iterator[list[tuple]]:
        """The listed rows that pass the metadata filter, as pages of ``(row, metadata)`` (lazily, up to ``limit``)."""
        count = 0
        for start in range(0, len(rows), _PAGE):
            page = []
            for row in rows[start:start + _PAGE]:
                metadata = checked_metadata(row, self.serde.loads_typed((row[6], row[7])))
                if rest and not metadata_matches(metadata, rest):
                    continue
                if limit is not None and count >= limit:
                    break
                count += 1
                page.append((row, metadata))
            if page:
                yield page
            if limit is not None and count >= limit:
                return

    def _page_ops(self, page: list[tuple]) -> Ops:
        """The checkpoint tuples of one page: its blobs and writes in a few queries."""
        headers = [checked_header(row, self.serde.loads_typed((row[4], row[5]))) for row, _ in page]
        blobs = yield from self._fetch_blobs_ops([(row[0], row[1], h) for (row, _), h in zip(page, headers)])
        writes = yield from self._fetch_writes_ops([(row[0], row[1], row[2]) for row, _ in page])
        return [self._tuple(row, header, blobs, writes.get((row[0], row[1], row[2]), []), metadata)
                for (row, metadata), header in zip(page, headers)]

    @classmethod
    def _fetch_blobs_ops(cls, wanted: Iterable[tuple[str, str, dict[str, Any]]]) -> Ops:
        keys = list({(t, ns, ch, str(v)) for t, ns, header in wanted for ch, v in header["channel_versions"].items()})
        found = yield from cls._query_blobs_ops(keys)
        yield from resolve(found, cls._query_blobs_ops)  # delta rows become the full values they stand for
        return found

    @staticmethod
    def _query_blobs_ops(keys: Sequence[tuple[str, str, str, str]]) -> Ops:
        found: dict[tuple[str, str, str, str], tuple] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]
            for t, ns, ch, v, kind, blob in (yield ALL, _blob_query(len(chunk)), [p for key in chunk for p in key]):
                found[(t, ns, ch, v)] = (kind, blob)
        return found

    @staticmethod
    def _fetch_writes_ops(keys: list[tuple[str, str, str]]) -> Ops:
        found: dict[tuple, list] = {}
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start:start + _KEYS_PER_QUERY]
            values = ",".join(["(?,?,?)"] * len(chunk))
            query = (f"SELECT w.thread_id, w.checkpoint_ns, w.checkpoint_id, w.task_id, w.channel, w.type, w.value "
                     f"FROM (VALUES {values}) AS k CROSS JOIN writes AS w ON w.thread_id = k.column1 "
                     f"AND w.checkpoint_ns = k.column2 AND w.checkpoint_id = k.column3 ORDER BY w.seq")
            for t, ns, cid, task_id, channel, kind, value in (yield ALL, query, [p for key in chunk for p in key]):
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
            metadata=metadata if metadata is not None else checked_metadata(row, loads((row[6], row[7]))),
            parent_config=config_for(thread_id, ns, parent_id) if parent_id else None,
            pending_writes=[(task_id, channel, loads((kind, value))) for task_id, channel, kind, value, _ in writes],
        )

    # -- writing (serialized before the transaction starts; the returned operation runs inside it) --------------------

    def _put(self, config: dict[str, Any], checkpoint: Checkpoint, metadata: CheckpointMetadata,
             new_versions: dict[str, Any]) -> Ops:
        thread_id = require_thread_id(config)
        ns = checkpoint_ns(config)
        parent_id = get_checkpoint_id(config)
        values = checkpoint["channel_values"]
        blobs, planned = [], []
        fingerprint = getattr(self.serde, "items_fingerprint", None)
        for channel, version in new_versions.items():
            value = values.get(channel, MISSING)
            if value is MISSING:
                blobs.append((thread_id, ns, channel, str(version), "empty", b""))
                continue
            plan = self._deltas.plan(thread_id, ns, channel, str(version), value,
                                     partial(serialize_value, self.serde, key=channel), fingerprint)
            planned.append((len(blobs), plan))
            blobs.append((thread_id, ns, channel, str(version), plan.kind, plan.blob))
        header = {k: v for k, v in checkpoint.items() if k != "channel_values"}
        kind, data = self.serde.dumps_typed(header)
        meta_kind, meta = self.serde.dumps_typed(dict(metadata))
        source = metadata.get("source")
        step = metadata.get("step")
        row = (thread_id, ns, checkpoint["id"], parent_id, source, step if type(step) is int else None, kind, data,
               meta_kind, meta, self.writer)
        return self._put_ops(row, blobs, planned, check=source in _HEAD_SOURCES)

    def _put_ops(self, row: tuple, blobs: list[tuple], planned: list[tuple], check: bool) -> Ops:
        thread_id, ns, checkpoint_id, parent_id = row[:4]
        if check:
            yield from self._refuse_if_advanced_ops(thread_id, ns, parent_id)
        for n, (i, plan) in enumerate(planned):
            # A delta only on a base row that is still there (another process may have deleted the thread); else
            # the full value, whose exact bytes the delta's plan rebuilt.
            if plan.base is not None and not (yield ALL, _HAS_BLOB, (*blobs[i][:3], plan.base)):
                blobs[i] = (*blobs[i][:4], "msgpack", plan.stored.blob)
                planned[n] = (i, plan._replace(kind="msgpack", blob=plan.stored.blob, base=None,
                                               stored=plan.stored._replace(depth=0)))
        if blobs:
            yield MANY, _INSERT_BLOB, blobs
        yield ALL, _INSERT_CHECKPOINT, row
        # Nothing is built on the new checkpoint yet, and any write to it by another saver is a conflict.
        self._observe((thread_id, ns, checkpoint_id), (0, 0))
        # Remembered for the next deltas (were the commit to fail, the next put finds no base and writes in full).
        for i, plan in planned:
            self._deltas.remember(thread_id, ns, blobs[i][2], plan)
        return config_for(thread_id, ns, checkpoint_id)

    def _put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                    task_path: str = "") -> Ops:
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
        return self._put_writes_ops(thread_id, ns, checkpoint_id, rows)

    def _put_writes_ops(self, thread_id: str, ns: str, checkpoint_id: str, rows: list[tuple]) -> Ops:
        yield from self._refuse_if_advanced_ops(thread_id, ns, checkpoint_id)
        if any(row[4] >= 0 for row in rows):  # a task's regular writes replace all its earlier ones
            yield ALL, ("DELETE FROM writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ? "
                        "AND task_id = ? AND idx >= 0"), rows[0][:4]
        if len(rows) == 1:
            yield ALL, _INSERT_WRITE, rows[0]
        elif rows:
            yield MANY, _INSERT_WRITE, rows

    # -- housekeeping ------------------------------------------------------------------------------------------------

    def _delete_thread_ops(self, thread_id: str) -> Ops:
        thread_id = str(thread_id)
        for table in ("checkpoints", "blobs", "writes"):
            yield ALL, f"DELETE FROM {table} WHERE thread_id = ?", (thread_id,)
        for key in [k for k in self._seen if k[0] == thread_id]:
            del self._seen[key]
        self._deltas.forget(thread_id)

    @staticmethod
    def _list_threads_ops() -> Ops:
        rows = yield ALL, "SELECT thread_id FROM checkpoints GROUP BY thread_id ORDER BY min(checkpoint_id)", ()
        return [row[0] for row in rows]

    def _list_paused_threads_ops(self) -> Ops:
        heads = yield ALL, (
            "SELECT c.thread_id, c.checkpoint_id, c.type, c.checkpoint FROM checkpoints AS c JOIN ("
            "SELECT thread_id, MAX(checkpoint_id) AS checkpoint_id FROM checkpoints WHERE checkpoint_ns = '' "
            "GROUP BY thread_id) AS h ON c.thread_id = h.thread_id AND c.checkpoint_ns = '' "
            "AND c.checkpoint_id = h.checkpoint_id "
            "WHERE EXISTS (SELECT 1 FROM writes AS w WHERE w.thread_id = c.thread_id AND w.checkpoint_ns = '' "
            "AND w.checkpoint_id = c.checkpoint_id AND w.channel = '__interrupt__') "
            "ORDER BY c.checkpoint_id DESC"), ()
        writes = yield from self._fetch_writes_ops([(t, "", cid) for t, cid, _, _ in heads])
        found = []
        loads = self.serde.loads_typed
        for thread_id, checkpoint_id, kind, data in heads:
            pending = [(task, channel, loads((k, v)) if channel == "__interrupt__" else None)
                       for task, channel, k, v, _ in writes.get((thread_id, "", checkpoint_id), [])]
            interrupts = pending_interrupts(pending)
            if interrupts:
                header = checked_header((thread_id, "", checkpoint_id), loads((kind, data)))
                found.append(PausedThread(thread_id, config_for(thread_id, "", checkpoint_id), interrupts,
                                          header.get("ts")))
        return found
