# MessagesState / add_messages: id assignment, update by id, RemoveMessage, REMOVE_ALL_MESSAGES, coercion of
# dicts, (role, content) tuples and strings, chunks made whole. Random uuids are printed only as "has id".
from typing import Annotated

from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, RemoveMessage, ToolMessage
from typing_extensions import TypedDict

from langgraph.graph import START, MessagesState, StateGraph, add_messages
from langgraph.graph.message import REMOVE_ALL_MESSAGES


def show(label, messages):
    print(label, [(type(m).__name__, m.content, m.id if m.id and len(m.id) < 8 else bool(m.id)) for m in messages])


def coerce(state: MessagesState):
    return {"messages": [("ai", "tuple"), {"role": "user", "content": "dict"}, "string",
                         {"role": "tool", "content": "42", "tool_call_id": "c1"},
                         AIMessageChunk(content="chunk", id="k1")]}


def update(state: MessagesState):
    first = state["messages"][0]
    return {"messages": [RemoveMessage(id=first.id), HumanMessage("replaced", id="k1"),
                         AIMessage("calls", id="a1", tool_calls=[{"name": "f", "args": {"x": 1}, "id": "c2"}])]}


def clear(state: MessagesState):
    return {"messages": [("user", "dropped"), RemoveMessage(id=REMOVE_ALL_MESSAGES), ("user", "fresh start")]}


graph = StateGraph(MessagesState).add_sequence([coerce, update, clear]).add_edge(START, "coerce").compile()
for values in graph.stream({"messages": "hello"}, stream_mode="values"):
    show("values", values["messages"])
for update_ in graph.stream({"messages": [HumanMessage("hi", id="h1")]}, stream_mode="updates"):
    for node, value in update_.items():
        print("update", node, [type(m).__name__ if not isinstance(m, tuple) else m for m in value["messages"]])

show("merge", add_messages([HumanMessage("a", id="1"), AIMessage("b", id="2")], [HumanMessage("a2", id="1")]))
show("single", add_messages(HumanMessage("a", id="1"), ToolMessage("t", tool_call_id="x", id="3")))
show("readd", add_messages([HumanMessage("a", id="1")], [RemoveMessage(id="1"), HumanMessage("c", id="1")]))
for left, right in (([], None), (None, [HumanMessage("x")]), ([HumanMessage("a", id="1")], [RemoveMessage(id="9")])):
    try:
        add_messages(left, right)
    except ValueError as exc:
        print("ValueError:", exc)


class OpenAIState(TypedDict):
    messages: Annotated[list, add_messages(format="langchain-openai")]


fmt = StateGraph(OpenAIState).add_node("n", lambda s: {"messages": [
    {"role": "user", "content": [{"type": "text", "text": "look"},
                                 {"type": "image", "source_type": "base64", "data": "AAAA", "mime_type": "image/png"}]}
]}).add_edge(START, "n").compile()
print("openai format", fmt.invoke({"messages": []})["messages"][0].content)
try:
    add_messages(format="xml")([], [])
except ValueError as exc:
    print("ValueError:", exc)
