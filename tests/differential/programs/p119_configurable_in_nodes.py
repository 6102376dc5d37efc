# What a node finds in config["configurable"], as LangGraph 1.2: checkpoint_ns (its task), checkpoint_id None,
# checkpoint_map (namespace -> the checkpoint its step was planned from, for its graph and each enclosing graph),
# thread_id only when the call has one, and the caller's own keys. LangGraph's private "__pregel_*" entries are
# left out of the output (hitl_notebook does not mirror them).
from typing import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_config
from langgraph.func import entrypoint, task
from langgraph.graph import START, StateGraph
from langgraph.runtime import Runtime


class S(TypedDict):
    x: int


def public(configurable):
    return {k: configurable[k] for k in sorted(configurable) if not k.startswith("__pregel")}


def peek(label):
    def node(s, config, runtime: Runtime):
        configurable = config["configurable"]
        print(label, public(configurable))
        print("   get", configurable.get("checkpoint_id"), configurable.get("thread_id"),
              "runtime checkpoint is in map:",
              runtime.execution_info.checkpoint_id in configurable["checkpoint_map"].values())
        return {"x": s["x"] + 1}
    return node


sub = StateGraph(S).add_node("inner", peek("sub")).add_edge(START, "inner").compile()
b = StateGraph(S).add_node("a", peek("root")).add_node("sub", sub).add_node("b", peek("root b"))
b.add_edge(START, "a").add_edge("a", "sub").add_edge("sub", "b")

print("== no checkpointer")
b.compile().invoke({"x": 0})
print("== no checkpointer, a user key")
b.compile().invoke({"x": 0}, {"configurable": {"user_id": "u"}})

print("== checkpointer: the map names the checkpoints in the history")
g = b.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "t", "user_id": "u"}}
g.invoke({"x": 0}, cfg)
print("history", [h.config["configurable"]["checkpoint_id"] for h in g.get_state_history(cfg)])

print("== replay from an earlier checkpoint")
first_step = [h for h in g.get_state_history(cfg) if h.next == ("a",)][0]
g.invoke(None, first_step.config)

print("== a stateful subgraph (checkpointer=True)")
own = StateGraph(S).add_node("inner", peek("own")).add_edge(START, "inner").compile(checkpointer=True)
g2 = StateGraph(S).add_node("sub", own).add_edge(START, "sub").compile(checkpointer=InMemorySaver())
g2.invoke({"x": 0}, {"configurable": {"thread_id": "t2"}})


print("== functional API")


@task
def double(x):
    print("task", public(get_config()["configurable"]))
    return x * 2


@entrypoint(checkpointer=InMemorySaver())
def ep(x, config):
    print("entrypoint", public(config["configurable"]))
    return double(x).result()


ep.invoke(1, {"configurable": {"thread_id": "e"}})
ep_history = ep.get_state_history({"configurable": {"thread_id": "e"}})
print("history", [h.config["configurable"]["checkpoint_id"] for h in ep_history])
