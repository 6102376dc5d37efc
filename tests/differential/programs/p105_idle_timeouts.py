# Idle timeouts: TimeoutPolicy(idle_timeout=...) and what counts as progress (runtime.heartbeat; with the default
# refresh_on="auto" also custom writes, @task calls and LangChain callbacks), @task / @entrypoint(timeout=...),
# timed Runnables.
import asyncio
from datetime import timedelta
from typing import TypedDict
from langchain_core.runnables import Runnable, RunnableLambda
from langgraph.graph import StateGraph, START
from langgraph.types import TimeoutPolicy, RetryPolicy
from langgraph.runtime import Runtime, get_runtime
from langgraph.config import get_stream_writer
from langgraph.func import entrypoint, task
from langgraph.errors import NodeTimeoutError
class S(TypedDict, total=False):
    x: int
def report(label, e):
    if isinstance(e, NodeTimeoutError):
        print(label, type(e).__name__, e.node, e.kind, e.timeout, e.idle_timeout, e.run_timeout,
              str(e).split(" (elapsed")[0])
    else:
        print(label, type(e).__name__, str(e).splitlines()[0] if str(e) else "")
async def beats(s, runtime: Runtime):
    for _ in range(6):
        await asyncio.sleep(0.1)
        runtime.heartbeat()
    return {"x": 1}
async def beats_via_get_runtime(s):
    for _ in range(6):
        await asyncio.sleep(0.1)
        get_runtime().heartbeat()
    return {"x": 9}
async def silent(s):
    await asyncio.sleep(2)
    return {"x": 2}
async def writes(s):
    w = get_stream_writer()
    for i in range(6):
        await asyncio.sleep(0.1)
        w({"i": i})
    return {"x": 3}
async def step(v):
    await asyncio.sleep(0.1)
    return v + 1
chain = RunnableLambda(step) | RunnableLambda(step) | RunnableLambda(step) | RunnableLambda(step) | RunnableLambda(step)
async def uses_chain(s):
    return {"x": await chain.ainvoke(0)}
@task
async def sub(i):
    return i
async def calls_tasks(s):
    total = 0
    for i in range(6):
        await asyncio.sleep(0.1)
        total += await sub(i)
    return {"x": total}
async def run(label, fn, timeout, modes=("updates", "custom"), **kw):
    app = StateGraph(S).add_node("n", fn, timeout=timeout, **kw).add_edge(START, "n").compile()
    try:
        out = [c async for c in app.astream({}, stream_mode=list(modes))]
        print(label, [c for c in out if c[0] == "updates"], len([c for c in out if c[0] == "custom"]))
    except Exception as e:
        report(label, e)
async def main():
    for mode in ("auto", "heartbeat"):
        await run(f"heartbeat {mode}", beats, TimeoutPolicy(idle_timeout=0.5, refresh_on=mode))
        await run(f"get_runtime {mode}", beats_via_get_runtime, TimeoutPolicy(idle_timeout=0.5, refresh_on=mode))
        await run(f"writes {mode}", writes, TimeoutPolicy(idle_timeout=0.3, refresh_on=mode))
        await run(f"chain {mode}", uses_chain, TimeoutPolicy(idle_timeout=0.3, refresh_on=mode))
        await run(f"chain messages {mode}", uses_chain, TimeoutPolicy(idle_timeout=0.3, refresh_on=mode),
                  ("updates", "messages"))
        await run(f"tasks {mode}", calls_tasks, TimeoutPolicy(idle_timeout=0.3, refresh_on=mode))
    await run("silent idle", silent, TimeoutPolicy(idle_timeout=0.3))
    await run("silent both", silent, TimeoutPolicy(idle_timeout=0.3, run_timeout=5))
    await run("beats but run limit", beats, TimeoutPolicy(idle_timeout=0.5, run_timeout=0.3))
    await run("run only: heartbeat is a no-op", beats_via_get_runtime, TimeoutPolicy(run_timeout=0.3))
    await run("timedelta", silent, TimeoutPolicy(idle_timeout=timedelta(milliseconds=300)))
    n = {"c": 0}
    async def flaky(s):
        n["c"] += 1
        if n["c"] == 1:
            await asyncio.sleep(2)
        return {"x": n["c"]}
    await run("retry", flaky, TimeoutPolicy(idle_timeout=0.3),
              retry_policy=RetryPolicy(max_attempts=2, initial_interval=0.01, retry_on=NodeTimeoutError))
    async def own(s):
        raise TimeoutError("mine")
    await run("own TimeoutError", own, TimeoutPolicy(idle_timeout=0.3))
    try:
        StateGraph(S).add_node("n", lambda s: s, timeout=TimeoutPolicy(idle_timeout=1)).add_edge(START, "n").compile()
    except ValueError as e:
        report("sync node", e)
    # @task(timeout=...)
    def sync_task(x):
        return x
    for label, decorator in [("sync task", task(timeout=1)), ("sync entrypoint", entrypoint(timeout=1))]:
        try:
            decorator(sync_task)
        except ValueError as e:
            report(label, e)
    @task(timeout=0.3)
    async def slow_task(x):
        await asyncio.sleep(2)
        return x
    @task(timeout=TimeoutPolicy(idle_timeout=0.5))
    async def beating_task(x, runtime: Runtime):
        for _ in range(6):
            await asyncio.sleep(0.1)
            runtime.heartbeat()
        return x * 2
    @entrypoint()
    async def flow(x):
        y = await beating_task(x)
        try:
            await slow_task(x)
        except NodeTimeoutError as e:
            report("task timeout", e)
        return y
    print("flow", await flow.ainvoke(3))
    @entrypoint(timeout=TimeoutPolicy(idle_timeout=0.3))
    async def idle_flow(x):
        await asyncio.sleep(2)
        return x
    try:
        await idle_flow.ainvoke(1)
    except NodeTimeoutError as e:
        report("entrypoint timeout", e)
    try:
        idle_flow.invoke(1)
    except ValueError as e:
        report("timed entrypoint under invoke", e)
    print("heartbeat outside a timed node", Runtime().heartbeat())
    # Runnables: natively async ones can time out, others are refused when compiled
    async def aslow(s):
        await asyncio.sleep(2)
        return {"x": 1}
    async def afast(s):
        return {"x": 2}
    def sync(s):
        return {"x": 3}
    class Own(Runnable):
        def invoke(self, s, config=None):
            return {"x": 4}
        async def ainvoke(self, s, config=None, **kw):
            await asyncio.sleep(2)
            return {"x": 4}
    class OnlySync(Runnable):
        def invoke(self, s, config=None):
            return {"x": 5}
    cases = [("lambda async", RunnableLambda(aslow)), ("lambda sync", RunnableLambda(sync)),
             ("lambda both", RunnableLambda(sync, afunc=afast)), ("seq", RunnableLambda(afast) | RunnableLambda(aslow)),
             ("seq mixed", RunnableLambda(afast) | RunnableLambda(sync)), ("own", Own()), ("only sync", OnlySync())]
    for label, r in cases:
        try:
            app = StateGraph(S).add_node("n", r, timeout=0.3).add_edge(START, "n").compile()
        except ValueError as e:
            report(f"{label} compile", e)
            continue
        try:
            print(label, await app.ainvoke({}))
        except NodeTimeoutError as e:
            report(label, e)
        try:
            print(label, "sync", app.invoke({}))
        except ValueError as e:
            report(f"{label} sync", e)
asyncio.run(main())
