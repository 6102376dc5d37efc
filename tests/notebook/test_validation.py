"""Answers are checked before they are sent, and a malformed question still gets a panel to answer.

- A text box refuses an empty answer unless the interrupt's ``response_schema`` accepts one, and says why
  ("Booking a trip to ." must not happen); the same in the console.
- Fields of the wrong type in a HITL request or in a response schema (a description that is a dict, arguments that
  are a list, a property that is ``true``...) are shown as text with a note; the panel is always built, so the run
  never waits with nothing to click.
"""

from __future__ import annotations

import io
from typing import Any

import ipywidgets as w
import pytest

from hitl_notebook.notebook import ConsolePolicy, RunStatus
from hitl_notebook.notebook._hitl import hitl_review
from hitl_notebook.notebook._panels import Panel, walk
from hitl_notebook.notebook._policy import AnswerContext
from hitl_notebook.notebook._record import Entry
from hitl_notebook.notebook._schema import EMPTY_ANSWER, AnswerError, fields_of, text_answer
from hitl_notebook.types import Interrupt
from tests.notebook.test_panels import asking, widgets_of


def test_text_answer_refuses_empty_without_a_schema():
    for empty in ("", "   ", "\n"):
        with pytest.raises(AnswerError, match="the answer is empty"):
            text_answer(empty)
    assert text_answer(" Lisbon ") == " Lisbon "


def test_text_answer_follows_the_schema():
    assert text_answer("", {"type": "string"}) == ""  # the schema allows it
    with pytest.raises(AnswerError) as info:
        text_answer("", {"type": "string", "minLength": 1})
    assert str(info.value) == EMPTY_ANSWER
    with pytest.raises(AnswerError, match="allows at most 3 characters"):
        text_answer("Lisbon", {"type": "string", "maxLength": 3})


def test_the_text_panel_refuses_an_empty_answer_and_says_why(eng, start):
    graph = asking(eng, "Which city should I plan a weekend trip to?")
    handle = start(graph, {})
    panel = handle.view.panel()
    assert panel.kind == "text"
    [area] = widgets_of(panel, w.Textarea)
    area.value = "  "
    panel.button("Submit").click()
    assert "the answer is empty" in panel.message.value and "response_schema" in panel.message.value
    assert not panel.locked and handle.status is RunStatus.WAITING and graph.runs == []
    area.value = "Lisbon"
    panel.button("Submit").click()
    assert handle.wait(5) == {"answer": "Lisbon"}


def test_a_string_schema_lets_the_text_panel_send_an_empty_answer(eng, start):
    graph = asking(eng, "Any wishes? (leave empty for none)", response_schema=str)
    handle = start(graph, {})
    panel = handle.view.panel()
    assert panel.kind == "text"  # a question answered by one string keeps the text box
    panel.button("Submit").click()
    assert handle.wait(5) == {"answer": ""}


def test_the_console_asks_again_after_an_empty_answer():
    replies = iter(["", "  ", "Lisbon"])
    out = io.StringIO()
    policy = ConsolePolicy(input_fn=lambda prompt: next(replies), stream=out)
    assert policy.answer(Interrupt("Which city?", "i1"), AnswerContext()) == "Lisbon"
    assert out.getvalue().count("the answer is empty") == 2


# -- fields of the wrong type ----------------------------------------------------------------------------------

ODD_REQUEST = {
    "action_requests": [
        {"name": "book", "args": ["Lisbon", 2], "description": {"why": "trip"}},
        {"name": 42, "args": {"city": "Porto"}, "description": 7},
        {"name": "pay", "args": None},
    ],
    "review_configs": [{"action_name": "book", "allowed_decisions": "approve"}, {"action_name": 42}, {}],
}


def test_a_hitl_request_with_odd_field_types_is_read_with_notes():
    review = hitl_review(Interrupt(ODD_REQUEST, "i1"))
    assert review is not None and len(review.actions) == 3
    book, answer, pay = review.actions
    assert book.description == '{\n  "why": "trip"\n}' and book.args == {}
    assert any("arguments are a list" in n for n in book.notes)
    assert any("description is a dict" in n for n in book.notes)
    assert any("allowed_decisions='approve' is not a list" in n for n in book.notes)
    assert answer.name == "42" and answer.description == "7" and any("name is an int" in n for n in answer.notes)
    assert pay.args == {} and pay.notes == ()


def test_the_panel_of_an_odd_hitl_request_is_built_and_answers(eng, start):
    handle = start(asking(eng, ODD_REQUEST), {})
    panel = handle.view.panel()
    assert panel.kind == "hitl"
    html = " ".join(x.value for x in walk(panel) if isinstance(x, w.HTML))
    assert "not a string" in html and "not an object" in html
    for toggle in widgets_of(panel, w.ToggleButtons):
        toggle.value = "approve"
    panel.button("Submit 3 decisions").click()
    assert handle.wait(5) == {"answer": {"decisions": [{"type": "approve"}] * 3}}


ODD_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": {"not": "a string"}, "title": 5, "maxLength": "long"},
        "note": {"type": ["string", "null"]},
        "anything": True,
        "mixed": {"anyOf": [{"type": "integer"}, "junk"]},
    },
    "required": "city",
}


def test_a_schema_with_odd_keyword_types_gives_fields():
    fields = {f.name: f for f in fields_of(ODD_SCHEMA)}
    assert fields["city"].description == '{"not": "a string"}' and fields["city"].title == "5"
    assert fields["city"].kind == "string" and not fields["city"].required  # "required" was not a list
    assert fields["note"].nullable and fields["note"].kind == "string"
    assert fields["anything"].kind == "json" and fields["mixed"].kind == "int"


def test_the_panel_of_an_odd_schema_is_built_and_answers(eng, start):
    handle = start(asking(eng, {"question": "Where?"}, response_schema=ODD_SCHEMA), {})
    panel = handle.view.panel()
    assert panel.kind == "schema"
    [city] = [x for x in walk(panel) if type(x) is w.Text][:1]
    city.value = "Lisbon"
    panel.button("Submit").click()
    assert handle.wait(5)["answer"]["city"] == "Lisbon"


def test_a_payload_no_panel_can_read_falls_back_to_approve_reject(monkeypatch):
    from hitl_notebook.notebook import _panels

    def broken(interrupt: Any, widgets: bool = True) -> str:
        raise TypeError("unreadable payload")

    monkeypatch.setattr(_panels, "classify", broken)
    sent = []
    entry = Entry(key="i1", kind="interrupt", node="ask", interrupt=Interrupt({"x": 1}, "i1"))
    panel = Panel(entry, answer=lambda iid, value: sent.append((iid, value)))
    assert panel.kind == "approve" and "could not be built (TypeError: unreadable payload)" in panel.message.value
    panel.button("Approve").click()
    assert sent == [("i1", "approve")]


def test_a_per_call_request_with_an_odd_description_is_read_with_a_note():
    value = {"type": "tool_approval", "name": "book", "args": {"city": "Lisbon"}, "description": ["not", "text"]}
    review = hitl_review(Interrupt(value, "i1"))
    assert review is not None and review.mode == "per_call"
    [action] = review.actions
    assert action.description == '[\n  "not",\n  "text"\n]' and any("description is a list" in n for n in action.notes)
    entry = Entry(key="i1", kind="interrupt", node="ask", interrupt=Interrupt(value, "i1"))
    panel = Panel(entry, answer=lambda iid, value: None)
    assert panel.kind == "hitl" and "not a string" in " ".join(x.value for x in walk(panel) if isinstance(x, w.HTML))
