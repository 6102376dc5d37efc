# Stateful subgraphs: compile(checkpointer=True / False / None) used as a node, across turns of the parent thread.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

class M(TypedDict):
    log: Annotated[list, operator.add]

def remember(s): return {"log": [f"r{len(s['log'])}"]}

def build(cp):
    sub = StateGraph(M).add_node("remember", remember).add_edge(START, "remember").compile(checkpointer=cp)
    return StateGraph(M).add_node("inner", sub).add_edge(START, "inner").compile(checkpointer=InMemorySaver())

for cp in (True, None, False):
    app = build(cp)
    cfg = {"configurable": {"thread_id": "t"}}
    print(cp, app.invoke({"log": ["a"]}, cfg))
    print(cp, app.invoke({"log": ["b"]}, cfg))
    print(cp, [s.metadata["step"] for s in app.get_state_history(cfg)])
    print(cp, sorted({c.config["configurable"]["checkpoint_ns"].split(":")[0] for c in app.checkpointer.list(None)}))

try:
    StateGraph(M).add_node("remember", remember).add_edge(START, "remember").compile(checkpointer=True).invoke({"log": []})
except Exception as e:
    print(type(e).__name__, e)

# an interrupt inside a stateful subgraph resumes, and the subgraph remembers the answer next turn
def ask(s): return {"log": [f"ans={interrupt('q' + str(len(s['log'])))}"]}
sub = StateGraph(M).add_node("ask", ask).add_edge(START, "ask").compile(checkpointer=True)
def before(s): return {"log": ["before"]}
app = StateGraph(M).add_node(before).add_node("inner", sub).add_edge(START, "before").add_edge("before", "inner") \
    .compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "i"}}
out = app.invoke({"log": []}, cfg)
print([i.value for i in out["__interrupt__"]])
st = app.get_state(cfg, subgraphs=True)
print(st.next, st.tasks[0].state.values, st.tasks[0].state.next, st.tasks[0].state.config["configurable"]["checkpoint_ns"])
print(app.invoke(Command(resume="one"), cfg))
out = app.invoke({"log": ["again"]}, cfg)
print([i.value for i in out["__interrupt__"]])
print(app.invoke(Command(resume="two"), cfg))

# a stateful subgraph called inside a node function
def call_sub(s):
    return {"log": sub2.invoke({"log": ["x"]})["log"]}
sub2 = StateGraph(M).add_node("remember", remember).add_edge(START, "remember").compile(checkpointer=True)
app = StateGraph(M).add_node(call_sub).add_edge(START, "call_sub").compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "n"}}
print(app.invoke({"log": []}, cfg))
print(app.invoke({"log": []}, cfg))
