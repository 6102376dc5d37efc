"""What the engine stores in a checkpoint (pregel/_checkpointing.py): LangGraph 1.2's fields, shapes and order,
and threads saved in the format of earlier releases still load, resume and take edits."""

from __future__ import annotations

import operator
import re
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.base import new_checkpoint_id
from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.pregel._checkpointing import version_number
from hitl_notebook.types import Command, Send, interrupt

VERSION = re.compile(r"^\d{32}\.[0-9.e-]+$")


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    ans: str


def build(saver, **kw):
    g = StateGraph(S).add_node("a", lambda s: {"log": ["a"]})
    g.add_node("b", lambda s: {"ans": interrupt("ok?"), "log": ["b"]}).add_node("w", lambda x: {"log": [f"w{x}"]})
    g.add_edge(START, "a").add_edge("a", "b").add_conditional_edges("b", lambda s: [Send("w", 1)])
    return g.compile(checkpointer=saver, **kw)


@pytest.fixture(params=["memory", "sqlite"])
def any_saver(request, tmp_path):
    return InMemorySaver() if request.param == "memory" else SqliteSaver(str(tmp_path / "c.sqlite"))


def numbers(versions):
    assert all(VERSION.match(v) for v in versions.values()), versions
    return {k: version_number(v) for k, v in versions.items()}


def test_versions_count_steps_and_nodes_record_what_they_saw(any_saver, thread):
    app = build(any_saver)
    app.invoke({"log": []}, thread)
    paused = any_saver.get_tuple(thread).checkpoint
    assert numbers(paused["channel_versions"]) == {"__start__": 2, "log": 3, "branch:to:a": 3, "branch:to:b": 3}
    assert {n: numbers(s) for n, s in paused["versions_seen"].items()} == {
        "__input__": {}, "__start__": {"__start__": 1}, "a": {"branch:to:a": 2}}
    assert paused["updated_channels"] == ["branch:to:b", "log"]
    assert paused["channel_values"] == {"log": ["a"], "branch:to:b": None}
    app.invoke(Command(resume="yes"), thread)
    done = any_saver.get_tuple(thread).checkpoint
    assert numbers(done["versions_seen"]["__interrupt__"])["branch:to:b"] == 3
    assert done["channel_values"]["__pregel_tasks"] == []  # an emptied Send queue is stored, as LangGraph stores it
    assert list(done) in (["v", "ts", "id", "channel_versions", "versions_seen", "updated_channels", "channel_values"],
                          ["v", "ts", "id", "channel_values", "channel_versions", "versions_seen", "updated_channels"])


def test_exit_durability_keeps_only_the_last_steps_pending_writes(any_saver, thread):
    app = build(any_saver)
    app.invoke({"log": []}, thread, durability="exit")
    saved = any_saver.get_tuple(thread)
    assert [w[1] for w in saved.pending_writes] == ["__interrupt__"]
    assert saved.metadata == {"source": "loop", "step": 1, "parents": {}}


def test_update_and_copy_store_no_updated_channels(any_saver, thread):
    app = build(any_saver)
    app.invoke({"log": []}, thread)
    app.update_state(thread, {"ans": "edited"}, as_node="b")
    assert any_saver.get_tuple(thread).checkpoint["updated_channels"] is None
    app.update_state(thread, None, as_node="__copy__")
    assert any_saver.get_tuple(thread).checkpoint["updated_channels"] is None


def _legacy_thread(saver, thread):
    """Write a paused thread as releases before numbered versions did: each channel's version was the id of the
    checkpoint that last changed it, and versions_seen named only the nodes of the last step."""
    first, second = new_checkpoint_id(0), new_checkpoint_id(1)
    root = {"configurable": {"thread_id": thread["configurable"]["thread_id"], "checkpoint_ns": ""}}
    cfg = saver.put(root, {"v": 4, "id": first, "ts": "2026-01-01T00:00:00+00:00", "versions_seen": {"__start__": {}},
                           "updated_channels": ["log"], "channel_values": {"log": [], "branch:to:a": None},
                           "channel_versions": {"log": first, "branch:to:a": first}},
                    {"source": "loop", "step": 0, "parents": {}}, {"log": first, "branch:to:a": first})
    saver.put(cfg, {"v": 4, "id": second, "ts": "2026-01-01T00:00:01+00:00", "versions_seen": {"a": {}},
                    "updated_channels": ["log"], "channel_values": {"log": ["a"], "branch:to:b": None},
                    "channel_versions": {"log": second, "branch:to:a": second, "branch:to:b": second}},
              {"source": "loop", "step": 1, "parents": {}}, {"log": second, "branch:to:a": second, "branch:to:b": second})


def test_thread_saved_by_an_earlier_release_resumes_and_takes_edits(any_saver, thread):
    _legacy_thread(any_saver, thread)
    app = build(any_saver, interrupt_before=["b"])
    assert app.get_state(thread).next == ("b",)
    app.update_state(thread, {"log": ["edit"]})  # inferred as "a", the node of the last step
    assert app.get_state(thread).next == ("b",)
    assert app.invoke(None, thread)["__interrupt__"][0].value == "ok?"
    assert app.invoke(Command(resume="yes"), thread) == {"log": ["a", "edit", "b", "w1"], "ans": "yes"}
    versions = any_saver.get_tuple(thread).checkpoint["channel_versions"]
    assert version_number(versions["log"]) > 0 and VERSION.match(versions["log"])
