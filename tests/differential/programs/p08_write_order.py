# How parallel updates merge (§2.4): path order for reducers, finish order for the updates stream,
# LastValue conflicts.
import operator
import time
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


def slow_node(s):
    time.sleep(0.3)
    return {"log": ["slow"]}


def fast_node(s):
    return {"log": ["fast"]}


def build(slow_name, fast_name, add_slow_first):
    g = StateGraph(S)
    pairs = [(slow_name, slow_node), (fast_name, fast_node)]
    if not add_slow_first:
        pairs.reverse()
    for name, fn in pairs:
        g.add_node(name, fn)
        g.add_edge(START, name)
    return g.compile()


for names in (("slow", "fast"), ("a_slow", "b_fast")):
    for first in (True, False):
        graph = build(*names, first)
        print(names, "slow added first" if first else "fast added first", "->", graph.invoke({}))
        print("   updates:", list(graph.stream({}, stream_mode="updates")))

# LastValue conflict, even with identical values
g = StateGraph(S).add_node("p", lambda s: {"x": 1}).add_node("q", lambda s: {"x": 1})
g.add_edge(START, "p").add_edge(START, "q")
show("LastValue conflict", lambda: g.compile().invoke({}))

# The same key from two steps is fine
g = StateGraph(S).add_node("p", lambda s: {"x": 1}).add_node("q", lambda s: {"x": s["x"] + 1})
g.add_edge(START, "p").add_edge("p", "q")
show("sequential writes", lambda: g.compile().invoke({}))

# Input writes a LastValue twice? (list of tuples update on the same key in one node)
g = StateGraph(S).add_node("p", lambda s: [("x", 1), ("x", 2)])
g.add_edge(START, "p")
show("one node, two writes", lambda: g.compile().invoke({}))
