"""Panels, policies and console answers for LangChain's HumanInTheLoopMiddleware, checked against real agent runs.

Each test pauses a real ``create_agent`` agent (scripted fake model, real tools, real middleware, LangGraph's
InMemorySaver), builds the panel from the interrupt LangGraph reports, clicks it, and resumes the agent with the
answer the panel emitted: approve runs the tool once, edit runs it with the edited arguments, reject does not run
it and the model is told why.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import ipywidgets as w
import pytest

pytest.importorskip("langchain")

from langchain_core.messages import HumanMessage  # noqa: E402
from langgraph.types import Command  # noqa: E402

from hitl_notebook.notebook import (  # noqa: E402
    AnswerContext,
    ConsolePolicy,
    PolicyError,
    auto_approve,
    auto_reject,
    scripted,
)
from hitl_notebook.notebook._form import NumberText  # noqa: E402
from hitl_notebook.notebook._panels import Panel, walk  # noqa: E402
from hitl_notebook.notebook._terminal import WRAP_CSS  # noqa: E402
from hitl_notebook.notebook._payloads import classify, decision_label  # noqa: E402
from hitl_notebook.notebook._record import Entry  # noqa: E402
from tests.agents_helpers import ScriptedChatModel, TravelTools, calls, hitl_agent, tool_messages  # noqa: E402

FULL = ["approve", "edit", "reject"]
HOTEL = ("book_hotel", {"city": "Paris", "nights": 2})
FLIGHTS = ("search_flights", {"destination": "Rome"})


def pause(mode: str, interrupt_on: dict[str, Any], *requested: tuple[str, dict]) -> SimpleNamespace:
    """An agent paused on its first tool calls (``requested``), with the model's last reply scripted as "Done."."""
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(*requested), "Done.")
    agent = hitl_agent(model, tools.tools, interrupt_on, mode=mode)
    config = {"configurable": {"thread_id": f"{mode}-thread"}}
    agent.invoke({"messages": [HumanMessage("Plan my trip")]}, config)
    interrupts = list(agent.get_state(config).interrupts)
    assert interrupts and tools.ran == []
    return SimpleNamespace(agent=agent, config=config, tools=tools, model=model, interrupts=interrupts)


def panel_for(interrupt: Any) -> tuple[Panel, list[tuple[str, Any]]]:
    """The panel for a LangGraph interrupt and the list of ``(interrupt id, answer)`` it emits."""
    sent: list[tuple[str, Any]] = []
    entry = Entry(key=interrupt.id, kind="interrupt", node="tools", interrupt=interrupt)
    return Panel(entry, answer=lambda iid, value: sent.append((iid, value))), sent


def finish(run: SimpleNamespace, resume: Any) -> dict:
    result = run.agent.invoke(Command(resume=resume), run.config)
    assert not run.agent.get_state(run.config).interrupts
    return result


def toggles(panel: Panel) -> list[w.ToggleButtons]:
    return [x for x in walk(panel) if isinstance(x, w.ToggleButtons)]


def visible(panel: Panel, kind: type) -> list:
    return [x for x in walk(panel) if type(x) is kind and x.layout.display != "none"]


def note(panel: Panel) -> w.Text:
    [text] = [x for x in walk(panel) if type(x) is w.Text and x.placeholder.startswith(("message", "reply"))
              and x.layout.display != "none"]
    return text


# -- batched: one interrupt per model turn, answered with {"decisions": [...]} ---------------------------------


def test_batched_cards_offer_exactly_the_allowed_decisions_and_approve_runs_each_tool_once():
    run = pause("batched", {"book_hotel": {"allowed_decisions": FULL},
                            "search_flights": {"allowed_decisions": ["approve", "reject"]}}, HOTEL, FLIGHTS)
    [interrupt] = run.interrupts
    panel, sent = panel_for(interrupt)
    assert panel.kind == "hitl" and "review the tool calls" in panel.children[0].value
    hotel, flights = toggles(panel)
    assert [v for _, v in hotel.options] == FULL and [v for _, v in flights.options] == ["approve", "reject"]
    submit = panel.button("Submit 2 decisions")
    hotel.value = "approve"
    assert submit.disabled and sent == []  # one card still undecided
    flights.value = "approve"
    assert not submit.disabled
    submit.click()
    assert sent == [(interrupt.id, {"decisions": [{"type": "approve"}, {"type": "approve"}]})]
    result = finish(run, sent[0][1])
    assert sorted(run.tools.ran) == [  # the agent runs the two calls in parallel
        ("book_hotel", {"city": "Paris", "nights": 2, "breakfast": False, "guests": None}),
        ("search_flights", {"destination": "Rome", "max_price": 500})]
    assert result["messages"][-1].content == "Done."


def test_the_chosen_decision_is_marked_in_its_colour_on_its_card():
    run = pause("batched", {"book_hotel": {"allowed_decisions": FULL}}, HOTEL)
    [interrupt] = run.interrupts
    panel, _ = panel_for(interrupt)
    [hotel] = toggles(panel)
    picks = lambda: [c for c in hotel._dom_classes if c.startswith("hitl-pick-")]  # noqa: E731
    assert picks() == []  # nothing preselected, nothing marked
    hotel.value = "approve"
    assert picks() == ["hitl-pick-approve"]
    hotel.value = "reject"
    assert picks() == ["hitl-pick-reject"]  # one mark at a time, and the run view's CSS colours it red
    from hitl_notebook.notebook._view import _CSS
    assert ".hitl-pick-reject .widget-toggle-button.mod-active{background:#dc2626}" in _CSS


def test_batched_edit_runs_the_tool_with_the_edited_arguments_and_reject_tells_the_model():
    run = pause("batched", {"book_hotel": {"allowed_decisions": FULL},
                            "search_flights": {"allowed_decisions": FULL}}, HOTEL, FLIGHTS)
    panel, sent = panel_for(run.interrupts[0])
    hotel, flights = toggles(panel)
    hotel.value = "edit"
    [nights] = visible(panel, NumberText)  # typed from the argument's value
    nights.value = "4"
    flights.value = "reject"
    note(panel).value = "too expensive"
    panel.button("Submit 2 decisions").click()
    answer = sent[0][1]
    assert answer == {"decisions": [
        {"type": "edit", "edited_action": {"name": "book_hotel", "args": {"city": "Paris", "nights": 4}}},
        {"type": "reject", "message": "too expensive"}]}
    assert decision_label(answer, "approve", "reject", run.interrupts[0]) == \
        "edited book_hotel, rejected search_flights: too expensive"
    finish(run, answer)
    assert [name for name, _ in run.tools.ran] == ["book_hotel"] and run.tools.ran[0][1]["nights"] == 4
    [rejection] = tool_messages(run.model, lambda m: m.name == "search_flights")
    assert "too expensive" in rejection.content and rejection.status == "error"


def test_card_shows_the_middlewares_description_with_its_line_breaks():
    run = pause("batched", {"book_hotel": {"allowed_decisions": FULL}}, HOTEL)
    panel, _ = panel_for(run.interrupts[0])
    [card] = panel.hitl.cards
    description = run.interrupts[0].value["action_requests"][0]["description"]
    assert description.startswith("Tool execution requires approval\n\nTool: book_hotel\n")
    head = card.box.children[0].value
    assert f"<div style='{WRAP_CSS}'>Tool execution requires approval\n\nTool: book_hotel\n" in head


def test_batched_respond_needs_a_message_and_answers_for_the_tool():
    run = pause("batched", {"search_flights": {"allowed_decisions": ["approve", "respond"]}}, FLIGHTS)
    panel, sent = panel_for(run.interrupts[0])
    [choice] = toggles(panel)
    choice.value = "respond"
    panel.button("Submit decision").click()
    assert sent == [] and "needs a message" in panel.message.value and not panel.locked
    note(panel).value = "There are no flights on Sundays."
    panel.button("Submit decision").click()
    assert sent[0][1] == {"decisions": [{"type": "respond", "message": "There are no flights on Sundays."}]}
    finish(run, sent[0][1])
    assert run.tools.ran == []
    [reply] = tool_messages(run.model)
    assert reply.content == "There are no flights on Sundays." and reply.status == "success"


# -- per call: one interrupt per gated tool call, oneOf response_schema, answered with one decision by id -------


def test_per_call_panel_replaces_the_text_box_and_approve_runs_the_tool_once():
    run = pause("per_call", {"book_hotel": {"allowed_decisions": ["approve", "reject"]}}, HOTEL)
    [interrupt] = run.interrupts
    assert interrupt.response_schema["oneOf"] and interrupt.value["type"] == "tool_approval"
    panel, sent = panel_for(interrupt)
    assert panel.kind == "hitl"
    [choice] = toggles(panel)
    assert [v for _, v in choice.options] == ["approve", "reject"]  # the decisions the oneOf lists
    choice.value = "approve"
    panel.button("Submit decision").click()
    assert sent == [(interrupt.id, {"type": "approve"})]
    assert decision_label(sent[0][1], "approve", "reject", interrupt) == "approved book_hotel"
    finish(run, {interrupt.id: sent[0][1]})
    assert run.tools.ran == [("book_hotel", {"city": "Paris", "nights": 2, "breakfast": False, "guests": None})]


def test_per_call_edit_form_is_typed_from_the_tools_schema_and_checked_before_sending():
    run = pause("per_call", {"book_hotel": {"allowed_decisions": FULL}}, HOTEL)
    [interrupt] = run.interrupts
    panel, sent = panel_for(interrupt)
    [choice] = toggles(panel)
    choice.value = "edit"
    # breakfast and guests are not in the model's call: they come from the tool's schema, with its defaults.
    [breakfast] = visible(panel, w.Checkbox)
    [nights] = visible(panel, NumberText)
    [guests] = [x for x in visible(panel, w.Textarea)]
    assert breakfast.value is False and nights.value == "2"
    breakfast.value, nights.value, guests.value = True, "5", "[1, 2]"
    panel.button("Submit decision").click()
    assert sent == [] and "guests" in panel.message.value and not panel.locked  # pending, error inline
    guests.value = '["Ada", "Alan"]'
    panel.button("Submit decision").click()
    edited = {"city": "Paris", "nights": 5, "breakfast": True, "guests": ["Ada", "Alan"]}
    assert sent == [(interrupt.id, {"type": "edit", "edited_action": {"name": "book_hotel", "args": edited}})]
    result = finish(run, {interrupt.id: sent[0][1]})
    assert run.tools.ran == [("book_hotel", edited)] and result["messages"][-1].content == "Done."


def test_per_call_edit_number_argument_refuses_text_and_an_emptied_optional_one_is_left_out():
    run = pause("per_call", {"book_hotel": {"allowed_decisions": FULL}}, ("book_hotel", {"city": "Paris", "nights": 3}))
    [interrupt] = run.interrupts
    panel, sent = panel_for(interrupt)
    [choice] = toggles(panel)
    choice.value = "edit"
    [nights] = visible(panel, NumberText)  # nights: int = 1 in the tool's schema, so optional
    nights.value = "three"
    panel.button("Submit decision").click()
    assert sent == [] and "'three' is not a whole number" in panel.message.value and not panel.locked
    nights.value = ""  # optional: empty means leave it out, and the tool uses its default
    panel.button("Submit decision").click()
    assert sent == [(interrupt.id, {"type": "edit", "edited_action": {"name": "book_hotel", "args": {
        "city": "Paris", "breakfast": False}}})]
    finish(run, {interrupt.id: sent[0][1]})
    assert run.tools.ran == [("book_hotel", {"city": "Paris", "nights": 1, "breakfast": False, "guests": None})]


def test_per_call_parallel_calls_get_a_panel_each_answered_by_id():
    run = pause("per_call", {"book_hotel": {"allowed_decisions": FULL},
                             "search_flights": {"allowed_decisions": ["approve", "reject", "respond"]}},
                HOTEL, FLIGHTS)
    answers = {}
    for interrupt in run.interrupts:
        panel, sent = panel_for(interrupt)
        [choice] = toggles(panel)
        if interrupt.value["name"] == "search_flights":
            assert [v for _, v in choice.options] == ["approve", "reject", "respond"]
            choice.value = "reject"
            note(panel).value = "too expensive"
        else:
            choice.value = "approve"
        panel.button("Submit decision").click()
        [(iid, answers[iid])] = sent
    finish(run, answers)
    assert [name for name, _ in run.tools.ran] == ["book_hotel"]
    [rejection] = tool_messages(run.model, lambda m: m.name == "search_flights")
    assert "too expensive" in rejection.content


def test_per_call_single_decision_schema_is_still_a_review_card():
    run = pause("per_call", {"search_flights": {"allowed_decisions": ["reject"]}}, FLIGHTS)
    [interrupt] = run.interrupts
    assert "oneOf" not in interrupt.response_schema  # one decision: its plain object schema
    assert classify(interrupt) == "hitl"
    panel, sent = panel_for(interrupt)
    [choice] = toggles(panel)
    assert [v for _, v in choice.options] == ["reject"]
    choice.value = "reject"
    panel.button("Submit decision").click()
    assert sent[0][1] == {"type": "reject"}  # no message: the key is left out, as RejectDecision allows
    assert decision_label(sent[0][1], "approve", "reject", interrupt) == "rejected search_flights"
    finish(run, {interrupt.id: sent[0][1]})
    assert run.tools.ran == [] and "not executed" in tool_messages(run.model)[0].content


# -- through run(): the notebook driver resumes with what the panels send ------------------------------------------


@pytest.mark.parametrize("mode", ["batched", "per_call"])
def test_run_view_clicks_edit_and_reject_reach_the_agent(start, mode):
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(HOTEL, FLIGHTS), "Done.")
    handle = start(hitl_agent(model, tools.tools, GATED, mode=mode), {"messages": [HumanMessage("Plan my trip")]})
    assert len(handle.view.panels) == (1 if mode == "batched" else 2)
    for panel in list(handle.view.panels):
        for choice in toggles(panel):
            if [v for _, v in choice.options] == FULL:
                choice.value = "edit"
                [nights] = [x for x in visible(panel, NumberText) if x.value == "2"]  # the other card has max_price
                nights.value = "7"
            else:
                choice.value = "reject"
                note(panel).value = "too expensive"
        [submit] = [b for b in panel.buttons if b.description.startswith("Submit")]
        submit.click()
        handle.wait_idle(timeout=10)
    assert handle.wait(10)["messages"][-1].content == "Done."
    assert [(name, args["nights"]) for name, args in tools.ran] == [("book_hotel", 7)]
    assert "too expensive" in tool_messages(model, lambda m: m.name == "search_flights")[0].content
    assert "edited book_hotel" in " ".join(d.label for d in handle.record.decisions)


# -- policies and the console ------------------------------------------------------------------------------------


def resume_all(run: SimpleNamespace, answer: Any) -> None:
    """Answer every pending interrupt with ``answer(interrupt)`` (by id for per-call) and resume."""
    if len(run.interrupts) == 1 and "action_requests" in run.interrupts[0].value:
        finish(run, answer(run.interrupts[0]))
    else:
        finish(run, {i.id: answer(i) for i in run.interrupts})


GATED = {"book_hotel": {"allowed_decisions": FULL}, "search_flights": {"allowed_decisions": ["approve", "reject"]}}


@pytest.mark.parametrize("mode", ["batched", "per_call"])
def test_approve_policy_runs_every_tool_and_reject_policy_none(mode):
    ctx = AnswerContext(node="tools")
    run = pause(mode, GATED, HOTEL, FLIGHTS)
    resume_all(run, lambda i: auto_approve().answer(i, ctx))
    assert sorted(name for name, _ in run.tools.ran) == ["book_hotel", "search_flights"]

    run = pause(mode, GATED, HOTEL, FLIGHTS)
    answers = [auto_reject().answer(i, ctx) for i in run.interrupts]
    decisions = answers[0]["decisions"] if mode == "batched" else answers
    assert decisions == [{"type": "reject", "message": "Rejected by policy."}] * 2
    resume_all(run, lambda i: auto_reject().answer(i, ctx))
    assert run.tools.ran == []
    assert all("Rejected by policy." in m.content for m in tool_messages(run.model))


def test_policy_that_the_tool_does_not_allow_is_an_error_and_scripts_pass_through():
    ctx = AnswerContext(node="tools")
    run = pause("per_call", {"search_flights": {"allowed_decisions": ["respond"]}}, FLIGHTS)
    with pytest.raises(PolicyError, match="does not allow 'approve'.*allowed: respond"):
        auto_approve().answer(run.interrupts[0], ctx)
    answer = {"type": "respond", "message": "Sold out."}
    assert scripted([answer]).answer(run.interrupts[0], ctx) is answer
    resume_all(run, lambda i: answer)
    assert run.tools.ran == [] and tool_messages(run.model)[0].content == "Sold out."


@pytest.mark.parametrize("mode", ["batched", "per_call"])
def test_console_offers_the_allowed_decisions_and_builds_their_shapes(mode):
    # An empty or unknown decision is asked again; per call, the edit also offers the schema's other arguments.
    edit = ["", "3", "y", ""] if mode == "per_call" else ["", "3"]
    replies = iter(["", "x", "e", *edit, "r", "too expensive"])
    prompts: list[str] = []

    def typed(prompt: str) -> str:
        prompts.append(prompt)
        return next(replies)

    console = ConsolePolicy(input_fn=typed, stream=_Sink())
    run = pause(mode, GATED, HOTEL, FLIGHTS)
    resume_all(run, lambda i: console.answer(i, AnswerContext()))
    assert prompts[0] == "  decision (approve / edit / reject): "
    assert "  decision (approve / reject): " in prompts
    [(name, args)] = run.tools.ran
    assert name == "book_hotel" and args["nights"] == 3
    assert args["breakfast"] is (mode == "per_call")  # batched edits only the arguments the model sent
    assert "too expensive" in tool_messages(run.model, lambda m: m.name == "search_flights")[0].content


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def test_decision_labels_read_well_without_the_interrupt_too():
    assert decision_label({"type": "reject", "message": "too expensive"}, "approve", "reject") == \
        "rejected: too expensive"
    assert decision_label({"decisions": [{"type": "approve"}, {"type": "edit", "edited_action": {
        "name": "book_hotel", "args": {}}}]}, "approve", "reject") == "approved, edited book_hotel"
    assert decision_label({"type": "approve"}, "approve", "reject") == "approved"
    assert decision_label("approve", "approve", "reject") == "approved"
    assert decision_label({"type": "other"}, "approve", "reject").startswith("answered")


def test_scripted_model_keeps_tool_calls_when_the_agent_is_streamed():
    # The notebook driver streams with stream_mode="messages", where chat models stream instead of generate.
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(HOTEL, text="Booking it now"), "All done.")
    agent = hitl_agent(model, tools.tools, {"book_hotel": {"allowed_decisions": FULL}})
    config = {"configurable": {"thread_id": "streamed"}}
    first = list(agent.stream({"messages": [HumanMessage("Plan my trip")]}, config, stream_mode=["messages"]))
    assert [chunk.content for _, (chunk, _) in first][:3] == ["Booking", " it", " now"]
    [interrupt] = agent.get_state(config).interrupts
    assert interrupt.value["action_requests"][0]["args"] == HOTEL[1]
    rest = list(agent.stream(Command(resume={"decisions": [{"type": "approve"}]}), config, stream_mode="messages"))
    assert tools.ran and "".join(chunk.content for chunk, _ in rest).endswith("All done.")
