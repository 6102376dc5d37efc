"""Managed values (RemainingSteps, IsLastStep): computed per step, never stored, as LangGraph 1.2."""

import operator
from typing import Annotated, TypedDict

from typing_extensions import NotRequired

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.managed import IsLastStep, RemainingSteps
from hitl_notebook.types import Send


class S(TypedDict):
    log: Annotated[list, operator.add]
    remaining_steps: NotRequired[RemainingSteps]
    last: IsLastStep


def test_nodes_see_remaining_steps_and_the_state_never_holds_them():
    def a(state):
        return {"log": [(state["remaining_steps"], state["last"])]}

    def b(packet):
        return {"log": [sorted(packet)]}  # a Send packet is passed as it is

    def route(state):
        return END if len(state["log"]) > 2 else [Send("b", {"x": 1}), "a"]

    graph = (StateGraph(S).add_node(a).add_node(b).add_edge(START, "a")
             .add_conditional_edges("a", route, ["a", "b", END]).compile(checkpointer=InMemorySaver()))
    config = {"configurable": {"thread_id": "m"}, "recursion_limit": 5}
    out = graph.invoke({"log": []}, config)
    assert out == {"log": [(4, False), (3, False), ["x"], (2, False), ["x"]]}
    assert set(graph.get_state(config).values) == {"log"}
