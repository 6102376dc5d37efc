"""ToolNode, tools_condition and create_react_agent on this engine (LangGraph 1.2 / langgraph-prebuilt 1.1 behaviour)."""

import subprocess
import sys
import warnings
from typing import Annotated

import pytest

pytest.importorskip("langchain_core")

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel  # noqa: E402
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage  # noqa: E402
from langchain_core.tools import tool  # noqa: E402

from hitl_notebook.checkpoint.memory import InMemorySaver  # noqa: E402
from hitl_notebook.graph import START, MessagesState, StateGraph  # noqa: E402
from hitl_notebook.prebuilt import InjectedState, ToolNode, create_react_agent, tools_condition  # noqa: E402
from hitl_notebook.types import Command, interrupt  # noqa: E402


class Scripted(FakeMessagesListChatModel):
    def bind_tools(self, tools, **kwargs):
        return self


@tool
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@tool
def boom(x: int) -> str:
    """Always fails."""
    raise ValueError("boom")


def _call(name, args, id_="c1"):
    return {"name": name, "args": args, "id": id_, "type": "tool_call"}


def test_list_input_returns_tool_messages_in_call_order():
    node = ToolNode([add, lambda_free_tool])
    out = node.invoke([AIMessage("", tool_calls=[_call("add", {"a": 1, "b": 2}, "x"), _call("shout", {"s": "hi"}, "y")])])
    assert [(m.content, m.tool_call_id, m.name) for m in out] == [("3", "x", "add"), ("HI", "y", "shout")]


def shout(s: str) -> str:
    """Upper-case a string (a plain callable, wrapped with @tool)."""
    return s.upper()


lambda_free_tool = shout


def test_default_error_handling_reports_bad_args_and_raises_tool_errors():
    node = ToolNode([add, boom])
    (msg,) = node.invoke([_call("add", {"a": "x", "b": 1})])["messages"]
    assert msg.status == "error" and msg.content.startswith("Error invoking tool 'add' with kwargs {'a': 'x', 'b': 1}")
    with pytest.raises(ValueError, match="boom"):
        node.invoke([_call("boom", {"x": 1})])
    (unknown,) = node.invoke([_call("nope", {})])["messages"]
    assert unknown.content == "Error: nope is not a valid tool, try one of [add, boom]."


@pytest.mark.parametrize("flag, expected", [
    (True, "Error: ValueError('boom')\n Please fix your mistakes."),
    ("custom text", "custom text"),
    (ValueError, "Error: ValueError('boom')\n Please fix your mistakes."),
])
def test_handle_tool_errors_variants(flag, expected):
    (msg,) = ToolNode([boom], handle_tool_errors=flag).invoke([_call("boom", {"x": 1})])["messages"]
    assert (msg.content, msg.status) == (expected, "error")


def test_handler_annotation_limits_what_is_handled():
    def only_type_errors(e: TypeError) -> str:
        return "typed"

    with pytest.raises(ValueError):
        ToolNode([boom], handle_tool_errors=only_type_errors).invoke([_call("boom", {"x": 1})])


def test_injected_state_and_command_from_a_tool():
    @tool
    def count(state: Annotated[dict, InjectedState], tool_call_id: Annotated[str, "id"] = "") -> str:
        """Count messages."""
        return str(len(state["messages"]))

    @tool
    def jump(note: str, last: Annotated[list, InjectedState("messages")]) -> Command:
        """Return a Command with its ToolMessage."""
        return Command(update={"messages": [ToolMessage(note, tool_call_id="j")], "note": note})

    assert "state" not in count.tool_call_schema.model_fields
    state = {"messages": [AIMessage("", tool_calls=[_call("count", {}, "k"), _call("jump", {"note": "n"}, "j")])]}
    out = ToolNode([count, jump]).invoke(state)
    assert out[0]["messages"][0].content == "1"
    assert isinstance(out[1], Command) and out[1].update["note"] == "n"
    assert out[1].update["messages"][0].name == "jump"  # the ToolMessage for the call gets the tool's name


def test_command_without_matching_tool_message_is_rejected():
    @tool
    def bad() -> Command:
        """No ToolMessage."""
        return Command(update={"messages": []})

    with pytest.raises(ValueError, match="Expected to have a matching ToolMessage in Command.update for tool 'bad'"):
        ToolNode([bad]).invoke({"messages": [AIMessage("", tool_calls=[_call("bad", {})])]})


def test_tools_condition():
    assert tools_condition({"messages": [AIMessage("", tool_calls=[_call("add", {})])]}) == "tools"
    assert tools_condition([AIMessage("done")]) == "__end__"
    with pytest.raises(ValueError, match="No messages found in input state to tool_edge"):
        tools_condition({"messages": []})


def test_interrupt_inside_a_tool_pauses_and_resumes_in_a_graph():
    calls = []

    @tool
    def ask(q: str) -> str:
        """Ask a human."""
        calls.append(q)
        return interrupt(q)

    llm = Scripted(responses=[AIMessage("", id="a", tool_calls=[_call("ask", {"q": "ok?"})]), AIMessage("fine", id="b")])
    graph = (StateGraph(MessagesState).add_node("agent", lambda s: {"messages": [llm.invoke(s["messages"])]})
             .add_node("tools", ToolNode([ask])).add_edge(START, "agent")
             .add_conditional_edges("agent", tools_condition).add_edge("tools", "agent")
             .compile(checkpointer=InMemorySaver()))
    config = {"configurable": {"thread_id": "t"}}
    paused = graph.invoke({"messages": [HumanMessage("hi")]}, config)
    assert paused["__interrupt__"][0].value == "ok?" and graph.get_state(config).next == ("tools",)
    done = graph.invoke(Command(resume="yes"), config)
    assert [m.content for m in done["messages"]] == ["hi", "", "yes", "fine"] and calls == ["ok?", "ok?"]


def test_create_react_agent_shape_prompt_and_remaining_steps():
    warnings.simplefilter("ignore", DeprecationWarning)
    llm = Scripted(responses=[AIMessage("", id="a", tool_calls=[_call("add", {"a": 1, "b": 1})])])
    agent = create_react_agent(llm, [add], prompt="sys")
    assert sorted(agent.get_graph().nodes) == ["__end__", "__start__", "agent", "tools"]
    out = agent.invoke({"messages": [("user", "go")]}, {"recursion_limit": 2})
    # two steps left is not enough for a tool round: the agent says so instead of calling the tool
    assert out["messages"][-1].content == "Sorry, need more steps to process this request."
    with pytest.raises(ValueError, match="Missing required key"):
        create_react_agent(llm, [add], state_schema=MessagesState)


def test_engine_import_does_not_load_langchain_core():
    code = "import sys, hitl_notebook.graph, hitl_notebook.types; print('langchain_core' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
