# Builder/compile validation messages (semantics §1.6) and a few non-errors.
from typing import TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    x: int


def show(label, fn):
    try:
        out = fn()
        print(f"{label}: ok {type(out).__name__}")
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


def node(s):
    return {"x": 1}


def base(*names):
    b = StateGraph(S)
    for n in names:
        b.add_node(n, node)
    return b


def my_router(s):
    return "b"


show("no entrypoint", lambda: base("a").compile())
show("edge to unknown", lambda: base("a").add_edge(START, "a").add_edge("a", "nope").compile())
show("edge from unknown", lambda: base("a").add_edge(START, "a").add_edge("nope", "a").compile())
show("duplicate node", lambda: base("a").add_node("a", node))
show("reserved start", lambda: base().add_node(START, node))
show("reserved end", lambda: base().add_node(END, node))
show("END as start", lambda: base("a").add_edge(END, "a"))
show("START as end", lambda: base("a").add_edge("a", START))
show("path_map unknown (lambda)",
     lambda: base("a", "b").add_edge(START, "a").add_conditional_edges("a", lambda s: "x", {"x": "missing"}).compile())
show("path_map unknown (named)",
     lambda: base("a", "b").add_edge(START, "a").add_conditional_edges("a", my_router, ["b", "missing"]).compile())
show("interrupt_before unknown", lambda: base("a").add_edge(START, "a").compile(interrupt_before=["zzz"]))
show("interrupt_after unknown", lambda: base("a").add_edge(START, "a").compile(interrupt_after=["zzz"]))
show("pipe in name", lambda: base().add_node("a|b", node))
show("colon in name", lambda: base().add_node("a:b", node))
show("list edge unknown", lambda: base("a").add_edge(["a", "zz"], "a"))
show("duplicate branch", lambda: base("a", "b").add_conditional_edges("a", my_router).add_conditional_edges("a", my_router))
show("checkpointer=True at root", lambda: base("a").add_edge(START, "a").compile(checkpointer=True).invoke({}))

# Not errors
show("orphan node", lambda: base("a", "orphan").add_edge(START, "a").compile())
g = StateGraph(S).add_edge(START, END).compile()
print("START->END only:", g.invoke({"x": 5}))
print("node named like key:", base("x").add_edge(START, "x").compile().invoke({}))
print("add_node returns builder:", type(base().add_node("q", node)).__name__)
print("add_node(fn) name:", list(StateGraph(S).add_node(node).nodes))
print("sentinels:", START, END)
g2 = base("a").add_edge(START, "a").compile(checkpointer=InMemorySaver())
print("compiled type:", type(g2).__name__, "stream_mode:", g2.stream_mode)
show("recursion_limit 0", lambda: g2.invoke({}, {"configurable": {"thread_id": "t"}, "recursion_limit": 0}))
