# NodeInterrupt keeps LangGraph's placeholder interrupt id.
import warnings
warnings.simplefilter("ignore")
from typing import TypedDict
from langgraph.graph import StateGraph, START
from langgraph.errors import NodeInterrupt
from langgraph.checkpoint.memory import InMemorySaver
class S(TypedDict, total=False):
    x: int
def n(s):
    if not s.get("x"):
        raise NodeInterrupt("need x")
    return {"x": s["x"] + 1}
app = StateGraph(S).add_node("n", n).add_edge(START, "n").compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
r = app.invoke({}, cfg)
print(r)
print(app.get_state(cfg).interrupts, app.get_state(cfg).tasks[0].interrupts)
print(NodeInterrupt("v").args, NodeInterrupt("v", id="abc").args)
app.update_state(cfg, {"x": 1})
print(app.invoke(None, cfg))
