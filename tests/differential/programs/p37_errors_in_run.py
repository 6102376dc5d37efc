# Exceptions raised during a run: in a node, in a router, mid-stream; what was emitted and saved.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


class CustomError(Exception):
    pass


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


def bad_router(s):
    raise CustomError("router exploded")


g = StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_node("b", lambda s: {"log": ["b"]})
g.add_edge(START, "a").add_conditional_edges("a", bad_router, ["b"])
show("router error", lambda: g.compile().invoke({}))

cp = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "router"}}
chunks = []
try:
    for c in cp.stream({"log": []}, cfg, stream_mode="updates"):
        chunks.append(c)
except CustomError as e:
    print("stream error:", repr(e), "chunks:", chunks)
snap = cp.get_state(cfg)
print("saved:", snap.values, snap.next, [(t.name, t.error) for t in snap.tasks], snap.metadata["step"])


def second(s):
    raise KeyError("missing thing")


g = StateGraph(S).add_node("first", lambda s: {"log": ["first"]}).add_node("second", second)
g.add_edge(START, "first").add_edge("first", "second")
cp = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "mid"}}
chunks = []
try:
    for c in cp.stream({"log": []}, cfg, stream_mode=["values", "updates"]):
        chunks.append(c)
except KeyError as e:
    print("mid-stream:", repr(e), "chunks:", chunks)
snap = cp.get_state(cfg)
print("saved:", snap.values, snap.next, [(t.name, t.error) for t in snap.tasks])
show("invoke None again", lambda: cp.invoke(None, cfg))
print("history:", [(s.metadata["source"], s.metadata["step"], s.next) for s in cp.get_state_history(cfg)])
show("node error no checkpointer", lambda: g.compile().invoke({}))
try:
    g.compile().invoke({})
except Exception as e:
    print("error type preserved:", type(e) is KeyError, e.args)
