# LangGraph's chatbot tutorial: add_messages state, ToolNode + tools_condition, an interrupt() inside a @tool
# (human_assistance) resumed with Command(resume=...). A scripted fake chat model stands in for the LLM.
from typing import Annotated

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage
from langchain_core.tools import tool
from typing_extensions import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.types import Command, interrupt


class ScriptedChatModel(FakeMessagesListChatModel):
    """Test helper: LangChain's fake model has no bind_tools; the script already holds the tool calls."""

    bound: list = []

    def bind_tools(self, tools, **kwargs):
        self.bound = [t.name for t in tools]
        return self


class State(TypedDict):
    messages: Annotated[list, add_messages]


@tool
def human_assistance(query: str) -> str:
    """Request assistance from a human."""
    human_response = interrupt({"query": query})
    return human_response["data"]


@tool
def search(query: str) -> str:
    """Search the web."""
    return f"results for {query!r}"


llm = ScriptedChatModel(responses=[
    AIMessage("", id="ai-1", tool_calls=[
        {"name": "human_assistance", "args": {"query": "I need expert guidance for building an AI agent."}, "id": "call-1"},
        {"name": "search", "args": {"query": "langgraph"}, "id": "call-2"},
    ]),
    AIMessage("The expert recommends LangGraph.", id="ai-2"),
    AIMessage("", id="ai-3", tool_calls=[{"name": "missing_tool", "args": {}, "id": "call-3"},
                                          {"name": "search", "args": {"q": 1}, "id": "call-4"}]),
    AIMessage("Sorry about that.", id="ai-4"),
])
llm_with_tools = llm.bind_tools([human_assistance, search])
print("bound:", llm.bound)


def chatbot(state: State):
    message = llm_with_tools.invoke(state["messages"])
    assert len(message.tool_calls) <= 2
    return {"messages": [message]}


builder = StateGraph(State)
builder.add_node("chatbot", chatbot)
builder.add_node("tools", ToolNode(tools=[human_assistance, search]))
builder.add_conditional_edges("chatbot", tools_condition)
builder.add_edge("tools", "chatbot")
builder.add_edge(START, "chatbot")
graph = builder.compile(checkpointer=InMemorySaver())
print(graph.get_graph().draw_mermaid())

config = {"configurable": {"thread_id": "1"}}
for event in graph.stream({"messages": [{"role": "user", "content": "I need some expert guidance.", "id": "u-1"}]},
                          config, stream_mode="values"):
    if "messages" in event:
        print("values:", event["messages"][-1])
snapshot = graph.get_state(config)
print("next:", snapshot.next)
print("interrupts:", [i.value for i in snapshot.interrupts])
print("pending:", [t.name for t in snapshot.tasks])

human_command = Command(resume={"data": "We, the experts, recommend LangGraph."})
for event in graph.stream(human_command, config, stream_mode="updates"):
    print("update:", event)

for message in graph.get_state(config).values["messages"]:
    print(type(message).__name__, repr(message.content), getattr(message, "tool_call_id", None), message.id is not None)

# errors a model can fix come back as error ToolMessages: unknown tool, bad arguments
for event in graph.stream({"messages": [{"role": "user", "content": "again", "id": "u-2"}]}, config):
    for node, update in event.items():
        for message in update["messages"]:
            print(node, type(message).__name__, getattr(message, "status", None), repr(message.content))
print(graph.get_state(config).next)
