# A node that writes no state key (returns {}, an empty Command update, or only keys outside output_keys) shows
# as None in stream_mode="updates", as LangGraph 1.2 does.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import Command
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    x: int
    priv: int
    log: Annotated[list, operator.add]

def empty(s): return {}
def nothing(s): return None
def private(s): return {"priv": 1}
def empty_command(s): return Command(update={})
def commands(s): return [Command(update={}), {}]
def unknown_key(s): return Command(update={"nope": 1}, goto="last")
def last(s): return {"log": [1]}

builder = StateGraph(S)
names = ["empty", "nothing", "private", "empty_command", "commands", "unknown_key"]
for fn in [empty, nothing, private, empty_command, commands, unknown_key, last]:
    builder.add_node(fn.__name__, fn)
builder.add_edge(START, names[0])
for a, b in zip(names, names[1:]):
    builder.add_edge(a, b)
g = builder.compile(checkpointer=InMemorySaver())
for chunk in g.stream({"x": 1}, {"configurable": {"thread_id": "1"}}, stream_mode=["updates", "tasks"]):
    print(chunk[0], {k: v for k, v in chunk[1].items() if k not in ("id", "input", "triggers")})
for chunk in g.stream({"x": 1}, {"configurable": {"thread_id": "2"}}, output_keys=["x"]):
    print(chunk)
for chunk in g.stream({"x": 1}, {"configurable": {"thread_id": "3"}}, output_keys="x"):
    print(chunk)
print([[(t.name, t.result) for t in h.tasks] for h in g.get_state_history({"configurable": {"thread_id": "1"}})])

# an @entrypoint (and its @task) returning {} shows the {} it returned
from langgraph.func import entrypoint, task

@task
def nothing_task(x): return {}

@entrypoint(checkpointer=InMemorySaver())
def flow(x):
    nothing_task(x).result()
    return {}

print(list(flow.stream(1, {"configurable": {"thread_id": "f"}}, stream_mode=["updates", "values"])))

# a graph whose whole state is one value shows a node's {} as it is
root = StateGraph(Annotated[dict, operator.or_]).add_node("a", lambda s: {}).add_node("b", lambda s: None) \
    .add_edge(START, "a").add_edge("a", "b").compile()
print(list(root.stream({"k": 1}, stream_mode=["updates", "values"])))
