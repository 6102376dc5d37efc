# The tasks stream for Send push tasks and a parallel step (§2.6, §5.1).
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Send


class S(TypedDict, total=False):
    items: list
    out: Annotated[list, operator.add]


def worker(arg):
    return {"out": [arg["v"] * 2]}


g = StateGraph(S).add_node("prep", lambda s: {"out": ["prep"]}).add_node("worker", worker)
g.add_node("done", lambda s: {"out": ["done"]})
g.add_edge(START, "prep")
g.add_conditional_edges("prep", lambda s: [Send("worker", {"v": v}) for v in s["items"]] + ["done"])
graph = g.compile()

events = list(graph.stream({"items": [1, 2, 3]}, stream_mode="tasks"))
starts = [e for e in events if "input" in e]
results = [e for e in events if "result" in e]
print("starts:")
for e in starts:
    print("  ", e["name"], e["input"], e["triggers"])
print("results:", sorted((e["name"], repr(e["result"]), e["error"], e["interrupts"]) for e in results))
print("same ids:", sorted(e["id"] for e in starts) == sorted(e["id"] for e in results))
print("final:", graph.invoke({"items": [1, 2, 3]}))
