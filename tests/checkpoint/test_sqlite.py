"""SqliteSaver specifics: construction, layout, atomicity, compare-and-swap between savers, safe loading, errors."""

from __future__ import annotations

import operator
import os
import pickle
import sqlite3
import threading
import warnings
from pathlib import Path
from typing import Annotated, Any, TypedDict

import ormsgpack
import pytest

from hitl_notebook.checkpoint.base import BaseCheckpointSaver, new_checkpoint_id
from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.checkpoint.serde import SerializationError
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.errors import CheckpointConflictError
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.types import Command, interrupt


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: Any
    big: str
    n: int


def cfg(thread_id: str = "t1", **extra: Any) -> dict:
    return {"configurable": {"thread_id": thread_id, **extra}}


def _checkpoint(step: int, values: dict, versions: dict) -> dict:
    return {"v": 1, "id": new_checkpoint_id(step), "ts": "2026-01-01T00:00:00+00:00",
            "channel_values": values, "channel_versions": versions, "updated_channels": list(values)}


def ask_graph(saver, *, pause: threading.Barrier | None = None):
    def ask(state):
        answer = interrupt("q")
        if pause is not None:
            pause.wait()
        return {"log": [answer]}

    return StateGraph(S).add_node("ask", ask).add_edge(START, "ask").add_edge("ask", END).compile(checkpointer=saver)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "runs.sqlite"


# -- construction --------------------------------------------------------------------------------------------------


def test_constructors_and_lazy_setup(db):
    saver = SqliteSaver(str(db))
    assert isinstance(saver, BaseCheckpointSaver) and not saver.is_setup
    assert saver.list_threads() == [] and saver.is_setup
    tables = {r[0] for r in saver.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"checkpoints", "blobs", "writes"} <= tables
    assert saver.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert saver.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    ask_graph(saver).invoke({}, cfg())
    saver.close()

    with SqliteSaver(db) as again:  # a pathlib.Path, as a context manager
        assert ask_graph(again).get_state(cfg()).next == ("ask",)
    with pytest.raises(sqlite3.ProgrammingError):
        again.list_threads()  # closed by the with block

    conn = sqlite3.connect(db, check_same_thread=False)
    with SqliteSaver(conn) as mine:  # LangGraph's form: the caller's connection stays open
        assert ask_graph(mine).invoke(Command(resume="ok"), cfg()) == {"log": ["ok"]}
    assert conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0] > 0
    conn.close()

    with SqliteSaver.from_conn_string(str(db)) as from_string:
        assert from_string.list_threads() == ["t1"]
    with SqliteSaver.from_conn_string(":memory:") as memory:
        ask_graph(memory).invoke({}, cfg("m"))
        assert [p.thread_id for p in memory.list_paused_threads()] == ["m"]

    with SqliteSaver(db, synchronous="full") as full:
        full.list_threads()
        assert full.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    with pytest.raises(ValueError, match="synchronous"):
        SqliteSaver(db, synchronous="sometimes")
    with pytest.raises(TypeError, match="file path or an sqlite3.Connection"):
        SqliteSaver(42)  # type: ignore[arg-type]


def test_a_connection_bound_to_one_thread_gets_a_hint(db):
    conn = sqlite3.connect(db)  # check_same_thread=True, the sqlite3 default
    saver = SqliteSaver(conn)
    caught: list[BaseException] = []

    def other_thread():
        try:
            saver.list_threads()
        except BaseException as exc:  # noqa: BLE001
            caught.append(exc)

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join(10)
    assert isinstance(caught[0], sqlite3.ProgrammingError)
    assert "check_same_thread=False" in str(caught[0]) and "SqliteSaver('runs.sqlite')" in str(caught[0])
    conn.close()


def test_refuses_a_file_with_another_checkpointer_layout(db):
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE checkpoints (thread_id TEXT, checkpoint_ns TEXT, checkpoint_id TEXT, "
                 "parent_checkpoint_id TEXT, type TEXT, checkpoint BLOB, metadata BLOB)")
    conn.commit()
    conn.close()
    with SqliteSaver(db) as saver, pytest.raises(RuntimeError, match="another layout"):
        saver.list_threads()


# -- the low-level contract ----------------------------------------------------------------------------------------


def test_put_get_list_writes_and_delete(db):
    saver = SqliteSaver(db)
    root = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
    first = saver.put(root, _checkpoint(-1, {"a": [1]}, {"a": "1"}), {"source": "input", "step": -1}, {"a": "1"})
    second = saver.put(first, _checkpoint(0, {"a": [1], "b": (2, 3)}, {"a": "1", "b": "1"}),
                       {"source": "loop", "step": 0}, {"b": "1"})
    saver.put_writes(second, [("a", [9]), ("__interrupt__", ["x"])], "task-1")
    latest = saver.get_tuple({"configurable": {"thread_id": "t"}})
    assert latest.config == second and latest.parent_config == first
    assert latest.checkpoint["channel_values"] == {"a": [1], "b": (2, 3)}
    assert latest.checkpoint["channel_versions"] == {"a": "1", "b": "1"}
    assert latest.pending_writes == [("task-1", "a", [9]), ("task-1", "__interrupt__", ["x"])]
    assert latest.metadata == {"source": "loop", "step": 0}
    assert [t.metadata["step"] for t in saver.list({"configurable": {"thread_id": "t"}})] == [0, -1]
    assert [t.metadata["step"] for t in saver.list(None, filter={"source": "input"})] == [-1]
    assert [t.metadata["step"] for t in saver.list(root, limit=1)] == [0]
    assert [t.metadata["step"] for t in saver.list(root, before=second)] == [-1]
    assert [t.config for t in saver.list(second)] == [second]
    assert saver.get(first)["channel_values"] == {"a": [1]}
    assert saver.get_tuple({"configurable": {"thread_id": "t", "checkpoint_id": "nope"}}) is None
    assert saver.list_threads() == ["t"]
    saver.delete_thread("t")
    assert saver.get_tuple({"configurable": {"thread_id": "t"}}) is None and saver.list_threads() == []
    for table in ("checkpoints", "blobs", "writes"):
        assert saver.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_special_writes_replace_earlier_ones_of_the_same_task(db):
    saver = SqliteSaver(db)
    config = saver.put({"configurable": {"thread_id": "t"}}, _checkpoint(0, {}, {}), {"step": 0}, {})
    saver.put_writes(config, [("__interrupt__", ["first"])], "task")
    saver.put_writes(config, [("__interrupt__", ["second"])], "task")
    assert saver.get_tuple(config).pending_writes == [("task", "__interrupt__", ["second"])]


def test_channel_values_are_stored_once_per_version(db):
    saver = SqliteSaver(db)
    builder = StateGraph(S).add_node("count", lambda s: {"n": s.get("n", 0) + 1})
    builder.add_edge(START, "count").add_conditional_edges("count", lambda s: "count" if s["n"] < 20 else END)
    graph = builder.compile(checkpointer=saver)
    assert graph.invoke({"big": "x" * 100_000, "n": 0}, cfg())["n"] == 20
    rows = dict(saver.conn.execute("SELECT channel, count(*) FROM blobs WHERE type != 'empty' GROUP BY channel"))
    assert rows["big"] == 1 and rows["n"] == 21  # the input, then one version per step
    stored = saver.conn.execute("SELECT sum(length(blob)) FROM blobs").fetchone()[0]
    assert stored < 250_000  # the 100 kB value once, plus the input that carried it (__start__)
    assert all(h.values["big"] == "x" * 100_000 for h in graph.get_state_history(cfg()) if h.metadata["step"] >= 0)


def test_list_pages_through_long_histories_like_the_memory_saver(db):
    sqlite, memory = SqliteSaver(db), InMemorySaver()
    results = []
    for saver in (sqlite, memory):
        builder = StateGraph(S).add_node("count", lambda s: {"n": s["n"] + 1, "log": [s["n"]]})
        builder.add_edge(START, "count").add_conditional_edges("count", lambda s: "count" if s["n"] < 150 else END)
        graph = builder.compile(checkpointer=saver)
        for thread in ("a", "b"):
            graph.invoke({"n": 0, "log": []}, cfg(thread))
        results.append([
            [(h.metadata, h.values, h.next) for h in graph.get_state_history(cfg("b"))],
            [(h.metadata, h.values) for h in graph.get_state_history(cfg("a"), filter={"source": "loop"}, limit=70)],
            [t.checkpoint["channel_values"] for t in saver.list(None, filter={"step": 149})],
            len(list(saver.list(None))),
        ])
    assert results[0] == results[1]
    assert len(results[0][0]) == 152 and results[0][3] == 304


def test_list_paused_threads_override_matches_the_generic_one(db):
    saver = SqliteSaver(db)
    graph = ask_graph(saver)
    for name in ("p1", "p2", "done"):
        graph.invoke({}, cfg(name))
    graph.invoke(Command(resume="x"), cfg("done"))
    fast = saver.list_paused_threads()
    generic = BaseCheckpointSaver.list_paused_threads(saver)
    assert [p.thread_id for p in fast] == ["p2", "p1"]
    assert [(p.thread_id, p.config, [(i.id, i.value) for i in p.interrupts], p.created_at) for p in fast] == [
        (p.thread_id, p.config, [(i.id, i.value) for i in p.interrupts], p.created_at) for p in generic]


# -- atomicity -----------------------------------------------------------------------------------------------------


def _counts(saver: SqliteSaver) -> tuple[int, ...]:
    return tuple(saver.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("checkpoints", "blobs", "writes"))


def test_a_failing_put_leaves_no_partial_checkpoint(db):
    saver = SqliteSaver(db)
    graph = ask_graph(saver)
    graph.invoke({"x": 1}, cfg())
    before = _counts(saver)
    head = saver.get_tuple(cfg()).config
    with saver.conn:  # make the last insert of each transaction fail, after the others went in
        saver.conn.execute("CREATE TRIGGER no_checkpoint BEFORE INSERT ON checkpoints WHEN NEW.step = 5 "
                           "BEGIN SELECT RAISE(ABORT, 'disk vanished'); END")
        saver.conn.execute("CREATE TRIGGER no_write BEFORE INSERT ON writes WHEN NEW.channel = 'boom' "
                           "BEGIN SELECT RAISE(ABORT, 'disk vanished'); END")
    with pytest.raises(sqlite3.IntegrityError, match="disk vanished"):
        saver.put(head, _checkpoint(5, {"x": 2, "log": ["a"]}, {"x": "9", "log": "9"}), {"source": "loop", "step": 5},
                  {"x": "9", "log": "9"})
    with pytest.raises(sqlite3.IntegrityError, match="disk vanished"):
        saver.put_writes(head, [("x", 3), ("log", ["b"]), ("boom", 4)], "some-task")
    assert _counts(saver) == before
    assert not saver.conn.in_transaction
    assert graph.invoke(Command(resume="fine"), cfg()) == {"x": 1, "log": ["fine"]}


# -- serialization -------------------------------------------------------------------------------------------------


def test_unserializable_values_name_the_state_key_and_type(db):
    saver = SqliteSaver(db)
    with pytest.raises(SerializationError, match=r"graph input in a checkpoint: input\['x'\] of type '_thread.lock'"):
        ask_graph(saver).invoke({"x": threading.Lock()}, cfg("input"))

    def bad(state):
        return {"x": {"inner": [1, threading.Lock()]}}

    graph = StateGraph(S).add_node("bad", bad).add_edge(START, "bad").compile(checkpointer=saver)
    with pytest.raises(SerializationError) as info:
        graph.invoke({"log": ["start"]}, cfg("node"))
    message = str(info.value)
    assert "state key 'x'" in message and "x['inner'][1] of type '_thread.lock'" in message
    assert "bad" in message  # the task that wrote it
    assert graph.get_state(cfg("node")).values == {"log": ["start"]}, "the thread stays readable"

    asks = StateGraph(S).add_node("ask", lambda s: {"x": interrupt(threading.Lock())}).add_edge(START, "ask")
    with pytest.raises(SerializationError, match=r"the value passed to interrupt\(\)"):
        asks.compile(checkpointer=saver).invoke({}, cfg("interrupt"))


def _tamper(saver: SqliteSaver, thread: str, channel: str, kind: str, blob: bytes) -> None:
    head = saver.get_tuple(cfg(thread))
    version = str(head.checkpoint["channel_versions"][channel])
    with saver.conn:
        saver.conn.execute("UPDATE blobs SET type = ?, blob = ? WHERE thread_id = ? AND channel = ? AND version = ?",
                           (kind, blob, thread, channel, version))


def test_a_crafted_file_cannot_execute_code_on_load(db, tmp_path):
    from hitl_notebook.checkpoint import serde as serde_mod

    marker = tmp_path / "pwned"
    command = f"touch {marker}"
    saver = SqliteSaver(db)
    graph = ask_graph(saver)
    crafted = {
        "vars": ormsgpack.packb(ormsgpack.Ext(serde_mod._VARS, ormsgpack.packb(["os", "system", {"cmd": command}]))),
        "dataclass": ormsgpack.packb(ormsgpack.Ext(serde_mod._DATACLASS,
                                                   ormsgpack.packb(["posix", "system", {"command": command}]))),
        "exception": ormsgpack.packb(ormsgpack.Ext(serde_mod._EXCEPTION,
                                                   ormsgpack.packb(["subprocess", "Popen", [[command], {}]]))),
        "model": ormsgpack.packb(ormsgpack.Ext(serde_mod._MODEL,
                                               ormsgpack.packb(["builtins", "eval", {"source": "1+1"}]))),
    }
    for name, payload in crafted.items():
        graph.invoke({"x": "harmless"}, cfg(name))
        _tamper(saver, name, "x", "msgpack", payload)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh = ask_graph(SqliteSaver(db))
        loaded = {name: fresh.get_state(cfg(name)).values["x"] for name in crafted}
        assert loaded["vars"] == {"cmd": command} and loaded["dataclass"] == {"command": command}
        assert isinstance(loaded["exception"], Exception) and loaded["model"] == {"source": "1+1"}
        # resuming such a thread still works and runs nothing but the graph's own node
        assert fresh.invoke(Command(resume="ok"), cfg("vars"))["x"] == {"cmd": command}

    class Boom:
        def __reduce__(self):
            return os.system, (command,)

    graph.invoke({"x": "harmless"}, cfg("pickle"))
    _tamper(saver, "pickle", "x", "pickle", pickle.dumps(Boom()))
    with pytest.raises(ValueError, match="unknown serialized value type 'pickle'"):
        SqliteSaver(db).get_tuple(cfg("pickle"))
    assert not marker.exists(), "nothing was executed"


# -- compare-and-swap ----------------------------------------------------------------------------------------------


def test_two_savers_continuing_the_same_checkpoint_one_wins(db):
    setup = SqliteSaver(db)
    ask_graph(setup).invoke({}, cfg())
    first, second = SqliteSaver(db), SqliteSaver(db)
    head_1, head_2 = first.get_tuple(cfg()), second.get_tuple(cfg())
    assert head_1.config == head_2.config
    head = head_1.config
    step = head_1.metadata["step"]
    first.put_writes(head, [("log", ["first"])], "task")
    first.put_writes(head, [("log", ["first again"])], "task")  # its own writes are no conflict
    with pytest.raises(CheckpointConflictError) as info:
        second.put_writes(head, [("log", ["second"])], "task")
    message = str(info.value)
    assert "'t1'" in message and "another run in this process" in message
    assert "get_state" in message and "new thread_id" in message
    child = first.put(head, _checkpoint(step + 1, {"log": ["first again"]}, {"log": "2"}),
                      {"source": "loop", "step": step + 1}, {"log": "2"})
    with pytest.raises(CheckpointConflictError, match="saved step"):
        second.put(head, _checkpoint(step + 1, {"log": ["second"]}, {"log": "3"}),
                   {"source": "loop", "step": step + 1}, {"log": "3"})
    with pytest.raises(CheckpointConflictError):
        second.put_writes(head, [("log", ["late"])], "other-task")
    # time travel branches freely
    second.put(head, _checkpoint(step + 1, {"log": ["edit"]}, {"log": "4"}), {"source": "update", "step": step + 1},
               {"log": "4"})
    second.put(head, _checkpoint(step + 1, {}, {}), {"source": "fork", "step": step + 1}, {})
    assert setup.get_tuple(child).pending_writes == []
    assert setup.get_tuple(head).pending_writes[-1] == ("task", "log", ["first again"])
    assert [t.metadata["source"] for t in setup.list(cfg()) if t.parent_config == head] == ["fork", "update", "loop"]
    # after reloading, the loser may continue from the new head
    latest = second.get_tuple(cfg())
    second.put(latest.config, _checkpoint(step + 2, {}, {}), {"source": "loop", "step": step + 2}, {})


def test_two_savers_starting_the_same_new_thread_one_wins(db):
    first, second = SqliteSaver(db), SqliteSaver(db)
    assert first.get_tuple(cfg("new")) is None and second.get_tuple(cfg("new")) is None
    first.put(cfg("new"), _checkpoint(-1, {}, {}), {"source": "input", "step": -1}, {})
    with pytest.raises(CheckpointConflictError, match="the start of the thread"):
        second.put(cfg("new"), _checkpoint(-1, {}, {}), {"source": "input", "step": -1}, {})


def test_two_runs_in_one_process_resuming_the_same_thread(db):
    saver = SqliteSaver(db)
    both_running = threading.Barrier(2, timeout=10)
    graph = ask_graph(saver, pause=both_running)
    graph.invoke({}, cfg())
    outcomes: dict[str, Any] = {}

    def resume(name):
        try:
            outcomes[name] = graph.invoke(Command(resume=name), cfg())
        except BaseException as exc:  # noqa: BLE001
            outcomes[name] = exc

    workers = [threading.Thread(target=resume, args=(name,)) for name in ("one", "two")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    won = [name for name, out in outcomes.items() if isinstance(out, dict)]
    lost = [out for out in outcomes.values() if isinstance(out, CheckpointConflictError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert graph.get_state(cfg()).values == {"log": won}
    loops = [t for t in saver.list(cfg()) if t.metadata["source"] == "loop"]
    assert [t.metadata["step"] for t in loops] == [1, 0], "exactly one run saved the resumed step"


def test_readers_are_not_blocked_by_a_writer(db):
    saver = SqliteSaver(db)
    graph = ask_graph(saver)
    graph.invoke({}, cfg())
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("DELETE FROM writes")  # uncommitted
    try:
        assert graph.get_state(cfg()).interrupts[0].value == "q"
        assert [p.thread_id for p in saver.list_paused_threads()] == ["t1"]
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_regular_writes_of_a_task_replace_its_earlier_ones_like_the_memory_saver(db):
    results = []
    for saver in (SqliteSaver(db), InMemorySaver()):
        config = saver.put({"configurable": {"thread_id": "t"}}, _checkpoint(0, {}, {}), {"step": 0}, {})
        saver.put_writes(config, [("a", 1), ("b", 2), ("c", 3), ("__resume__", ["r"])], "task")
        saver.put_writes(config, [("a", 10)], "task")
        saver.put_writes(config, [("x", 0)], "other")
        results.append(sorted(saver.get_tuple(config).pending_writes))
    assert results[0] == results[1] == [("other", "x", 0), ("task", "__resume__", ["r"]), ("task", "a", 10)]
