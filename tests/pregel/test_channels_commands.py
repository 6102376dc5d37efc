"""Overwrite's forms (pregel/_channels.py), Commands sent to a finished thread, and with_config merging."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.config import get_config
from hitl_notebook.errors import InvalidUpdateError
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.pregel._channels import MISSING, BinaryOperatorAggregate, overwrite_value
from hitl_notebook.pregel._config import merge_configs
from hitl_notebook.types import Command, Overwrite


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


@pytest.mark.parametrize("write", [Overwrite(["new"]), {"__overwrite__": ["new"]},
                                   {"type": "__overwrite__", "value": ["new"]}])
def test_every_overwrite_form_replaces_the_reduced_value(write):
    channel = BinaryOperatorAggregate("log", list, operator.add)
    channel.update_one(["old"])
    channel.update_one(write)
    assert channel.value == ["new"]
    channel.update([["more"], write])
    assert channel.value == ["new"]


def test_a_dict_with_other_keys_is_a_plain_write():
    assert overwrite_value({"__overwrite__": 1, "k": 2}) is MISSING
    assert overwrite_value({"a": 1}) is MISSING
    channel = BinaryOperatorAggregate("d", dict, operator.or_)
    channel.update_one({"a": 1})
    channel.update_one({"b": 2})
    assert channel.value == {"a": 1, "b": 2}


def test_two_overwrites_in_one_super_step_fail_with_langgraphs_text():
    g = StateGraph(S).add_node("p", lambda s: {"log": Overwrite(["p"])})
    g.add_node("q", lambda s: {"log": {"__overwrite__": ["q"]}}).add_edge(START, "p").add_edge(START, "q")
    with pytest.raises(InvalidUpdateError) as info:
        g.compile().invoke({"log": []})
    assert str(info.value).startswith("Can receive only one Overwrite value per super-step.\n")
    assert "INVALID_CONCURRENT_GRAPH_UPDATE" in str(info.value)


def test_an_overwrite_on_a_plain_key_is_stored_as_it_is(saver, thread):
    """As LangGraph 1.2's LastValue: only reducer keys unwrap an Overwrite; state and checkpoints show the object."""
    seen = []
    g = StateGraph(S).add_node("a", lambda s: {"x": Overwrite(1), "log": Overwrite(["a"])})
    g.add_node("b", lambda s: seen.append(s["x"])).add_edge(START, "a").add_edge("a", "b")
    app = g.compile(checkpointer=saver)
    values = [c for c in app.stream({"log": []}, thread, stream_mode="values")]
    assert values[-1] == {"x": Overwrite(1), "log": ["a"]}
    assert seen == [Overwrite(1)]
    assert app.get_state(thread).values == {"x": Overwrite(1), "log": ["a"]}
    app.update_state(thread, {"x": {"__overwrite__": 2}})
    assert app.get_state(thread).values["x"] == {"__overwrite__": 2}


def test_an_overwrite_kept_in_a_plain_key_survives_sqlite(tmp_path, thread):
    from hitl_notebook.checkpoint.sqlite import SqliteSaver

    app = StateGraph(S).add_node("a", lambda s: {"x": Overwrite(3)}).add_edge(START, "a")
    app = app.compile(checkpointer=SqliteSaver(str(tmp_path / "runs.sqlite")))
    app.invoke({"log": []}, thread)
    assert app.get_state(thread).values == {"x": Overwrite(3), "log": []}


def test_command_update_on_a_finished_thread_is_kept_for_the_next_run(saver, thread):
    app = StateGraph(S).add_node("c", lambda s: {"log": ["c"]}).add_edge(START, "c").compile(checkpointer=saver)
    app.invoke({"log": ["in"]}, thread)
    assert app.invoke(Command(update={"x": 5, "log": ["cmd"]}), thread) == {"log": ["in", "c", "cmd"], "x": 5}
    assert app.invoke({"log": ["again"]}, thread) == {"log": ["in", "c", "cmd", "again", "c"], "x": 5}


def test_with_config_merges_configurable_keys(saver):
    def node(s):
        return {"x": get_config()["configurable"]["a"] + get_config()["configurable"]["b"]}

    app = StateGraph(S).add_node("n", node).add_edge(START, "n").compile(checkpointer=saver)
    bound = app.with_config({"configurable": {"a": 1}}).with_config(configurable={"b": 2})
    assert bound.config == {"configurable": {"a": 1, "b": 2}}
    assert bound.invoke({}, {"configurable": {"thread_id": "t"}})["x"] == 3
    assert bound.invoke({}, {"configurable": {"thread_id": "u", "a": 10}})["x"] == 12
    assert app.config is None


def test_merge_configs_follows_langgraph():
    merged = merge_configs({"tags": ["a"], "metadata": {"m": 1}, "recursion_limit": 5},
                           {"tags": ["b"], "metadata": {"n": 2}, "configurable": {}}, None)
    assert merged == {"tags": ["a", "b"], "metadata": {"m": 1, "n": 2}, "recursion_limit": 5}
