# astream_events(version="v2"): each node's run reports what the node returned (a Command, a list of updates,
# None, a dict with keys outside the state) in its on_chain_end output and in one on_chain_stream chunk, as
# LangGraph 1.2 does; a Runnable node streams (its start event carries no input); a subgraph node reports the
# subgraph's result; an interrupted node ends without an end event. A @task call's run nests under its caller
# (tags ['seq:step:1']) with its arguments by name as input. stream_events v1/v2 is refused.
# (The graph's own on_chain_stream chunks of an @entrypoint run are left out: when they arrive relative to the
# tasks' events is a matter of thread timing in hitl_notebook.)
import asyncio
import operator
from typing import Annotated, TypedDict

from langchain_core.runnables import RunnableLambda

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
from langgraph.graph import START, StateGraph
from langgraph.types import Command, interrupt


class S(TypedDict):
    x: int
    log: Annotated[list, operator.add]


def by_command(s): return Command(update={"x": 2}, goto="nothing")
def nothing(s): return None
def several(s): return [Command(update={"log": ["a"]}), {"log": ["b"]}]
def extra(s): return {"x": 3, "nope": 1}
async def async_command(s): return Command(update={"log": ["c"]})
def empty(s): return {}
def ask(s): return {"x": interrupt("q")}


def inner(s): return {"x": s["x"] * 10}


sub = StateGraph(S).add_node(inner).add_edge(START, "inner").compile()

b = StateGraph(S)
for fn in (by_command, nothing, several, extra, async_command, empty, ask):
    b.add_node(fn.__name__, fn)
b.add_node("sub", sub).add_node("lam", RunnableLambda(lambda s: {"x": s["x"] + 1}))
b.add_edge(START, "by_command")
for x, y in [("nothing", "several"), ("several", "extra"), ("extra", "async_command"), ("async_command", "empty"),
             ("empty", "sub"), ("sub", "lam"), ("lam", "ask")]:
    b.add_edge(x, y)
graph = b.compile(checkpointer=InMemorySaver())


async def main():
    cfg = {"configurable": {"thread_id": "1"}}
    for inp in ({"x": 1, "log": []}, Command(resume=5)):
        async for ev in graph.astream_events(inp, cfg, version="v2"):
            print(ev["event"], ev["name"], ev["tags"], ev["data"])


asyncio.run(main())


@task
def plus(x, step=1, **extra):
    return x + step + len(extra)


@task
async def aplus(x):
    return x + 2


@entrypoint()
async def workflow(x):
    a = await plus(x, flag=True)
    return {"r": await aplus(a)}


async def functional():
    async for ev in workflow.astream_events(1, version="v2"):
        if not (ev["event"] == "on_chain_stream" and ev["name"] == "LangGraph"):
            print(ev["event"], ev["name"], ev["tags"], ev["data"])


asyncio.run(functional())
for version in ("v1", "v2"):
    try:
        graph.stream_events({"x": 1, "log": []}, version=version)
    except NotImplementedError as exc:
        print("stream_events", version, "NotImplementedError:", exc)
