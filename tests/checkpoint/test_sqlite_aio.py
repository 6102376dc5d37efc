"""AsyncSqliteSaver (checkpoint/sqlite/aio.py) and the async twins of the saver base (checkpoint/base.py)."""

from __future__ import annotations

import asyncio
import operator
import sqlite3
import threading
from typing import Annotated, TypedDict

import aiosqlite
import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.checkpoint.sqlite.aio import AsyncSqliteSaver
from hitl_notebook.errors import CheckpointConflictError
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command, interrupt


class S(TypedDict):
    log: Annotated[list, operator.add]


def ask(state):
    return {"log": [f"answer={interrupt('ok?')}"]}


def build(saver):
    return StateGraph(S).add_node("ask", ask).add_edge(START, "ask").compile(checkpointer=saver)


def cfg(thread_id: str = "t") -> dict:
    return {"configurable": {"thread_id": thread_id}}


def test_file_written_by_sqlite_saver_resumes_in_async_saver_and_back(tmp_path):
    path = str(tmp_path / "runs.sqlite")
    with SqliteSaver(path) as saver:
        assert "__interrupt__" in build(saver).invoke({"log": []}, cfg("a"))

    async def main():
        async with AsyncSqliteSaver.from_conn_string(path) as saver:
            assert (await saver.alist_paused_threads())[0].thread_id == "a"
            assert await build(saver).ainvoke(Command(resume="yes"), cfg("a")) == {"log": ["answer=yes"]}
            await build(saver).ainvoke({"log": []}, cfg("b"))  # paused, left for the sync saver

    asyncio.run(main())
    with SqliteSaver(path) as saver:
        assert build(saver).invoke(Command(resume="no"), cfg("b")) == {"log": ["answer=no"]}
        assert [c.metadata["step"] for c in saver.list(cfg("a"))] == [1, 0, -1]
        assert saver.list_threads() == ["a", "b"]


def test_setup_switches_to_wal_and_creates_the_shared_schema(tmp_path):
    path = str(tmp_path / "runs.sqlite")

    async def main():
        async with AsyncSqliteSaver.from_conn_string(path) as saver:
            await saver.setup()
            await saver.setup()  # idempotent

    asyncio.run(main())
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")} >= {
        "checkpoints", "blobs", "writes"}


def test_two_concurrent_resumes_one_wins_with_a_conflict_for_the_other(tmp_path):
    path = str(tmp_path / "runs.sqlite")
    gate = threading.Barrier(2)

    async def slow_ask(state):
        answer = interrupt("ok?")
        await asyncio.to_thread(gate.wait, 5)  # both runs have loaded the paused checkpoint
        return {"log": [answer]}

    def graph(saver):
        return StateGraph(S).add_node("ask", slow_ask).add_edge(START, "ask").compile(checkpointer=saver)

    async def main():
        async with AsyncSqliteSaver.from_conn_string(path) as one, \
                AsyncSqliteSaver.from_conn_string(path) as two:
            await graph(one).ainvoke({"log": []}, cfg())
            results = await asyncio.gather(graph(one).ainvoke(Command(resume="one"), cfg()),
                                           graph(two).ainvoke(Command(resume="two"), cfg()),
                                           return_exceptions=True)
            return results, (await one.aget_tuple(cfg())).checkpoint["channel_values"]["log"]

    results, log = asyncio.run(main())
    conflicts = [r for r in results if isinstance(r, CheckpointConflictError)]
    winners = [r for r in results if isinstance(r, dict)]
    assert len(conflicts) == 1 and len(winners) == 1, results
    assert log == winners[0]["log"]


def test_sync_methods_refuse_on_the_loop_thread_and_work_from_others(tmp_path):
    async def main():
        async with aiosqlite.connect(str(tmp_path / "x.sqlite")) as conn:
            saver = AsyncSqliteSaver(conn)
            await build(saver).ainvoke({"log": []}, cfg())
            for call in (lambda: saver.get_tuple(cfg()), lambda: list(saver.list(cfg())),
                         lambda: saver.delete_thread("t"), lambda: build(saver).get_state(cfg())):
                with pytest.raises(asyncio.InvalidStateError,
                                   match="^Synchronous calls to AsyncSqliteSaver are only allowed from a different"):
                    call()
            return await asyncio.to_thread(lambda: build(saver).get_state(cfg()).next)

    assert asyncio.run(main()) == ("ask",)


def test_constructor_errors():
    with pytest.raises(TypeError, match="AsyncSqliteSaver needs an aiosqlite.Connection"):
        asyncio.run(_make(sqlite3.connect(":memory:")))

    async def no_loop_needed():
        async with aiosqlite.connect(":memory:") as conn:
            return conn

    conn = asyncio.run(no_loop_needed())
    with pytest.raises(RuntimeError):
        AsyncSqliteSaver(conn)  # outside a running loop


async def _make(conn):
    return AsyncSqliteSaver(conn)


def test_database_work_runs_off_the_event_loop_thread(tmp_path):
    threads = []

    async def main():
        async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "x.sqlite")) as saver:
            await saver.conn.create_function("where_am_i", 0, lambda: threads.append(threading.get_ident()) or 1)
            await saver._run(_query_where_am_i(), write=False)
            return threading.get_ident()

    loop_thread = asyncio.run(main())
    assert threads and loop_thread not in threads


def _query_where_am_i():
    return (yield "all", "SELECT where_am_i()", ())


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_base_async_twins(kind, tmp_path):
    saver = InMemorySaver() if kind == "memory" else SqliteSaver(tmp_path / "x.sqlite")
    called_from = []
    original = saver.get_tuple

    def spy(config):
        called_from.append(threading.get_ident())
        return original(config)

    saver.get_tuple = spy

    async def main():
        app = build(saver)
        await app.ainvoke({"log": []}, cfg())
        head = await saver.aget_tuple(cfg())
        await saver.aput_writes(head.config, [("log", ["extra"])], "task-x")
        assert ("task-x", "log", ["extra"]) in (await saver.aget_tuple(cfg())).pending_writes
        assert (await saver.aget(cfg()))["id"] == head.checkpoint["id"]
        listed = [c.metadata["step"] async for c in saver.alist(cfg(), limit=2)]
        copy = await saver.aput(cfg("copy"), head.checkpoint, head.metadata, head.checkpoint["channel_versions"])
        assert copy["configurable"]["thread_id"] == "copy"
        await saver.adelete_thread("t")
        assert await saver.aget_tuple(cfg()) is None
        return listed, threading.get_ident()

    listed, loop_thread = asyncio.run(main())
    assert listed == [0, -1]
    direct = [t for t in called_from if t == loop_thread]
    # InMemorySaver answers inline, as LangGraph's; a saver doing I/O runs on a worker thread.
    assert bool(direct) == (kind == "memory")
