"""A durable checkpointer in one SQLite file: paused runs survive a kernel restart.

In a notebook, pass a file path::

    from hitl_notebook.checkpoint.sqlite import SqliteSaver

    graph = builder.compile(checkpointer=SqliteSaver("runs.sqlite"))

``SqliteSaver(conn)`` (an ``sqlite3.Connection``) and ``with SqliteSaver.from_conn_string(path) as saver:`` work as in
LangGraph. The same file may be used by several kernels at once.

Layout (mirrors ``InMemorySaver``): ``checkpoints`` holds one row per checkpoint with its header (channel versions, no
values) and metadata; ``blobs`` holds each channel value once per ``(thread, namespace, channel, version)``;
``writes`` holds the pending writes of tasks, keyed ``(checkpoint, task, idx)`` with the special writes at fixed
negative ``idx`` so a later one replaces an earlier one. A list value that grew since the saver last stored that
channel (a message history) is stored as a delta row: the new items' bytes and the version it extends, decided by
comparing the serialized bytes (so an earlier message changed in place is stored whole again); every 32nd value is
whole. Reading rebuilds the exact bytes a whole row would hold. Files without delta rows read as before; a file with
them needs this release or later.

Guarantees:

* **Atomic steps.** Each ``put`` (a checkpoint and its new blobs) and each ``put_writes`` is one transaction, in WAL
  mode (a step with one task saves its writes and the checkpoint after it in one transaction: ``put_with_writes``).
  A process killed at any moment leaves every thread at its last committed step, readable and resumable.
  With the default ``synchronous="NORMAL"`` a commit survives a crash of the process or kernel; after a power loss
  or OS crash the last few commits may be rolled back (never corrupted). Pass ``synchronous="FULL"`` to make every
  commit survive power loss too, at the cost of an fsync per commit. A saver that opened the file itself copies the
  WAL into the database (SQLite's checkpoint, two fsyncs) on a background connection every 100 write transactions,
  so a run does not stall on it.
* **One winner per paused run.** When two processes continue the same checkpoint at once, the first one to save
  wins; the other gets :class:`~hitl_notebook.errors.CheckpointConflictError` and saves nothing. Each saver
  remembers, for every checkpoint it loaded, what was built on it at that moment; a ``loop``/``input`` checkpoint
  added on top of it later, or pending writes saved against it later by another saver, are a conflict (checked in
  the same ``BEGIN IMMEDIATE`` transaction as the save: a compare-and-swap on the thread). ``update`` and ``fork``
  checkpoints (``update_state``, time travel) always branch freely.
* **No code on load.** Values go through the saver's ``serde`` (:class:`SafeSerializer`: msgpack, never pickle); a
  file from an untrusted source cannot execute code when read.

Under asyncio, ``hitl_notebook.checkpoint.sqlite.aio.AsyncSqliteSaver`` runs the same statements (``_ops``) on an
``aiosqlite`` connection: same guarantees, same file format.

Nodes may run on worker threads: the connection is opened with ``check_same_thread=False`` and every use of it holds
the saver's lock.
"""

from ._saver import SqliteSaver

__all__ = ["SqliteSaver"]
