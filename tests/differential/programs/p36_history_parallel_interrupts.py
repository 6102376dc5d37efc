# Full StateSnapshot reprs across history for a run paused on parallel interrupts, resumed one at a time.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def asker(name):
    def node(s):
        return {"log": [f"{name}={interrupt(f'q-{name}')}"]}
    return node


g = StateGraph(S).add_node("a", asker("a")).add_node("b", asker("b")).add_node("c", lambda s: {"log": ["c"]})
g.add_node("j", lambda s: {"log": ["j"]})
g.add_edge(START, "a").add_edge(START, "b").add_edge(START, "c").add_edge(["a", "b", "c"], "j").add_edge("j", END)
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "hp"}}


def dump(label):
    print(f"== {label}")
    for snap in graph.get_state_history(cfg):
        tasks = sorted(snap.tasks, key=lambda t: t.name)
        print("  ", snap.metadata["source"], snap.metadata["step"], snap.next, snap.values)
        for t in tasks:
            print("     ", t.name, t.path, t.result, [i.value for i in t.interrupts], t.error)
        print("      interrupts:", sorted(i.value for i in snap.interrupts))


out = graph.invoke({"log": []}, cfg)
ids = {i.value: i.id for i in out["__interrupt__"]}
dump("paused")
graph.invoke(Command(resume={ids["q-a"]: "A"}), cfg)
dump("after a")
graph.invoke(Command(resume={ids["q-b"]: "B"}), cfg)
dump("done")
