# Cancelling ainvoke (wait_for timeout, task.cancel()) cancels the running async nodes: they see CancelledError,
# no checkpoint is written for the cancelled step, finished siblings keep their writes, and a resume re-runs only
# the cancelled node.
import asyncio
import operator
import threading
from typing import Annotated, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph


class S(TypedDict):
    log: Annotated[list, operator.add]


events = []
release = {"slow": False}


async def fast(state):
    return {"log": ["fast"]}


async def slow(state):
    if not release["slow"]:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            events.append("slow saw CancelledError")
            raise
    return {"log": ["slow"]}


async def after(state):
    events.append("after ran")
    return {"log": ["after"]}


def steps(saver, cfg):
    return [c.metadata["step"] for c in saver.list(cfg)]


async def main():
    # Parallel step: one node finishes, the other is cancelled by a wait_for timeout.
    g = StateGraph(S).add_node("fast", fast).add_node("slow", slow).add_node("after", after)
    g.add_edge(START, "fast").add_edge(START, "slow").add_edge(["fast", "slow"], "after")
    saver = InMemorySaver()
    app = g.compile(checkpointer=saver)
    cfg = {"configurable": {"thread_id": "parallel"}}
    try:
        await asyncio.wait_for(app.ainvoke({"log": ["start"]}, cfg), 1.5)
    except asyncio.TimeoutError:
        print("timed out")
    print("events:", events)
    print("steps:", steps(saver, cfg))
    state = await app.aget_state(cfg)
    print("values:", state.values, "next:", state.next)
    print("tasks:", sorted((t.name, t.error) for t in state.tasks))
    release["slow"] = True
    print("resumed:", await app.ainvoke(None, cfg))
    print("events:", events)

    # A lone node in a later step, cancelled with task.cancel(): the earlier steps stay saved.
    events.clear()
    release["slow"] = False
    g2 = StateGraph(S).add_node("fast", fast).add_node("slow", slow).add_node("after", after)
    g2.add_edge(START, "fast").add_edge("fast", "slow").add_edge("slow", "after")
    app2 = g2.compile(checkpointer=saver)
    cfg2 = {"configurable": {"thread_id": "chain"}}
    run = asyncio.create_task(app2.ainvoke({"log": []}, cfg2))
    await asyncio.sleep(0.3)
    run.cancel()
    try:
        await run
    except asyncio.CancelledError:
        print("cancelled")
    print("events:", events)
    print("steps:", steps(saver, cfg2))
    state = await app2.aget_state(cfg2)
    print("values:", state.values, "next:", state.next, "errors:", [t.error for t in state.tasks])
    await asyncio.sleep(0.1)
    print("engine threads left:", [t.name for t in threading.enumerate() if t.name.startswith("hitl")])
    release["slow"] = True
    print("resumed:", await app2.ainvoke(None, cfg2))


asyncio.run(main())
