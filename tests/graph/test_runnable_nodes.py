"""A LangChain Runnable, or any object with invoke/ainvoke, as a node (LangGraph 1.2 behaviour)."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import pytest

from hitl_notebook.graph import START, StateGraph

runnables = pytest.importorskip("langchain_core.runnables")


class S(TypedDict, total=False):
    x: int
    how: str


def _single(action, name=None):
    builder = StateGraph(S)
    builder.add_node(action) if name is None else builder.add_node(name, action)
    name = name or next(iter(builder.nodes))
    return builder.add_edge(START, name).compile()


def test_runnable_lambda_gets_state_and_config_and_is_named_after_its_function():
    def bump(state, config):
        return {"x": state["x"] + 1, "how": config["metadata"]["langgraph_node"]}

    graph = _single(runnables.RunnableLambda(bump))
    assert list(graph.nodes) == ["__start__", "bump"]
    assert graph.invoke({"x": 1}) == {"x": 2, "how": "bump"}


def test_async_runs_use_ainvoke():
    def sync(state):
        return {"how": "sync"}

    async def asyn(state):
        return {"how": "async"}

    graph = _single(runnables.RunnableLambda(sync, afunc=asyn), "both")
    assert graph.invoke({})["how"] == "sync"
    assert asyncio.run(graph.ainvoke({}))["how"] == "async"


class Duck:
    """Not a langchain Runnable: only the invoke/ainvoke protocol."""

    def invoke(self, state, config):
        return {"how": f"invoke:{config['metadata']['langgraph_step']}"}

    async def ainvoke(self, state, config):
        return {"how": "ainvoke"}


class AsyncOnly:
    async def ainvoke(self, state, config):
        return {"how": "ainvoke"}


def test_any_object_with_invoke_or_ainvoke():
    graph = _single(Duck())
    assert list(graph.nodes) == ["__start__", "Duck"]
    assert graph.invoke({})["how"] == "invoke:1"
    assert asyncio.run(graph.ainvoke({}))["how"] == "ainvoke"
    only = _single(AsyncOnly())
    assert asyncio.run(only.ainvoke({}))["how"] == "ainvoke"
    with pytest.raises(TypeError, match='No synchronous function provided to "AsyncOnly"'):
        only.invoke({})


def test_neither_callable_nor_runnable_is_refused_with_the_fix():
    with pytest.raises(TypeError) as err:
        StateGraph(S).add_node("n", 42)
    assert str(err.value).startswith(  # LangGraph's text first
        "Expected a Runnable, callable or dict.Instead got an unsupported type: <class 'int'>. Node `n` must be a "
        "function, a compiled graph or a Runnable")
