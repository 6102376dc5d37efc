"""Each panel kind, chosen from the payload, answered by clicking; bad answers keep the interrupt pending.

Each test runs once per engine (``eng``): panels are chosen from the graph's own ``Interrupt``.
"""

from __future__ import annotations

import re

import importlib
from html import unescape
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import ipywidgets as w
import pytest
from pydantic import BaseModel, Field, field_validator

from hitl_notebook.notebook import RunStatus, register_renderer
from hitl_notebook.notebook._form import NumberText
from hitl_notebook.notebook._panels import walk


class S(TypedDict, total=False):
    answer: Any


def asking(eng: Any, payload: Any, **kwargs: Any) -> Any:
    """A graph of ``eng`` whose one node asks ``payload`` and stores the answer."""
    runs = []

    def ask(state: S) -> dict:
        answer = eng.interrupt(payload, **kwargs)
        runs.append(answer)
        return {"answer": answer.model_dump() if isinstance(answer, BaseModel) else answer}

    graph = eng.StateGraph(S).add_node("ask", ask).add_edge(eng.START, "ask").compile(
        checkpointer=eng.InMemorySaver())
    graph.runs = runs
    return graph


def widgets_of(panel: Any, kind: type) -> list:
    return [x for x in walk(panel) if isinstance(x, kind)]


# -- approve / reject / edit as JSON --------------------------------------------------------------------------


def test_unknown_payload_gets_approve_reject_and_json_editor(eng, start):
    handle = start(asking(eng, {"draft": "hello"}), {})
    panel = handle.view.panel()
    assert panel.kind == "approve"
    assert [b.description for b in panel.buttons] == ["Approve", "Reject", "Edit as JSON", "Send JSON"]
    shown = unescape(re.sub(r"<[^>]+>", "", panel.children[0].value))
    assert "draft: hello" in shown  # unknown payloads are shown (as key: value lines), not hidden
    panel.button("Edit as JSON").click()
    [editor] = widgets_of(panel, w.Textarea)
    assert editor.layout.display == ""
    editor.value = '{"draft": "hello, world", "ok": true}'
    panel.button("Send JSON").click()
    assert handle.wait(5) == {"answer": {"draft": "hello, world", "ok": True}}


def test_invalid_json_shows_inline_error_and_stays_pending(eng, start):
    graph = asking(eng, {"draft": "hello"})
    handle = start(graph, {})
    panel = handle.view.panel()
    panel.button("Edit as JSON").click()
    [editor] = widgets_of(panel, w.Textarea)
    editor.value = "{not json"
    panel.button("Send JSON").click()
    assert "Invalid JSON" in panel.message.value and "line 1" in panel.message.value
    assert not panel.locked and not any(b.disabled for b in panel.buttons)
    assert handle.status is RunStatus.WAITING and len(handle.pending) == 1 and graph.runs == []
    editor.value = '"fixed"'
    panel.button("Send JSON").click()
    assert handle.wait(5) == {"answer": "fixed"}


# -- plain string question ------------------------------------------------------------------------------------


def test_string_question_gets_a_text_box(eng, start):
    handle = start(asking(eng, "What is your name?"), {})
    panel = handle.view.panel()
    assert panel.kind == "text"
    [area] = widgets_of(panel, w.Textarea)
    area.value = "Ada"
    panel.button("Submit").click()
    assert handle.wait(5) == {"answer": "Ada"}
    assert "answered 'Ada' by" in panel.message.value


# -- options --------------------------------------------------------------------------------------------------


def test_options_get_one_button_each(eng, start):
    handle = start(asking(eng, {"question": "Which colour?",
                                "options": ["red", "green", {"label": "Blue!", "value": 3}]}), {})
    panel = handle.view.panel()
    assert panel.kind == "options"
    assert [b.description for b in panel.buttons] == ["red", "green", "Blue!"]
    panel.button("Blue!").click()
    assert handle.wait(5) == {"answer": 3}


# -- response schema ------------------------------------------------------------------------------------------


class Review(BaseModel):
    ok: bool
    score: int = Field(ge=1, le=5)
    ratio: float = 0.5
    tone: Literal["formal", "casual"] = "formal"
    comment: str | None = None

    @field_validator("comment")
    @classmethod
    def polite(cls, value: str | None) -> str | None:
        if value and "stupid" in value:
            raise ValueError("be polite")
        return value


def schema_panel(eng: Any, start: Any) -> tuple[Any, Any, dict[str, Any]]:
    graph = asking(eng, "Rate the draft", response_schema=Review)
    handle = start(graph, {})
    panel = handle.view.panel()
    assert panel.kind == "schema"
    form_inputs = {name: widget for name, widget in zip(("ok", "score", "ratio", "tone", "comment"),
                                                          _inputs(panel))}
    return graph, handle, form_inputs


def _inputs(panel: Any) -> list:
    kinds = (w.Checkbox, w.Dropdown, w.Text, w.Textarea)
    return [x for x in walk(panel) if isinstance(x, kinds)]


def test_schema_form_has_typed_widgets_and_resumes_with_a_typed_answer(eng, start):
    graph, handle, inputs = schema_panel(eng, start)
    assert [type(x) for x in inputs.values()] == [w.Checkbox, NumberText, NumberText, w.Dropdown, w.Text]
    assert inputs["tone"].label == "formal" and [label for label, _ in inputs["tone"].options] == ["formal", "casual"]
    assert (inputs["score"].value, inputs["ratio"].value) == ("", "0.5")  # no made-up 0 for a required number
    inputs["ok"].value = True
    inputs["score"].value = "4"
    inputs["tone"].value = "casual"
    handle.view.panel().button("Submit").click()
    assert handle.wait(5) == {"answer": {"ok": True, "score": 4, "ratio": 0.5, "tone": "casual", "comment": None}}
    assert isinstance(graph.runs[0], Review)  # the engine validated the dict into the model


def test_schema_violation_is_caught_before_resuming(eng, start):
    graph, handle, inputs = schema_panel(eng, start)
    panel = handle.view.panel()
    panel.button("Submit").click()  # score is required and empty
    assert "Score: required" in panel.message.value
    assert not panel.locked and handle.status is RunStatus.WAITING and graph.runs == []
    inputs["score"].value = "0"  # breaks ge=1
    panel.button("Submit").click()
    assert "score: must be ≥ 1" in panel.message.value
    assert not panel.locked and handle.status is RunStatus.WAITING and graph.runs == []
    inputs["score"].value = "2"
    panel.button("Submit").click()
    assert handle.wait(5)["answer"]["score"] == 2


def test_engine_validation_error_reopens_the_panel(eng, start):
    graph, handle, inputs = schema_panel(eng, start)
    panel = handle.view.panel()
    inputs["score"].value = "3"
    inputs["comment"].value = "a stupid draft"  # passes the JSON schema, fails the pydantic validator
    panel.button("Submit").click()
    assert handle.wait_idle(5) is RunStatus.WAITING
    assert "The graph rejected this answer" in panel.message.value and "be polite" in panel.message.value
    assert not panel.locked and len(handle.pending) == 1
    assert [p.interrupt.id for p in handle.view.panels] == [handle.pending[0].id]  # same panel, not a new one
    inputs["comment"].value = "a fine draft"
    panel.button("Submit").click()
    assert handle.wait(5)["answer"]["comment"] == "a fine draft"


class Booking(BaseModel):
    people: int
    budget: float
    table: int | None  # required, but may be null
    deposit: float | None = None  # optional
    children: int = 0  # optional, with a default


def booking_panel(eng: Any, start: Any) -> tuple[Any, Any, Any, dict[str, Any]]:
    graph = asking(eng, "Book it", response_schema=Booking)
    handle = start(graph, {})
    panel = handle.view.panel()
    inputs = dict(zip(Booking.model_fields, widgets_of(panel, NumberText)))
    assert list(inputs) == ["people", "budget", "table", "deposit", "children"]
    return graph, handle, panel, inputs


@pytest.mark.parametrize(("name", "typed", "bad", "what"), [
    ("people", "4", "four", "a whole number"), ("people", "4", "4.5", "a whole number"),
    ("budget", "50.5", "lots", "a number"), ("budget", "50.5", "nan", "a number")])
def test_schema_form_refuses_an_emptied_or_non_numeric_required_number(eng, start, name, typed, bad, what):
    graph, handle, panel, inputs = booking_panel(eng, start)
    inputs["people"].value, inputs["budget"].value = "4", "50.5"
    inputs[name].value = typed
    inputs[name].value = ""  # typed, then cleared: must not send the number typed before
    panel.button("Submit").click()
    assert f"{name.capitalize()}: required, type {what}" in panel.message.value
    assert not panel.locked and handle.status is RunStatus.WAITING and graph.runs == []
    inputs[name].value = bad
    panel.button("Submit").click()
    assert f"{name.capitalize()}: '{bad}' is not {what}" in panel.message.value
    assert not panel.locked and handle.status is RunStatus.WAITING and graph.runs == []
    inputs[name].value = f" {typed} "
    panel.button("Submit").click()
    assert handle.wait(5)["answer"][name] == (int(typed) if name == "people" else float(typed))


def test_schema_form_empty_nullable_number_is_none_and_empty_optional_one_is_left_out(eng, start):
    graph, handle, panel, inputs = booking_panel(eng, start)
    assert inputs["children"].value == "0" and inputs["table"].value == inputs["deposit"].value == ""
    inputs["people"].value, inputs["budget"].value, inputs["children"].value = "2", "30", ""
    panel.button("Submit").click()
    assert handle.wait(5)["answer"] == {"people": 2, "budget": 30.0, "table": None, "deposit": None, "children": 0}
    [decision] = handle.record.decisions
    assert decision.value == {"people": 2, "budget": 30.0, "table": None}  # empty optional fields are left out


def test_non_object_schema_gets_one_field(eng, start):
    handle = start(asking(eng, "Proceed?", response_schema=bool), {})
    panel = handle.view.panel()
    [box] = widgets_of(panel, w.Checkbox)
    box.value = True
    panel.button("Submit").click()
    assert handle.wait(5) == {"answer": True}


# -- LangChain HITL request -----------------------------------------------------------------------------------


def hitl_payload(*actions: tuple[str, dict, list[str]]) -> dict:
    return {
        "action_requests": [{"name": n, "args": a, "description": f"Review {n}"} for n, a, _ in actions],
        "review_configs": [{"action_name": n, "allowed_decisions": d} for n, _, d in actions],
    }


EMAIL = ("send_email", {"to": "a@example.com", "subject": "Hi", "urgent": False, "copies": 1},
         ["approve", "edit", "reject"])


def test_hitl_request_approve(eng, start):
    handle = start(asking(eng, hitl_payload(EMAIL)), {})
    panel = handle.view.panel()
    assert panel.kind == "hitl"
    [toggle] = widgets_of(panel, w.ToggleButtons)
    assert [label for label, _ in toggle.options] == ["Approve", "Edit", "Reject"]
    assert toggle.value is None and panel.button("Submit decision").disabled  # nothing runs by default
    panel.button("Submit decision").click()  # a scripted click on the disabled button is refused inline
    assert "choose approve / edit / reject first" in panel.message.value and handle.status is RunStatus.WAITING
    toggle.value = "approve"
    assert not panel.button("Submit decision").disabled
    panel.button("Submit decision").click()
    assert handle.wait(5) == {"answer": {"decisions": [{"type": "approve"}]}}
    assert "approved send_email by" in panel.message.value  # the label names the tool


def test_hitl_request_edit_gives_typed_arguments(eng, start):
    handle = start(asking(eng, hitl_payload(EMAIL)), {})
    panel = handle.view.panel()
    [toggle] = widgets_of(panel, w.ToggleButtons)
    toggle.value = "edit"
    review_inputs = [x for x in walk(panel) if isinstance(x, (w.Text, w.Checkbox)) and x.layout.display != "none"]
    by_type = {type(x): x for x in review_inputs}
    assert set(by_type) >= {w.Text, w.Checkbox, NumberText}
    to, subject = [x for x in review_inputs if type(x) is w.Text][:2]
    to.value = "b@example.com"
    by_type[w.Checkbox].value = True
    by_type[NumberText].value = "3"
    panel.button("Submit decision").click()
    decision = handle.wait(5)["answer"]["decisions"][0]
    assert decision == {"type": "edit", "edited_action": {"name": "send_email", "args": {
        "to": "b@example.com", "subject": "Hi", "urgent": True, "copies": 3}}}


@pytest.mark.parametrize(("arg", "what"), [("copies", "a whole number"), ("weight", "a number")])
def test_hitl_edit_refuses_an_emptied_or_non_numeric_number_argument(eng, start, arg, what):
    email = ("send_email", {"to": "a@example.com", "copies": 4, "weight": 1.5}, ["approve", "edit", "reject"])
    graph = asking(eng, hitl_payload(email))
    handle = start(graph, {})
    panel = handle.view.panel()
    [toggle] = widgets_of(panel, w.ToggleButtons)
    toggle.value = "edit"
    inputs = dict(zip(("copies", "weight"), widgets_of(panel, NumberText)))
    assert (inputs["copies"].value, inputs["weight"].value) == ("4", "1.5")
    inputs[arg].value = "40"
    inputs[arg].value = ""  # typed, then cleared: neither 40 nor the model's value may be sent
    panel.button("Submit decision").click()
    assert f"{arg}: required, type {what}" in panel.message.value
    assert not panel.locked and handle.status is RunStatus.WAITING and graph.runs == []
    inputs[arg].value = "x"
    panel.button("Submit decision").click()
    assert f"{arg}: 'x' is not {what}" in panel.message.value and graph.runs == []
    inputs[arg].value = "7"
    panel.button("Submit decision").click()
    [decision] = handle.wait(5)["answer"]["decisions"]
    assert decision["edited_action"]["args"][arg] == (7 if arg == "copies" else 7.0)


def test_hitl_request_reject_with_message_and_several_actions(eng, start):
    handle = start(asking(eng, hitl_payload(EMAIL, ("delete_file", {"path": "/tmp/x"}, ["approve", "reject"]))), {})
    panel = handle.view.panel()
    first, second = widgets_of(panel, w.ToggleButtons)
    assert [value for _, value in second.options] == ["approve", "reject"]
    second.value = "reject"
    assert panel.button("Submit 2 decisions").disabled  # the first card is still undecided
    first.value = "approve"
    [note] = [x for x in walk(panel) if isinstance(x, w.Text) and x.placeholder == "message (optional)"
              and x.layout.display != "none"]
    note.value = "never delete"
    panel.button("Submit 2 decisions").click()
    assert handle.wait(5)["answer"] == {"decisions": [
        {"type": "approve"}, {"type": "reject", "message": "never delete"}]}


# -- registered renderers -------------------------------------------------------------------------------------


@dataclass
class Poll:
    question: str


def test_registered_renderer_wins_for_its_type(eng, start):
    seen = []

    def build(ctx: Any) -> w.Widget:
        seen.append(ctx)
        button = w.Button(description=f"Yes to {ctx.interrupt.value.question}")
        button.on_click(lambda _: ctx.submit("custom yes"))
        return button

    remove = register_renderer(Poll, build)
    try:
        handle = start(asking(eng, Poll("lunch?")), {})
    finally:
        remove()
    panel = handle.view.panel()
    assert panel.kind == "custom" and seen[0].node == "ask"
    panel.button("Yes to lunch?").click()
    assert panel.button("Yes to lunch?").disabled
    assert handle.wait(5) == {"answer": "custom yes"}


def test_renderer_predicate_and_failing_renderer_falls_back(eng, start):
    def broken(ctx: Any) -> w.Widget:
        raise RuntimeError("renderer bug")

    remove = register_renderer(lambda value: isinstance(value, dict) and value.get("special"), broken)
    try:
        handle = start(asking(eng, {"special": True}), {})
    finally:
        remove()
    panel = handle.view.panel()
    assert panel.kind == "approve" and "renderer bug" in panel.message.value
    panel.button("Approve").click()
    assert handle.wait(5) == {"answer": "approve"}


@pytest.mark.parametrize("payload, kind", [
    ("plain question", "text"),
    ({"options": ["a"]}, "options"),
    ({"action_requests": [{"name": "t", "args": {}}], "review_configs": []}, "hitl"),
    ({"question": "ok?", "llm_output": "x"}, "approve"),
    (42, "approve"),
])
def test_panel_choice_order(eng, payload, kind):
    from hitl_notebook.notebook._payloads import classify

    Interrupt = importlib.import_module(f"{eng.name}.types").Interrupt
    assert classify(Interrupt(payload, "i")) == kind
    assert classify(Interrupt(payload, "i", response_schema={"type": "boolean"})) == "schema"
