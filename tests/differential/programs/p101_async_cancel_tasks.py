# Cancelling an @entrypoint run cancels its running @task coroutines (and the entrypoint's own await); finished
# tasks keep their results, cancelled ones are saved as failed, and a resume re-runs only those.
import asyncio

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task

events = []
calls = []
release = {"go": False}


@task
async def slow(x):
    calls.append(f"slow({x})")
    if not release["go"]:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            events.append(f"slow({x}) cancelled")
            raise
    return x


@task
async def quick(x):
    calls.append(f"quick({x})")
    return x * 10


saver = InMemorySaver()


@entrypoint(checkpointer=saver)
async def workflow(x):
    q = await quick(x)
    try:
        pair = await asyncio.gather(slow(1), slow(2))
    except asyncio.CancelledError:
        events.append("workflow cancelled")
        raise
    return [q, pair]


async def main():
    cfg = {"configurable": {"thread_id": "f"}}
    run = asyncio.ensure_future(workflow.ainvoke(3, cfg))
    for _ in range(2000):  # cancel once both slow tasks run (a fixed delay was flaky on a loaded machine)
        if len(calls) == 3:
            break
        await asyncio.sleep(0.005)
    run.cancel()
    try:
        await run
    except asyncio.CancelledError:
        print("cancelled")
    print("events:", events)
    saved = saver.get_tuple(cfg)
    print("step:", saved.metadata["step"])
    print("pending:", sorted((channel, repr(value)) for _, channel, value in saved.pending_writes))
    state = await workflow.aget_state(cfg)
    print("next:", state.next, "tasks:", [(t.name, t.error) for t in state.tasks])
    release["go"] = True
    calls.clear()
    print("resumed:", await workflow.ainvoke(None, cfg))
    print("calls on resume:", sorted(calls))


asyncio.run(main())
