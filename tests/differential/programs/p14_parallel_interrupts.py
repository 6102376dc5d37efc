# Parallel interrupts in one superstep (§3.3): pending writes, resume maps, the multiple-pending error.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


runs = []


def make(name, asks):
    def node(s):
        runs.append(name)
        if asks:
            return {"log": [f"{name}={interrupt(f'question from {name}')}"]}
        return {"log": [name]}
    return node


g = StateGraph(S)
for name, asks in (("a", True), ("b", True), ("c", False)):
    g.add_node(name, make(name, asks)).add_edge(START, name)
g.add_node("join", make("join", False)).add_edge(["a", "b", "c"], "join").add_edge("join", END)
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "par"}}


def by_value(interrupts):
    return sorted(interrupts, key=lambda i: i.value)


out = graph.invoke({"log": []}, cfg)
ia, ib = by_value(out["__interrupt__"])
print("first:", out["log"], [i.value for i in by_value(out["__interrupt__"])])
print("runs:", sorted(runs))
snap = graph.get_state(cfg)
print("next:", snap.next)
for t in sorted(snap.tasks, key=lambda t: t.name):
    print("  task", t.name, "result", t.result, "interrupts", [i.value for i in t.interrupts], "error", t.error)
print("snapshot interrupts:", [i.value for i in by_value(snap.interrupts)])

try:
    graph.invoke(Command(resume="single"), cfg)
except Exception as e:
    print(f"{type(e).__name__}: {str(e).splitlines()[0]}")

runs.clear()
out = graph.invoke(Command(resume={ia.id: "A!"}), cfg)
print("after A:", out["log"], [i.value for i in out["__interrupt__"]], "same id for b:", out["__interrupt__"][0].id == ib.id)
print("runs:", sorted(runs))
print("next:", graph.get_state(cfg).next, [i.value for i in graph.get_state(cfg).interrupts])

# A map naming no pending interrupt: LangGraph ignores it and stays paused; hitl_notebook refuses it with
# UnknownInterruptError (a deliberate difference, tested in tests/pregel/test_resume_safety.py).

runs.clear()
out = graph.invoke(Command(resume={ib.id: "B!"}), cfg)
print("after B:", out, "runs:", sorted(runs))

# answering all at once on a second thread
cfg2 = {"configurable": {"thread_id": "par-2"}}
out = graph.invoke({"log": []}, cfg2)
runs.clear()
out = graph.invoke(Command(resume={i.id: f"ok-{i.value[-1]}" for i in out["__interrupt__"]}), cfg2)
print("all at once:", out, "runs:", sorted(runs))
