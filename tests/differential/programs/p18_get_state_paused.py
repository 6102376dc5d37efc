# get_state fields while paused (§3.5): dynamic interrupt, static breakpoint, error in a parallel node.
import operator
import time
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def ask(s):
    return {"log": [f"ask={interrupt('approve?')}"]}


def describe(label, snap):
    print(f"== {label}")
    print("  type:", type(snap).__name__, "fields:", snap._fields)
    print("  values:", snap.values)
    print("  next:", snap.next)
    print("  config:", snap.config)
    print("  metadata:", snap.metadata)
    print("  created_at:", snap.created_at)
    print("  parent_config:", snap.parent_config)
    for t in snap.tasks:
        print("  task:", type(t).__name__, t.name, t.path, "error:", t.error, "result:", t.result,
              "interrupts:", t.interrupts, "state:", t.state)
    print("  interrupts:", snap.interrupts)


g = StateGraph(S).add_node("pre", lambda s: {"log": ["pre"]}).add_node("ask", ask)
g.add_node("post", lambda s: {"log": ["post"]})
g.add_edge(START, "pre").add_edge("pre", "ask").add_edge("ask", "post")
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "gs"}}
graph.invoke({"log": []}, cfg)
describe("dynamic interrupt", graph.get_state(cfg))
print("full repr:", graph.get_state(cfg))
graph.invoke(Command(resume="ok"), cfg)
describe("finished", graph.get_state(cfg))

cfg = {"configurable": {"thread_id": "gs-static"}}
g2 = StateGraph(S).add_node("pre", lambda s: {"log": ["pre"]}).add_node("mid", lambda s: {"log": ["mid"]})
g2.add_edge(START, "pre").add_edge("pre", "mid")
static = g2.compile(checkpointer=InMemorySaver(), interrupt_before=["mid"])
print("static invoke:", static.invoke({"log": []}, cfg))
describe("static breakpoint", static.get_state(cfg))


def boom(s):
    time.sleep(0.2)  # let the sibling finish first, so its write is saved
    raise ValueError("boom failed")


g3 = StateGraph(S).add_node("good", lambda s: {"log": ["good"]}).add_node("boom", boom)
g3.add_edge(START, "good").add_edge(START, "boom")
err = g3.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "gs-err"}}
try:
    err.invoke({"log": []}, cfg)
except ValueError as e:
    print("raised:", repr(e))
describe("after error", err.get_state(cfg))
print("empty thread:", graph.get_state({"configurable": {"thread_id": "nothing-here"}}))
