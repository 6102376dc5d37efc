"""The SQL of the SQLite checkpointer: tables, pragmas and the statements it runs."""

import functools

ALL, MANY = "all", "many"  # statement kinds of an operation (``_ops``): fetch all rows / executemany
PAUSE = "pause"  # not SQL: ``(PAUSE, "", seconds)`` waits (``time.sleep`` / ``asyncio.sleep``) before the next one
_SCHEMA_VERSION = 1
# A commit's cost grows with the pages it touches: checkpoints and writes (small rows) are clustered on their keys
# (WITHOUT ROWID, no secondary index). Channel values can be large, so blobs is an ordinary table plus its key index
# (WITHOUT ROWID B-trees copy whole rows into interior pages, which is slow for big rows).
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS checkpoints (
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
        PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS blobs (
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL,
        version TEXT NOT NULL,
        type TEXT NOT NULL,
        blob BLOB,
        PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
    )""",
    """CREATE TABLE IF NOT EXISTS writes (
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        checkpoint_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        task_path TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL,
        type TEXT,
        value BLOB,
        writer TEXT,
        PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
    ) WITHOUT ROWID""",
)
_REQUIRED_COLUMNS = {
    "checkpoints": {"parent_checkpoint_id", "source", "step", "checkpoint", "metadata_type", "writer"},
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
_HAS_BLOB = ("SELECT 1 FROM blobs WHERE thread_id = ? AND checkpoint_ns = ? AND channel = ? AND version = ? "
             "AND type IN ('msgpack', 'msgpack-delta')")
_INSERT_CHECKPOINT = (
    "INSERT OR REPLACE INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, source, step, "
    "type, checkpoint, metadata_type, metadata, writer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# ``seq`` orders a checkpoint's writes: one more than any it has had, so a replaced write sorts (and counts) as new.
_INSERT_WRITE = (
    "INSERT OR REPLACE INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, seq, task_path, channel, "
    "type, value, writer) VALUES (?1, ?2, ?3, ?4, ?5, (SELECT ifnull(max(seq), 0) + 1 FROM writes "
    "WHERE thread_id = ?1 AND checkpoint_ns = ?2 AND checkpoint_id = ?3), ?6, ?7, ?8, ?9, ?10)"
)
# The loop/input checkpoints built on a checkpoint (a child is newer than its parent: only later ids are searched).
_CHILDREN = ("FROM checkpoints AS c WHERE c.thread_id = ?1 AND c.checkpoint_ns = ?2 AND c.checkpoint_id > ?3 "
             "AND c.parent_checkpoint_id = ?3 AND c.source IN ('loop', 'input')")
_ROOTS = ("FROM checkpoints AS c WHERE c.thread_id = ?1 AND c.checkpoint_ns = ?2 "
          "AND c.parent_checkpoint_id IS NULL AND c.source IN ('loop', 'input')")
_COLUMNS = _SELECT[:-len(" FROM checkpoints")]
# A checkpoint, plus how many loop/input checkpoints were built on it (remembered for the compare-and-swap).
_GET_HEAD = (f"{_COLUMNS}, (SELECT count(*) {_CHILDREN.replace('?3', 'checkpoints.checkpoint_id')}) FROM checkpoints "
             "WHERE thread_id = ?1 AND checkpoint_ns = ?2 ORDER BY checkpoint_id DESC LIMIT 1")
_GET_ONE = (f"{_COLUMNS}, (SELECT count(*) {_CHILDREN}) FROM checkpoints "
            "WHERE thread_id = ?1 AND checkpoint_ns = ?2 AND checkpoint_id = ?3")
_GET_WRITES = ("SELECT task_id, channel, type, value, seq FROM writes WHERE thread_id = ? AND checkpoint_ns = ? "
               "AND checkpoint_id = ? ORDER BY seq")
# Compare-and-swap check: (loop/input children now, a pending write by another saver since the load).
_ADVANCED = (f"SELECT (SELECT count(*) {_CHILDREN}), (SELECT writer FROM writes WHERE thread_id = ?1 "
             "AND checkpoint_ns = ?2 AND checkpoint_id = ?3 AND seq > ?4 AND writer != ?5 LIMIT 1)")
_ROOTS_ADVANCED = f"SELECT (SELECT count(*) {_ROOTS}), NULL"
_NEWEST_CHILD = f"SELECT c.writer, c.step {_CHILDREN} ORDER BY c.checkpoint_id DESC LIMIT 1"
_NEWEST_ROOT = f"SELECT c.writer, c.step {_ROOTS} ORDER BY c.checkpoint_id DESC LIMIT 1"


@functools.lru_cache(maxsize=64)
def _blob_query(count: int) -> str:
    """Point lookups of ``count`` (thread, ns, channel, version) keys, driven from the key list."""
    values = ",".join(["(?,?,?,?)"] * count)
    return (f"SELECT b.thread_id, b.checkpoint_ns, b.channel, b.version, b.type, b.blob FROM (VALUES {values}) AS k "
            "CROSS JOIN blobs AS b ON b.thread_id = k.column1 AND b.checkpoint_ns = k.column2 "
            "AND b.channel = k.column3 AND b.version = k.column4")


_Key = tuple[str, str, "str | None"]  # (thread_id, checkpoint_ns, checkpoint_id); None: the thread's root
