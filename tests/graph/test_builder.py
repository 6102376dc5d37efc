"""StateGraph declaration and compile-time validation (LangGraph's messages)."""

from __future__ import annotations

import dataclasses
import operator
from typing import Annotated, Literal, TypedDict

import pytest

from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.types import Command


class S(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


def noop(state: S) -> None:
    return None


def test_add_node_takes_name_from_function_and_chains():
    builder = StateGraph(S).add_node(noop).add_edge(START, "noop")
    assert "noop" in builder.nodes
    assert builder.compile().invoke({"x": 1}) == {"x": 1, "log": []}


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda b: b.add_node("a", noop), "Graph must have an entrypoint: add at least one edge from START to another node"),
        (lambda b: b.add_node("a", noop).add_edge(START, "a").add_edge("a", "nope"), "Found edge ending at unknown node `nope`"),
        (lambda b: b.add_node("a", noop).add_edge(START, "a").add_edge("nope", "a"), "Found edge starting at unknown node 'nope'"),
        (
            lambda b: b.add_node("a", noop).add_edge(START, "a").add_conditional_edges("a", lambda s: "x", {"k": "missing"}),
            "At 'a' node, 'condition' branch found unknown target 'missing'",
        ),
    ],
)
def test_compile_validation_messages(build, message):
    with pytest.raises(ValueError) as err:
        build(StateGraph(S)).compile()
    assert str(err.value) == message


def test_eager_validation_messages():
    builder = StateGraph(S).add_node("a", noop)
    with pytest.raises(ValueError, match="Node `a` already present."):
        builder.add_node("a", noop)
    with pytest.raises(ValueError, match="Node `__start__` is reserved."):
        builder.add_node(START, noop)
    with pytest.raises(ValueError, match="END cannot be a start node"):
        builder.add_edge(END, "a")
    with pytest.raises(ValueError, match="START cannot be an end node"):
        builder.add_edge("a", START)
    with pytest.raises(ValueError, match="'|' is a reserved character"):
        builder.add_node("a|b", noop)
    with pytest.raises(ValueError, match="Need to add_node `zz` first"):
        builder.add_edge(["a", "zz"], "a")
    builder.add_edge(START, "a")
    with pytest.raises(ValueError, match="Interrupt node `zzz` not found"):
        builder.compile(interrupt_before=["zzz"])


def test_command_literal_hint_is_validated():
    def jump(state: S) -> Command[Literal["zz"]]:
        return Command(goto="zz")

    with pytest.raises(ValueError, match="Found edge ending at unknown node `zz`"):
        StateGraph(S).add_node(jump).add_edge(START, "jump").compile()


def test_duplicate_branch_name_rejected():
    def router(state: S) -> str:
        return END

    builder = StateGraph(S).add_node("a", noop).add_conditional_edges("a", router)
    with pytest.raises(ValueError, match="Branch with name `router` already exists for node `a`"):
        builder.add_conditional_edges("a", router)


def test_add_sequence_and_shortcuts():
    def one(state: S) -> dict:
        return {"log": ["one"]}

    def two(state: S) -> dict:
        return {"log": ["two"]}

    graph = StateGraph(S).add_sequence([one, ("second", two)]).set_entry_point("one").set_finish_point("second").compile()
    assert graph.invoke({})["log"] == ["one", "two"]


def test_dataclass_and_pydantic_schemas_give_instances_to_nodes():
    pydantic = pytest.importorskip("pydantic")

    @dataclasses.dataclass
    class D:
        x: int
        log: Annotated[list, operator.add] = dataclasses.field(default_factory=list)

    class P(pydantic.BaseModel):
        x: int
        log: Annotated[list, operator.add] = []

    seen = []

    def node(state):
        seen.append(type(state).__name__)
        return {"x": state.x + 1, "log": ["n"]}

    for schema in (D, P):
        result = StateGraph(schema).add_node("n", node).add_edge(START, "n").compile().invoke({"x": 1})
        assert result == {"x": 2, "log": ["n"]} and isinstance(result, dict)
    assert seen == ["D", "P"]
    with pytest.raises(pydantic.ValidationError):
        StateGraph(P).add_node("n", node).add_edge(START, "n").compile().invoke({"x": "not an int"})


def test_conflicting_reducers_for_one_key():
    class Other(TypedDict):
        log: Annotated[list, lambda a, b: b]

    with pytest.raises(ValueError, match="Channel 'log' already exists with a different type"):
        StateGraph(S, input_schema=Other)


class In(TypedDict):
    question: str


class Out(TypedDict):
    answer: str


class Overall(TypedDict, total=False):
    question: str
    answer: str
    notes: Annotated[list, operator.add]


class Private(TypedDict):
    scratch: str


def test_input_output_and_private_node_schemas():
    """Hints must resolve at module level (string annotations), as in LangGraph."""
    seen = []

    def a(state: In) -> Private:
        seen.append(dict(state))
        return {"scratch": "priv:" + state["question"]}

    def b(state: Private):
        seen.append(dict(state))
        return {"answer": state["scratch"].upper(), "notes": ["n"]}

    graph = StateGraph(Overall, input_schema=In, output_schema=Out).add_node(a).add_node(b)
    graph = graph.add_edge(START, "a").add_edge("a", "b").add_edge("b", END).compile()
    assert graph.invoke({"question": "hi", "notes": ["dropped"], "extra": 1}) == {"answer": "PRIV:HI"}
    assert seen == [{"question": "hi"}, {"scratch": "priv:hi"}]
    assert list(graph.stream({"question": "hi"}, stream_mode="values"))[-1] == {
        "question": "hi", "answer": "PRIV:HI", "notes": ["n"], "scratch": "priv:hi",
    }
