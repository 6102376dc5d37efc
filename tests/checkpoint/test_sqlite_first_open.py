"""Many processes opening one new SQLite file at the same moment: none fails switching it to WAL (issue #15).

SQLite answers "database is locked" straight away, without its busy timeout, to some of the connections racing to
switch a new file to WAL (about 1 in 150 with twenty processes); the saver retries that switch for a bounded time.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import sys
import time
from collections import Counter

import pytest

from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.checkpoint.sqlite._wal import switch_to_wal_ops
from hitl_notebook.checkpoint.sqlite._ops import drive

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork start method")

PROCESSES, ROUNDS = 20, 30


def _open_at(args: tuple[str, float]) -> str:
    path, start = args
    while time.time() < start:  # all processes leave the barrier together
        pass
    try:
        with SqliteSaver(path) as saver:
            saver.setup()
            return saver.conn.execute("PRAGMA journal_mode").fetchone()[0]
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test with it
        return f"{type(exc).__name__}: {exc}"


@pytest.mark.slow
def test_twenty_processes_opening_a_new_file_at_once_all_succeed(tmp_path):
    outcomes: Counter[str] = Counter()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        for round_ in range(ROUNDS):
            start = time.time() + 0.2
            outcomes.update(pool.map(_open_at, [(str(tmp_path / f"new-{round_}.sqlite"), start)] * PROCESSES))
    assert outcomes == Counter({"wal": PROCESSES * ROUNDS}), outcomes


def test_the_wal_switch_retries_while_locked_and_gives_up_after_its_wait(tmp_path):
    calls = []

    def execute(statement):
        calls.append(statement[1])
        if len(calls) < 3:
            raise sqlite3.OperationalError("database is locked")
        return [("wal",)]

    drive(switch_to_wal_ops(5.0), execute)
    assert calls == ["PRAGMA journal_mode=WAL"] * 3

    def always_locked(statement):
        raise sqlite3.OperationalError("database is locked")

    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        drive(switch_to_wal_ops(0.05), always_locked)
    assert time.monotonic() - started < 1.0

    def other_error(statement):
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        drive(switch_to_wal_ops(5.0), other_error)

    def read_only(statement):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    drive(switch_to_wal_ops(5.0), read_only)  # a read-only file keeps its journal mode
