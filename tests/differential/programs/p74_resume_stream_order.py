# Stream order on resume when a sibling's writes are cached: tasks, debug and updates events.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    log: Annotated[list, operator.add]

def fast(s): return {"log": ["fast"]}
def ask(s): return {"log": [f"ask={interrupt('q')}"]}
def last(s): return {"log": ["last"]}
app = StateGraph(S).add_node(ask).add_node(fast).add_node(last).add_edge(START, "ask").add_edge(START, "fast") \
    .add_edge(["ask", "fast"], "last").compile(checkpointer=InMemorySaver())

def show(mode, chunk):
    if mode == "debug":
        p = chunk["payload"]
        print(mode, chunk["step"], chunk["type"], p.get("name") or p.get("next"),
              p.get("result", p.get("values")), p.get("interrupts", ""))
    elif mode == "tasks":
        print(mode, chunk["name"], "result" in chunk, chunk.get("result", chunk.get("input")))
    else:
        print(mode, chunk)

for modes in (["tasks", "updates"], ["debug"], ["tasks", "debug", "values"]):
    cfg = {"configurable": {"thread_id": "-".join(modes)}}
    # the first run's two tasks finish in either order; the resume is what this program checks
    print(sorted(str(mode) for mode, chunk in app.stream({"log": []}, cfg, stream_mode=modes)))
    for mode, chunk in app.stream(Command(resume="a"), cfg, stream_mode=modes):
        show(mode, chunk)
    print("==")
