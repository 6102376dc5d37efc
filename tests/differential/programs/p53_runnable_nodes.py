# LangChain Runnables as nodes: RunnableLambda (with config, sync and async variants), a RunnableSequence, and a
# runnable built with .with_config; names come from get_name(); async runs call ainvoke.
import asyncio
import operator
from typing import Annotated, TypedDict

from langchain_core.runnables import RunnableConfig, RunnableLambda, RunnablePassthrough

from langgraph.graph import START, StateGraph


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    n: int


def first(state: S, config: RunnableConfig):
    return {"log": [f"first step={config['metadata']['langgraph_step']} node={config['metadata']['langgraph_node']}"],
            "n": state.get("n", 0) + 1}


def sync_double(state):
    return {"log": ["sync double"], "n": state["n"] * 2}


async def async_double(state):
    await asyncio.sleep(0)
    return {"log": ["async double"], "n": state["n"] * 2}


seq = RunnablePassthrough() | RunnableLambda(lambda s: {"log": [f"sequence saw n={s['n']}"]})
builder = StateGraph(S)
builder.add_node(RunnableLambda(first))
builder.add_node("double", RunnableLambda(sync_double, afunc=async_double))
builder.add_node("seq", seq)
builder.add_node("tagged", RunnableLambda(lambda s: {"log": ["tagged"]}).with_config(tags=["x"]))
builder.add_edge(START, "first").add_edge("first", "double").add_edge("double", "seq").add_edge("seq", "tagged")
graph = builder.compile()
print(list(graph.nodes))
print(graph.invoke({"n": 1}))
for chunk in graph.stream({"n": 5}, stream_mode="updates"):
    print(chunk)
print(asyncio.run(graph.ainvoke({"n": 1})))


async def stream_async():
    async for chunk in graph.astream({"n": 2}, stream_mode=["updates", "values"]):
        print(chunk)


asyncio.run(stream_async())
