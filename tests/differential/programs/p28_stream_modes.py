# Stream modes without interrupts (§5.1, §5.2): values incl. first chunk, updates in finish order,
# list of modes, output_keys, tasks/debug/checkpoints for a plain run, stream_mode default.
import operator
import time
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


def a_slow(s):
    time.sleep(0.3)
    return {"log": ["slow"]}


def b_fast(s):
    return {"log": ["fast"], "x": 1}


def tail(s):
    return None


g = StateGraph(S).add_node("a_slow", a_slow).add_node("b_fast", b_fast).add_node("tail", tail)
g.add_edge(START, "a_slow").add_edge(START, "b_fast").add_edge(["a_slow", "b_fast"], "tail").add_edge("tail", END)
graph = g.compile()

print("values:", list(graph.stream({"log": ["in"]}, stream_mode="values")))
print("updates:", list(graph.stream({"log": ["in"]}, stream_mode="updates")))
print("default:", list(graph.stream({"log": ["in"]})))
print("list:", list(graph.stream({"log": ["in"]}, stream_mode=["updates", "values"])))
print("single-item list:", list(graph.stream({"log": ["in"]}, stream_mode=["values"])))
print("output_keys=log:", list(graph.stream({"log": ["in"]}, stream_mode="values", output_keys="log")))
print("output_keys=[log]:", list(graph.stream({"log": ["in"]}, stream_mode="values", output_keys=["log"])))
print("output_keys=x updates:", list(graph.stream({"log": ["in"]}, stream_mode="updates", output_keys="x")))
print("invoke output_keys:", graph.invoke({"log": ["in"]}, output_keys="log"), graph.invoke({"log": ["in"]}, output_keys=["x"]))
print("invoke stream_mode=updates:", graph.invoke({"log": ["in"]}, stream_mode="updates"))
print("custom only:", list(graph.stream({"log": ["in"]}, stream_mode="custom")))

tasks = list(graph.stream({"log": ["in"]}, stream_mode="tasks"))
print("tasks:", [(c["name"], "result" in c, c.get("triggers"), c.get("result")) for c in tasks])
debug = list(graph.stream({"log": ["in"]}, stream_mode="debug"))
print("debug without checkpointer:", [(c["type"], c["step"], c["payload"]["name"]) for c in debug])
print("checkpoints without checkpointer:", list(graph.stream({"log": ["in"]}, stream_mode="checkpoints")))

cp = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "s"}}
debug = list(cp.stream({"log": ["in"]}, cfg, stream_mode="debug"))
print("debug with checkpointer:", [(c["type"], c["step"], c["payload"].get("name"), c["payload"].get("next")) for c in debug])
ck = list(cp.stream({"log": ["in2"]}, cfg, stream_mode="checkpoints"))
print("checkpoints:", [(c["metadata"]["source"], c["metadata"]["step"], c["next"], [t["name"] for t in c["tasks"]]) for c in ck])
print("values on a second run start from checkpoint:", list(cp.stream({"log": ["in3"]}, cfg, stream_mode="values"))[:2])
