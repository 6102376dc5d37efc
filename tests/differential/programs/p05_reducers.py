# Reducers: operator.add, custom binary reducers, dict merge, Overwrite in node returns (§1.2).
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Overwrite


def keep_truthy(x, y):
    return y or x


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    total: Annotated[int, operator.add]
    meta: Annotated[dict, operator.or_]
    last: Annotated[str, keep_truthy]
    plain: str


def a(s):
    return {"log": ["a"], "total": 1, "meta": {"a": 1}, "last": "from-a", "plain": "a"}


def b(s):
    return {"log": ["b"], "total": 10, "meta": {"b": 2, "a": 0}, "last": "", "plain": "b"}


def c(s):
    return {"log": Overwrite(["reset-by-c"]), "total": Overwrite(100)}


def d(s):
    return {"log": ["d"], "total": 5}


g = StateGraph(S).add_node("a", a).add_node("b", b).add_node("c", c).add_node("d", d)
g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", "d").add_edge("d", END)
graph = g.compile()
print("initial empty:", graph.invoke({}))
print("with input:", graph.invoke({"log": ["in"], "total": 1000, "meta": {"z": 9}, "last": "in"}))
for chunk in graph.stream({"log": ["in"]}, stream_mode="values"):
    print("values:", chunk)
for chunk in graph.stream({"log": ["in"]}, stream_mode="updates"):
    print("updates:", chunk)

# Overwrite as graph input
print("overwrite input:", StateGraph(S).add_node("d", d).add_edge(START, "d").compile().invoke({"log": Overwrite(["o"])}))
