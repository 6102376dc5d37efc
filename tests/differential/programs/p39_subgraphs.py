# Subgraphs (§2.8): a compiled graph as a node, stream(subgraphs=True), get_state(subgraphs=True), Command.PARENT, a subgraph invoked inside a node.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    log: Annotated[list, operator.add]
    private: str

class P(TypedDict):
    log: Annotated[list, operator.add]

def c1(s): return {"log": ["c1"], "private": "x"}
def c2(s):
    v = interrupt("child question")
    return {"log": [f"c2={v}"]}
child = StateGraph(S).add_node(c1).add_node(c2).add_edge(START, "c1").add_edge("c1", "c2").compile()
def p1(s): return {"log": ["p1"]}
def p2(s): return {"log": ["p2"]}
parent = StateGraph(P).add_node(p1).add_node("sub", child).add_node(p2).add_edge(START, "p1").add_edge("p1", "sub").add_edge("sub", "p2").compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "s1"}}
for ns, ch in parent.stream({"log": []}, cfg, subgraphs=True):
    print(len(ns), [n.split(":")[0] for n in ns], ch)
st = parent.get_state(cfg)
print(st.next, [(t.name, t.interrupts) for t in st.tasks], st.interrupts)
print(list(st.tasks[0].state["configurable"].keys()))
ss = parent.get_state(cfg, subgraphs=True)
print(ss.tasks[0].state.values, ss.tasks[0].state.next)
for ns, ch in parent.stream(Command(resume="yes"), cfg, subgraphs=True):
    print(len(ns), [n.split(":")[0] for n in ns], ch)
print(parent.get_state(cfg).values)

# Command.PARENT
class Q(TypedDict):
    log: Annotated[list, operator.add]
def child_node(s): return Command(graph=Command.PARENT, goto="p_target", update={"log": ["child->parent"]})
ch2 = StateGraph(Q).add_node(child_node).add_edge(START, "child_node").compile()
pb = StateGraph(Q).add_node("sub", ch2).add_node("p_target", lambda s: {"log": ["p_target"]}).add_node("p_other", lambda s: {"log": ["p_other"]})
pb.add_edge(START, "sub").add_edge("sub", "p_other")
print(pb.compile().invoke({"log": []}))
try:
    StateGraph(Q).add_node(child_node).add_edge(START, "child_node").compile().invoke({"log": []})
except Exception as e: print(type(e).__name__)

# subgraph called inside a node function
calls = []
def inner_node(s):
    calls.append("inner"); v = interrupt("inner q"); return {"log": [f"inner={v}"]}
inner = StateGraph(Q).add_node(inner_node).add_edge(START, "inner_node").compile()
def outer(s):
    calls.append("outer-before"); r = inner.invoke({"log": []}); calls.append("outer-after"); return {"log": r["log"]}
og = StateGraph(Q).add_node(outer).add_edge(START, "outer").compile(checkpointer=InMemorySaver())
c = {"configurable": {"thread_id": "o"}}
print(og.invoke({"log": []}, c))
print(og.invoke(Command(resume="A"), c))
print(calls)
