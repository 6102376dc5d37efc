"""compile(checkpointer=True/False/None): accepted when building, as LangGraph 1.2 (checked when a graph runs)."""

from __future__ import annotations

from typing import TypedDict

import pytest

from hitl_notebook.graph import START, StateGraph


class S(TypedDict):
    n: int


@pytest.mark.parametrize("checkpointer", [True, False, None])
def test_compile_accepts_subgraph_checkpointer_flags(checkpointer):
    graph = StateGraph(S).add_node("a", lambda s: {"n": 1}).add_edge(START, "a").compile(checkpointer=checkpointer)
    assert graph.checkpointer is checkpointer
    parent = StateGraph(S).add_node("sub", graph).add_edge(START, "sub").compile()
    assert parent.nodes["sub"].subgraph is graph
    assert parent.invoke({"n": 0}) == {"n": 1}  # without a parent checkpointer there is nothing to save either
