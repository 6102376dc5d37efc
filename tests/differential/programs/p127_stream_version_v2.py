# version="v2" (LangGraph 1.1+, used by every example of the current streaming docs): stream parts
# {"type", "ns", "data"} (+ "interrupts" for values), GraphOutput from invoke, values coerced to pydantic/dataclass
# schemas, subgraph namespaces, print_mode, the functional API and the async API.
import asyncio, warnings
from dataclasses import dataclass, field
from typing import Annotated
import operator
from pydantic import BaseModel
from typing_extensions import TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command, GraphOutput, StreamWriter
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task

class PState(BaseModel):
    topic: str
    joke: str = ""

class POut(BaseModel):
    joke: str

@dataclass
class DState:
    n: int
    log: Annotated[list, operator.add] = field(default_factory=list)

def write(state: PState):
    return {"joke": f"about {state.topic}"}
def review(state: PState):
    return {"joke": state.joke + "!" + interrupt("ok?")}

pb = StateGraph(PState)
pb.add_node(write); pb.add_node(review); pb.add_edge(START, "write"); pb.add_edge("write", "review")
pg = pb.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "p"}}
for part in pg.stream({"topic": "cats"}, cfg, stream_mode=["values", "updates", "checkpoints", "debug", "tasks"], version="v2"):
    d = part["data"]
    if part["type"] == "checkpoints":
        print(part["type"], type(d["values"]).__name__, d["values"], d["next"])
    elif part["type"] == "debug":
        print(part["type"], d["type"], type(d["payload"].get("values")).__name__)
    else:
        print(part["type"], type(d).__name__, d, part.get("interrupts"))
out = pg.invoke(Command(resume="yes"), cfg, version="v2")
print(type(out.value).__name__, out.value, out.interrupts)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    print(out["joke"], "joke" in out, "__interrupt__" in out, out["__interrupt__"])
    try:
        out["zzz"]
    except KeyError as e:
        print("KeyError", e)
    print([(type(x.message).__name__, str(x.message)) for x in w][:2])
print(pg.invoke({"topic": "dogs"}, {"configurable": {"thread_id": "p2"}}, version="v2", stream_mode="updates"))

po = StateGraph(PState, output_schema=POut)
po.add_node(write); po.add_edge(START, "write")
g2 = po.compile()
out = g2.invoke({"topic": "x"}, version="v2")
print(type(out.value).__name__, out.value)
print(g2.invoke({"topic": "x"}, version="v2", output_keys="joke"))

db = StateGraph(DState)
db.add_node("inc", lambda s: {"n": s.n + 1, "log": ["inc"]}); db.add_edge(START, "inc")
dg = db.compile()
print(dg.invoke({"n": 1}, version="v2"))
for part in dg.stream({"n": 1}, stream_mode="values", version="v2"):
    print(part)

class TD(TypedDict):
    a: int
tg = StateGraph(TD).add_node("x", lambda s: {"a": 2}).add_edge(START, "x").compile()
print(tg.invoke({"a": 1}, version="v2"))

@task
def double(x): return 2 * x
@entrypoint(checkpointer=InMemorySaver())
def flow(x: int):
    y = double(x).result()
    return {"y": y, "ok": interrupt("sure?")}
c = {"configurable": {"thread_id": "f"}}
for part in flow.stream(3, c, stream_mode=["updates", "values"], version="v2"):
    print(part)
print(flow.invoke(Command(resume=1), c, version="v2"))

async def main():
    async for part in tg.astream({"a": 1}, stream_mode=["values", "updates"], version="v2"):
        print("async", part)
    print(await tg.ainvoke({"a": 1}, version="v2"))
    print(await pg.ainvoke({"topic": "async"}, {"configurable": {"thread_id": "a"}}, version="v2"))
asyncio.run(main())
class S(TypedDict, total=False):
    log: Annotated[list, operator.add]

def a(state, writer: StreamWriter):
    writer("plain")
    writer({"k": 1})
    return {"log": ["a"]}
def ask(state):
    return {"log": [interrupt({"q": "ok?"})]}
sb = StateGraph(S); sb.add_node(a); sb.add_edge(START, "a")
sub = sb.compile()
b = StateGraph(S); b.add_node("sub", sub); b.add_node(ask); b.add_edge(START, "sub"); b.add_edge("sub", "ask")
g = b.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
for c in g.stream({"log": []}, cfg, stream_mode=["updates", "custom", "values"], subgraphs=True, version="v2"):
    c = dict(c); c["ns"] = tuple(p.split(":")[0] for p in c["ns"])
    print(c)
out = g.invoke(Command(resume="yes"), cfg, version="v2")
print(type(out).__name__, out)
cfg = {"configurable": {"thread_id": "2"}}
out = g.invoke({"log": []}, cfg, version="v2")
print(type(out).__name__, out.value, out.interrupts)
for c in g.stream(Command(resume="y"), cfg, version="v2"):
    print(c)
for c in g.stream({"log": []}, {"configurable": {"thread_id": "3"}}, print_mode="updates", stream_mode="values"):
    print("got", c)
for c in g.stream({"log": []}, {"configurable": {"thread_id": "4"}}, stream_mode="custom", version="v2", subgraphs=True):
    print(c["type"], c["data"], len(c["ns"]))
@entrypoint(checkpointer=InMemorySaver())
def wf(x, writer: StreamWriter):
    writer(f"got {x}")
    return interrupt("more?")
for c in wf.stream(1, {"configurable": {"thread_id": "w"}}, stream_mode=["custom", "updates"], version="v2"):
    print(c)
print(wf.invoke(Command(resume=2), {"configurable": {"thread_id": "w"}}, version="v2"))
