# Custom stream writers (§5.3): get_stream_writer, a `writer` parameter, config access, mixed modes.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.config import get_config, get_stream_writer
from langgraph.types import StreamWriter
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def a(s):
    w = get_stream_writer()
    w({"progress": "a started"})
    w("plain string")
    cfg = get_config()
    w({"thread": cfg["configurable"].get("thread_id"), "node": cfg["metadata"]["langgraph_node"],
       "step": cfg["metadata"]["langgraph_step"], "tag": cfg["configurable"].get("user_key")})
    return {"log": ["a"]}


def b(s, writer: StreamWriter):
    writer({"progress": "b via param"})
    writer(42)
    return {"log": ["b"]}


def c(s, config):
    get_stream_writer()(["c", config["metadata"]["langgraph_triggers"]])
    return {"log": ["c"]}


g = StateGraph(S).add_node("a", a).add_node("b", b).add_node("c", c)
g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", END)
graph = g.compile()

print("custom:", list(graph.stream({"log": []}, stream_mode="custom")))
print("custom+updates:")
for chunk in graph.stream({"log": []}, stream_mode=["custom", "updates"]):
    print("  ", chunk)
print("updates only (writer no-op):", list(graph.stream({"log": []}, stream_mode="updates")))
print("invoke (writer no-op):", graph.invoke({"log": []}))

cp = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "cw", "user_key": "k1"}}
print("with checkpointer:", list(cp.stream({"log": []}, cfg, stream_mode="custom")))
