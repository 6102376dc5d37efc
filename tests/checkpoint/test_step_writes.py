"""A step's lone task: its writes and the next checkpoint go to SqliteSaver in one transaction (to InMemorySaver in
one serializer call), with the same results as saving them one after the other (a subclass overriding
``put_writes`` gets two calls)."""


import operator
import sqlite3
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.checkpoint.serde import SerializationError
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.graph import START, StateGraph


def _pending(saver, config) -> list[tuple[str, Any]]:
    return sorted((channel, repr(value)) for _, channel, value in saver.get_tuple(config).pending_writes)


class _TwoCalls(InMemorySaver):
    """Overrides put_writes, so the engine's lone-task writes reach it in a call of their own."""

    def put_writes(self, config, writes, task_id, task_path=""):
        super().put_writes(config, writes, task_id, task_path)


def _graph(saver, reducer):
    class S(TypedDict, total=False):
        log: Annotated[list, reducer]
        n: int

    def one(state: S):
        return {"log": ["a"], "n": 1}

    def two(state: S):
        return {"log": ["b"], "n": 2}

    return StateGraph(S).add_sequence([one, two]).add_edge(START, "one").compile(checkpointer=saver)


@pytest.mark.parametrize("failure", [None, "reducer", "unserializable"])
def test_same_history_and_pending_writes_as_separate_saves(failure, tmp_path: Path) -> None:
    def reducer(left: list, right: list) -> Any:
        if failure == "reducer" and "b" in right:
            raise ValueError("reducer refuses b")
        if failure == "unserializable" and "b" in right:
            return [*left, *right, object()]  # the writes serialize, the channel value does not
        return left + right

    outcomes = []
    for saver in (_TwoCalls(), InMemorySaver(), SqliteSaver(tmp_path / "s.sqlite")):
        graph, config = _graph(saver, reducer), {"configurable": {"thread_id": "t"}}
        error = None
        try:
            graph.invoke({"log": []}, config)
        except (ValueError, SerializationError) as exc:
            error = type(exc).__name__
        history = [(s.values, s.next, [(t.name, t.result) for t in s.tasks])
                   for s in graph.get_state_history(config)]
        outcomes.append((error, history, _pending(saver, config)))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    if failure:  # the failing step's task result was kept, so a resume would not run it again
        assert outcomes[1][0] is not None and ("log", "['b']") in outcomes[1][2]


def test_one_write_transaction_per_step(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    saver = SqliteSaver(path)
    writes = []

    class Counting(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if sql == "BEGIN IMMEDIATE":
                writes.append(1)
            return super().execute(sql, *args)

    saver.conn.close()
    saver.conn = sqlite3.connect(path, factory=Counting, check_same_thread=False, isolation_level=None)
    graph = _graph(saver, operator.add)
    graph.invoke({"log": []}, {"configurable": {"thread_id": "t"}})
    # creating the tables, the input checkpoint, then each step (__start__, one, two): its writes with its checkpoint
    assert len(writes) == 1 + 1 + 3


@pytest.mark.parametrize("base", [InMemorySaver, SqliteSaver])
def test_a_subclass_overriding_put_writes_still_sees_every_task(base, tmp_path: Path) -> None:
    seen = []

    class Logging(base):
        def put_writes(self, config, writes, task_id, task_path=""):
            seen.append([channel for channel, _ in writes])
            super().put_writes(config, writes, task_id, task_path)

    saver = Logging(tmp_path / "s.sqlite") if base is SqliteSaver else Logging()
    graph = _graph(saver, operator.add)
    graph.invoke({"log": []}, {"configurable": {"thread_id": "t"}})
    assert ["log", "n"] in seen and len(seen) == 3  # __start__, one, two
