# History (§4.3): newest first, metadata step/source, limit/before/filter, parent links.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


g = StateGraph(S)
g.add_node("a", lambda s: {"log": ["a"], "x": s["x"] * 2})
g.add_node("b", lambda s: {"log": ["b"], "x": s["x"] + 8})
g.add_node("c", lambda s: {"log": ["c"], "x": s["x"] * 2})
g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", END)
saver = InMemorySaver()
graph = g.compile(checkpointer=saver)
cfg = {"configurable": {"thread_id": "h"}}
print(graph.invoke({"x": 1}, cfg))

history = list(graph.get_state_history(cfg))
for s in history:
    print(f"step={s.metadata['step']:>2} source={s.metadata['source']:<6} next={s.next!s:<16} values={s.values}")
    print("   metadata:", s.metadata, "tasks:", [(t.name, t.result) for t in s.tasks])
print("parent links ok:", all(
    history[i].parent_config["configurable"]["checkpoint_id"] == history[i + 1].config["configurable"]["checkpoint_id"]
    for i in range(len(history) - 1)), history[-1].parent_config)
print("ids:", [s.config["configurable"]["checkpoint_id"] for s in history])
print("sorted newest first:", [s.config["configurable"]["checkpoint_id"] for s in history] ==
      sorted([s.config["configurable"]["checkpoint_id"] for s in history], reverse=True))
print("limit=2:", [s.metadata["step"] for s in graph.get_state_history(cfg, limit=2)])
print("filter loop:", [s.metadata["step"] for s in graph.get_state_history(cfg, filter={"source": "loop"})])
print("filter input:", [s.metadata["step"] for s in graph.get_state_history(cfg, filter={"source": "input"})])
print("filter step 2:", [s.metadata["step"] for s in graph.get_state_history(cfg, filter={"step": 2})])
print("before step 2:", [s.metadata["step"] for s in graph.get_state_history(cfg, before=history[1].config)])
print("before+limit:", [s.metadata["step"] for s in graph.get_state_history(cfg, before=history[1].config, limit=1)])

# second run on the same thread continues numbering
print(graph.invoke({"x": 5}, cfg))
print("after 2nd run:", [(s.metadata["source"], s.metadata["step"], s.next) for s in graph.get_state_history(cfg)])

# saver-level view
tuples = list(saver.list(cfg, limit=3))
print("saver.list:", [(type(t).__name__, t.metadata["step"], sorted(t.checkpoint)) for t in tuples])
latest = saver.get_tuple(cfg)
print("get_tuple:", latest.config, latest.metadata, dict(sorted(latest.checkpoint["channel_values"].items())), latest.pending_writes)
print("checkpoint v:", latest.checkpoint["v"], "updated_channels:", latest.checkpoint.get("updated_channels"))
print("other thread:", list(graph.get_state_history({"configurable": {"thread_id": "nope"}})))
