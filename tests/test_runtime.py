"""hitl_notebook.runtime: the Runtime value, get_runtime() in and out of a run, context coercion."""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass
from typing import Annotated, TypedDict

import pytest
import typing_extensions

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.func import entrypoint, task
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.runtime import ExecutionInfo, Runtime, coerce_context, get_runtime
from hitl_notebook.store.memory import InMemoryStore
from hitl_notebook.types import Send


@dataclass
class Ctx:
    user: str


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    item: str


def test_runtime_is_a_frozen_value_with_langgraph_merge_rules() -> None:
    store = InMemoryStore()
    rt = Runtime(context="a", store=store)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rt.context = "b"  # type: ignore[misc]
    assert rt.merge(Runtime(context="b")).context == "b"
    assert rt.merge(Runtime(context="")).context == "a"  # falsy counts as unset, as in LangGraph
    assert rt.merge(Runtime()).store is store and rt.override(store=None).store is None
    with pytest.raises(RuntimeError, match="Cannot patch execution_info before it has been set"):
        rt.patch_execution_info(node_attempt=2)
    info = ExecutionInfo(checkpoint_id="c", checkpoint_ns="n:t", task_id="t")
    assert rt.override(execution_info=info).patch_execution_info(node_attempt=3).execution_info.node_attempt == 3


def test_coerce_context() -> None:
    from pydantic import BaseModel

    class P(BaseModel):
        n: int

    assert coerce_context(Ctx, {"user": "u"}) == Ctx("u")
    assert coerce_context(P, {"n": 1}) == P(n=1)
    assert coerce_context(dict, {"n": 1}) == {"n": 1}
    assert coerce_context(None, {"n": 1}) == {"n": 1}
    assert coerce_context(Ctx, None) is None
    same = Ctx("x")
    assert coerce_context(Ctx, same) is same


def test_get_runtime_outside_a_run_names_the_fix() -> None:
    with pytest.raises(RuntimeError, match="^Called get_config outside of a runnable context. .*get_runtime\\(\\)"):
        get_runtime()


def test_context_reaches_nodes_routers_send_targets_and_subgraphs() -> None:
    seen: list[str] = []

    def inner(state: S, runtime: Runtime) -> dict:
        seen.append(f"inner:{runtime.context.user}")
        return {}

    sub = StateGraph(S).add_node(inner).add_edge(START, "inner").compile()

    def a(state: S, runtime: Runtime[Ctx]) -> dict:
        seen.append(f"a:{runtime.context.user}:{get_runtime().context.user}")
        return {}

    def route(state: S, runtime: Runtime[Ctx]) -> list:
        return [Send("b", {"item": runtime.context.user})]

    def b(state: S) -> dict:
        seen.append(f"b:{state['item']}:{get_runtime().context.user}")
        return {}

    g = (StateGraph(S, context_schema=Ctx).add_node(a).add_node(b).add_node("sub", sub)
         .add_edge(START, "a").add_conditional_edges("a", route, ["b"]).add_edge("b", "sub").compile())
    g.invoke({}, context={"user": "ann"})
    assert seen == ["a:ann:ann", "b:ann:ann", "inner:ann"]


def test_runtime_is_built_once_per_attempt_and_not_checkpointed() -> None:
    runtimes = []

    def a(state: S, runtime: Runtime) -> dict:
        runtimes.append((runtime, get_runtime()))
        return {}

    g = StateGraph(S).add_node(a).add_edge(START, "a").compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "t"}}
    g.invoke({}, cfg, context=object())
    (rt, again), = runtimes
    assert rt is again
    info = rt.execution_info
    assert info.thread_id == "t" and info.checkpoint_ns == f"a:{info.task_id}" and info.node_attempt == 1
    saved = g.checkpointer.get_tuple(cfg).checkpoint["channel_values"]
    assert not any(isinstance(v, Runtime) for v in saved.values())


def test_entrypoint_previous_reaches_its_tasks() -> None:
    @task
    def t(x: int) -> object:
        return get_runtime().previous

    @entrypoint(checkpointer=InMemorySaver())
    def wf(x: int, runtime: Runtime) -> list:
        return [x, runtime.previous, t(x).result()]

    cfg = {"configurable": {"thread_id": "t"}}
    assert wf.invoke(1, cfg) == [1, None, None]
    assert wf.invoke(2, cfg) == [2, [1, None, None], [1, None, None]]


class TD(typing_extensions.TypedDict):  # pydantic needs this one before Python 3.12
    n: int


def test_context_jsonschema() -> None:
    def compiled(schema: object) -> object:
        return StateGraph(S, context_schema=schema).add_node("a", lambda s: {}).add_edge(START, "a").compile()

    assert compiled(None).get_context_jsonschema() is None
    assert compiled(Ctx).get_context_jsonschema()["properties"] == {"user": {"title": "User", "type": "string"}}
    assert compiled(TD).get_context_jsonschema()["required"] == ["n"]
    with pytest.raises(ValueError, match="Invalid context schema type: <class 'int'>. Must be a BaseModel"):
        compiled(int).get_context_jsonschema()


def test_router_asking_for_runtime_under_update_state_gets_langgraphs_error() -> None:
    def route(state: S, runtime: Runtime) -> str:
        return "b"

    g = (StateGraph(S).add_node("a", lambda s: {}).add_node("b", lambda s: {}).add_edge(START, "a")
         .add_conditional_edges("a", route, ["b"]).compile(checkpointer=InMemorySaver(), interrupt_before=["a"]))
    cfg = {"configurable": {"thread_id": "t"}}
    g.invoke({}, cfg)
    with pytest.raises(ValueError, match="^Missing required config key 'N/A' for 'route'. "):
        g.update_state(cfg, {"log": ["x"]}, as_node="a")
