# AsyncSqliteSaver: from_conn_string, setup(), interrupt and resume through ainvoke/astream, the async read API
# (aget, aget_tuple, alist with filter/before/limit), sync calls from the loop thread refused, sync calls from
# another thread allowed, adelete_thread.
import asyncio
import operator
import os
import tempfile
from typing import Annotated, TypedDict

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import START, StateGraph
from langgraph.types import Command, interrupt


class S(TypedDict):
    log: Annotated[list, operator.add]


async def draft(state):
    return {"log": ["draft"]}


async def review(state):
    return {"log": [f"review={interrupt({'question': 'ship it?'})}"]}


def publish(state):
    return {"log": ["published"]}


g = StateGraph(S).add_node("draft", draft).add_node("review", review).add_node("publish", publish)
g.add_edge(START, "draft").add_edge("draft", "review").add_edge("review", "publish")


async def main():
    path = os.path.join(tempfile.mkdtemp(), "runs.sqlite")
    async with AsyncSqliteSaver.from_conn_string(path) as saver:
        await saver.setup()
        app = g.compile(checkpointer=saver)
        cfg = {"configurable": {"thread_id": "doc-1"}}
        paused = await app.ainvoke({"log": []}, cfg)
        print("paused:", paused["log"], [i.value for i in paused["__interrupt__"]])
        state = await app.aget_state(cfg)
        print("next:", state.next, "interrupts:", [i.value for t in state.tasks for i in t.interrupts])
        async for chunk in app.astream(Command(resume="yes"), cfg, stream_mode="updates"):
            print("update:", chunk)
        history = [c async for c in saver.alist(cfg)]
        print("history:", [(c.metadata["source"], c.metadata["step"]) for c in history])
        print("limit 2:", [c.metadata["step"] async for c in saver.alist(cfg, limit=2)])
        print("before:", [c.metadata["step"] async for c in saver.alist(cfg, before=history[1].config)])
        print("filter:", [c.metadata["step"] async for c in saver.alist(cfg, filter={"source": "input"})])
        print("aget:", (await saver.aget(cfg))["channel_values"])
        first = await saver.aget_tuple(history[-2].config)
        print("old:", sorted(first.checkpoint["channel_values"].items()), first.parent_config is not None)
        for call in (lambda: saver.get_tuple(cfg), lambda: list(saver.list(cfg)),
                     lambda: saver.delete_thread("doc-1")):
            try:
                call()
            except asyncio.InvalidStateError as exc:
                print("refused:", exc)
        print("from a thread:", await asyncio.to_thread(lambda: saver.get_tuple(cfg).metadata["step"]))
        print("replay:", await app.ainvoke(None, history[1].config))
        await saver.adelete_thread("doc-1")
        print("deleted:", await saver.aget_tuple(cfg), [c async for c in saver.alist(cfg)])
    async with AsyncSqliteSaver.from_conn_string(path) as saver:
        print("reopened:", [c async for c in saver.alist(None)])


asyncio.run(main())
