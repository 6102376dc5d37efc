# recursion_limit sweep and GraphRecursionError (§2.5).
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START
from langgraph.errors import GraphRecursionError
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


runs = []


def loop(s):
    runs.append(len(s["log"]))
    return {"log": [len(s["log"])]}


g = StateGraph(S).add_node("loop", loop).add_edge(START, "loop").add_edge("loop", "loop")
graph = g.compile()

for limit in (1, 2, 3, 4, 5):
    runs.clear()
    try:
        graph.invoke({"log": []}, {"recursion_limit": limit})
    except GraphRecursionError as e:
        print(limit, "runs:", len(runs), type(e).__name__, isinstance(e, RecursionError))
        print("   ", str(e).splitlines()[0])

runs.clear()
chunks = []
try:
    for c in graph.stream({"log": []}, {"recursion_limit": 4}, stream_mode="values"):
        chunks.append(c)
except GraphRecursionError as e:
    print("stream chunks before error:", chunks)

# Each invoke/resume counts from where it starts (with a checkpointer).
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "r"}, "recursion_limit": 3}
for attempt in range(3):
    runs.clear()
    try:
        graph.invoke({"log": []} if attempt == 0 else None, cfg)
    except GraphRecursionError:
        snap = graph.get_state(cfg)
        print("attempt", attempt, "runs", len(runs), "state", snap.values, "step", snap.metadata["step"], "next", snap.next)

try:
    graph.invoke({"log": []}, {"configurable": {"thread_id": "r2"}, "recursion_limit": -1})
except ValueError as e:
    print("ValueError:", e)
