# Editing a paused subgraph through its task config, and resume values reaching interrupts inside subgraphs.
from typing import TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    n: int

def add1(s): return {"n": s["n"] + 1}
def times10(s): return {"n": s["n"] * 10}
sub = StateGraph(S).add_node("add1", add1).add_node("times10", times10) \
    .add_edge(START, "add1").add_edge("add1", "times10").compile(interrupt_after=["add1"])
app = StateGraph(S).add_node("inner", sub).add_edge(START, "inner").compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
app.invoke({"n": 1}, cfg)
st = app.get_state(cfg, subgraphs=True)
sub_cfg = st.tasks[0].state.config
print(sorted(sub_cfg["configurable"]), sub_cfg["configurable"]["checkpoint_ns"].split(":")[0])
new_cfg = app.update_state(sub_cfg, {"n": 7})
print(sorted(new_cfg["configurable"]), new_cfg["configurable"]["checkpoint_ns"].split(":")[0])
sub_state = app.get_state(sub_cfg)
print(sub_state.values, sub_state.next, sub_state.metadata["source"], sub_state.metadata["step"])
print(app.get_state(cfg).values, app.get_state(cfg).next)
print(app.invoke(None, cfg))

# the parent pauses before the subgraph node; a resume value then reaches the interrupt inside it
def ask(s): return {"n": s["n"] + interrupt("how much?")}
sub = StateGraph(S).add_node("ask", ask).add_edge(START, "ask").compile()
app = StateGraph(S).add_node("inner", sub).add_edge(START, "inner") \
    .compile(checkpointer=InMemorySaver(), interrupt_before=["inner"])
cfg = {"configurable": {"thread_id": "2"}}
print(app.invoke({"n": 1}, cfg), app.get_state(cfg).next)
out = app.invoke(Command(resume=5), cfg)
print({k: v for k, v in out.items() if k != "__interrupt__"}, [i.value for i in out.get("__interrupt__", [])])
print(app.get_state(cfg).next)
print(app.invoke(Command(resume=9), cfg))

# a subgraph interrupt answered, then the subgraph's own breakpoint, then the end
def ask2(s): return {"n": s["n"] + interrupt("add?")}
sub = StateGraph(S).add_node("ask", ask2).add_node("times10", times10).add_edge(START, "ask") \
    .add_edge("ask", "times10").compile(interrupt_before=["times10"])
app = StateGraph(S).add_node("inner", sub).add_edge(START, "inner").compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "3"}}
print([i.value for i in app.invoke({"n": 1}, cfg)["__interrupt__"]])
print(app.invoke(Command(resume=2), cfg), app.get_state(cfg).next)
print(app.invoke(None, cfg), app.get_state(cfg).next)
