# Several interrupt() calls in one node, answered one per resume (§3.1).
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Interrupt, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


calls = []


def ask(s):
    calls.append("ask-start")
    a = interrupt({"q": "name?"})
    calls.append(f"after-1 {a}")
    b = interrupt("age?")
    calls.append(f"after-2 {b}")
    c = interrupt(["last", 3])
    calls.append(f"after-3 {c}")
    return {"log": [f"name={a} age={b} last={c}"]}


g = StateGraph(S).add_node("pre", lambda s: {"log": ["pre"]}).add_node("ask", ask)
g.add_node("post", lambda s: {"log": ["post"]})
g.add_edge(START, "pre").add_edge("pre", "ask").add_edge("ask", "post").add_edge("post", END)
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "multi"}}

ids = []
for step, inp in enumerate([{"log": []}, Command(resume="Bob"), Command(resume=42), Command(resume={"k": "v"})]):
    calls.clear()
    out = graph.invoke(inp, cfg)
    print(f"call {step}: {out}")
    print(f"   calls: {calls}")
    for i in out.get("__interrupt__", []):
        print("   interrupt:", type(i).__name__, repr(i.value), len(i.id), "interrupt_id == id:", i.interrupt_id == i.id)
        ids.append(i.id)
    snap = graph.get_state(cfg)
    print("   next:", snap.next, "interrupts:", [i.value for i in snap.interrupts])
print("distinct ids:", len(set(ids)), "of", len(ids))
print("Interrupt eq:", Interrupt(value=1, id="x") == Interrupt(value=1, id="x"))
print("Interrupt repr:", Interrupt(value={"a": 1}, id="abc"))

# The same graph on another thread gives different ids
cfg2 = {"configurable": {"thread_id": "multi-2"}}
other = graph.invoke({"log": []}, cfg2)["__interrupt__"][0].id
print("same id on another thread:", other == ids[0])
