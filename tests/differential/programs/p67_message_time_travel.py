# Time travel over a message history: get_state_history, replay from a past checkpoint, and a fork where an
# earlier message is edited (same id, so add_messages replaces it) before the agent runs again.
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.tools import tool

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode, tools_condition


class ScriptedChatModel(FakeMessagesListChatModel):
    """Test helper: answers from a script and ignores bind_tools (the script holds the tool calls)."""

    def bind_tools(self, tools, **kwargs):
        return self


@tool
def lookup(topic: str) -> str:
    """Look a topic up."""
    return f"notes on {topic}"


llm = ScriptedChatModel(responses=[
    AIMessage("", id="ai-1", tool_calls=[{"name": "lookup", "args": {"topic": "otters"}, "id": "t-1"}]),
    AIMessage("Otters hold hands.", id="ai-2"),
    AIMessage("", id="ai-3", tool_calls=[{"name": "lookup", "args": {"topic": "otters again"}, "id": "t-2"}]),
    AIMessage("Replayed answer.", id="ai-4"),
    AIMessage("Beavers build dams.", id="ai-5"),
])


def agent(state: MessagesState):
    return {"messages": [llm.invoke(state["messages"])]}


builder = StateGraph(MessagesState)
builder.add_node("agent", agent)
builder.add_node("tools", ToolNode([lookup]))
builder.add_edge(START, "agent")
builder.add_conditional_edges("agent", tools_condition)
builder.add_edge("tools", "agent")
graph = builder.compile(checkpointer=InMemorySaver())

config = {"configurable": {"thread_id": "tt"}}
result = graph.invoke({"messages": [HumanMessage("Tell me about otters", id="h-1")]}, config)
print([m.content for m in result["messages"]])

history = list(graph.get_state_history(config))
for snap in history:
    print(snap.metadata["step"], snap.metadata["source"], snap.next, [m.content for m in snap.values.get("messages", [])])

# replay from the checkpoint just before the tools ran: tools and agent run again
before_tools = next(s for s in history if s.next == ("tools",))
for chunk in graph.stream(None, before_tools.config, stream_mode="updates"):
    for node, update in chunk.items():
        print("replay", node, [(type(m).__name__, m.content) for m in update["messages"]])

# fork: edit the human message (same id) at the first agent step, then run from the fork
first = next(s for s in history if s.next == ("agent",) and s.metadata["step"] == 0)
fork_config = graph.update_state(first.config, {"messages": [HumanMessage("Tell me about beavers", id="h-1")]})
fork = graph.get_state(fork_config)
print("fork:", fork.next, fork.metadata["source"], [m.content for m in fork.values["messages"]])
print("parent is the edited checkpoint:", fork.parent_config["configurable"]["checkpoint_id"] == first.config["configurable"]["checkpoint_id"])
for chunk in graph.stream(None, fork_config, stream_mode="values"):
    print("fork values", [m.content for m in chunk["messages"]])
print(len(list(graph.get_state_history(config))))
print([m.content for m in graph.get_state(config).values["messages"]])
