# The async saver methods on InMemorySaver (aput, aput_writes, aget_tuple, aget, alist, adelete_thread), and a
# cancelled ainvoke on AsyncSqliteSaver(conn): the cancelled step leaves no checkpoint and the thread resumes.
import asyncio
import operator
from typing import Annotated, TypedDict

import aiosqlite

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import START, StateGraph


class S(TypedDict):
    log: Annotated[list, operator.add]


hold = {"on": True}


async def first(state):
    return {"log": ["first"]}


async def second(state):
    while hold["on"]:
        await asyncio.sleep(0.01)
    return {"log": ["second"]}


g = StateGraph(S).add_node("first", first).add_node("second", second)
g.add_edge(START, "first").add_edge("first", "second")


async def saver_methods():
    saver = InMemorySaver()
    base = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}
    checkpoint = {"v": 4, "id": "1f0a0000-0000-6000-8000-000000000001", "ts": "2024-01-01T00:00:00+00:00",
                  "channel_values": {"log": ["x"]}, "channel_versions": {"log": 1}, "versions_seen": {},
                  "updated_channels": ["log"]}
    saved = await saver.aput(base, checkpoint, {"source": "input", "step": -1, "parents": {}}, {"log": 1})
    print("aput:", saved)
    await saver.aput_writes(saved, [("log", ["y"])], "task-1")
    found = await saver.aget_tuple(saved)
    print("aget_tuple:", found.checkpoint["channel_values"], found.metadata, found.pending_writes)
    print("aget:", (await saver.aget(base))["channel_versions"])
    print("alist:", [c.config async for c in saver.alist(base)])
    print("alist filter:", [c.config async for c in saver.alist(None, filter={"source": "loop"})])
    await saver.adelete_thread("t")
    print("after adelete_thread:", await saver.aget_tuple(base))


async def cancelled_run():
    async with aiosqlite.connect(":memory:") as conn:
        saver = AsyncSqliteSaver(conn)
        app = g.compile(checkpointer=saver)
        cfg = {"configurable": {"thread_id": "c"}}
        try:
            await asyncio.wait_for(app.ainvoke({"log": []}, cfg), 1.5)
        except asyncio.TimeoutError:
            print("timed out")
        print("steps:", [c.metadata["step"] async for c in saver.alist(cfg)])
        state = await app.aget_state(cfg)
        print("values:", state.values, "next:", state.next)
        hold["on"] = False
        print("resumed:", await app.ainvoke(None, cfg))
        print("steps:", [c.metadata["step"] async for c in saver.alist(cfg)])


asyncio.run(saver_methods())
asyncio.run(cancelled_run())
