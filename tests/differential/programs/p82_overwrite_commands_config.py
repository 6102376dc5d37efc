# Channels and commands (issue 14, item 7): Overwrite's dict forms and LangGraph's error for two overwrites in one
# super-step; a Command(update=...) sent to a finished thread is kept for the next run; with_config merges
# configurable keys.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Overwrite
from langgraph.checkpoint.memory import InMemorySaver


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        print(f"{label}: {type(e).__name__}: {e}")


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int

def a(s): return {"log": {"__overwrite__": ["reset"]}}
def b(s): return {"log": {"type": "__overwrite__", "value": ["typed"]}}
def c(s): return {"log": ["c"]}
g = StateGraph(S).add_node("a", a).add_node("b", b).add_node("c", c).add_edge(START, "a").add_edge("a", "b").add_edge("b", "c")
app = g.compile()
show("dict overwrite", lambda: app.invoke({"log": ["x"]}))
show("dict two keys", lambda: StateGraph(S).add_node("a", lambda s: {"log": {"__overwrite__": 1, "k": 2}}).add_edge(START, "a").compile().invoke({"log": []}))

def p1(s): return {"log": Overwrite(["p1"])}
def p2(s): return {"log": {"__overwrite__": ["p2"]}}
g = StateGraph(S).add_node("p1", p1).add_node("p2", p2).add_edge(START, "p1").add_edge(START, "p2")
show("two overwrites", lambda: g.compile().invoke({"log": ["x"]}))

# Command(update=...) sent to a finished thread
g = StateGraph(S).add_node("c", c).add_edge(START, "c")
app = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "t"}}
print(app.invoke({"log": ["in"]}, cfg))
show("command to finished", lambda: app.invoke(Command(update={"x": 5, "log": ["cmd"]}), cfg))
st = app.get_state(cfg)
print("state:", st.values, st.next, st.metadata["source"], st.metadata["step"])
show("next run", lambda: app.invoke({"log": ["again"]}, cfg))
show("history", lambda: [(h.metadata["source"], h.metadata["step"], h.values) for h in app.get_state_history(cfg)])
cfg2 = {"configurable": {"thread_id": "t2"}}
app.invoke({"log": ["in"]}, cfg2)
app.invoke(Command(update={"x": 7}), cfg2)
show("resume None after command", lambda: app.invoke(None, cfg2))
show("state", lambda: app.get_state(cfg2).values)

# with_config merges configurable
from langgraph.config import get_config
def cfgnode(s):
    c = get_config()["configurable"]
    return {"log": [sorted(k for k in c if not k.startswith("__") and k not in ("checkpoint_ns", "checkpoint_id", "checkpoint_map"))], "x": c.get("a", 0)}
g = StateGraph(S).add_node("n", cfgnode).add_edge(START, "n")
app = g.compile(checkpointer=InMemorySaver())
w = app.with_config({"configurable": {"a": 1}}).with_config(configurable={"b": 2})
print("with_config:", w.invoke({"log": []}, {"configurable": {"thread_id": "w", "c": 3}}))
w2 = app.with_config({"configurable": {"a": 1}, "tags": ["t1"]})
print("override:", w2.invoke({"log": []}, {"configurable": {"thread_id": "w2", "a": 9}}))
print("config attr:", w.config if hasattr(w, "config") else None)


# the overwrite also works through update_state and Command(update=...)
g = StateGraph(S).add_node("c", c).add_edge(START, "c")
app = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "ow"}}
app.invoke({"log": ["a", "b"]}, cfg)
app.update_state(cfg, {"log": {"__overwrite__": ["edited"]}})
print("update_state overwrite:", app.get_state(cfg).values)
print("command overwrite:", app.invoke(Command(update={"log": {"__overwrite__": ["cmd"]}}), cfg))
