# The RunnableConfig a node sees (get_config() / a `config` parameter): metadata, user keys, tags.
from typing import TypedDict

from langgraph.graph import StateGraph, START
from langgraph.config import get_config
from langgraph.types import Send
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    x: int


def node(s, config):
    c = get_config()
    print("  same object:", config is c)
    print("  metadata:", c["metadata"])
    conf = c["configurable"]
    print("  configurable:", {k: conf[k] for k in ("thread_id", "user", "checkpoint_ns") if k in conf},
          "has checkpoint_id:", "checkpoint_id" in conf)
    print("  tags:", c.get("tags"), "recursion_limit:", c.get("recursion_limit"), "run_name:", c.get("run_name"))
    return {"x": 1}


def pushed(arg, config):
    print("  push metadata:", config["metadata"])
    return {}


g = StateGraph(S).add_node("node", node).add_node("pushed", pushed).add_edge(START, "node")
g.add_conditional_edges("node", lambda s: [Send("pushed", {"v": 1})])
print("no checkpointer:")
g.compile().invoke({}, {"tags": ["t1"], "metadata": {"m": 1}, "configurable": {"user": "u"}})
print("with checkpointer:")
g.compile(checkpointer=InMemorySaver()).invoke(
    {}, {"configurable": {"thread_id": "t", "user": "u"}, "recursion_limit": 7, "run_name": "r"})
