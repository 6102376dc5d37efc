"""Graph builders that run unchanged on ``langgraph`` and on ``hitl_notebook``.

Each builder takes a :class:`Lib` (the StateGraph/START/END/Command/entrypoint of one package) and returns
``(compiled, get_graph_kwargs)``. Annotations are evaluated eagerly (no ``from __future__ import annotations``)
so ``Command[Literal[...]]`` hints refer to the right package's ``Command``.
"""

import importlib
import operator
from collections.abc import Callable
from types import SimpleNamespace
from typing import Annotated, Any, Literal, Optional, TypedDict

import pytest



class S(TypedDict, total=False):
    x: int
    items: Annotated[list, operator.add]


def lib(package: str) -> SimpleNamespace:
    """The names the builders use, taken from ``package`` (``"langgraph"`` or ``"hitl_notebook"``)."""
    graph = importlib.import_module(f"{package}.graph")
    types = importlib.import_module(f"{package}.types")
    func = importlib.import_module(f"{package}.func")
    return SimpleNamespace(StateGraph=graph.StateGraph, START=graph.START, END=graph.END, Command=types.Command,
                           Send=types.Send, entrypoint=func.entrypoint, package=package)


def f(state: S) -> dict:
    return {}


def _chain(m):
    g = m.StateGraph(S).add_node("a", f).add_node("b", f).add_node("c", f)
    return g.add_edge(m.START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", m.END).compile(), {}


def _chain_implicit_end(m):
    g = m.StateGraph(S).add_sequence([("a", f), ("b", f)])
    return g.add_edge(m.START, "a").compile(), {}


def _edge_to_end_and_node(m):
    g = m.StateGraph(S).add_node("a", f).add_node("b", f)
    return g.add_edge(m.START, "a").add_edge("a", "b").add_edge("a", m.END).compile(), {}


def _join(m):
    g = m.StateGraph(S).add_node("a", f).add_node("b", f).add_node("c", f)
    g.add_edge(m.START, "a").add_edge(m.START, "b").add_edge(["a", "b"], "c").add_edge("c", m.END)
    return g.compile(), {}


def _join_uneven(m):
    g = m.StateGraph(S)
    for name in "abcde":
        g.add_node(name, f)
    g.add_edge(m.START, "a").add_edge("a", "b").add_edge("a", "c").add_edge("c", "e").add_edge(["b", "e"], "d")
    return g.compile(), {}


def _agent(m, path: Callable[..., Any], path_map: Any):
    g = m.StateGraph(S).add_node("agent", f).add_node("tool", f)
    g.add_edge(m.START, "agent").add_conditional_edges("agent", path, path_map).add_edge("tool", "agent")
    return g.compile(), {}


def _cond_dict(m):
    return _agent(m, lambda s: "go", {"go": "tool", "stop": m.END})


def _cond_list(m):
    return _agent(m, lambda s: "tool", ["tool", m.END])


def _cond_literal(m):
    def route(state: S) -> Literal["tool", "__end__"]:
        return "tool"
    return _agent(m, route, None)


def _cond_no_hint(m):
    def route(state):
        return "tool"
    g = m.StateGraph(S).add_node("agent", f).add_node("tool", f).add_node("other", f)
    g.add_edge(m.START, "agent").add_conditional_edges("agent", route).add_edge("tool", "agent")
    return g.compile(), {}


def _cond_bool_keys(m):
    return _agent(m, lambda s: True, {True: "tool", False: m.END})


def _cond_long_label(m):
    return _agent(m, lambda s: "x", {"one two three four five six seven eight nine ten eleven": "tool", "end": m.END})


def _cond_entry(m):
    g = m.StateGraph(S).add_node("a", f).add_node("b", f)
    g.set_conditional_entry_point(lambda s: "a", {"first": "a", "second": "b"})
    return g.compile(), {}


def _two_branches(m):
    g = m.StateGraph(S).add_node("a", f).add_node("b", f).add_node("c", f)
    g.add_edge(m.START, "a")
    g.add_conditional_edges("a", lambda s: "b", ["b", m.END])

    def second(state: S) -> Literal["c"]:
        return "c"
    g.add_conditional_edges("a", second)
    return g.compile(), {}


def _static_and_branch(m):
    g = m.StateGraph(S).add_node("a", f).add_node("b", f)
    g.add_edge(m.START, "a").add_edge("a", "b").add_conditional_edges("a", lambda s: "go", {"go": "b", "stop": m.END})
    return g.compile(), {}


def _self_loop(m):
    g = m.StateGraph(S).add_node("a", f)
    return g.add_edge(m.START, "a").add_conditional_edges("a", lambda s: m.END, ["a", m.END]).compile(), {}


def _command_literal(m):
    def a(state: S) -> m.Command[Literal["b", "c"]]:
        return m.Command(goto="b")
    g = m.StateGraph(S).add_node("a", a).add_node("b", f).add_node("c", f)
    return g.add_edge(m.START, "a").add_edge("b", m.END).compile(), {}


def _command_optional(m):
    def a(state: S) -> Optional[m.Command[Literal["b", "__end__"]]]:
        return None
    g = m.StateGraph(S).add_node("a", a).add_node("b", f)
    return g.add_edge(m.START, "a").compile(), {}


def _destinations_tuple(m):
    g = m.StateGraph(S).add_node("a", f, destinations=("b", "c")).add_node("b", f).add_node("c", f)
    return g.add_edge(m.START, "a").compile(), {}


def _destinations_dict(m):
    g = m.StateGraph(S).add_node("a", f, destinations={"b": "to b", "__end__": "done"}).add_node("b", f)
    return g.add_edge(m.START, "a").compile(), {}


def _send_fanout(m):
    g = m.StateGraph(S).add_node("plan", f).add_node("worker", f).add_node("reduce", f)
    g.add_edge(m.START, "plan")
    g.add_conditional_edges("plan", lambda s: [m.Send("worker", {"x": i}) for i in range(3)], ["worker"])
    return g.add_edge("worker", "reduce").add_edge("reduce", m.END).compile(), {}


def _interrupts(m):
    compiled, _ = _chain(m)
    return compiled.builder.compile(interrupt_before=["b"], interrupt_after=["b", "c"]), {}


def _interrupt_star(m):
    compiled, _ = _chain(m)
    return compiled.builder.compile(interrupt_before="*", interrupt_after=["a"]), {}


def _defer(m):
    g = m.StateGraph(S)
    for name in "abcde":
        g.add_node(name, f, defer=name == "d")
    g.add_edge(m.START, "a").add_edge("a", "b").add_edge("a", "c").add_edge("c", "e")
    return g.add_edge("b", "d").add_edge("e", "d").compile(), {}


def _defer_join(m):
    g = m.StateGraph(S)
    for name in "abcd":
        g.add_node(name, f, defer=name == "d")
    g.add_edge(m.START, "a").add_edge("a", "b").add_edge("a", "c").add_edge(["b", "c"], "d")
    return g.compile(), {}


def _metadata(m):
    g = m.StateGraph(S).add_node("a", f, metadata={"owner": "ops", "tags": ["x", "y"], "skip": {"no": 1}})
    return g.add_edge(m.START, "a").compile(), {}


def _odd_names(m):
    g = m.StateGraph(S).add_node("my node", f).add_node("*star*", f).add_node("x-y", f)
    g.add_edge(m.START, "my node").add_edge("my node", "*star*").add_edge("*star*", "x-y")
    return g.compile(), {}


def _orphan(m):
    g = m.StateGraph(S).add_node("a", f).add_node("b", f)
    return g.add_edge(m.START, "a").compile(), {}


def _loop_forever(m):
    g = m.StateGraph(S).add_node("a", f).add_node("b", f)
    return g.add_edge(m.START, "a").add_edge("a", "b").add_edge("b", "a").compile(), {}


def _child(m):
    def route(state: S) -> Literal["c2", "__end__"]:
        return "c2"
    g = m.StateGraph(S).add_node("c1", f).add_node("c2", f)
    return g.add_edge(m.START, "c1").add_conditional_edges("c1", route).add_edge("c2", m.END).compile()


def _parent(m, **compile_kwargs):
    g = m.StateGraph(S).add_node("p1", f).add_node("sub", _child(m)).add_node("join", f)
    g.add_edge(m.START, "p1").add_edge("p1", "sub").add_edge("sub", "join")
    return g.compile(**compile_kwargs)


def _subgraph(m):
    return _parent(m), {}


def _subgraph_xray(m):
    return _parent(m, interrupt_before=["join"]), {"xray": True}


def _nested(m, xray):
    g = m.StateGraph(S).add_node("outer", _parent(m)).add_node("after", f)
    return g.add_edge(m.START, "outer").add_edge("outer", "after").compile(), {"xray": xray}


def _nested_xray1(m):
    return _nested(m, 1)


def _nested_xray(m):
    return _nested(m, True)


def _entrypoint(m):
    @m.entrypoint()
    def workflow(value: int) -> int:
        return value
    return workflow, {}


GRAPHS: dict[str, Callable[[SimpleNamespace], tuple[Any, dict[str, Any]]]] = {
    name[1:]: fn for name, fn in list(globals().items())
    if name.startswith("_") and not name.startswith("__") and callable(fn)
    and name not in ("_agent", "_child", "_parent", "_nested")
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that takes ``graph_name`` once per builder in :data:`GRAPHS`."""
    if "graph_name" in metafunc.fixturenames:
        metafunc.parametrize("graph_name", sorted(GRAPHS))


@pytest.fixture
def graphs() -> dict[str, Callable[[SimpleNamespace], tuple[Any, dict[str, Any]]]]:
    return GRAPHS


@pytest.fixture
def hitl() -> SimpleNamespace:
    """``hitl_notebook``'s names, with drawing wired into ``Pregel``."""
    return lib("hitl_notebook")


@pytest.fixture
def both() -> Callable[[str], tuple[Any, Any]]:
    """``both(name)`` -> (LangGraph's drawable graph, ours) for the builder ``name``; skips without langgraph."""
    pytest.importorskip("langgraph")

    def draw(name: str) -> tuple[Any, Any]:
        out = []
        for package in ("langgraph", "hitl_notebook"):
            compiled, kwargs = GRAPHS[name](lib(package))
            out.append(compiled.get_graph(**kwargs))
        return out[0], out[1]

    return draw
