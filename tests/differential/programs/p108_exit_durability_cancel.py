# durability="exit" + cancelling an async run: the last finished checkpoint is saved (with finished siblings'
# writes), as under the other durability modes.
import asyncio, operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.checkpoint.memory import InMemorySaver
class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
started = None
def a(s):
    return {"log": ["a"]}
async def slow(s):
    started.set()
    await asyncio.sleep(5)
    return {"log": ["slow"]}
async def quick(s):
    return {"log": ["quick"]}
def build(parallel):
    g = StateGraph(S).add_node("a", a).add_node("slow", slow).add_edge(START, "a").add_edge("a", "slow")
    if parallel:
        g.add_node("quick", quick).add_edge("a", "quick")
    return g.compile(checkpointer=InMemorySaver())
async def main():
    global started
    for parallel in (False, True):
        for durability in ("exit", "async", "sync"):
            for how in ("ainvoke", "astream", "wait_for"):
                started = asyncio.Event()
                app = build(parallel)
                cfg = {"configurable": {"thread_id": "t"}}
                async def go():
                    if how == "astream":
                        async for _ in app.astream({"log": []}, cfg, durability=durability):
                            pass
                    else:
                        await app.ainvoke({"log": []}, cfg, durability=durability)
                if how == "wait_for":
                    t = asyncio.create_task(asyncio.wait_for(go(), 1.0))
                else:
                    t = asyncio.create_task(go())
                    await started.wait()
                    await asyncio.sleep(0.2)
                    t.cancel()
                try:
                    await t
                except (asyncio.CancelledError, asyncio.TimeoutError) as e:
                    print(type(e).__name__, end=" ")
                st = await app.aget_state(cfg)
                tup = app.checkpointer.get_tuple(cfg)
                writes = tup and sorted((w[1], str(w[2])) for w in tup.pending_writes)
                print(parallel, durability, how, st.values, st.next, tup and tup.metadata["step"], writes,
                      len(list(app.checkpointer.list(cfg))))
asyncio.run(main())
