# The async API (§5.4): ainvoke/astream with async nodes, async routers, async tasks, interrupts and state.
import asyncio
import operator
from typing import Annotated, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt


class S(TypedDict):
    log: Annotated[list, operator.add]


async def a(state):
    await asyncio.sleep(0)
    return {"log": ["a"]}


def b(state):
    return {"log": [f"b={interrupt('ok?')}"]}


async def route(state) -> str:
    return END


g = StateGraph(S).add_node("a", a).add_node("b", b).add_edge(START, "a").add_edge("a", "b")
g.add_conditional_edges("b", route)
graph = g.compile(checkpointer=InMemorySaver())


@task
async def double(x: int) -> int:
    await asyncio.sleep(0)
    return 2 * x


@entrypoint(checkpointer=InMemorySaver())
async def wf(x: int) -> dict:
    values = await asyncio.gather(double(x), double(x + 1))
    return {"sum": sum(values), "approved": interrupt("sum ok?")}


async def main():
    cfg = {"configurable": {"thread_id": "a1"}}
    print([c async for c in graph.astream({"log": []}, cfg)])
    state = await graph.aget_state(cfg)
    print(state.next, [i.value for i in state.interrupts])
    print(await graph.ainvoke(Command(resume="yes"), cfg))
    print([s.metadata["step"] async for s in graph.aget_state_history(cfg)])
    new = await graph.aupdate_state(cfg, {"log": ["edit"]})
    print((await graph.aget_state(new)).values)
    wcfg = {"configurable": {"thread_id": "w1"}}
    print(sorted((await wf.ainvoke(3, wcfg)).keys()))
    print([c async for c in wf.astream(Command(resume=True), wcfg)])
    try:
        wf.invoke(1, {"configurable": {"thread_id": "w2"}})
    except Exception as e:
        print(type(e).__name__)


asyncio.run(main())
