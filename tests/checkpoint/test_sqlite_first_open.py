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
from hitl_notebook.checkpoint.sqlite._connection import execute as run_on
from hitl_notebook.checkpoint.sqlite._ops import drive
from hitl_notebook.checkpoint.sqlite._sql import PAUSE
from hitl_notebook.checkpoint.sqlite._wal import switch_to_wal_ops

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork start method")

PROCESSES, ROUNDS = 20, 50  # without the retry about 1 open in 300 fails: most runs of 1000 opens catch it


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
        calls.append(statement[0])
        if statement[0] == PAUSE:
            assert 0 < statement[2] <= 0.1
            return None
        if calls.count("all") < 3:
            raise sqlite3.OperationalError("database is locked")
        return [("wal",)]

    drive(switch_to_wal_ops(5.0), execute)
    assert calls == ["all", PAUSE, "all", PAUSE, "all"]

    def always_locked(statement):
        if statement[0] == PAUSE:
            return run_on(None, statement)  # the saver's own runner sleeps
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


def test_the_async_saver_waits_without_blocking_its_event_loop():
    import asyncio

    from hitl_notebook.checkpoint.sqlite.aio import _drive

    def ops():
        yield PAUSE, "", 0.05
        return "done"

    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.005)

        beat = asyncio.create_task(ticker())
        result = await _drive(ops(), None)
        beat.cancel()
        return result, ticks

    result, ticks = asyncio.run(main())
    assert result == "done" and ticks >= 3, "the loop kept running during the pause"
