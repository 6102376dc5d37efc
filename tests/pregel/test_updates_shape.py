"""``updates`` chunks of nodes that write no state key are ``None`` (LangGraph 1.2), not ``{}``."""

from __future__ import annotations

from typing import TypedDict

from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command


class S(TypedDict, total=False):
    x: int
    priv: int


def test_a_node_writing_no_state_key_shows_none():
    graph = (StateGraph(S).add_node("empty", lambda s: {}).add_node("cmd", lambda s: Command(update={}))
             .add_node("private", lambda s: {"priv": 1}).add_node("zero", lambda s: {"x": 0})
             .add_edge(START, "empty").add_edge("empty", "cmd").add_edge("cmd", "private").add_edge("private", "zero")
             .compile())
    assert list(graph.stream({"x": 1})) == [{"empty": None}, {"cmd": None}, {"private": {"priv": 1}}, {"zero": {"x": 0}}]
    assert list(graph.stream({"x": 1}, output_keys=["x"])) == [{"empty": None}, {"cmd": None}, {"private": None},
                                                                {"zero": {"x": 0}}]


def test_an_entrypoint_returning_an_empty_dict_shows_it():
    from hitl_notebook.checkpoint.memory import InMemorySaver
    from hitl_notebook.func import entrypoint

    @entrypoint(checkpointer=InMemorySaver())
    def flow(x):
        return {}

    assert list(flow.stream(1, {"configurable": {"thread_id": "t"}})) == [{"flow": {}}]


def test_a_single_value_state_shows_an_empty_dict_update_as_it_is():
    import operator
    from typing import Annotated

    graph = StateGraph(Annotated[dict, operator.or_]).add_node("a", lambda s: {}).add_edge(START, "a").compile()
    assert list(graph.stream({"k": 1})) == [{"a": {}}]
