# Stream modes tasks, debug and checkpoints for an interrupted run and its resume (§3.4, §5.1).
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def ask(s):
    answer = interrupt({"question": "continue?"})
    return {"log": [f"ask={answer}"]}


g = StateGraph(S).add_node("pre", lambda s: {"log": ["pre"]}).add_node("ask", ask)
g.add_edge(START, "pre").add_edge("pre", "ask").add_edge("ask", END)
graph = g.compile(checkpointer=InMemorySaver())

for n, mode in enumerate(["tasks", "debug", "checkpoints"]):
    cfg = {"configurable": {"thread_id": f"t{n}"}}
    print(f"== mode {mode}")
    for chunk in graph.stream({"log": []}, cfg, stream_mode=mode):
        print("  ", type(chunk).__name__, sorted(chunk))
        print("    ", chunk)
    print("  -- resume")
    for chunk in graph.stream(Command(resume="yes"), cfg, stream_mode=mode):
        print("  ", type(chunk).__name__, sorted(chunk))
        print("    ", chunk)

print("== tasks + checkpoints together")
cfg = {"configurable": {"thread_id": "both"}}
for mode, chunk in graph.stream({"log": []}, cfg, stream_mode=["tasks", "checkpoints"]):
    print("  ", mode, chunk.get("name"), chunk.get("next"), chunk.get("metadata"))
