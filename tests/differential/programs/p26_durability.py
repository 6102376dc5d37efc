# durability="exit" vs "sync" vs "async" (§4.7): saved checkpoints, with and without an interrupt.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


g = StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_node("b", lambda s: {"log": ["b"]})
g.add_edge(START, "a").add_edge("a", "b").add_edge("b", END)


def summary(graph, cfg):
    return [(s.metadata["source"], s.metadata["step"], s.next) for s in graph.get_state_history(cfg)]


for durability in ("sync", "async", "exit", None):
    graph = g.compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "d"}}
    out = graph.invoke({"log": []}, cfg, durability=durability)
    print(durability, out, summary(graph, cfg))
    out = graph.invoke({"log": ["again"]}, cfg, durability=durability)
    print("   second run:", summary(graph, cfg))

runs = []


def ok1(s):
    runs.append("ok1")
    return {"log": ["ok1"]}


def ask(s):
    runs.append("ask")
    return {"log": [f"ask={interrupt('q')}"]}


g2 = StateGraph(S).add_node("ok1", ok1).add_node("ask", ask)
g2.add_edge(START, "ok1").add_edge(START, "ask")
for durability in ("sync", "exit"):
    runs.clear()
    graph = g2.compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "i"}}
    out = graph.invoke({"log": []}, cfg, durability=durability)
    print(durability, "paused:", out["log"], [i.value for i in out["__interrupt__"]], summary(graph, cfg))
    print("   runs:", sorted(runs))
    runs.clear()
    out = graph.invoke(Command(resume="yes"), cfg, durability=durability)
    print("   resumed:", out, "runs:", runs, summary(graph, cfg))
