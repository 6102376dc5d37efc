# What reaches users through checkpoints (issue 14, item 9): get_tuple().checkpoint has LangGraph's keys, key order,
# channel_versions / versions_seen / updated_channels, values, metadata and pending writes, under each durability mode
# and on both savers. LangGraph's versions are "<32-digit counter>.<random float>": the counter is printed, the random
# part only checked for its format. A single-edge graph shows the order in which channels first get a version.
import operator
import re
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Send, interrupt
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver

VERSION = re.compile(r"^\d{32}\.[0-9.e-]+$")


def v(version):
    assert VERSION.match(version), version
    return int(version.split(".")[0])


def shape(t):
    c = t.checkpoint
    return {
        "keys": list(c),
        "v": c["v"],
        # sorted: LangGraph itself versions a node's parallel edges in a hash-dependent order
        "channel_versions": {k: v(x) for k, x in sorted(c["channel_versions"].items())},
        "versions_seen": {n: {k: v(x) for k, x in seen.items()} for n, seen in c["versions_seen"].items()},
        "updated_channels": c.get("updated_channels"),
        "channel_values": dict(sorted(c["channel_values"].items())),
        "metadata": t.metadata,
        "pending": sorted((w[1], repr(w[2])) for w in t.pending_writes),
        "has_parent": t.parent_config is not None,
    }


class S(TypedDict, total=False):
    foo: str
    log: Annotated[list, operator.add]


def a(s):
    return {"log": ["a"]}


def b(s):
    return {"log": ["b"], "foo": interrupt("q")}


def c(s):
    return {"log": ["c"]}


def w(arg):
    return {"log": [f"w{arg}"]}


def build(saver, **kw):
    g = StateGraph(S).add_node("a", a).add_node("b", b).add_node("c", c).add_node("w", w)
    g.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c")
    g.add_conditional_edges("b", lambda s: [Send("w", i) for i in range(2)])
    g.add_edge("w", END)
    return g.compile(checkpointer=saver, **kw)


import sqlite3

for saver_name, saver in (("memory", InMemorySaver()),
                          ("sqlite", SqliteSaver(sqlite3.connect(":memory:", check_same_thread=False)))):
    app = build(saver)
    for durability in ("sync", "async", "exit"):
        cfg = {"configurable": {"thread_id": f"{saver_name}-{durability}"}}
        app.invoke({"foo": "x", "log": []}, cfg, durability=durability)
        print(saver_name, durability, "paused:", shape(saver.get_tuple(cfg)))
        app.invoke(Command(resume="r", update={"log": ["cmd"]}), cfg, durability=durability)
        print(saver_name, durability, "done:", shape(saver.get_tuple(cfg)))
        print(saver_name, durability, "history:", [(h.metadata["source"], h.checkpoint["updated_channels"])
                                                  for h in saver.list(cfg)])
    cfg = {"configurable": {"thread_id": f"{saver_name}-edit"}}
    app.invoke({"foo": "x", "log": []}, cfg)
    app.update_state(cfg, {"foo": "edited"}, as_node="b")
    print(saver_name, "update:", shape(saver.get_tuple(cfg)))
    app.update_state(cfg, None, as_node="__copy__")
    print(saver_name, "copy:", shape(saver.get_tuple(cfg)))
    first = list(saver.list(cfg))[-2].config
    app.invoke(None, first)
    print(saver_name, "replay:", [(h.metadata["source"], h.metadata["step"], h.checkpoint["updated_channels"])
                                  for h in saver.list(cfg)][:3])
    app.invoke({"foo": "again", "log": []}, cfg)
    print(saver_name, "new input:", shape(list(saver.list(cfg))[1]))

# interrupt_before: the breakpoint is recorded in versions_seen["__interrupt__"] on resume
app = build(InMemorySaver(), interrupt_before=["c"])
cfg = {"configurable": {"thread_id": "bp"}}
app.invoke({"foo": "x", "log": []}, cfg)
app.invoke(None, cfg)
print("breakpoint resumed:", shape(app.checkpointer.get_tuple(cfg)))

g = StateGraph(S).add_node("a", a).add_node("c", c).add_edge(START, "a").add_edge("a", "c")
app = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "order"}}
app.invoke({"log": [], "foo": "f"}, cfg)
t = app.checkpointer.get_tuple(cfg)
print("first-version order:", list(t.checkpoint["channel_versions"]), list(t.checkpoint["channel_values"]))
