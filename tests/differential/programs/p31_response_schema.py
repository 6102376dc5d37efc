# interrupt(..., response_schema=Model) (1.2): schema carried on the Interrupt, valid/invalid resumes.
import operator
from typing import Annotated, TypedDict

from pydantic import BaseModel

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class Decision(BaseModel):
    approve: bool
    note: str = ""


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


runs = []


def review(s):
    runs.append("review")
    d = interrupt({"question": "approve?"}, response_schema=Decision)
    return {"log": [f"{type(d).__name__}: approve={d.approve} note={d.note!r}"]}


g = StateGraph(S).add_node("review", review).add_edge(START, "review").add_edge("review", END)
graph = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "rs"}}
out = graph.invoke({"log": []}, cfg)
[i] = out["__interrupt__"]
print("value:", i.value)
print("schema:", i.response_schema)

try:
    graph.invoke(Command(resume={"approve": "not-a-bool"}), cfg)
except Exception as e:
    print(f"invalid: {type(e).__name__}: {str(e).splitlines()[0]}")
snap = graph.get_state(cfg)
print("after invalid:", snap.next, [x.value for x in snap.interrupts], snap.values)

print("valid:", graph.invoke(Command(resume={"approve": True, "note": "lgtm"}), cfg))
print("runs:", runs)

cfg2 = {"configurable": {"thread_id": "rs2"}}
graph.invoke({"log": []}, cfg2)
print("model instance:", graph.invoke(Command(resume=Decision(approve=False)), cfg2))
cfg3 = {"configurable": {"thread_id": "rs3"}}
graph.invoke({"log": []}, cfg3)
try:
    graph.invoke(Command(resume="yes"), cfg3)
except Exception as e:
    print(f"string resume: {type(e).__name__}: {str(e).splitlines()[0]}")
