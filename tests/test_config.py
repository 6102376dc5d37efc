"""hitl_notebook.config.get_store: the run's store, a subgraph's parent's store, and the error outside a run."""

from __future__ import annotations

from typing import TypedDict

import pytest

from hitl_notebook.config import get_store
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.store.memory import InMemoryStore


class S(TypedDict, total=False):
    seen: list


def test_get_store_in_graph_and_subgraph() -> None:
    outer, own = InMemoryStore(), InMemoryStore()
    sub = StateGraph(S).add_node("s", lambda s: {"seen": [*s["seen"], get_store()]}).add_edge(START, "s").compile(
        store=own)
    g = (StateGraph(S).add_node("a", lambda s: {"seen": [get_store()]}).add_node("sub", sub)
         .add_edge(START, "a").add_edge("a", "sub").compile(store=outer))
    # a nested subgraph uses the parent's store, as in LangGraph
    assert g.invoke({})["seen"] == [outer, outer]
    assert sub.invoke({"seen": []})["seen"] == [own]
    assert StateGraph(S).add_node("a", lambda s: {"seen": [get_store()]}).add_edge(START, "a").compile().invoke(
        {})["seen"] == [None]


def test_get_store_outside_a_run() -> None:
    with pytest.raises(RuntimeError, match="^Called get_config outside of a runnable context. .*get_store\\(\\)"):
        get_store()
