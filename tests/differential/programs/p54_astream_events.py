# astream_events(version="v2") on a compiled graph: chat-model events (start, one stream event per token, end)
# and the graph's and nodes' chain start/end events, with their tags and metadata keys.
# on_chain_stream events are left out: hitl_notebook does not emit them (see the README).
import asyncio

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from langgraph.graph import START, MessagesState, StateGraph

model = GenericFakeChatModel(messages=iter([AIMessage("hello there", id="m1"), AIMessage("sync call", id="m2")]))


async def call(state: MessagesState):
    return {"messages": [await model.ainvoke(state["messages"])]}


def sync_call(state: MessagesState):
    return {"messages": [model.invoke(state["messages"])]}


graph = StateGraph(MessagesState).add_sequence([call, sync_call]).add_edge(START, "call").compile()


async def main():
    async for event in graph.astream_events({"messages": [("user", "hi")]}, version="v2"):
        if event["event"].endswith("_stream") and not event["event"].startswith("on_chat_model"):
            continue
        data = event["data"]
        detail = repr(data["chunk"].content) if event["event"] == "on_chat_model_stream" else ""
        if event["event"] == "on_chat_model_end":
            detail = repr(data["output"].content)
        meta = sorted(k for k in event["metadata"] if k != "lc_versions")
        print(event["event"], event["name"], event["tags"], meta, detail)


asyncio.run(main())
