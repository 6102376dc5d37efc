"""A checkpoint row changed outside hitl_notebook fails with an error naming the checkpoint and the field
(issue #15, case 9), never an AttributeError/TypeError from deep inside the engine."""

from __future__ import annotations

import sqlite3
from typing import Any, Callable, TypedDict

import pytest

from hitl_notebook.checkpoint.serde import SafeSerializer
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import interrupt

CONFIG = {"configurable": {"thread_id": "t"}}


class S(TypedDict, total=False):
    x: Any


def graph(saver):
    def ask(state):
        return {"x": interrupt("ok?")}

    return StateGraph(S).add_node(ask).add_edge(START, "ask").compile(checkpointer=saver)


def tamper(db, column: str, change: Callable[[Any], Any]) -> None:
    conn = sqlite3.connect(db)
    serde = SafeSerializer()
    kind_column = "type" if column == "checkpoint" else "metadata_type"
    checkpoint_id, kind, data = conn.execute(
        f"SELECT checkpoint_id, {kind_column}, {column} FROM checkpoints ORDER BY checkpoint_id DESC LIMIT 1"
    ).fetchone()
    value = change(serde.loads_typed((kind, data)))
    conn.execute(f"UPDATE checkpoints SET {column} = ? WHERE checkpoint_id = ?", (serde.dumps(value), checkpoint_id))
    conn.commit()
    conn.close()


def _set(key: str, value: Any) -> Callable[[dict], dict]:
    return lambda d: {**d, key: value}


@pytest.mark.parametrize(("column", "change", "field"), [
    ("checkpoint", lambda h: list(h.items()), "its header is a list"),
    ("checkpoint", lambda h: {**h, "channel_versions": list(h["channel_versions"].items())}, "'channel_versions'"),
    ("checkpoint", lambda h: {**h, "channel_versions": {k: [v] for k, v in h["channel_versions"].items()}},
     "'channel_versions' maps"),
    ("checkpoint", _set("versions_seen", {"ask": 3}), "'versions_seen'"),
    ("checkpoint", _set("updated_channels", "x"), "'updated_channels' is a str"),
    ("checkpoint", _set("id", 5), "'id' is an int"),
    ("metadata", lambda m: "oops", "its metadata is a str"),
    ("metadata", _set("step", "3"), "'step' is a str"),
    ("metadata", _set("parents", []), "'parents' is a list"),
], ids=["header-list", "versions-list", "version-list", "seen", "updated", "id", "metadata", "step", "parents"])
def test_a_wrongly_typed_field_gives_an_error_naming_it(tmp_path, column, change, field):
    db = tmp_path / "runs.sqlite"
    with SqliteSaver(db) as saver:
        graph(saver).invoke({"x": 0}, CONFIG)
    tamper(db, column, change)
    with SqliteSaver(db) as saver:
        calls = [lambda: graph(saver).get_state(CONFIG), lambda: list(graph(saver).get_state_history(CONFIG)),
                 lambda: graph(saver).invoke(None, CONFIG)]
        if column == "checkpoint":
            calls.append(saver.list_paused_threads)
        for call in calls:
            with pytest.raises(ValueError) as info:
                call()
            message = str(info.value)
            assert message.startswith("Checkpoint ") and "of thread 't' cannot be read" in message
            assert field in message and "restore it from a backup" in message
