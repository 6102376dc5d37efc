# Replay and fork from old checkpoints (§4.5).
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


runs = []


def mk(name, f):
    def node(s):
        runs.append(name)
        return {"log": [name], "x": f(s["x"])}
    return node


g = StateGraph(S)
g.add_node("a", mk("a", lambda x: x + 1)).add_node("b", mk("b", lambda x: x * 10)).add_node("c", mk("c", lambda x: x - 1))
g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", END)
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "tt"}}
print("run:", graph.invoke({"x": 1}, cfg))


def hist():
    return [(s.metadata["source"], s.metadata["step"], s.next, s.values.get("x")) for s in graph.get_state_history(cfg)]


before_b = next(s for s in graph.get_state_history(cfg) if s.next == ("b",))
print("checkpoint before b:", before_b.values, before_b.metadata)

runs.clear()
print("replay:", graph.invoke(None, before_b.config), "runs:", runs)
print("history:", hist())
head = graph.get_state(cfg)
print("head:", head.values, head.metadata["source"], head.metadata["step"],
      "parent of fork is X:", [s for s in graph.get_state_history(cfg) if s.metadata["source"] == "fork"][0]
      .parent_config["configurable"]["checkpoint_id"] == before_b.config["configurable"]["checkpoint_id"])

runs.clear()
fork_cfg = graph.update_state(before_b.config, {"x": 100})
fork = graph.get_state(fork_cfg)
print("fork state:", fork.values, fork.next, fork.metadata["source"], fork.metadata["step"])
print("continue fork:", graph.invoke(None, fork_cfg), "runs:", runs)

runs.clear()
print("new input at old checkpoint:", graph.invoke({"log": ["NEW"], "x": 7}, before_b.config), "runs:", runs)
print("history:", hist())

runs.clear()
print("stream replay:", list(graph.stream(None, before_b.config, stream_mode="updates")), "runs:", runs)
print("get_state at old id:", graph.get_state(before_b.config).values, graph.get_state(before_b.config).next)
