# What nodes receive and what invoke returns for TypedDict / dataclass / pydantic schemas (§1.1).
import operator
from dataclasses import dataclass, field
from typing import Annotated, TypedDict

from pydantic import BaseModel

from langgraph.graph import StateGraph, START, END


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


class T(TypedDict):
    x: int
    log: Annotated[list, operator.add]
    other: str


@dataclass
class D:
    x: int
    log: Annotated[list, operator.add] = field(default_factory=list)
    other: str = "dflt"


class P(BaseModel):
    x: int
    log: Annotated[list, operator.add] = []
    other: str = "dflt"


def build(schema):
    seen = []

    def inc(s):
        seen.append(f"{type(s).__name__}: {s!r}")
        x = s["x"] if isinstance(s, dict) else s.x
        return {"x": x + 1, "log": [f"inc{x}"]}

    def peek(s):
        seen.append(f"{type(s).__name__}: {s!r}")
        return None

    g = StateGraph(schema).add_node("inc", inc).add_node("peek", peek)
    g.add_edge(START, "inc").add_edge("inc", "peek").add_edge("peek", END)
    return g.compile(), seen


for schema in (T, D, P):
    graph, seen = build(schema)
    out = graph.invoke({"x": 1, "extra": 2})
    print(schema.__name__, "->", type(out).__name__, out)
    for line in seen:
        print("   node saw", line)

graph, seen = build(D)
show("dataclass instance input", lambda: graph.invoke(D(x=3)))
graph, seen = build(P)
show("pydantic instance input", lambda: graph.invoke(P(x=7, log=["given"])))
show("pydantic invalid input", lambda: graph.invoke({"x": "not-an-int"}))


def bad(s):
    return {"x": "zzz"}


gp = StateGraph(P).add_node("bad", bad).add_edge(START, "bad").compile()
show("pydantic invalid node output", lambda: gp.invoke({"x": 1}))

graph, seen = build(T)
show("typeddict missing key", lambda: graph.invoke({}))
show("no input, no checkpointer", lambda: graph.invoke(None))
print("unwritten reducer key:", StateGraph(T).add_node("n", lambda s: {"other": "o"}).add_edge(START, "n").compile().invoke({"x": 0}))
