"""``AsyncSqliteSaver``: the SQLite checkpointer on an ``aiosqlite`` connection, as LangGraph's
``langgraph.checkpoint.sqlite.aio``::

    from hitl_notebook.checkpoint.sqlite.aio import AsyncSqliteSaver

    async with AsyncSqliteSaver.from_conn_string("runs.sqlite") as saver:
        graph = builder.compile(checkpointer=saver)
        await graph.ainvoke(inputs, {"configurable": {"thread_id": "1"}})

It runs the same statements as :class:`~hitl_notebook.checkpoint.sqlite.SqliteSaver` (both drive ``_ops``), so it
has the same guarantees and file format: WAL mode, one transaction per checkpoint and per task's writes, the
compare-and-swap that lets one of two concurrent resumes win (the other gets ``CheckpointConflictError``), and the
msgpack serializer that never unpickles. A file written by either saver opens in the other.

Database work runs on aiosqlite's thread, so the event loop is never blocked. The sync methods (which the engine
uses from its worker thread under ``ainvoke``/``astream``) hand their work to the saver's loop and refuse, with
LangGraph's message, to run on that loop's own thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from ..base import BaseCheckpointSaver, Checkpoint, CheckpointMetadata, CheckpointTuple, PausedThread
from ..serde import SafeSerializer
from ._ops import MANY, Ops, SqliteOps, one
from ._sql import PAUSE

__all__ = ["AsyncSqliteSaver"]

_FROM_LOOP = ("Synchronous calls to AsyncSqliteSaver are only allowed from a different thread. From the main thread, "
              "use the async interface. For example, use {} or `await graph.ainvoke(...)`.")


async def _execute(conn: aiosqlite.Connection, statement: tuple[str, str, Any]) -> Any:
    kind, sql, params = statement
    if kind is MANY:
        await conn.executemany(sql, params)
        return None
    if kind is PAUSE:  # the first open waiting for another process to finish switching the file to WAL
        await asyncio.sleep(params)
        return None
    return await conn.execute_fetchall(sql, params)


async def _drive(ops: Ops, conn: aiosqlite.Connection) -> Any:
    """``_ops.drive`` for aiosqlite: each statement is awaited; an error is raised inside ``ops``."""
    reply, error = None, None
    while True:
        try:
            statement = ops.send(reply) if error is None else ops.throw(error)
        except StopIteration as stop:
            return stop.value
        try:
            reply, error = await _execute(conn, statement), None
        except Exception as exc:
            reply, error = None, exc


class AsyncSqliteSaver(SqliteOps, BaseCheckpointSaver):
    """Checkpoints in an SQLite database through an open ``aiosqlite.Connection`` (as LangGraph 1.2).

    Args:
        conn: an open ``aiosqlite.Connection``; it stays yours to close. ``from_conn_string`` opens and closes one.
        serde: the serializer (default :class:`~hitl_notebook.checkpoint.serde.SafeSerializer`; never pickle).
        synchronous: SQLite's ``PRAGMA synchronous``, as for ``SqliteSaver`` (default ``"NORMAL"``).

    Raises:
        TypeError: ``conn`` is not an ``aiosqlite.Connection``.
        RuntimeError: created outside a running event loop (it belongs to the loop it was created on).
    """

    conn: aiosqlite.Connection
    lock: asyncio.Lock
    is_setup: bool

    def __init__(self, conn: aiosqlite.Connection, *, serde: SafeSerializer | None = None,
                 synchronous: str | None = "NORMAL") -> None:
        if not isinstance(conn, aiosqlite.Connection):
            raise TypeError(
                f"AsyncSqliteSaver needs an aiosqlite.Connection, not {type(conn).__name__}: use "
                "`async with AsyncSqliteSaver.from_conn_string('runs.sqlite') as saver`, or SqliteSaver for sqlite3"
            )
        super().__init__(serde=serde)
        self._init_ops(synchronous)
        self.conn = conn
        self.lock = asyncio.Lock()
        self.loop = asyncio.get_running_loop()

    @classmethod
    @asynccontextmanager
    async def from_conn_string(cls, conn_string: str, *, serde: SafeSerializer | None = None,
                               timeout: float = 30.0) -> AsyncIterator["AsyncSqliteSaver"]:
        """``async with AsyncSqliteSaver.from_conn_string("runs.sqlite") as saver:`` (or ``":memory:"``)."""
        async with aiosqlite.connect(conn_string, timeout=timeout, isolation_level=None,
                                     uri=conn_string.startswith("file:")) as conn:
            yield cls(conn, serde=serde)

    # -- running operations ----------------------------------------------------------------------------------------

    async def setup(self) -> None:
        """Create the tables if needed (done automatically on first use); switch the file to WAL mode."""
        async with self.lock:
            await self._setup_locked()

    async def _setup_locked(self) -> None:
        if self.is_setup:
            return
        conn = self.conn
        if conn.in_transaction:
            await conn.commit()
        try:
            await _drive(self._setup_ops(), conn)
        except BaseException:
            if conn.in_transaction:
                await conn.rollback()
            raise
        self.is_setup = True

    async def _run(self, ops: Ops, write: bool) -> Any:
        """One transaction: ``BEGIN IMMEDIATE`` to write (the compare-and-swap and the inserts see the same state)."""
        async with self.lock:
            if not self.is_setup:
                await self._setup_locked()
            conn = self.conn
            if conn.in_transaction:  # a caller's connection left a transaction open: keep its work (as LangGraph)
                await conn.commit()
            await conn.execute_fetchall("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                result = await _drive(ops, conn)
                await conn.commit()
            except BaseException:
                if conn.in_transaction:
                    await conn.rollback()
                raise
            return result

    def _sync(self, make: Callable[[], Coroutine[Any, Any, Any]], hint: str) -> Any:
        """Run ``make()`` on the saver's loop from another thread and wait for it."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            raise asyncio.InvalidStateError(_FROM_LOOP.format(hint))
        if self.loop.is_closed() or not self.loop.is_running():
            raise RuntimeError(
                "AsyncSqliteSaver's event loop is not running: use it inside the loop it was created on "
                "(for example `async with AsyncSqliteSaver.from_conn_string(...)` around `await graph.ainvoke(...)`)"
            )
        return asyncio.run_coroutine_threadsafe(make(), self.loop).result()

    # -- async API -------------------------------------------------------------------------------------------------

    async def aget_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        """The checkpoint ``config`` names (its ``checkpoint_id``), else the thread's newest one."""
        return await self._run(self._get_tuple_ops(config), write=False)

    async def alist(self, config: dict[str, Any] | None, *, filter: dict[str, Any] | None = None,
                    before: dict[str, Any] | None = None, limit: int | None = None) -> AsyncIterator[CheckpointTuple]:
        """Checkpoints newest first; ``filter`` matches metadata, ``before`` is exclusive."""
        query, params, rest = self._list_query(config, filter, before, limit)
        rows = await self._run(one(query, params), write=False)
        for page in self._pages(rows, rest, limit):
            for found in await self._run(self._page_ops(page), write=False):
                yield found

    async def aput(self, config: dict[str, Any], checkpoint: Checkpoint, metadata: CheckpointMetadata,
                   new_versions: dict[str, Any]) -> dict[str, Any]:
        """Store a checkpoint (one transaction); raises ``CheckpointConflictError`` if another run advanced it."""
        return await self._run(self._put(config, checkpoint, metadata, new_versions), write=True)

    async def aput_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                          task_path: str = "") -> None:
        """Store a finished task's writes (one transaction), with the same compare-and-swap as ``aput``."""
        await self._run(self._put_writes(config, writes, task_id, task_path), write=True)

    async def adelete_thread(self, thread_id: str) -> None:
        """Forget every checkpoint and write of a thread."""
        await self._run(self._delete_thread_ops(thread_id), write=True)

    async def alist_threads(self) -> list[str]:
        """Thread ids with at least one checkpoint, oldest first."""
        return await self._run(self._list_threads_ops(), write=False)

    async def alist_paused_threads(self) -> list[PausedThread]:
        """Threads whose newest root checkpoint has pending interrupts, most recently paused first."""
        return await self._run(self._list_paused_threads_ops(), write=False)

    # -- sync API: from other threads only (the engine's worker under ainvoke/astream) ------------------------------

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        return self._sync(lambda: self.aget_tuple(config), "`await checkpointer.aget_tuple(...)`")

    def list(self, config: dict[str, Any] | None, *, filter: dict[str, Any] | None = None,
             before: dict[str, Any] | None = None, limit: int | None = None) -> Iterator[CheckpointTuple]:
        found = self.alist(config, filter=filter, before=before, limit=limit)
        while True:
            try:
                yield self._sync(lambda: anext(found), "`checkpointer.alist(...)`")  # noqa: B023
            except StopAsyncIteration:
                return

    def put(self, config: dict[str, Any], checkpoint: Checkpoint, metadata: CheckpointMetadata,
            new_versions: dict[str, Any]) -> dict[str, Any]:
        return self._sync(lambda: self.aput(config, checkpoint, metadata, new_versions),
                          "`await checkpointer.aput(...)`")

    def put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                   task_path: str = "") -> None:
        self._sync(lambda: self.aput_writes(config, writes, task_id, task_path), "`await checkpointer.aput_writes(...)`")

    def delete_thread(self, thread_id: str) -> None:
        self._sync(lambda: self.adelete_thread(thread_id), "`checkpointer.alist(...)`")

    def list_threads(self) -> list[str]:
        return self._sync(self.alist_threads, "`await checkpointer.alist_threads()`")

    def list_paused_threads(self) -> list[PausedThread]:
        return self._sync(self.alist_paused_threads, "`await checkpointer.alist_paused_threads()`")
