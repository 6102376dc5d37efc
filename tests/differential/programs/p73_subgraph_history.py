# Subgraph checkpoints stay in their namespace: parent history, durability="exit", debug events, own thread_id.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    log: Annotated[list, operator.add]

def c1(s): return {"log": ["c1"]}
def c2(s): return {"log": [f"c2={interrupt('q')}"]}
def make_child(): return StateGraph(S).add_node(c1).add_node(c2).add_edge(START, "c1").add_edge("c1", "c2").compile()
def p1(s): return {"log": ["p1"]}

def parent(saver):
    return StateGraph(S).add_node(p1).add_node("sub", make_child()).add_edge(START, "p1").add_edge("p1", "sub") \
        .compile(checkpointer=saver)

def namespaces(saver, thread):
    return sorted(c.config["configurable"]["checkpoint_ns"].split(":")[0] for c in saver.list({"configurable": {"thread_id": thread}}))

app = parent(InMemorySaver())
cfg = {"configurable": {"thread_id": "h"}}
app.invoke({"log": []}, cfg)
app.invoke(Command(resume="x"), cfg)
print([(s.metadata["step"], s.metadata["source"], s.next) for s in app.get_state_history(cfg)])
print([s.metadata["step"] for s in app.get_state_history({"configurable": {"thread_id": "h", "checkpoint_ns": ""}})])
print(namespaces(app.checkpointer, "h"))

# durability="exit": no subgraph checkpoints when it finishes, the paused ones when it stops
for durability in ("exit", "sync"):
    saver = InMemorySaver()
    app = parent(saver)
    cfg = {"configurable": {"thread_id": durability}}
    app.invoke({"log": []}, cfg, durability=durability)
    print(durability, "paused", namespaces(saver, durability))
    print(durability, app.invoke(Command(resume="y"), cfg, durability=durability))
    print(durability, "done", namespaces(saver, durability))

done_child = StateGraph(S).add_node(c1).add_edge(START, "c1").compile()
for durability in ("exit", "async"):
    saver = InMemorySaver()
    app = StateGraph(S).add_node("sub", done_child).add_edge(START, "sub").compile(checkpointer=saver)
    app.invoke({"log": []}, {"configurable": {"thread_id": "d"}}, durability=durability)
    print(durability, namespaces(saver, "d"))

# debug checkpoint events name the subgraph task's state
app = parent(InMemorySaver())
cfg = {"configurable": {"thread_id": "dbg"}}
for ns, ev in app.stream({"log": []}, cfg, stream_mode="debug", subgraphs=True):
    if ev["type"] == "checkpoint":
        p = ev["payload"]
        print([x.split(":")[0] for x in ns], ev["step"], p["next"],
              [(t["name"], t["state"] if t["state"] is None else sorted(t["state"]["configurable"])) for t in p["tasks"]],
              p["metadata"]["parents"] != {}, sorted(p["config"]["configurable"]))

# a graph invoked inside a node with its own thread_id keeps its checkpoints under that thread
inner_saver = InMemorySaver()
inner = StateGraph(S).add_node(c1).add_edge(START, "c1").compile(checkpointer=inner_saver)
def call_inner(s):
    return {"log": inner.invoke({"log": ["in"]}, {"configurable": {"thread_id": "inner-thread"}})["log"]}
outer_saver = InMemorySaver()
app = StateGraph(S).add_node(call_inner).add_edge(START, "call_inner").compile(checkpointer=outer_saver)
print(app.invoke({"log": []}, {"configurable": {"thread_id": "outer"}}))
print(app.invoke({"log": []}, {"configurable": {"thread_id": "outer"}}))
print(inner.get_state({"configurable": {"thread_id": "inner-thread"}}).values)
print(namespaces(inner_saver, "inner-thread"), namespaces(inner_saver, "outer"), namespaces(outer_saver, "outer"))
