"""SqliteSaver stores a grown list as a delta: every checkpoint still reads back exactly what a full write stored,
including after earlier items were changed in place, across time travel, and for files without deltas."""

from __future__ import annotations

import datetime as dt
import operator
import sqlite3
from pathlib import Path
from typing import Annotated, Any, TypedDict

import ormsgpack
import pytest

pytest.importorskip("langchain_core")
from langchain_core.messages import AIMessage, HumanMessage  # noqa: E402

from hitl_notebook.checkpoint.sqlite import SqliteSaver  # noqa: E402
from hitl_notebook.checkpoint import _delta  # noqa: E402
from hitl_notebook.checkpoint.sqlite._ops import drive  # noqa: E402
from hitl_notebook.graph import END, START, StateGraph  # noqa: E402
from tests.checkpoint.delta_helpers import (  # noqa: E402
    TURNS,
    WholeValuesSaver,
    agent_graph,
    exact,
    history,
    reference_history,
)


def _row_types(path: Path, channel: str = "messages") -> list[str]:
    with sqlite3.connect(path) as conn:
        return [t for (t,) in conn.execute("SELECT type FROM blobs WHERE channel = ? ORDER BY version", (channel,))]


def test_history_is_exact_after_in_place_changes_of_earlier_messages(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    graph = agent_graph(SqliteSaver(path))
    config = {"configurable": {"thread_id": "t"}}
    final = graph.invoke({"messages": [HumanMessage("go", id="h")]}, config)
    kinds = _row_types(path)
    assert kinds.count(_delta.DELTA) > TURNS and "msgpack" in kinds  # deltas were used, and full rows in between
    expected = reference_history(graph)
    assert [values for _, values in history(graph, config)] == expected
    # From a fresh saver on the file, and one checkpoint at a time (get_tuple, not list).
    fresh = agent_graph(SqliteSaver(path))
    for checkpoint_id, values in zip([c for c, _ in history(graph, config)], expected):
        at = {"configurable": {"thread_id": "t", "checkpoint_id": checkpoint_id}}
        assert exact(fresh.get_state(at).values.get("messages", [])) == values
    first_ai = final["messages"][1]
    assert first_ai.content == "new content" and first_ai.note == "an extra field"
    assert list(first_ai.response_metadata) == ["a", "b"] and first_ai.additional_kwargs["flag"] == 1.0


def test_time_travel_fork_over_a_deltahistory(tmp_path: Path) -> None:
    graph = agent_graph(SqliteSaver(tmp_path / "d.sqlite"), mutate=False)
    memory = agent_graph(WholeValuesSaver(), mutate=False)
    results = []
    for g in (graph, memory):
        config = {"configurable": {"thread_id": "t"}}
        g.invoke({"messages": [HumanMessage("go", id="h")]}, config)
        past = [s for s in g.get_state_history(config) if len(s.values.get("messages", [])) == 21][0]
        edited = AIMessage("forked", id=past.values["messages"][-1].id)  # replaces the last message by id
        fork = g.update_state(past.config, {"messages": [edited]})
        g.invoke(None, fork)
        results.append([exact(s.values.get("messages", [])) for s in g.get_state_history(config)])
    assert results[0] == results[1]


def test_lists_beyond_plain_msgpack_and_plain_dicts_use_byte_deltas(tmp_path: Path) -> None:
    class S(TypedDict):
        log: Annotated[list, operator.add]

    def step(state: S):
        n = len(state["log"])
        item = {"n": n, "pair": (n, n), "when": dt.date(2020, 1, 1 + n % 28)} if n % 2 else {"n": n, "pad": "p" * 60}
        return {"log": [item]}

    def route(state: S):
        return "step" if len(state["log"]) < 60 else END

    path = tmp_path / "d.sqlite"
    graph = (StateGraph(S).add_node(step).add_edge(START, "step").add_conditional_edges("step", route, ["step", END])
             .compile(checkpointer=SqliteSaver(path)))
    config = {"configurable": {"thread_id": "t"}, "recursion_limit": 1000}
    final = graph.invoke({"log": []}, config)["log"]
    assert final[1]["pair"] == (1, 1) and type(final[1]["pair"]) is tuple and final[3]["when"] == dt.date(2020, 1, 4)
    assert _delta.DELTA in _row_types(path, "log")
    history = [s.values["log"] for s in graph.get_state_history(config)]
    assert sorted(set(map(len, history))) == list(range(61))
    assert all(h == final[:len(h)] for h in history)


def test_a_file_without_deltas_still_loads_and_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite"
    config = {"configurable": {"thread_id": "t"}}
    with monkeypatch.context() as patch:  # as written before deltas existed: every value whole
        patch.setattr(_delta, "_MIN_BASE", 1 << 62)
        agent_graph(SqliteSaver(path), mutate=False).invoke({"messages": [HumanMessage("go", id="h")]}, config)
    assert set(_row_types(path)) == {"msgpack"}
    graph = agent_graph(SqliteSaver(path), mutate=False)
    before = history(graph, config)
    assert len(before[0][1]) == 2 + 2 * TURNS
    rows = _row_types(path)
    graph.update_state(config, {"messages": [HumanMessage("more", id="h2")]})
    assert _row_types(path) == [*rows, "msgpack"]  # this saver stored nothing before: the value whole
    fork = graph.update_state(config, {"messages": [HumanMessage("again", id="h3")]})
    assert _row_types(path) == [*rows, "msgpack", _delta.DELTA]  # then a delta on the row it wrote
    assert history(graph, config)[2:] == before
    assert [m[0] for m in exact(graph.get_state(fork).values["messages"])[-3:]] == ["AIMessage", "HumanMessage",
                                                                                     "HumanMessage"]


def test_a_delta_is_never_written_on_a_deleted_base(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    saver = SqliteSaver(path)
    graph = agent_graph(saver, mutate=False)
    config = {"configurable": {"thread_id": "t"}}
    graph.invoke({"messages": [HumanMessage("go", id="h")]}, config)
    remembered = saver._deltas._last[("t", "", "messages")]
    with sqlite3.connect(path) as conn:  # another process removes the row the next delta would build on
        conn.execute("DELETE FROM blobs WHERE version = ?", (remembered.version,))
    config2 = graph.update_state(config, {"messages": [HumanMessage("more", id="h2")]})
    assert exact(graph.get_state(config2).values["messages"])[-1][0] == "HumanMessage"
    version = saver.get_tuple(config2).checkpoint["channel_versions"]["messages"]
    with sqlite3.connect(path) as conn:
        kind = conn.execute("SELECT type FROM blobs WHERE channel = 'messages' AND version = ?",
                            (version,)).fetchone()[0]
    assert kind == "msgpack"


def test_a_missing_base_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    graph = agent_graph(SqliteSaver(path), mutate=False)
    config = {"configurable": {"thread_id": "t"}}
    graph.invoke({"messages": [HumanMessage("go", id="h")]}, config)
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM blobs WHERE type = 'msgpack' AND channel = 'messages'")
    with pytest.raises(_delta.BrokenDeltaError, match="which is missing: the file was edited or damaged"):
        agent_graph(SqliteSaver(path)).get_state(config)


def test_chains_are_bounded_and_small_lists_stored_whole(tmp_path: Path) -> None:
    path = tmp_path / "d.sqlite"
    graph = agent_graph(SqliteSaver(path), mutate=False)
    graph.invoke({"messages": [HumanMessage("go", id="h")]}, {"configurable": {"thread_id": "t"}})
    kinds = _row_types(path)
    assert kinds[:3] == ["msgpack"] * 3  # under _MIN_BASE bytes
    run = longest = 0
    for kind in kinds:
        run = run + 1 if kind == _delta.DELTA else 0
        longest = max(longest, run)
    assert 0 < longest <= _delta._MAX_CHAIN


@pytest.mark.parametrize("count", [0, 1, 15, 16, 255, 65535, 65536])
def test_array_headers(count: int) -> None:
    packed = ormsgpack.packb([None] * count)
    start = _delta.items_start(packed, count)
    assert start is not None and packed[:start] == _delta.array_header(count) and len(packed) - start == count
    assert _delta.items_start(packed, count + 1) is None and _delta._array_count(packed) == count


def _resolve(found: dict, stored: dict) -> None:
    """Run ``_delta.resolve`` as the savers do, with ``stored`` as the rows a query would find."""
    def fetch(keys: list) -> Any:
        return {key: stored[key] for key in keys if key in stored}
        yield  # an operation: a generator (this one needs no statements)

    drive(_delta.resolve(found, fetch), lambda statement: None)


def test_forged_delta_rows_fail_cleanly() -> None:
    key = ("t", "", "messages", "v2")
    base = ("t", "", "messages", "v1")
    for blob in (b"\xc1", ormsgpack.packb(["v1", -1, b""]), ormsgpack.packb([1, 2, 3])):
        with pytest.raises(_delta.BrokenDeltaError, match="not a readable delta"):
            _resolve({key: (_delta.DELTA, blob)}, {})
    loop = {key: (_delta.DELTA, ormsgpack.packb(["v1", 1, b"\xc0"])),
            base: (_delta.DELTA, ormsgpack.packb(["v2", 1, b"\xc0"]))}
    with pytest.raises(_delta.BrokenDeltaError, match="builds on itself"):
        _resolve(loop, {})
    with pytest.raises(_delta.BrokenDeltaError, match="is not a list"):
        _resolve({key: (_delta.DELTA, ormsgpack.packb(["v1", 1, b"\xc0"]))}, {base: ("msgpack", ormsgpack.packb({"a": 1}))})
    found = {key: (_delta.DELTA, ormsgpack.packb(["v1", 2, ormsgpack.packb("b")]))}
    _resolve(found, {base: ("msgpack", ormsgpack.packb(["a"]))})
    assert found[key] == ("msgpack", ormsgpack.packb(["a", "b"]))


def test_the_async_saver_reads_and_writes_the_same_deltas(tmp_path: Path) -> None:
    import asyncio

    from hitl_notebook.checkpoint.sqlite.aio import AsyncSqliteSaver

    path = tmp_path / "d.sqlite"
    graph = agent_graph(SqliteSaver(path))
    config = {"configurable": {"thread_id": "t"}}
    graph.invoke({"messages": [HumanMessage("go", id="h")]}, config)
    expected = [values for _, values in history(graph, config)]

    async def main() -> tuple[list, list]:
        async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
            read = [exact(t.checkpoint["channel_values"].get("messages", [])) async for t in saver.alist(config)]
            other = agent_graph(saver)
            other_config = {"configurable": {"thread_id": "async"}}
            await other.ainvoke({"messages": [HumanMessage("go", id="h")]}, other_config)
            written = [exact(s.values.get("messages", [])) async for s in other.aget_state_history(other_config)]
        return read, written

    read, written = asyncio.run(main())
    assert read == expected
    assert written == reference_history(graph) and _row_types(path).count(_delta.DELTA) > 2 * TURNS
