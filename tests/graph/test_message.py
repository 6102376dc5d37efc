"""add_messages / MessagesState: LangGraph 1.2 merge semantics on langchain-core messages."""

from __future__ import annotations

import subprocess
import sys
import uuid
from typing import Annotated

import pytest
from typing_extensions import TypedDict

pytest.importorskip("langchain_core")

from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, RemoveMessage, ToolMessage

from hitl_notebook.graph import START, MessagesState, StateGraph, add_messages
from hitl_notebook.graph.message import REMOVE_ALL_MESSAGES


def test_ids_are_assigned_as_uuid4_on_both_sides():
    left, right = [HumanMessage("a")], [AIMessage("b")]
    merged = add_messages(left, right)
    assert [m.content for m in merged] == ["a", "b"]
    for message in merged:
        assert uuid.UUID(message.id).version == 4


def test_update_by_id_keeps_position():
    merged = add_messages([HumanMessage("a", id="1"), AIMessage("b", id="2")], [HumanMessage("a2", id="1")])
    assert [(m.id, m.content) for m in merged] == [("1", "a2"), ("2", "b")]


def test_remove_and_unknown_remove():
    merged = add_messages([HumanMessage("a", id="1"), AIMessage("b", id="2")], RemoveMessage(id="1"))
    assert [m.id for m in merged] == ["2"]
    with pytest.raises(ValueError, match=r"Attempting to delete a message with an ID that doesn't exist \('9'\)"):
        add_messages([HumanMessage("a", id="1")], [RemoveMessage(id="9")])


def test_remove_then_readd_in_one_update_keeps_the_message():
    merged = add_messages([HumanMessage("a", id="1")], [RemoveMessage(id="1"), HumanMessage("c", id="1")])
    assert [(m.id, m.content) for m in merged] == [("1", "c")]


def test_remove_all_keeps_only_what_follows_the_last_marker():
    merged = add_messages(
        [HumanMessage("a", id="1")],
        [HumanMessage("x"), RemoveMessage(id=REMOVE_ALL_MESSAGES), HumanMessage("y"),
         RemoveMessage(id=REMOVE_ALL_MESSAGES), HumanMessage("z", id="z")],
    )
    assert [(m.id, m.content) for m in merged] == [("z", "z")]


def test_coercion_of_dicts_tuples_strings_and_chunks():
    merged = add_messages("hi", [("ai", "yo"), {"role": "tool", "content": "r", "tool_call_id": "t"},
                                 AIMessageChunk(content="chunk", id="c")])
    assert [type(m) for m in merged] == [HumanMessage, AIMessage, ToolMessage, AIMessage]
    assert merged[-1].id == "c"


def test_argument_errors_and_partial_with_format():
    with pytest.raises(ValueError, match="Only received: 'right'"):
        add_messages(None, [HumanMessage("a")])
    reducer = add_messages(format="langchain-openai")
    merged = reducer([], [{"role": "user", "content": [{"type": "text", "text": "hi"}]}])
    assert isinstance(merged[0], HumanMessage)
    with pytest.raises(ValueError, match="Unrecognized format='nope'"):
        add_messages(format="nope")([], [])


def test_messages_state_in_a_graph():
    def reply(state: MessagesState):
        return {"messages": [("ai", f"echo {state['messages'][-1].content}")]}

    graph = StateGraph(MessagesState).add_node(reply).add_edge(START, "reply").compile()
    out = graph.invoke({"messages": [("user", "hi")]})
    assert [(type(m).__name__, m.content) for m in out["messages"]] == [("HumanMessage", "hi"), ("AIMessage", "echo hi")]
    assert all(m.id for m in out["messages"])


def test_custom_state_with_configured_reducer():
    class State(TypedDict):
        messages: Annotated[list, add_messages(format="langchain-openai")]

    graph = StateGraph(State).add_node("n", lambda s: {"messages": [("ai", "ok")]}).add_edge(START, "n").compile()
    assert [m.content for m in graph.invoke({"messages": []})["messages"]] == ["ok"]


def test_importing_the_graph_package_does_not_import_langchain_core():
    code = (
        "import sys, hitl_notebook.graph, hitl_notebook.pregel, hitl_notebook.checkpoint.memory;"
        "assert not [m for m in sys.modules if m.startswith('langchain')], 'langchain imported';"
        "from hitl_notebook.graph import MessagesState, add_messages;"
        "assert 'langchain_core.messages' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
