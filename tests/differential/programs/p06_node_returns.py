# Quirks of node results (§1.7): non-dict, None, unknown keys, list of Commands, unknown goto target.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Send


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


def single(fn, **edges):
    g = StateGraph(S).add_node("n", fn).add_node("after", lambda s: {"log": ["after"]})
    g.add_edge(START, "n").add_edge("n", "after").add_edge("after", END)
    return g.compile()


show("returns 5", lambda: single(lambda s: 5).invoke({"log": []}))
show("returns string", lambda: single(lambda s: "hello").invoke({"log": []}))
show("returns None", lambda: single(lambda s: None).invoke({"log": ["in"]}))
print("None in updates:", list(single(lambda s: None).stream({"log": []}, stream_mode="updates")))
show("unknown keys", lambda: single(lambda s: {"zzz": 1, "x": 2}).invoke({}))
print("unknown keys updates:", list(single(lambda s: {"zzz": 1, "x": 2}).stream({}, stream_mode="updates")))
show("list of Commands", lambda: single(
    lambda s: [Command(update={"log": ["c1"]}), Command(update={"log": ["c2"], "x": 3})]).invoke({}))
print("list of Commands updates:", list(single(
    lambda s: [Command(update={"log": ["c1"]}), Command(update={"log": ["c2"], "x": 3})]).stream({})))
show("Command update list of tuples", lambda: single(
    lambda s: Command(update=[("log", ["t1"]), ("log", ["t2"])])).invoke({}))
show("goto unknown node", lambda: single(lambda s: Command(goto="nope", update={"x": 1})).invoke({}))


def router_unknown(s):
    return "nowhere"


g = StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_edge(START, "a")
g.add_conditional_edges("a", router_unknown)
show("conditional edge to unknown", lambda: g.compile().invoke({}))

g = StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_edge(START, "a")
g.add_conditional_edges("a", lambda s: [Send(END, {"x": 1})])
show("Send to END", lambda: g.compile().invoke({}))
print("repr:", Command(update={"k": 1}, goto="b"), Send("n", {"a": 1}), Command(resume=3), Command())
print("PARENT:", Command.PARENT)
