# The functional-API seed (§6.3): @task + @entrypoint, interrupt, resume, previous/final, values stream.
import time, uuid
from langgraph.func import entrypoint, task
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

@task
def write_essay(topic: str) -> str:
    """Write an essay about the given topic."""
    time.sleep(0.01)
    return f"An essay about topic: {topic}"

@entrypoint(checkpointer=InMemorySaver())
def workflow(topic: str) -> dict:
    essay = write_essay("cat").result()
    is_approved = interrupt({"essay": essay, "action": "Please approve/reject the essay"})
    return {"essay": essay, "is_approved": is_approved}

config = {"configurable": {"thread_id": "t1"}}
for item in workflow.stream("cat", config):
    print(item)
print(workflow.get_state(config).next, workflow.get_state(config).values)
for item in workflow.stream(Command(resume=True), config):
    print(item)
print(workflow.get_state(config).values)
print([(h.metadata["source"], h.metadata["step"], h.next) for h in workflow.get_state_history(config)])

@entrypoint(checkpointer=InMemorySaver())
def counter(n: int, *, previous=None):
    previous = previous or 0
    return entrypoint.final(value=previous, save=previous + n)
c = {"configurable": {"thread_id": "c"}}
print([counter.invoke(i, c) for i in (1, 2, 3)], counter.get_state(c).values)
print(list(workflow.stream("dog", {"configurable": {"thread_id": "t2"}}, stream_mode="values")))
print(list(workflow.stream(Command(resume=False), {"configurable": {"thread_id": "t2"}}, stream_mode="values")))
try:
    write_essay("x")
except Exception as e:
    print(f"{type(e).__name__}: {e}")
