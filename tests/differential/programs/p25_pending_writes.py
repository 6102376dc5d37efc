# Pending writes after an exception in a sibling (§4.6): invoke(None) re-runs only the failed node.
import operator
import time
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


runs = []
fail = {"on": True}


def good(s):
    runs.append("good")
    return {"log": ["good"]}


def boom(s):
    runs.append("boom")
    if fail["on"]:
        time.sleep(0.2)
        raise ValueError("boom failed")
    return {"log": ["boom"]}


def after(s):
    runs.append("after")
    return {"log": ["after"]}


g = StateGraph(S).add_node("good", good).add_node("boom", boom).add_node("after", after)
g.add_edge(START, "good").add_edge(START, "boom").add_edge(["good", "boom"], "after").add_edge("after", END)
saver = InMemorySaver()
graph = g.compile(checkpointer=saver)
cfg = {"configurable": {"thread_id": "pw"}}
try:
    graph.invoke({"log": []}, cfg)
except ValueError as e:
    print("error:", repr(e))
print("runs:", sorted(runs))
runs.clear()
snap = graph.get_state(cfg)
print("next:", snap.next, "values:", snap.values)
print("tasks:", sorted((t.name, t.error, t.result) for t in snap.tasks))
tup = saver.get_tuple(cfg)
print("pending writes:", sorted((c, repr(v)) for _, c, v in tup.pending_writes))

# retry still failing
try:
    graph.invoke(None, cfg)
except ValueError as e:
    print("error again:", repr(e))

fail["on"] = False
out = graph.invoke(None, cfg)
print("recovered:", out, "runs:", runs)
print("history:", [(s.metadata["source"], s.metadata["step"], s.next) for s in graph.get_state_history(cfg)])

# stream updates on recovery
runs.clear()
fail["on"] = True
cfg2 = {"configurable": {"thread_id": "pw2"}}
try:
    for chunk in graph.stream({"log": []}, cfg2, stream_mode="updates"):
        print("chunk:", chunk)
except ValueError as e:
    print("error:", repr(e))
print("runs:", sorted(runs))
runs.clear()
fail["on"] = False
for chunk in graph.stream(None, cfg2, stream_mode="updates"):
    print("resume chunk:", chunk)
print("runs:", runs)
