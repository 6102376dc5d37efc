"""stream/invoke with version="v2": typed stream parts and GraphOutput (LangGraph 1.1+)."""

from __future__ import annotations

import operator
import warnings
from dataclasses import dataclass, field
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.func import entrypoint
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command, GraphOutput, interrupt
from hitl_notebook.warnings import LangGraphDeprecatedSinceV11


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


@dataclass
class D:
    n: int
    log: Annotated[list, operator.add] = field(default_factory=list)


def asking(saver):
    builder = StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_node("ask", lambda s: {"log": [interrupt("?")]})
    return builder.add_edge(START, "a").add_edge("a", "ask").compile(checkpointer=saver)


def test_parts_carry_type_namespace_data_and_values_carry_interrupts(saver, thread):
    parts = list(asking(saver).stream({"log": []}, thread, stream_mode=["values", "updates"], version="v2"))
    assert [p["type"] for p in parts] == ["values", "updates", "values", "updates", "values"]
    assert all(p["ns"] == () for p in parts)
    last = parts[-1]
    assert last["data"] == {"log": ["a"]}  # the interrupt moved out of the data...
    assert [i.value for i in last["interrupts"]] == ["?"]  # ...into its own field
    assert parts[0]["interrupts"] == ()


def test_invoke_returns_graph_output_with_the_interrupts(saver, thread):
    graph = asking(saver)
    out = graph.invoke({"log": []}, thread, version="v2")
    assert isinstance(out, GraphOutput) and out.value == {"log": ["a"]}
    assert [i.value for i in out.interrupts] == ["?"]
    done = graph.invoke(Command(resume="yes"), thread, version="v2")
    assert done == GraphOutput(value={"log": ["a", "yes"]}, interrupts=())
    updates = graph.invoke({"log": []}, {"configurable": {"thread_id": "t2"}}, stream_mode="updates", version="v2")
    assert [p["data"] for p in updates][0] == {"a": {"log": ["a"]}}


def test_dataclass_state_is_coerced_in_values_and_checkpoints():
    graph = StateGraph(D).add_node("inc", lambda s: {"n": s.n + 1, "log": ["inc"]}).add_edge(START, "inc").compile()
    assert graph.invoke({"n": 1}, version="v2").value == D(n=2, log=["inc"])
    from hitl_notebook.checkpoint.memory import InMemorySaver

    saved = StateGraph(D).add_node("inc", lambda s: {"n": s.n + 1}).add_edge(START, "inc").compile(
        checkpointer=InMemorySaver())
    parts = list(saved.stream({"n": 1}, {"configurable": {"thread_id": "d"}}, stream_mode="checkpoints",
                              version="v2"))
    assert isinstance(parts[0]["data"]["values"], dict)  # the input checkpoint (next: __start__) stays a dict
    assert parts[-1]["data"]["values"] == D(n=2)


def test_graph_output_item_access_warns_as_langgraph():
    out = GraphOutput(value={"x": 1}, interrupts=())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert out["x"] == 1 and "x" in out and "__interrupt__" not in out
    assert {type(w.message) for w in caught} == {LangGraphDeprecatedSinceV11}
    with pytest.raises(KeyError), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["y"]


def test_entrypoint_and_unknown_versions(saver, thread):
    @entrypoint(checkpointer=saver)
    def flow(x: int):
        return x + interrupt("more?")

    paused = flow.invoke(1, thread, version="v2")
    assert paused.value == {} and [i.value for i in paused.interrupts] == ["more?"]  # as LangGraph 1.2
    assert flow.invoke(Command(resume=2), thread, version="v2") == GraphOutput(value=3)
    with pytest.raises(NotImplementedError, match="version='v3' is not supported"):
        flow.invoke(1, {"configurable": {"thread_id": "x"}}, version="v3")
