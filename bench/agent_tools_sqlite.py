"""agent_tools_sqlite_100: a 100-turn tool-calling agent (MessagesState, ToolNode, tools_condition) on SqliteSaver.

The model is a scripted fake chat model (langchain-core): it calls the ``lookup`` tool until it has seen 100 tool
results, then answers. Both engines use their own ``MessagesState``, prebuilt ``ToolNode``/``tools_condition`` and
SQLite checkpointer (see ``sqlite_interrupt_resume``); the langchain-core work (model and tool calls) is the same.
"""

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import tool

from bench import sqlite_interrupt_resume
from bench._util import expect, fresh_config

NAME = "agent_tools_sqlite_100"
N_TURNS = 100
DESCRIPTION = (f"agent⇄ToolNode for {N_TURNS} tool calls with MessagesState and tools_condition; scripted fake chat "
               "model; SqliteSaver on a temp file, fresh thread, default durability; invoke")


class _ScriptedModel(FakeMessagesListChatModel):
    """Calls ``lookup`` once per turn until it has seen ``N_TURNS`` tool results (bind_tools is a no-op)."""

    responses: list = []

    def bind_tools(self, tools, **kwargs):
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        seen = sum(isinstance(m, ToolMessage) for m in messages)
        if seen < N_TURNS:
            message = AIMessage("x" * 100, tool_calls=[{"name": "lookup", "args": {"query": f"q{seen}"},
                                                         "id": f"call-{seen}"}])
        else:
            message = AIMessage(f"done after {seen} lookups")
        return ChatResult(generations=[ChatGeneration(message=message)])


@tool
def lookup(query: str) -> str:
    """Look something up."""
    return f"result for {query}"


def build(engine):
    graph_mod = __import__(f"{engine.name}.graph", fromlist=["MessagesState"])
    prebuilt = __import__(f"{engine.name}.prebuilt", fromlist=["ToolNode", "tools_condition"])
    model = _ScriptedModel().bind_tools([lookup])

    def agent(state):
        return {"messages": [model.invoke(state["messages"])]}

    builder = engine.StateGraph(graph_mod.MessagesState)
    builder.add_node("agent", agent)
    builder.add_node("tools", prebuilt.ToolNode([lookup]))
    builder.add_edge(engine.START, "agent")
    builder.add_conditional_edges("agent", prebuilt.tools_condition)
    builder.add_edge("tools", "agent")
    return builder.compile(checkpointer=sqlite_interrupt_resume._saver(engine))


def _config():
    return fresh_config(recursion_limit=1_000_000)


def run(engine, graph) -> None:
    graph.invoke({"messages": [HumanMessage("go", id="user-0")]}, _config())


def check(engine, graph):
    config = _config()
    final = graph.invoke({"messages": [HumanMessage("go", id="user-0")]}, config)
    messages = final["messages"]
    expect(len(messages) == 2 + 2 * N_TURNS, f"expected {2 + 2 * N_TURNS} messages, got {len(messages)}")
    expect(messages[-1].content == f"done after {N_TURNS} lookups", f"last message {messages[-1].content!r}")
    tool_results = [m.content for m in messages if isinstance(m, ToolMessage)]
    expect(tool_results == [f"result for q{i}" for i in range(N_TURNS)], "tool results out of order")
    saved = graph.checkpointer.get_tuple(config).checkpoint["channel_values"]["messages"]
    expect([m.content for m in saved] == [m.content for m in messages], "the checkpoint does not hold the messages")
    summary = [(type(m).__name__, m.content, getattr(m, "tool_call_id", None)) for m in messages]
    return {"messages": summary, "history_len": len(list(graph.get_state_history(config)))}
