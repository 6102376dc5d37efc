"""SqliteSaver moves the WAL into the database file on a background connection, not inside a run's commits."""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from pathlib import Path

from hitl_notebook.checkpoint.base import new_checkpoint_id
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.checkpoint.sqlite import _wal


def _put_many(saver: SqliteSaver, count: int) -> None:
    config = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
    for step in range(count):
        checkpoint = {"v": 4, "id": new_checkpoint_id(step), "ts": "2026-01-01T00:00:00+00:00",
                      "channel_values": {"x": "v" * 2000}, "channel_versions": {"x": str(step)}}
        config = saver.put(config, checkpoint, {"source": "loop", "step": step, "parents": {}}, {"x": str(step)})


def _movers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hitl-sqlite-wal"]


def _wait(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_the_wal_is_moved_by_a_background_thread_and_close_stops_it(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite"
    saver = SqliteSaver(path)
    before = set(_movers())
    _put_many(saver, 5)
    assert saver.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == _wal.BACKSTOP_PAGES
    size_early = path.stat().st_size  # the database file only grows when the WAL is copied into it
    _put_many(saver, _wal._COMMITS_PER_CHECKPOINT)
    started = set(_movers()) - before
    assert len(started) == 1
    assert _wait(lambda: path.stat().st_size > size_early + 100 * 2000)
    saver.close()
    assert not any(t.is_alive() for t in started)
    assert len(list(SqliteSaver(path).list(None))) == 5 + _wal._COMMITS_PER_CHECKPOINT


def test_no_mover_for_memory_databases_or_a_connection_passed_in(tmp_path: Path) -> None:
    memory = SqliteSaver(":memory:")
    _put_many(memory, 3)
    assert memory._wal is None
    conn = sqlite3.connect(tmp_path / "c.sqlite", check_same_thread=False)
    passed = SqliteSaver(conn)
    _put_many(passed, 3)
    assert passed._wal is None and conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000


def test_an_unclosed_saver_does_not_leave_its_thread_behind(tmp_path: Path) -> None:
    before = set(_movers())
    saver = SqliteSaver(tmp_path / "u.sqlite")
    _put_many(saver, _wal._COMMITS_PER_CHECKPOINT)
    started = set(_movers()) - before
    assert len(started) == 1
    del saver
    gc.collect()
    assert _wait(lambda: not any(t.is_alive() for t in started))
