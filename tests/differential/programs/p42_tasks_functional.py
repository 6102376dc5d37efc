# tasks stream mode for an @entrypoint calling a @task: start events, push triggers, results.
from langgraph.func import entrypoint, task
from langgraph.checkpoint.memory import InMemorySaver
@task
def double(x: int) -> int:
    return 2 * x
@entrypoint(checkpointer=InMemorySaver())
def wf(x: int) -> int:
    return double(x).result() + 1
for c in wf.stream(3, {"configurable": {"thread_id": "t"}}, stream_mode="tasks"):
    print({k: (v if k not in ("id",) else "ID") for k, v in c.items()})
