# Conditional edges: dict path_map, list path_map, Literal hints, booleans as keys, missing key -> KeyError,
# router sees the node's own writes, set_conditional_entry_point, add_sequence.
import operator
from typing import Annotated, Literal, TypedDict

from langgraph.graph import StateGraph, START, END


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    n: int


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


def mk(name):
    return lambda s: {"log": [name]}


def base():
    g = StateGraph(S)
    for n in ("a", "b", "c"):
        g.add_node(n, mk(n))
    return g.add_edge(START, "a")


def parity(s):
    return "even" if s["n"] % 2 == 0 else "odd"


g = base().add_conditional_edges("a", parity, {"even": "b", "odd": "c"})
graph = g.compile()
print("dict map:", graph.invoke({"n": 2}), graph.invoke({"n": 3}))


def to_name(s):
    return "b" if s["n"] > 0 else "c"


g = base().add_conditional_edges("a", to_name, ["b", "c"])
print("list map:", g.compile().invoke({"n": 1}), g.compile().invoke({"n": 0}))


def literal_router(s) -> Literal["b", "c", "__end__"]:
    return {0: "b", 1: "c"}.get(s["n"], END)


g = base().add_conditional_edges("a", literal_router)
print("literal:", [g.compile().invoke({"n": i}) for i in (0, 1, 2)])

g = base().add_conditional_edges("a", lambda s: s["n"] > 5, {True: "b", False: "c"})
print("bool keys:", g.compile().invoke({"n": 9}), g.compile().invoke({"n": 1}))

g = base().add_conditional_edges("a", lambda s: "zzz" if s["n"] else "x", {"x": "b"})
show("missing key", lambda: g.compile().invoke({"n": 1}))
show("present key", lambda: g.compile().invoke({"n": 0}))

g = base().add_conditional_edges("a", lambda s: END)
print("to END:", g.compile().invoke({}))

# router runs after the node, on the state including the node's own writes
seen = []


def inc(s):
    return {"n": s["n"] + 1}


def loop_router(s):
    seen.append(s["n"])
    return "inc" if s["n"] < 3 else END


g = StateGraph(S).add_node("inc", inc).add_edge(START, "inc").add_conditional_edges("inc", loop_router)
print("loop:", g.compile().invoke({"n": 0}), "router saw", seen)

g = StateGraph(S)
for n in ("b", "c"):
    g.add_node(n, mk(n))
g.set_conditional_entry_point(lambda s: "c" if s.get("n") else "b", {"b": "b", "c": "c"})
print("conditional entry:", g.compile().invoke({"n": 1}), g.compile().invoke({}))

g = StateGraph(S).add_sequence([("one", mk("one")), ("two", mk("two"))]).add_edge(START, "one")
print("sequence:", g.compile().invoke({}))
g = StateGraph(S).add_sequence([("one", mk("one"))])
show("sequence without START edge", lambda: g.compile())
g = StateGraph(S).add_node("a", mk("a")).set_entry_point("a").set_finish_point("a")
print("entry/finish point:", g.compile().invoke({}))
