# Send fan-out with an interrupt per worker (§3.3): three push tasks, one resume map.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Send, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    items: list
    out: Annotated[list, operator.add]


runs = []


def worker(arg):
    runs.append(arg["item"])
    answer = interrupt(f"ok to process {arg['item']}?")
    return {"out": [f"{arg['item']}:{answer}"]}


g = StateGraph(S).add_node("worker", worker).add_node("done", lambda s: {"out": ["done"]})
g.add_conditional_edges(START, lambda s: [Send("worker", {"item": i}) for i in s["items"]], ["worker"])
g.add_edge("worker", "done").add_edge("done", END)
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "send-int"}}

out = graph.invoke({"items": ["x", "y", "z"]}, cfg)
pending = sorted(out["__interrupt__"], key=lambda i: i.value)
print("paused:", out["out"], [i.value for i in pending], "distinct ids:", len({i.id for i in pending}))
print("runs:", sorted(runs))
snap = graph.get_state(cfg)
print("next:", snap.next)
print("tasks:", sorted((t.name, t.path[0], [i.value for i in t.interrupts]) for t in snap.tasks))

# answer y only
runs.clear()
out = graph.invoke(Command(resume={pending[1].id: "yes"}), cfg)
print("after y:", out["out"], sorted(i.value for i in out["__interrupt__"]), "runs:", sorted(runs))
print("next:", graph.get_state(cfg).next)

runs.clear()
rest = {i.id: "ok" for i in graph.get_state(cfg).interrupts}
out = graph.invoke(Command(resume=rest), cfg)
print("final:", out, "runs:", sorted(runs))

# All three at once on a fresh thread
cfg2 = {"configurable": {"thread_id": "send-int-2"}}
out = graph.invoke({"items": ["x", "y", "z"]}, cfg2)
out = graph.invoke(Command(resume={i.id: "ok" for i in out["__interrupt__"]}), cfg2)
print("all at once:", out)
