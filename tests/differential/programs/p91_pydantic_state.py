# Pydantic state: validators run when a node reads the state (once per read), bad input fails at the first node.
import operator
from typing import Annotated, Optional
from pydantic import BaseModel, field_validator, model_validator
from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver
calls = []
def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")
class S(BaseModel):
    x: int
    log: Annotated[list[str], operator.add] = []
    note: Optional[str] = None
    @field_validator("x")
    @classmethod
    def check_x(cls, v):
        calls.append(("x", v))
        if v < 0:
            raise ValueError("x must be >= 0")
        return v
def a(s: S):
    return {"x": s.x + 1, "log": ["a"]}
def b(s: S):
    return {"log": ["b:" + str(s.x)], "note": "n"}
g = StateGraph(S).add_node("a", a).add_node("b", b).add_edge(START, "a").add_edge("a", "b")
app = g.compile()
show("invoke", lambda: app.invoke({"x": 1}))
print("validator calls", calls); calls.clear()
show("invoke model", lambda: app.invoke(S(x=2)))
print("validator calls", calls); calls.clear()
show("stream", lambda: list(app.stream({"x": 1}, stream_mode=["values", "updates"])))
print("validator calls", calls); calls.clear()
show("bad input", lambda: app.invoke({"x": -1}))
show("bad type", lambda: app.invoke({"x": "zz"}))
show("missing", lambda: app.invoke({"log": ["q"]}))
def bad(s: S):
    return {"x": -5}
g2 = StateGraph(S).add_node("a", bad).add_node("b", b).add_edge(START, "a").add_edge("a", "b")
show("bad update", lambda: g2.compile().invoke({"x": 1}))
print("validator calls", calls); calls.clear()
def bad2(s: S):
    return {"x": "notint"}
g2 = StateGraph(S).add_node("a", bad2).add_node("b", b).add_edge(START, "a").add_edge("a", "b")
show("bad type update", lambda: g2.compile().invoke({"x": 1}))
cfg = {"configurable": {"thread_id": "1"}}
app = g.compile(checkpointer=InMemorySaver())
show("cp invoke", lambda: app.invoke({"x": 1}, cfg))
show("get_state", lambda: app.get_state(cfg).values)
calls.clear()
class M(BaseModel):
    x: int
    @model_validator(mode="after")
    def mv(self):
        calls.append("model")
        return self
g = StateGraph(M).add_node("a", lambda s: {"x": s.x + 1}).add_edge(START, "a")
show("model validator", lambda: g.compile().invoke({"x": 1}))
print("validator calls", calls); calls.clear()
