# Stream modes for an interrupted run (§3.4): values, updates, ["values", "updates"], custom; and resume.
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
g.add_node("post", lambda s: {"log": ["post"]})
g.add_edge(START, "pre").add_edge("pre", "ask").add_edge("ask", "post").add_edge("post", END)
graph = g.compile(checkpointer=InMemorySaver())


def show(chunk):
    if isinstance(chunk, tuple):
        mode, data = chunk
        return f"{mode}: {show(data)}"
    if isinstance(chunk, dict) and "__interrupt__" in chunk:
        intr = chunk["__interrupt__"]
        rest = {k: v for k, v in chunk.items() if k != "__interrupt__"}
        return f"{rest} + __interrupt__ {type(intr).__name__} {[i.value for i in intr]}"
    return repr(chunk)


for n, mode in enumerate(["values", "updates", ["values", "updates"], ["updates", "custom"], None]):
    cfg = {"configurable": {"thread_id": f"t{n}"}}
    print(f"== mode {mode}")
    for chunk in graph.stream({"log": []}, cfg, stream_mode=mode):
        print("  ", show(chunk))
    print("  -- resume")
    for chunk in graph.stream(Command(resume="yes"), cfg, stream_mode=mode):
        print("  ", show(chunk))

print("== interrupt object in stream vs invoke")
cfg = {"configurable": {"thread_id": "cmp"}}
chunks = list(graph.stream({"log": []}, cfg, stream_mode="updates"))
print(chunks[-1])
print(graph.invoke(Command(resume="x"), cfg))

print("== static breakpoint")
cfg = {"configurable": {"thread_id": "static"}}
for mode in ("updates", ["values", "updates"], "values"):
    sg2 = g.compile(checkpointer=InMemorySaver(), interrupt_before=["ask"])
    print("  mode", mode, [show(c) for c in sg2.stream({"log": []}, cfg, stream_mode=mode)])
