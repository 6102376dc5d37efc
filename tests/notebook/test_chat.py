"""The run view speaks chat: messages as a conversation, tokens live in the assistant's bubble, tool calls reviewed.

Rendering tests use langchain-core messages directly; run tests drive real graphs of both engines (``eng``): a
``MessagesState`` + ``ToolNode`` loop, ``create_react_agent`` with a breakpoint before its tools, and a LangChain v1
``create_agent`` agent with ``HumanInTheLoopMiddleware`` (scripted fake models, no network).
"""

from __future__ import annotations

import importlib
import re
import threading
import time
import warnings
from html import unescape
from typing import Any

import ipywidgets as w
import pytest

pytest.importorskip("langchain")

from langchain_core.messages import (  # noqa: E402
    AIMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
)

from hitl_notebook.notebook import RunStatus, run  # noqa: E402
from hitl_notebook.notebook._chat import chat_html, message_html, split_update, summarize  # noqa: E402
from hitl_notebook.notebook._chat_review import MIXED  # noqa: E402
from hitl_notebook.notebook._form import NumberText  # noqa: E402
from hitl_notebook.notebook._panels import Panel, walk  # noqa: E402
from tests.agents_helpers import ScriptedChatModel, TravelTools, calls, hitl_agent  # noqa: E402

CALL = {"name": "book_hotel", "args": {"city": "Paris", "nights": 2}, "id": "call_7", "type": "tool_call"}


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def engine_names(eng: Any) -> tuple[Any, Any]:
    """``MessagesState`` and the prebuilt module of the ``eng`` engine."""
    return (importlib.import_module(f"{eng.name}.graph").MessagesState,
            importlib.import_module(f"{eng.name}.prebuilt"))


def tool_loop(eng: Any, model: ScriptedChatModel, tools: list, **compile_kwargs: Any) -> Any:
    """LangGraph's hand-built agent: ``agent`` calls the model, ``ToolNode`` runs its calls, ``tools_condition``."""
    MessagesState, prebuilt = engine_names(eng)

    def agent(state: MessagesState) -> dict:
        return {"messages": [model.invoke(state["messages"])]}

    builder = eng.StateGraph(MessagesState)
    builder.add_node("agent", agent).add_node("tools", prebuilt.ToolNode(tools))
    builder.add_edge(eng.START, "agent").add_conditional_edges("agent", prebuilt.tools_condition)
    builder.add_edge("tools", "agent")
    return builder.compile(checkpointer=eng.InMemorySaver(), **compile_kwargs)


def react(eng: Any, model: ScriptedChatModel, tools: list, **kwargs: Any) -> Any:
    _, prebuilt = engine_names(eng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # create_react_agent's "moved to langchain.agents" notice, as LangGraph 1.x
        return prebuilt.create_react_agent(model, tools, checkpointer=eng.InMemorySaver(), **kwargs)


# -- rendering ---------------------------------------------------------------------------------------------------


def test_each_role_gets_its_bubble_and_a_tool_call_card_shows_name_id_and_pretty_arguments():
    html = chat_html([SystemMessage("be brief"), HumanMessage("hotel in Paris?"),
                      AIMessage("On it.", tool_calls=[CALL]), ToolMessage("booked", tool_call_id="call_7",
                                                                            name="book_hotel")])
    for role in ("system", "user", "assistant", "tool"):
        assert f"hitl-chat-{role}" in html
    card = re.search(r"<div class='hitl-tool-call' id='(hitl-call-call_7)'.*?</div>", html, re.S)
    assert card and "book_hotel" in card.group(0) and "call_7" in card.group(0)
    assert '{\n  "city": "Paris",\n  "nights": 2\n}' in unescape(card.group(0))  # indented JSON arguments
    # the tool result names its tool and links to the card of the call it answers
    result = html[html.index("hitl-chat-tool"):]
    assert "href='#hitl-call-call_7'" in result and "book_hotel" in result and "booked" in result


def test_all_text_is_escaped_and_a_role_never_reaches_an_attribute():
    evil = "<script>alert(1)</script>"
    html = chat_html([
        HumanMessage(evil),
        AIMessage(evil, tool_calls=[{"name": evil, "args": {evil: evil}, "id": "x'><b>", "type": "tool_call"}]),
        ToolMessage(evil, tool_call_id="x'><b>", name=evil),
        {"role": "x' onmouseover='alert(1)", "content": evil},
    ])
    assert "<script>" not in html and "x'><b>" not in html
    assert "hitl-chat-other" in html  # an unknown role is named in the text only, never in the class attribute
    assert all(re.fullmatch(r"[a-z_ -]+", c) for c in re.findall(r"class='([^']*)'", html))
    assert text_of(html).count(evil) >= 5
    assert "id='hitl-call-x___b_'" in html  # call ids from providers are reduced to a safe anchor


def test_error_results_rejections_content_blocks_and_removals_are_readable():
    error = message_html(ToolMessage("rejected: too pricey", tool_call_id="c1", name="book", status="error"))
    assert "error" in text_of(error) and "#dc2626" in error
    blocks = message_html(AIMessage([{"type": "text", "text": "Here: "}, {"type": "image_url", "image_url": "u"}]))
    assert "Here: [image_url]" in text_of(blocks)
    assert "removed message m1" in text_of(message_html(RemoveMessage(id="m1")))
    assert "(empty)" in text_of(message_html(AIMessage("")))
    # the forms add_messages coerces, as a node's raw update may hold them
    assert [m for m in split_update({"messages": [("user", "hi"), {"role": "ai", "content": "yo"}, "x"]})[0]]


def test_an_update_is_split_into_its_messages_and_the_rest_and_summaries_count_messages():
    reply = AIMessage("hi")
    assert split_update({"messages": [reply], "step": 2}) == ([reply], {"step": 2})
    assert split_update({"messages": reply}) == ([reply], None)
    assert split_update({"count": 1}) == ([], {"count": 1})
    assert split_update({"messages": ["not", 3]}) == ([], {"messages": ["not", 3]})  # not messages: left as is
    assert summarize({"messages": [reply, reply], "step": 2}) == {"messages": "[2 messages]", "step": 2}


# -- runs ----------------------------------------------------------------------------------------------------------


def test_tokens_stream_live_into_the_assistant_bubble_then_the_message_replaces_them(eng):
    MessagesState, _ = engine_names(eng)
    model = ScriptedChatModel.replying("Paris is lovely in spring.")
    gate = threading.Event()

    def chat(state: MessagesState) -> dict:
        reply = model.invoke(state["messages"])
        gate.wait(10)  # every token is out; the node is still running
        return {"messages": [reply]}

    graph = (eng.StateGraph(MessagesState).add_node("chat", chat).add_edge(eng.START, "chat")
             .compile(checkpointer=eng.InMemorySaver()))
    handle = run(graph, {"messages": [("user", "Paris?")]}, ui="widgets", display=False)
    try:
        deadline = time.monotonic() + 10
        entry = None
        while time.monotonic() < deadline:
            entry = next((e for e in handle.record.entries if e.node == "chat"), None)
            if entry is not None and entry.tokens == "Paris is lovely in spring.":
                break
            time.sleep(0.02)
        assert entry is not None and entry.tokens == "Paris is lovely in spring." and entry.text == ""
        handle.journal.text.flush()
        live = handle.view._entries[entry.key].value
        assert "hitl-chat-stream" in live and "streaming" in live and "Paris is lovely in spring." in live
    finally:
        gate.set()
    result = handle.wait(5)
    assert result["messages"][-1].content == "Paris is lovely in spring."
    done = handle.view._entries[entry.key].value
    assert "hitl-chat-stream" not in done and "hitl-chat-assistant" in done
    text = handle.view.text()
    assert text.count("Paris is lovely in spring.") == 1 and text.count("Paris?") == 1  # each message once


def test_a_tool_loop_shows_the_conversation_once_with_cards_and_results_in_the_live_and_saved_view(eng, start):
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("search_flights", {"destination": "Lisbon"}), text="Looking."),
                                       "Three flights found.")
    handle = start(tool_loop(eng, model, tools.tools), {"messages": [{"role": "user", "content": "Lisbon?"}]})
    result = handle.wait(5)
    assert len(result["messages"]) == 4
    call_id = result["messages"][1].tool_calls[0]["id"]
    entries = [(e.node, e) for e in handle.record.entries if e.kind == "node"]
    assert [n for n, _ in entries] == ["input", "agent", "tools", "agent"]
    for html in (handle.view.log_box.children[0].value, handle.view.static_html()):
        assert "hitl-chat-user" in html
    page = handle.view.static_html()
    assert f"id='hitl-call-{call_id}'" in page and f"href='#hitl-call-{call_id}'" in page
    text = text_of(page)
    for content in ("Lisbon?", "Looking.", "3 flights to Lisbon under 500", "Three flights found."):
        assert text.count(content) == 1, content  # in the conversation only, not again as update JSON
    assert "[4 messages]" in text and "HumanMessage(" not in text and "AIMessage(" not in text
    log = handle.log_text()  # the text log tells the same conversation, one line per message and tool call
    assert "👤 user: Lisbon?" in log and "🤖 assistant: Looking." in log and "AIMessage(" not in log
    assert f'🔧 search_flights {{"destination": "Lisbon"}} ({call_id})' in log
    assert f"🛠 tool result search_flights ↳ {call_id}: 3 flights to Lisbon under 500" in log


def test_a_second_run_on_the_thread_shows_the_history_once_and_a_resume_repeats_nothing(eng, start):
    MessagesState, _ = engine_names(eng)

    def reply(state: MessagesState) -> dict:
        return {"messages": [AIMessage(f"echo {state['messages'][-1].content}")]}

    def review(state: MessagesState) -> dict:
        eng.interrupt("ok?")
        return {}

    graph = (eng.StateGraph(MessagesState).add_node(reply).add_node(review).add_edge(eng.START, "reply")
             .add_edge("reply", "review").compile(checkpointer=eng.InMemorySaver()))
    config = {"configurable": {"thread_id": "chat-history"}}
    first = start(graph, {"messages": "one"}, config)
    first.resume("y")
    first.wait(5)
    second = start(graph, {"messages": "two"}, config)
    second.resume("y")
    second.wait(5)
    [shown] = [e for e in second.record.entries if e.node == "input"]
    assert [m.content for m in shown.update["messages"]] == ["one", "echo one", "two"]
    text = second.view.text()
    assert text.count("echo one") == 1 and text.count("echo two") == 1


@pytest.mark.parametrize("pause", [{"interrupt_before": ["tools"]}, {"interrupt_after": ["agent"]}])
def test_a_breakpoint_before_the_tools_offers_approve_edit_reject_typed_from_the_tools_schema(eng, start, pause):
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("book_hotel", {"city": "Lisbon", "nights": 2})), "Booked.")
    handle = start(react(eng, model, tools.tools, **pause), {"messages": [("user", "hotel")]})
    assert handle.status is RunStatus.WAITING
    box = next(x for x in handle.view.top.children if not isinstance(x, Panel))  # the breakpoint's controls
    [choice] = [x for x in walk(box) if isinstance(x, w.ToggleButtons)]
    assert [v for _, v in choice.options] == ["approve", "edit", "reject"] and choice.value is None
    # one way on: the cards' Submit (approving every call is Continue); no second Continue, and Stopping is the
    # header's Stop (shown while the run waits), not a second one under the cards
    assert sorted(x.description for x in walk(box) if isinstance(x, w.Button)) == ["Submit decision"]
    assert handle.view.stop_button.layout.display != "none" and not handle.view.stop_button.disabled
    choice.value = "edit"
    inputs = {type(x) for x in walk(box) if isinstance(x, (NumberText, w.Checkbox, w.Text))}
    assert {NumberText, w.Checkbox} <= inputs  # nights: integer, breakfast: boolean, from the tool's schema
    [nights] = [x for x in walk(box) if isinstance(x, NumberText) and x.value == "2"]
    nights.value = "5"
    [submit] = [x for x in walk(box) if isinstance(x, w.Button) and x.description == "Submit decision"]
    submit.click()
    result = handle.wait(5)
    assert tools.ran == [("book_hotel", {"city": "Lisbon", "nights": 5, "breakfast": False, "guests": None})]
    assert result["messages"][-1].content == "Booked."
    [bp] = [e for e in handle.record.entries if e.kind == "breakpoint"]  # the decision, as the audit trail reads it
    assert bp.decision.label == 'edited book_hotel → {"city": "Lisbon", "nights": 5, "breakfast": false}'
    [edit] = [e for e in handle.record.entries if e.node == "state update"]  # the replaced message, marked
    assert edit.chat[0][1] is True and edit.chat[0][0].tool_calls[0]["args"] == {"city": "Lisbon", "nights": 5,
                                                                           "breakfast": False}
    assert "edited: replaces the message above" in handle.view._entries[edit.key].value


def test_rejecting_at_the_breakpoint_tells_the_model_and_never_runs_the_tool(eng, start):
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("book_hotel", {"city": "Lisbon"}), ("search_flights",
                                                                                 {"destination": "Lisbon"})), "OK.")
    handle = start(tool_loop(eng, model, tools.tools, interrupt_before=["tools"]), {"messages": [("user", "go")]})
    box = next(x for x in handle.view.top.children if not isinstance(x, Panel))  # the breakpoint's controls
    hotel, flights = [x for x in walk(box) if isinstance(x, w.ToggleButtons)]
    [submit] = [x for x in walk(box) if isinstance(x, w.Button) and x.description == "Submit 2 decisions"]
    hotel.value, flights.value = "reject", "approve"
    submit.click()  # a breakpoint runs all calls or none: refused inline, still waiting
    assert MIXED.format(node="tools") in unescape(box.children[0].children[-1].value)  # the review's message
    assert handle.status is RunStatus.WAITING and not submit.disabled
    notes = [x for x in walk(box) if type(x) is w.Text and x.placeholder.startswith("message")]
    flights.value = "reject"
    notes[0].value = "too pricey"
    submit.click()
    result = handle.wait(5)
    assert tools.ran == []
    rejections = [m for m in result["messages"] if isinstance(m, ToolMessage)]
    assert [(m.content, m.status) for m in rejections] == [("too pricey", "error"),
                                                            ("The reviewer rejected this tool call.", "error")]
    assert [e.node for e in handle.record.entries if e.kind == "node"][-2:] == ["state update", "agent"]


def test_a_langchain_agent_with_review_middleware_shows_the_call_before_its_panel_and_the_result_after(start):
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("book_hotel", {"city": "Rome"}), text="Booking it."), "Done.")
    agent = hitl_agent(model, tools.tools, {"book_hotel": True})
    handle = start(agent, {"messages": [{"role": "user", "content": "Rome hotel"}]})
    order = [(e.kind, e.node) for e in handle.record.entries]
    assert order[:2] == [("node", "input"), ("node", "model")] and ("interrupt", "HumanInTheLoopMiddleware."
                                                                   "after_model") in order
    model_entry = handle.record.entries[1]
    assert model_entry.tokens == 'Booking it.\n🔧 book_hotel {"city": "Rome"}'  # the call streams as it forms
    assert "hitl-tool-call" in handle.view._entries[model_entry.key].value
    panel = handle.view.panel()
    [choice] = [x for x in walk(panel) if isinstance(x, w.ToggleButtons)]
    choice.value = "approve"
    panel.button("Submit decision").click()
    handle.wait(5)
    page = text_of(handle.view.static_html())
    assert page.count("booked 1 night(s) in Rome") == 1 and page.count("Booking it.") == 1


def test_showing_a_paused_thread_again_shows_its_conversation_and_the_review(eng):
    from hitl_notebook.notebook import show

    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("search_flights", {"destination": "Oslo"}), text="Checking."), "Done.")
    agent = react(eng, model, tools.tools, interrupt_before=["tools"])
    config = {"configurable": {"thread_id": "again"}}
    agent.invoke({"messages": [("user", "Oslo flights?")]}, config)  # paused before the tools, outside the view
    handle = show(agent, config, ui="widgets", display=False)
    handle.wait_idle(5)
    [conversation] = [e for e in handle.record.entries if e.node == "input"]
    assert [m.content for m in conversation.update["messages"]] == ["Oslo flights?", "Checking."]
    assert "hitl-tool-call" in handle.view._entries[conversation.key].value
    box = next(x for x in handle.view.top.children if not isinstance(x, Panel))  # the breakpoint's controls
    [choice] = [x for x in walk(box) if isinstance(x, w.ToggleButtons)]
    choice.value = "approve"
    [submit] = [x for x in walk(box) if isinstance(x, w.Button) and x.description == "Submit decision"]
    submit.click()
    assert handle.wait(5)["messages"][-1].content == "Done."
    assert tools.ran == [("search_flights", {"destination": "Oslo", "max_price": 500})]


def inbox_tool(eng: Any, ran: list) -> Any:
    """LangGraph docs' ``add_human_in_the_loop`` pattern: the tool asks with an Agent Inbox ``HumanInterrupt``."""
    from langchain_core.tools import tool

    @tool
    def book(city: str, nights: int = 1) -> str:
        """Book a hotel."""
        request = {"action_request": {"action": "book", "args": {"city": city, "nights": nights}},
                   "config": {"allow_accept": True, "allow_edit": True, "allow_respond": True,
                              "allow_ignore": False},
                   "description": "Please review the booking"}
        response = eng.interrupt([request])[0]
        if response["type"] == "response":
            return response["args"]
        args = response["args"]["args"] if response["type"] == "edit" else {"city": city, "nights": nights}
        ran.append(args)
        return f"booked {args['nights']} night(s) in {args['city']}"

    return book


@pytest.mark.parametrize("decision", ["edit", "respond"])
def test_an_interrupt_inside_a_tool_in_the_agent_inbox_shape_gets_the_tool_call_review(eng, start, decision):
    ran: list = []
    model = ScriptedChatModel.replying(calls(("book", {"city": "Porto", "nights": 2})), "All set.")
    handle = start(tool_loop(eng, model, [inbox_tool(eng, ran)]), {"messages": [("user", "Porto hotel")]})
    panel = handle.view.panel()
    assert panel.kind == "hitl" and "Please review the booking" in text_of(panel.children[1].children[0].children[0]
                                                                         .value)
    [choice] = [x for x in walk(panel) if isinstance(x, w.ToggleButtons)]
    assert [v for _, v in choice.options] == ["approve", "edit", "respond"]
    choice.value = decision
    if decision == "edit":
        [nights] = [x for x in walk(panel) if isinstance(x, NumberText)]
        nights.value = "3"
    else:
        [note] = [x for x in walk(panel) if type(x) is w.Text and x.placeholder.startswith("reply")]
        note.value = "Fully booked, try Lisbon."
    panel.button("Submit decision").click()
    result = handle.wait(5)
    told = [m for m in result["messages"] if isinstance(m, ToolMessage)][-1]
    if decision == "edit":
        assert ran == [{"city": "Porto", "nights": 3}] and told.content == "booked 3 night(s) in Porto"
        assert handle.record.decisions[0].label == "edited book"
    else:
        assert ran == [] and told.content == "Fully booked, try Lisbon."
        assert handle.record.decisions[0].label == "responded to book: Fully booked, try Lisbon."


def test_policies_answer_the_agent_inbox_shape_in_its_own_response_format(eng):
    ran: list = []
    model = ScriptedChatModel.replying(calls(("book", {"city": "Faro"})), "Done.")
    handle = run(tool_loop(eng, model, [inbox_tool(eng, ran)]), {"messages": [("user", "Faro")]}, policy="approve",
                 ui="console", display=False)
    assert handle.wait(5)["messages"][-1].content == "Done."
    assert ran == [{"city": "Faro", "nights": 1}] and handle.record.decisions[0].value == [{"type": "accept",
                                                                                          "args": None}]


def test_batched_middleware_edit_forms_are_typed_from_the_tools_schema_with_every_argument(start):
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("book_hotel", {"city": "Oslo"})), "Done.")
    handle = start(hitl_agent(model, tools.tools, {"book_hotel": True}), {"messages": [("user", "Oslo hotel")]})
    panel = handle.view.panel()
    [card] = panel.hitl.cards
    # the middleware sends only the model's arguments (city); the tool also takes nights, breakfast and guests
    assert [f.name for f in card.form.fields] == ["city", "nights", "breakfast", "guests"]
    assert isinstance(card.form.inputs["nights"], NumberText) and isinstance(card.form.inputs["breakfast"],
                                                                             w.Checkbox)
    card.choice.value = "edit"
    card.form.inputs["nights"].value = "3"
    card.form.inputs["breakfast"].value = True
    panel.button("Submit decision").click()
    handle.wait(5)
    assert tools.ran == [("book_hotel", {"city": "Oslo", "nights": 3, "breakfast": True, "guests": None})]


def test_a_functional_api_agent_shows_its_tasks_messages_once_and_counts_the_result(eng):
    add_messages = importlib.import_module(f"{eng.name}.graph.message").add_messages
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("search_flights", {"destination": "Rome"})), "Rome it is.")

    @eng.task
    def call_model(messages: list) -> Any:
        return model.invoke(messages)

    @eng.task
    def call_tool(call: dict) -> Any:
        return tools.tools[0].invoke(call)

    @eng.entrypoint(checkpointer=eng.InMemorySaver())
    def agent(messages: list) -> list:
        reply = call_model(messages).result()
        while reply.tool_calls:
            messages = add_messages(messages, [reply, *[call_tool(c).result() for c in reply.tool_calls]])
            reply = call_model(messages).result()
        return add_messages(messages, reply)

    handle = run(agent, [{"role": "user", "content": "Rome?"}], ui="widgets", display=False)
    assert [m.content for m in handle.wait(5)][-1] == "Rome it is."
    text = text_of(handle.view.static_html())
    for content in ("Rome?", "3 flights to Rome under 500", "Rome it is."):
        assert text.count(content) == 1, content
    assert "[4 messages]" in text and "'[4 messages]'" not in text
    *_, last = [e for e in handle.record.entries if e.node == "call_model"]
    assert last.tokens == "Rome it is."


def test_an_agent_subgraph_node_shows_its_conversation_and_each_reply_streams_as_its_own_paragraph(eng, start):
    MessagesState, prebuilt = engine_names(eng)
    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("search_flights", {"destination": "Rome"}), text="Looking."),
                                       "Rome it is.")
    inner = react(eng, model, tools.tools)
    outer = (eng.StateGraph(MessagesState).add_node("assistant", inner).add_edge(eng.START, "assistant")
             .compile(checkpointer=eng.InMemorySaver()))
    handle = start(outer, {"messages": [("user", "Rome?")]})
    handle.wait(5)
    [entry] = [e for e in handle.record.entries if e.node == "assistant"]
    # the subgraph's two model turns, apart; the tool call shows as it streams
    assert entry.tokens == 'Looking.\n🔧 search_flights {"destination": "Rome"}\n\nRome it is.'

    assert [type(m).__name__ for m, _ in entry.chat] == ["AIMessage", "ToolMessage", "AIMessage"]


def test_continue_with_edits_only_a_breakpoint_the_run_still_shows(eng, start):
    from hitl_notebook.notebook import DecisionNotAppliedError, RunStateError

    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("book_hotel", {"city": "Lisbon"})), "Booked.")
    agent = react(eng, model, tools.tools, interrupt_before=["tools"])
    handle = start(agent, {"messages": [("user", "hotel")]})
    agent.update_state(handle.config, {"messages": [HumanMessage("changed my mind", id="elsewhere")]})
    with pytest.raises(DecisionNotAppliedError, match="Edited book_hotel was not applied: the thread moved on"):
        handle.continue_with({"messages": [HumanMessage("mine")]}, label="edited book_hotel")
    assert agent.get_state(handle.config).values["messages"][-1].content == "changed my mind"  # nothing edited
    assert handle.status is RunStatus.WAITING and tools.ran == []

    asking = start(tool_loop(eng, ScriptedChatModel.replying(calls(("book", {"city": "Faro"})), "ok"),
                             [inbox_tool(eng, [])]), {"messages": [("user", "Faro")]})
    with pytest.raises(RunStateError, match="continue_with\\(\\) continues a breakpoint"):
        asking.continue_with()
