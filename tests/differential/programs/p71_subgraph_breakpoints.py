# Subgraph breakpoints: interrupt_before / interrupt_after compiled into a subgraph pause the parent.
from typing import TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    n: int

def add1(s): return {"n": s["n"] + 1}
def times10(s): return {"n": s["n"] * 10}
def sub_graph(**kw):
    return StateGraph(S).add_node("add1", add1).add_node("times10", times10) \
        .add_edge(START, "add1").add_edge("add1", "times10").compile(**kw)

# the example: interrupt_after inside a subgraph used as a node
app = StateGraph(S).add_node("inner", sub_graph(interrupt_after=["add1"])).add_edge(START, "inner") \
    .compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
print(app.invoke({"n": 1}, cfg))
st = app.get_state(cfg)
print(st.next, st.interrupts, [(t.name, t.interrupts, t.error) for t in st.tasks])
print(app.invoke(None, cfg))
print(app.get_state(cfg).next, [s.metadata["step"] for s in app.get_state_history(cfg)])

# interrupt_before, streamed with subgraphs=True
def post(s): return {"n": s["n"] + 5}
app = StateGraph(S).add_node("inner", sub_graph(interrupt_before=["times10"])).add_node(post) \
    .add_edge(START, "inner").add_edge("inner", "post").compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "2"}}
for ns, chunk in app.stream({"n": 2}, cfg, subgraphs=True):
    print([p.split(":")[0] for p in ns], chunk)
st = app.get_state(cfg, subgraphs=True)
print(st.next, st.tasks[0].state.next, st.tasks[0].state.values)
for ns, mode, chunk in app.stream(None, cfg, subgraphs=True, stream_mode=["updates", "values"]):
    print([p.split(":")[0] for p in ns], mode, chunk)

# a subgraph with a breakpoint invoked inside a node function
sub = sub_graph(interrupt_after=["add1"])
calls = []
def wrapper(s):
    calls.append("wrapper")
    return {"n": sub.invoke({"n": s["n"]})["n"] + 1000}
app = StateGraph(S).add_node(wrapper).add_edge(START, "wrapper").compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "3"}}
print(app.invoke({"n": 3}, cfg), app.get_state(cfg).next)
print(app.invoke(None, cfg), calls)

# with stream_mode="updates" the pause shows as an empty __interrupt__
app = StateGraph(S).add_node("inner", sub_graph(interrupt_before=["add1"])).add_edge(START, "inner") \
    .compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "4"}}
print(list(app.stream({"n": 4}, cfg)))
print(list(app.stream(None, cfg)))
