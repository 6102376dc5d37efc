# Parallel branches and fan-in (§2.3): plain edges, list join, defer=True, conditional fan-out.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def mk(name):
    def node(s):
        return {"log": [name]}
    return node


def build(mode):
    g = StateGraph(S)
    for n in ("a", "b", "c", "b2"):
        g.add_node(n, mk(n))
    g.add_node("d", mk("d"), defer=(mode == "defer"))
    g.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c").add_edge("b", "b2")
    if mode == "join":
        g.add_edge(["b2", "c"], "d")
    else:
        g.add_edge("b2", "d").add_edge("c", "d")
    g.add_edge("d", END)
    return g.compile()


for mode in ("plain", "join", "defer"):
    graph = build(mode)
    print(mode, "->", graph.invoke({"log": []}))
    for chunk in graph.stream({"log": []}, stream_mode="values"):
        print("   ", chunk)

# two edges into one node from the same step: it runs once and sees both writes
seen = []
g = StateGraph(S).add_node("a", mk("a")).add_node("b", mk("b"))
g.add_node("c", lambda s: seen.append(list(s["log"])) or {"log": ["c"]})
g.add_edge(START, "a").add_edge(START, "b").add_edge("a", "c").add_edge("b", "c")
print("a,b->c:", g.compile().invoke({}), "c saw", seen)

# conditional edge returning a list
g = StateGraph(S).add_node("a", mk("a")).add_node("b", mk("b")).add_node("c", mk("c"))
g.add_edge(START, "a").add_conditional_edges("a", lambda s: ["c", "b"])
print("cond list:", g.compile().invoke({}))

# three-way join with a deferred tail after a loop
count = {"n": 0}


def loop(s):
    count["n"] += 1
    return {"log": [f"loop{count['n']}"]}


g = StateGraph(S).add_node("loop", loop).add_node("side", mk("side")).add_node("tail", mk("tail"), defer=True)
g.add_edge(START, "loop").add_edge(START, "side").add_edge("side", "tail")
g.add_conditional_edges("loop", lambda s: "loop" if count["n"] < 3 else "tail")
print("defer after loop:", g.compile().invoke({}))
