"""``StateGraph(dict)`` and other bare types: the whole state is one ``__root__`` value, as LangGraph 1.2."""

from __future__ import annotations

import operator
from typing import Annotated, Any

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.errors import EmptyInputError, InvalidUpdateError
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.graph._schema import ROOT, schema_hints
from hitl_notebook.types import Command


@pytest.mark.parametrize("schema", [dict, int, list, str, dict[str, int], set])
def test_bare_types_are_one_root_value(schema):
    assert schema_hints(schema) == {ROOT: schema}


@pytest.mark.parametrize("schema", [None, Any])
def test_no_schema_has_no_channels(schema):
    assert schema_hints(schema) == {}


def _chain(*fns):
    b = StateGraph(dict)
    for fn in fns:
        b.add_node(fn.__name__, fn)
    b.add_edge(START, fns[0].__name__)
    for x, y in zip(fns, fns[1:]):
        b.add_edge(x.__name__, y.__name__)
    return b.compile(checkpointer=InMemorySaver())


def test_a_returned_dict_replaces_the_whole_state():
    seen = []

    def first(s):
        seen.append(s)
        return {"b": 2}

    def second(s):
        seen.append(s)
        return {"c": 3}

    app = _chain(first, second)
    cfg = {"configurable": {"thread_id": "t"}}
    assert app.invoke({"a": 1}, cfg) == {"c": 3}
    assert seen == [{"a": 1}, {"b": 2}]
    assert app.get_state(cfg).values == {"c": 3}
    assert list(app.stream({"a": 1}, cfg, stream_mode="values")) == [{"a": 1}, {"b": 2}, {"c": 3}]


def test_update_state_replaces_the_dict_and_takes_any_value():
    def only(s):
        return s

    app = _chain(only)
    cfg = {"configurable": {"thread_id": "t"}}
    app.invoke({"a": 1}, cfg)
    app.update_state(cfg, {"z": 0})
    assert app.get_state(cfg).values == {"z": 0}
    app.update_state(cfg, 7)
    app.update_state(cfg, None)  # None writes nothing
    assert app.get_state(cfg).values == 7


def test_command_update_keys_are_not_channels_so_updates_shows_none():
    def by_command(s):
        return Command(update={"k": 1})

    def mixed(s):
        return [Command(update={"l": 1}), {"m": 2}]

    app = _chain(by_command, mixed)
    cfg = {"configurable": {"thread_id": "t"}}
    assert list(app.stream({"a": 1}, cfg)) == [{"by_command": None}, {"mixed": {"m": 2}}]
    assert app.get_state(cfg).values == {"m": 2}


def test_two_root_writes_of_one_node_show_as_a_list():
    b = StateGraph(Annotated[list, operator.add])
    b.add_node("m", lambda s: [Command(update=["c"]), ["d"], Command(goto="n")])
    b.add_node("n", lambda s: Command(update={"k": 1})).add_edge(START, "m")
    app = b.compile()
    assert list(app.stream(["x"])) == [{"m": [["c"], ["d"]]}, {"n": None}]
    assert app.invoke(["x"]) == ["x", "c", "d"]


def test_two_dicts_in_one_step_are_refused_as_langgraph():
    b = StateGraph(dict).add_node("m", lambda s: [Command(update={"l": 1}), {"m": 2}, {"n": 3}]).add_edge(START, "m")
    with pytest.raises(InvalidUpdateError, match="At key '__root__': Can receive only one value per step"):
        b.compile().invoke({})


def test_no_input_on_a_fresh_thread_is_refused():
    def only(s):
        return s

    with pytest.raises(EmptyInputError, match="Received no input for __start__"):
        _chain(only).invoke(None, {"configurable": {"thread_id": "fresh"}})
