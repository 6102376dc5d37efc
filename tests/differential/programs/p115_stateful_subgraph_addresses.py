# A checkpointer=True subgraph: its stream namespace has no task id, its task's state config names the task's
# namespace (with the id), and that config reads and edits the subgraph's state, as LangGraph 1.2 does.
from typing import TypedDict
from langgraph.graph import StateGraph, START
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_stream_writer
from langgraph.types import Command, interrupt

class S(TypedDict):
    x: int

def first(s):
    get_stream_writer()({"from": "first"})
    return {"x": s["x"] + 1}
def ask(s): return {"x": interrupt("q")}

def names(ns):
    return [p.split(":")[0] + (":<id>" if ":" in p else "") for p in ns]

inner = StateGraph(S).add_node("first", first).add_node("ask", ask).add_edge(START, "first") \
    .add_edge("first", "ask").compile(checkpointer=True)
for nested in [False, True]:
    print("== nested in a plain subgraph" if nested else "== directly under the root")
    node = StateGraph(S).add_node("inner", inner).add_edge(START, "inner").compile() if nested else inner
    g = StateGraph(S).add_node("sub", node).add_edge(START, "sub").compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "t"}}
    for ns, mode, chunk in g.stream({"x": 1}, cfg, stream_mode=["updates", "custom"], subgraphs=True):
        print("  ", names(ns), mode, chunk if mode == "custom" else list(chunk))
    task = g.get_state(cfg).tasks[0]
    print("  state config", names([task.state["configurable"]["checkpoint_ns"]]))
    deep = g.get_state(cfg, subgraphs=True).tasks[0].state
    print("  subgraphs=True", deep.config["configurable"]["checkpoint_ns"].split(":")[0], deep.values, deep.next)
    if not nested:
        sub_state = g.get_state(task.state)
        print("  read", sub_state.values, sub_state.next, sub_state.config["configurable"]["checkpoint_ns"])
        print("  history", [h.values for h in g.get_state_history(task.state)])
    for ns, chunk in g.stream(Command(resume=5), cfg, subgraphs=True):
        print("  ", names(ns), chunk)
    if not nested:  # edit a paused subgraph through its task's state config
        cfg = {"configurable": {"thread_id": "edit"}}
        g.invoke({"x": 1}, cfg)
        g.update_state(g.get_state(cfg).tasks[0].state, {"x": 10})
        print("  edited", g.get_state(cfg, subgraphs=True).tasks[0].state.values)
