# update_state (§4.4): as_node omitted / given / START, fresh thread, unknown node, Overwrite, reducers.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Overwrite
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


g = StateGraph(S)
for n in ("a", "b", "c"):
    g.add_node(n, (lambda name: lambda s: {"log": [name]})(n))
g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", END)
graph = g.compile(checkpointer=InMemorySaver(), interrupt_before=["b"])


def paused(t):
    cfg = {"configurable": {"thread_id": t}}
    graph.invoke({"log": []}, cfg)
    return cfg


def state(cfg):
    s = graph.get_state(cfg)
    return f"values={s.values} next={s.next} source={s.metadata['source']} step={s.metadata['step']}"


cfg = paused("omitted")
ret = graph.update_state(cfg, {"log": ["manual"]})
print("returned config keys:", sorted(ret["configurable"]), ret["configurable"]["thread_id"])
print("omitted:", state(cfg))
print("   continue:", graph.invoke(None, cfg))

cfg = paused("as b")
graph.update_state(cfg, {"log": ["as-b"]}, as_node="b")
print("as_node=b:", state(cfg))
print("   continue:", graph.invoke(None, cfg))

cfg = paused("as start")
graph.update_state(cfg, {"log": ["as-start"]}, as_node=START)
print("as_node=START:", state(cfg))
print("   continue:", graph.invoke(None, cfg), graph.get_state(cfg).next)

cfg = paused("as a")
graph.update_state(cfg, {"x": 5}, as_node="a")
print("as_node=a:", state(cfg))

cfg = {"configurable": {"thread_id": "fresh"}}
graph.update_state(cfg, {"log": ["seed"], "x": 1})
print("fresh thread:", state(cfg))
print("   continue:", graph.invoke(None, cfg))

cfg = paused("unknown")
show("unknown as_node", lambda: graph.update_state(cfg, {"log": ["z"]}, as_node="nope"))

cfg = paused("overwrite")
graph.update_state(cfg, {"log": Overwrite(["reset"])})
print("overwrite:", state(cfg))

cfg = paused("twice")
graph.update_state(cfg, {"x": 1})
graph.update_state(cfg, {"x": 2, "log": ["u2"]})
print("twice:", state(cfg))
print("   history:", [(s.metadata["source"], s.metadata["step"], s.next) for s in graph.get_state_history(cfg)])

cfg = paused("none values")
graph.update_state(cfg, None, as_node="b")
print("None values as b:", state(cfg))
print("   continue:", graph.invoke(None, cfg))
