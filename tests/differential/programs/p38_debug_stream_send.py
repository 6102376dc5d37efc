# debug stream for a step mixing pull and push (Send) tasks, with a checkpointer.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Send
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    out: Annotated[list, operator.add]


g = StateGraph(S).add_node("prep", lambda s: {"out": ["prep"]}).add_node("w", lambda a: {"out": [a]})
g.add_node("done", lambda s: {"out": ["done"]})
g.add_edge(START, "prep").add_conditional_edges("prep", lambda s: ["done", Send("w", "x"), Send("w", "y")])
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "dbg"}}
for ev in graph.stream({"out": []}, cfg, stream_mode="debug"):
    p = ev["payload"]
    if ev["type"] == "checkpoint":
        print(ev["step"], "checkpoint", p["metadata"], p["next"], p["values"])
        for t in p["tasks"]:
            print("     task", t)
    elif ev["type"] == "task":
        print(ev["step"], "task", p["name"], p["input"], p["triggers"])
snap = graph.get_state(cfg)
print("history next:", [s.next for s in graph.get_state_history(cfg)])
print("history task paths:", [[t.path for t in s.tasks] for s in graph.get_state_history(cfg)])
