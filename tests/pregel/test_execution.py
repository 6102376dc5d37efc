"""Supersteps: snapshot reads, write ordering, joins, defer, Send, Command, recursion limit, streaming."""

from __future__ import annotations

import operator
import threading
import time
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.config import get_stream_writer
from hitl_notebook.errors import GraphRecursionError, InvalidUpdateError
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.types import Command, Overwrite, Send


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int
    subjects: list


def appender(name: str):
    def node(state: S) -> dict:
        return {"log": [name]}

    node.__name__ = name
    return node


def diamond(**join_kwargs) -> StateGraph:
    builder = StateGraph(S)
    for name in ("a", "b", "c", "b2"):
        builder.add_node(appender(name))
    builder.add_node("d", appender("d"), **join_kwargs)
    builder.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c").add_edge("b", "b2")
    return builder


def test_plain_fan_in_runs_target_once_per_trigger():
    builder = diamond().add_edge("b2", "d").add_edge("c", "d")
    assert builder.compile().invoke({})["log"] == ["a", "b", "c", "b2", "d", "d"]


def test_list_join_waits_for_all_sources():
    builder = diamond().add_edge(["b2", "c"], "d")
    assert builder.compile().invoke({})["log"] == ["a", "b", "c", "b2", "d"]


def test_deferred_node_runs_once_when_nothing_else_is_left():
    builder = diamond(defer=True).add_edge("b2", "d").add_edge("c", "d")
    assert builder.compile().invoke({})["log"] == ["a", "b", "c", "b2", "d"]


def test_parallel_writes_apply_in_node_name_order_not_finish_order():
    def slow(state):
        time.sleep(0.2)  # wide margin: "fast" must finish first even on a loaded machine
        return {"log": ["slow"]}

    def fast(state):
        return {"log": ["fast"]}

    builder = StateGraph(S).add_node(slow).add_node(fast).add_edge(START, "slow").add_edge(START, "fast")
    graph = builder.compile()
    assert graph.invoke({})["log"] == ["fast", "slow"]
    updates = list(graph.stream({}))
    assert [list(u) for u in updates] == [["fast"], ["slow"]]  # finish order in the stream


def test_siblings_read_the_state_as_of_step_start():
    seen = {}

    def a(state):
        seen["a"] = list(state["log"])
        return {"log": ["a"]}

    def b(state):
        seen["b"] = list(state["log"])
        return {"log": ["b"]}

    StateGraph(S).add_node(a).add_node(b).add_edge(START, "a").add_edge(START, "b").compile().invoke({"log": ["in"]})
    assert seen == {"a": ["in"], "b": ["in"]}


def test_parallel_nodes_really_run_concurrently():
    barrier = threading.Barrier(2, timeout=5)

    def a(state):
        barrier.wait()
        return {"log": ["a"]}

    def b(state):
        barrier.wait()
        return {"log": ["b"]}

    builder = StateGraph(S).add_node(a).add_node(b).add_edge(START, "a").add_edge(START, "b")
    assert builder.compile().invoke({})["log"] == ["a", "b"]


def test_two_writes_to_a_plain_key_in_one_step_fail():
    builder = StateGraph(S)
    builder.add_node("a", lambda s: {"x": 1}).add_node("b", lambda s: {"x": 1})
    builder.add_edge(START, "a").add_edge(START, "b")
    with pytest.raises(InvalidUpdateError) as err:
        builder.compile().invoke({})
    assert str(err.value).startswith(
        "At key 'x': Can receive only one value per step. Use an Annotated key to handle multiple values."
    )
    assert "INVALID_CONCURRENT_GRAPH_UPDATE" in str(err.value)


def test_node_returning_non_dict_names_the_problem():
    graph = StateGraph(S).add_node("a", lambda s: 5).add_edge(START, "a").compile()
    with pytest.raises(InvalidUpdateError, match="Expected dict, got 5"):
        graph.invoke({})


def test_graph_input_that_is_not_a_dict_gets_langgraphs_message_and_the_fix():
    graph = StateGraph(S).add_node("a", lambda s: {}).add_edge(START, "a").compile()
    with pytest.raises(InvalidUpdateError) as err:
        graph.invoke(5)
    first, second = str(err.value).split("\n")
    assert first.startswith("Expected dict, got 5. Pass the graph a dict of state keys")
    assert second.endswith("/errors/INVALID_GRAPH_NODE_RETURN_VALUE")


def test_unknown_keys_are_ignored_and_none_is_no_update():
    builder = StateGraph(S).add_node("a", lambda s: {"zzz": 1, "x": 2}).add_node("b", lambda s: None)
    graph = builder.add_edge(START, "a").add_edge("a", "b").compile()
    assert graph.invoke({}) == {"log": [], "x": 2}
    assert list(graph.stream({})) == [{"a": {"x": 2}}, {"b": None}]


@pytest.mark.parametrize("limit, runs", [(1, 1), (3, 3), (5, 5)])
def test_recursion_limit_allows_limit_node_runs_on_a_fresh_thread(limit, runs):
    count = []

    def loop(state):
        count.append(1)
        return {"x": len(count)}

    graph = StateGraph(S).add_node(loop).add_edge(START, "loop").add_edge("loop", "loop").compile()
    with pytest.raises(GraphRecursionError, match=f"Recursion limit of {limit} reached"):
        graph.invoke({}, {"recursion_limit": limit})
    assert len(count) == runs


def test_recursion_limit_must_be_positive():
    graph = StateGraph(S).add_node("a", lambda s: None).add_edge(START, "a").compile()
    with pytest.raises(ValueError, match="recursion_limit must be at least 1"):
        graph.invoke({}, {"recursion_limit": 0})


def test_send_fan_out_passes_arg_and_reduces_in_send_order():
    def fan(state):
        return [Send("joke", {"subject": s}) for s in state["subjects"]]

    def joke(arg):
        return {"log": [f"joke about {arg['subject']}"]}

    builder = StateGraph(S).add_node(joke).add_conditional_edges(START, fan, ["joke"])
    result = builder.compile().invoke({"subjects": ["cats", "dogs", "ants"]})
    assert result["log"] == ["joke about cats", "joke about dogs", "joke about ants"]


def test_send_to_end_is_an_error():
    builder = StateGraph(S).add_node("a", lambda s: None).add_conditional_edges(START, lambda s: [Send(END, {})])
    builder.add_edge(START, "a")
    with pytest.raises(InvalidUpdateError, match="Cannot send a packet to the END node"):
        builder.compile().invoke({})


def test_command_goto_adds_to_static_edges_and_accepts_sends():
    def a(state):
        return Command(update={"log": ["a"]}, goto=[Send("c", {"v": 1}), Send("c", {"v": 2}), "b"])

    def c(arg):
        return {"log": [f"c{arg['v']}"]}

    builder = StateGraph(S).add_node(a).add_node("b", appender("b")).add_node(c).add_node("e", appender("e"))
    graph = builder.add_edge(START, "a").add_edge("a", "e").compile()
    assert graph.invoke({})["log"] == ["a", "b", "e", "c1", "c2"]


def test_conditional_edges_path_map_literal_and_lists():
    def router(state) -> str:
        return "yes" if state["x"] > 0 else "no"

    builder = StateGraph(S).add_node("p", appender("p")).add_node("n", appender("n"))
    builder.add_conditional_edges(START, router, {"yes": "p", "no": "n"})
    graph = builder.compile()
    assert graph.invoke({"x": 1})["log"] == ["p"]
    assert graph.invoke({"x": -1})["log"] == ["n"]

    both = StateGraph(S).add_node("p", appender("p")).add_node("n", appender("n"))
    both.add_conditional_edges(START, lambda s: ["p", "n"])
    assert both.compile().invoke({})["log"] == ["n", "p"]


def test_router_sees_the_nodes_own_writes():
    def route(state):
        return END if state["x"] >= 3 else "inc"

    builder = StateGraph(S).add_node("inc", lambda s: {"x": s["x"] + 1}).add_edge(START, "inc")
    builder.add_conditional_edges("inc", route)
    assert builder.compile().invoke({"x": 0})["x"] == 3


def test_overwrite_bypasses_the_reducer():
    builder = StateGraph(S).add_node("a", lambda s: {"log": Overwrite(["reset"])}).add_edge(START, "a")
    assert builder.compile().invoke({"log": ["old"]})["log"] == ["reset"]


def test_stream_modes_values_updates_custom_and_lists():
    def a(state):
        get_stream_writer()({"progress": 1})
        return {"log": ["a"]}

    def b(state, writer):
        writer("plain")
        return {"log": ["b"]}

    graph = StateGraph(S).add_node(a).add_node(b).add_edge(START, "a").add_edge("a", "b").compile()
    assert list(graph.stream({"log": []}, stream_mode="values")) == [{"log": []}, {"log": ["a"]}, {"log": ["a", "b"]}]
    assert list(graph.stream({}, stream_mode="values")) == [{"log": ["a"]}, {"log": ["a", "b"]}]  # input wrote nothing
    assert list(graph.stream({}, stream_mode="custom")) == [{"progress": 1}, "plain"]
    assert list(graph.stream({}, stream_mode=["custom", "updates"])) == [
        ("custom", {"progress": 1}), ("updates", {"a": {"log": ["a"]}}),
        ("custom", "plain"), ("updates", {"b": {"log": ["b"]}}),
    ]
    assert list(graph.stream({"log": []}, stream_mode="values", output_keys="log")) == [[], ["a"], ["a", "b"]]


def test_unknown_stream_mode_is_rejected_with_the_choices():
    graph = StateGraph(S).add_node("a", lambda s: None).add_edge(START, "a").compile()
    with pytest.raises(ValueError, match="Unknown stream_mode 'value'"):
        list(graph.stream({}, stream_mode="value"))


def test_async_node_under_sync_invoke_names_the_fix():
    async def an(state):
        return {}

    graph = StateGraph(S).add_node(an).add_edge(START, "an").compile()
    with pytest.raises(TypeError, match='No synchronous function provided to "an"'):
        graph.invoke({})


def test_empty_graph_returns_its_input():
    graph = StateGraph(S).add_edge(START, END).compile()
    assert graph.invoke({"x": 1}) == {"x": 1, "log": []}


def test_the_engine_imports_no_ui_or_drawing_modules():
    import subprocess
    import sys

    code = ("import sys, hitl_notebook.graph, hitl_notebook.func, hitl_notebook.checkpoint.memory;"
            "print(sorted(m for m in ('graphviz', 'ipywidgets', 'IPython', 'hitl_notebook.drawing',"
            " 'hitl_notebook.notebook') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unsupported_options_are_refused_not_ignored():
    graph = StateGraph(S).add_node("a", lambda s: None).add_edge(START, "a").compile()
    with pytest.raises(NotImplementedError, match="version='v3' is not supported"):
        graph.invoke({}, version="v3")
    with pytest.raises(TypeError, match="Unexpected keyword argument"):
        list(graph.stream({}, stream_modes="values"))  # a typo of stream_mode
    assert graph.invoke({"x": 1}, context={"user": "u"}) == {"x": 1, "log": []}  # no context schema: ignored
