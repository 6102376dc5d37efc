# stream_mode="messages" (and with "updates"): chat-model tokens from nodes that call a streaming fake model
# with .invoke() (no config passed), .stream() and await .ainvoke()/.astream(); messages returned by nodes;
# "nostream"; a Runnable node; sync and async; a subgraph with and without subgraphs=True.
# Metadata is printed with sorted keys; checkpoint namespaces hold task uuids, which the test normalises.
import asyncio

from langchain_core.language_models.fake_chat_models import (
    FakeListChatModel,
    FakeMessagesListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, MessagesState, StateGraph


def show(item):
    if isinstance(item, tuple) and len(item) == 3:  # (namespace, mode, chunk)
        ns, mode, chunk = item
        prefix = f"{ns} {mode}"
    elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        (mode, chunk), prefix = item, item[0]
    elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple):  # (namespace, chunk)
        (ns, chunk), mode = item, "messages"
        prefix = f"{ns} messages"
    else:
        chunk, prefix, mode = item, "messages", "messages"
    if mode == "messages":
        message, meta = chunk
        # lc_versions names installed package versions: identical in both runs, but noise here.
        meta = {k: v for k, v in sorted(meta.items()) if k != "lc_versions"}
        print(prefix, type(message).__name__, repr(message.content), message.id, meta)
    else:
        print(prefix, {k: v if not isinstance(v, dict) else sorted(v) for k, v in chunk.items()})


def script():
    return GenericFakeChatModel(messages=iter([
        AIMessage("hello there", id="m1"),
        AIMessage("second answer", id="m2"),
        AIMessage("let me look", id="m3", tool_calls=[{"name": "lookup", "args": {"q": "x"}, "id": "call_1"}]),
        AIMessage("quiet", id="m4"),
        AIMessage("from a runnable", id="m5"),
    ]))


model = script()


def chat(state: MessagesState):
    return {"messages": [model.invoke(state["messages"])]}


def streamer(state: MessagesState):
    chunks = list(model.stream(state["messages"]))
    full = chunks[0]
    for c in chunks[1:]:
        full += c
    return {"messages": [full]}


def tools(state: MessagesState):
    return {"messages": [model.invoke(state["messages"]), ("ai", "done")]}


def quiet(state: MessagesState):
    return {"messages": [model.with_config(tags=["nostream"]).invoke(state["messages"])]}


def returns_message(state: MessagesState):
    return {"messages": [AIMessage("not from a model", id="plain")]}


builder = StateGraph(MessagesState)
builder.add_sequence([chat, streamer, tools, quiet, returns_message,
                      ("runnable", RunnableLambda(lambda s: {"messages": [model.invoke(s["messages"])]}))])
builder.add_edge(START, "chat")
graph = builder.compile(checkpointer=InMemorySaver())
config = {"configurable": {"thread_id": "t1"}, "metadata": {"user": "u1"}, "tags": ["demo"]}

print("== messages")
for item in graph.stream({"messages": [("user", "hi")]}, config, stream_mode="messages"):
    show(item)

print("== messages + updates")
model = script()
for item in graph.stream({"messages": [("user", "hi")]}, {"configurable": {"thread_id": "t2"}},
                         stream_mode=["messages", "updates"]):
    show(item)

print("== list / messages list models")
lister = FakeListChatModel(responses=["abc"])
whole = FakeMessagesListChatModel(responses=[AIMessage("whole", id="w1")])
two = StateGraph(MessagesState).add_sequence([
    ("lister", lambda s: {"messages": [lister.invoke(s["messages"])]}),
    ("whole", lambda s: {"messages": [whole.invoke(s["messages"])]}),
]).add_edge(START, "lister").compile()
for item in two.stream({"messages": [("user", "hi")]}, stream_mode="messages"):
    message, meta = item
    print(type(message).__name__, repr(message.content), message.id == "w1", meta["langgraph_node"])


# -- async --------------------------------------------------------------------------------------------------
async def achat(state: MessagesState):
    return {"messages": [await model.ainvoke(state["messages"])]}


async def astreamer(state: MessagesState):
    parts = [c async for c in model.astream(state["messages"])]
    full = parts[0]
    for c in parts[1:]:
        full += c
    return {"messages": [full]}


agraph = StateGraph(MessagesState).add_sequence([achat, astreamer]).add_edge(START, "achat").compile()


async def main():
    print("== async messages + updates")
    async for item in agraph.astream({"messages": [("user", "hi")]}, stream_mode=["messages", "updates"]):
        show(item)
    print("== async sync-node graph")
    global model
    model = script()
    async for item in graph.astream({"messages": [("user", "hi")]}, {"configurable": {"thread_id": "t3"}},
                                    stream_mode="messages"):
        show(item)


model = script()
asyncio.run(main())

# -- subgraph -----------------------------------------------------------------------------------------------
sub = StateGraph(MessagesState).add_node(chat).add_edge(START, "chat").compile()
parent = (StateGraph(MessagesState).add_node("sub", sub).add_node("after", chat)
          .add_edge(START, "sub").add_edge("sub", "after").compile(checkpointer=InMemorySaver()))
for subgraphs in (False, True):
    print(f"== subgraph, subgraphs={subgraphs}")
    model = script()
    for item in parent.stream({"messages": [("user", "hi")]}, {"configurable": {"thread_id": f"s{subgraphs}"}},
                              stream_mode=["messages", "updates"], subgraphs=subgraphs):
        show(item)


async def asub():
    print("== async subgraph, messages only, subgraphs=True")
    async for item in parent.astream({"messages": [("user", "hi")]}, {"configurable": {"thread_id": "as"}},
                                     stream_mode="messages", subgraphs=True):
        show(item)


model = script()
asyncio.run(asub())
