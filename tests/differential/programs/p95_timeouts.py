# Timeouts: TimeoutPolicy coercion, async run_timeout, sync nodes refused, step_timeout.
import asyncio, time
from datetime import timedelta
from typing import TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import TimeoutPolicy, RetryPolicy
from langgraph.errors import NodeTimeoutError
class S(TypedDict, total=False):
    x: int
def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")
def sync_node(s):
    return {"x": 1}
show("sync timeout", lambda: StateGraph(S).add_node("n", sync_node, timeout=1).add_edge(START, "n").compile())
show("bad timeout", lambda: StateGraph(S).add_node("n", sync_node, timeout=0))
show("coerce", lambda: TimeoutPolicy.coerce(timedelta(seconds=2)))
async def slow(s):
    await asyncio.sleep(1)
    return {"x": 1}
app = StateGraph(S).add_node("slow", slow, timeout=0.05).add_edge(START, "slow").compile()
async def main():
    try:
        await app.ainvoke({})
    except Exception as e:
        print(type(e).__name__, e.node, e.kind, e.timeout, e.run_timeout, e.idle_timeout)
asyncio.run(main())
show("sync invoke async node with timeout", lambda: app.invoke({}))
def slow_sync(s):
    time.sleep(0.3)
    return {"x": 2}
app = StateGraph(S).add_node("n", slow_sync).add_edge(START, "n").compile()
app.step_timeout = 0.05
show("step timeout", lambda: app.invoke({}))
app.step_timeout = 1
show("step ok", lambda: app.invoke({}))
