# Leaving `async for ... in astream()` early: the next superstep does not start; closing the generator (aclose, or
# cancelling the task that consumes it) cancels the node that is running and saves nothing more.
import asyncio
import operator
from typing import Annotated, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph


class S(TypedDict):
    log: Annotated[list, operator.add]


events = []


def make(name, wait=0.0):
    async def node(state):
        events.append(f"{name} started")
        try:
            await asyncio.sleep(wait)
        except asyncio.CancelledError:
            events.append(f"{name} cancelled")
            raise
        return {"log": [name]}
    return node


g = StateGraph(S).add_node("a", make("a")).add_node("b", make("b")).add_node("c", make("c", 30))
g.add_node("d", make("d"))
g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", "d")


async def main():
    saver = InMemorySaver()
    app = g.compile(checkpointer=saver)
    cfg = {"configurable": {"thread_id": "1"}}
    stream = app.astream({"log": []}, cfg)
    async for chunk in stream:
        print("chunk:", chunk)
        break
    await asyncio.sleep(0.2)
    print("after break:", events)
    await stream.aclose()
    print("after aclose:", events)
    print("steps:", [c.metadata["step"] for c in saver.list(cfg)])

    events.clear()
    cfg = {"configurable": {"thread_id": "2"}}

    async def consume():
        async for chunk in app.astream({"log": []}, cfg, stream_mode="values"):
            print("value:", chunk)

    consumer = asyncio.create_task(consume())
    await asyncio.sleep(0.3)
    consumer.cancel()
    try:
        await consumer
    except asyncio.CancelledError:
        print("consumer cancelled")
    print("events:", events)
    state = await app.aget_state(cfg)
    print("values:", state.values, "next:", state.next)
    print("steps:", [c.metadata["step"] for c in saver.list(cfg)])


asyncio.run(main())
