"""stream_mode="messages": chat-model tokens and returned messages, LangChain callbacks only when asked for."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

pytest.importorskip("langchain_core")

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.runnables.config import var_child_runnable_config

from hitl_notebook.graph import START, MessagesState, StateGraph
from hitl_notebook.types import interrupt
from hitl_notebook.checkpoint.memory import InMemorySaver


def _model(*texts: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(t, id=f"m{i}") for i, t in enumerate(texts)]))


def _graph(node, **compile_kwargs):
    return StateGraph(MessagesState).add_node("chat", node).add_edge(START, "chat").compile(**compile_kwargs)


def test_tokens_from_a_node_that_passes_no_config():
    model = _model("a b c")
    graph = _graph(lambda s: {"messages": [model.invoke(s["messages"])]})
    out = list(graph.stream({"messages": [("user", "hi")]}, stream_mode="messages"))
    assert [(type(m), m.content) for m, _ in out] == [(AIMessageChunk, t) for t in ("a", " ", "b", " ", "c")]
    meta = out[0][1]
    assert meta["langgraph_node"] == "chat" and meta["langgraph_step"] == 1
    assert meta["langgraph_triggers"] == ("branch:to:chat",) and meta["langgraph_path"] == ("__pregel_pull", "chat")
    assert meta["langgraph_checkpoint_ns"].startswith("chat:") and meta["ls_provider"] == "genericfakechatmodel"


def test_returned_messages_are_emitted_once_and_input_messages_never():
    graph = _graph(lambda s: {"messages": [AIMessage("plain", id="p1"), s["messages"][0]]})
    out = list(graph.stream({"messages": [("user", "hi")]}, stream_mode="messages"))
    assert [(m.content, meta["langgraph_node"]) for m, meta in out] == [("plain", "chat")]


def test_nostream_tag_suppresses_tokens_but_not_the_returned_message():
    model = _model("x y")
    graph = _graph(lambda s: {"messages": [model.with_config(tags=["nostream"]).invoke(s["messages"])]})
    out = list(graph.stream({"messages": []}, stream_mode="messages"))
    assert [(type(m), m.content) for m, _ in out] == [(AIMessage, "x y")]


def test_interrupted_node_emits_nothing_and_async_runs_stream_too():
    def ask(state):
        return {"messages": [("ai", interrupt("ok?"))]}

    graph = _graph(ask, checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    assert [c for c in graph.stream({"messages": []}, config, stream_mode="messages")] == []

    model = _model("p q")

    async def achat(state):
        return {"messages": [await model.ainvoke(state["messages"])]}

    async def collect():
        return [m.content async for m, _ in _graph(achat).astream({"messages": []}, stream_mode="messages")]

    assert asyncio.run(collect()) == ["p", " ", "q"]


def test_user_callbacks_see_the_node_chain_runs_without_messages_mode():
    events = []

    class Recorder(BaseCallbackHandler):
        def on_chain_start(self, serialized, inputs, *, run_id, **kwargs):
            events.append(("start", kwargs.get("name")))

        def on_chat_model_start(self, serialized, messages, *, run_id, metadata=None, **kwargs):
            events.append(("chat", metadata["langgraph_node"]))

    model = _model("z")
    graph = _graph(lambda s: {"messages": [model.invoke(s["messages"])]})
    graph.invoke({"messages": []}, {"callbacks": [Recorder()]})
    assert ("start", "chat") in events and ("chat", "chat") in events and events[0] == ("start", "LangGraph")


def test_without_callbacks_nodes_do_not_get_a_langchain_context():
    seen = []
    graph = _graph(lambda s: seen.append(var_child_runnable_config.get()) or {})
    graph.invoke({"messages": []})
    graph.invoke({"messages": []}, stream_mode="updates")
    assert seen == [None, None]


def test_other_modes_never_import_langchain_core():
    code = (
        "import sys, operator; from typing import Annotated, TypedDict;"
        "from hitl_notebook.graph import StateGraph, START\n"
        "class S(TypedDict):\n    x: Annotated[list, operator.add]\n"
        "g = StateGraph(S).add_node('n', lambda s: {'x': [1]}).add_edge(START, 'n').compile()\n"
        "list(g.stream({'x': []}, stream_mode=['values', 'updates', 'custom', 'debug']))\n"
        "assert not [m for m in sys.modules if m.startswith('langchain')], 'langchain imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
