"""The JSON-schema subset behind answer forms: fields from pydantic schemas, validation messages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from hitl_notebook.notebook._schema import check, fields_of, is_object_schema, kind_of_value


class Inner(BaseModel):
    x: int


class Form(BaseModel):
    name: str
    age: int = Field(ge=0)
    ratio: float = 0.5
    mood: Literal["good", "bad"] = "good"
    note: str | None = None
    inner: Inner | None = None
    tags: list[str] = []


def test_fields_from_a_pydantic_schema():
    schema = Form.model_json_schema()
    fields = {f.name: f for f in fields_of(schema)}
    assert {n: f.kind for n, f in fields.items()} == {
        "name": "string", "age": "int", "ratio": "number", "mood": "enum", "note": "string", "inner": "json",
        "tags": "json"}
    assert fields["name"].required and not fields["note"].required and fields["note"].nullable
    assert fields["mood"].options == ("good", "bad") and fields["ratio"].default == 0.5
    assert is_object_schema(schema) and not is_object_schema({"type": "boolean"})
    assert [f.kind for f in fields_of({"type": "boolean"})] == ["bool"]


def test_check_reports_each_problem():
    schema = Form.model_json_schema()
    assert check(schema, {"name": "a", "age": 3, "inner": {"x": 1}, "tags": ["t"]}) == []
    problems = check(schema, {"age": -1, "mood": "meh", "inner": {"x": "no"}, "tags": [1]})
    assert "name: required" in problems
    assert "age: must be ≥ 0" in problems
    assert any(p.startswith("mood: must be one of") for p in problems)
    assert any(p.startswith("inner: does not match") for p in problems)
    assert any(p.startswith("tags[0]: expected string") for p in problems)
    assert check({"type": "integer"}, True) and not check({"type": "integer"}, 3)
    assert check({"type": "number"}, "1") == ['answer: expected number, got str "1"']


def test_kind_of_value_for_tool_arguments():
    assert [kind_of_value(v) for v in (True, 2, 2.5, "s", "x" * 100, {"a": 1})] == [
        "bool", "int", "number", "string", "text", "json"]


def test_discriminated_union_checks_only_the_tagged_branch():
    schema = {
        "$defs": {
            "A": {"type": "object", "properties": {"type": {"const": "a"}}, "required": ["type"]},
            "B": {"type": "object", "properties": {"type": {"const": "b"}, "n": {"type": "integer"}},
                  "required": ["type", "n"]},
        },
        "oneOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}],
        "discriminator": {"propertyName": "type", "mapping": {"a": "#/$defs/A", "b": "#/$defs/B"}},
    }
    assert check(schema, {"type": "a"}) == [] and check(schema, {"type": "b", "n": 1}) == []
    assert check(schema, {"type": "b", "n": "x"}) == ['n: expected integer, got str "x"']
    assert check(schema, {"type": "b"}) == ["n: required"]
    assert check(schema, {"type": "c"}) == ["type: must be one of ['a', 'b'], got \"c\""]
    assert check(schema, {}) == ["type: required (one of ['a', 'b'])"]
    assert check(schema, "a") == ["answer: does not match any allowed form"]
