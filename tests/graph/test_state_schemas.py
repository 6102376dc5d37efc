"""State schemas beyond TypedDict: non-dict state, plain classes, pydantic, hint-declared keys, JSON schemas."""

from __future__ import annotations

import dataclasses
import operator
from typing import Annotated, Optional, TypedDict

import pytest
from pydantic import BaseModel, ValidationError, field_validator

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.func import entrypoint
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.types import Command


def test_whole_state_reducer_returns_and_saves_the_bare_value():
    g = StateGraph(Annotated[list, operator.add])
    g.add_node("a", lambda s: ["a"]).add_node("b", lambda s: [len(s)]).add_edge(START, "a").add_edge("a", "b")
    app = g.compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "t"}}
    assert app.invoke(["x"], cfg) == ["x", "a", 2]
    assert app.get_state(cfg).values == ["x", "a", 2]
    assert list(g.compile().stream(["x"])) == [{"a": ["a"]}, {"b": [2]}]


def test_whole_state_last_value_takes_command_updates_and_ignores_none():
    g = StateGraph(list[str]).add_node("a", lambda s: None)
    g.add_node("b", lambda s: Command(update=s + ["b"], goto=END)).add_edge(START, "a").add_edge("a", "b")
    app = g.compile()
    assert app.invoke(["x"]) == ["x", "b"]
    assert list(app.stream(["x"])) == [{"a": None}, {"b": ["x", "b"]}]


def test_plain_class_annotations_are_the_state_keys():
    class Plain:
        x: int
        y: Annotated[list, operator.add]

    g = StateGraph(Plain).add_node("a", lambda s: {"x": s["x"] + 1, "y": ["a"]}).add_edge(START, "a")
    assert g.compile().invoke({"x": 1, "y": []}) == {"x": 2, "y": ["a"]}


class S(TypedDict):
    a: int


class Extra(TypedDict):
    a: int
    hidden: str


def test_keys_in_node_and_router_hints_become_channels():
    def first(s: S):
        return {"a": 1, "hidden": "h"}

    def second(s: Extra):
        return {"a": s["a"] + 1, "hidden": s["hidden"] + "!"}

    seen = []

    def route(s: Extra):
        seen.append(dict(s))
        return END

    g = StateGraph(S).add_node("first", first).add_node("second", second)
    g.add_edge(START, "first").add_edge("first", "second").add_conditional_edges("second", route)
    app = g.compile()
    assert "hidden" in g.channels
    assert list(app.stream({"a": 0})) == [{"first": {"a": 1, "hidden": "h"}}, {"second": {"a": 2, "hidden": "h!"}}]
    assert seen == [{"a": 2, "hidden": "h!"}]
    assert app.invoke({"a": 0}) == {"a": 2}


def test_pydantic_state_is_validated_once_per_read_not_at_input():
    calls = []

    class P(BaseModel):
        x: int

        @field_validator("x")
        @classmethod
        def non_negative(cls, v):
            calls.append(v)
            if v < 0:
                raise ValueError("x must be >= 0")
            return v

    g = StateGraph(P).add_node("a", lambda s: {"x": s.x + 1}).add_node("b", lambda s: {"x": s.x * 10})
    app = g.add_edge(START, "a").add_edge("a", "b").compile()
    assert app.invoke({"x": 1}) == {"x": 20}
    assert calls == [1, 2]
    with pytest.raises(ValidationError):
        app.invoke({"x": -1})
    with pytest.raises(ValidationError):
        app.invoke({})


@dataclasses.dataclass
class D:
    x: int
    maybe: Optional[str]
    y: Optional[int] = None
    w: int = 3


def test_dataclass_jsonschema_leaves_optional_fields_out_of_required():
    app = StateGraph(D).add_node("a", lambda s: {"x": 1}).add_edge(START, "a").compile()
    schema = app.get_input_jsonschema()
    assert schema["title"] == "LangGraphInput"
    assert schema["required"] == ["x"]
    assert schema["properties"]["w"]["default"] == 3
    assert app.get_output_jsonschema()["title"] == "LangGraphOutput"


def test_non_dict_state_jsonschema_is_the_value_type():
    app = StateGraph(list[str]).add_node("a", lambda s: s).add_edge(START, "a").compile()
    assert app.get_input_jsonschema() == {"default": None, "items": {"type": "string"}, "title": "LangGraphInput",
                                          "type": "array"}


def test_entrypoint_jsonschemas_come_from_the_signature():
    @entrypoint()
    def flow(x: int) -> entrypoint.final[str, int]:
        return entrypoint.final(value=str(x), save=x)

    assert flow.get_input_jsonschema() == {"title": "LangGraphInput", "type": "integer"}
    assert flow.get_output_jsonschema() == {"title": "LangGraphOutput", "type": "string"}


def test_generator_entrypoint_is_refused():
    def gen(x):
        yield x

    with pytest.raises(NotImplementedError, match="Generators are not supported in the Functional API."):
        entrypoint()(gen)
