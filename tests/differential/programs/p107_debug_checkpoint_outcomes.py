# debug / checkpoints stream: the checkpoint a resume continues from shows each saved task's result or error.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.func import entrypoint, task
from langgraph.checkpoint.memory import InMemorySaver
class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    other: str
def ok(s):
    return {"log": ["ok"], "other": "x"}
def twice(s):
    return [Command(update={"log": ["t1"]}), Command(update={"log": ["t2"]})]
def empty(s):
    return None
def ask(s):
    return {"log": [interrupt("q?")]}
def ask2(s):
    return {"log": [interrupt("q2?")]}
def show(chunks):
    for c in chunks:
        if isinstance(c, tuple):
            mode, c = c
            if mode == "checkpoints":
                print("checkpoints", sorted((t["name"], sorted(t)) for t in c["tasks"]))
                continue
        if c["type"] == "checkpoint":
            print(c["step"], sorted(c["payload"]["tasks"], key=lambda t: t["name"]))
g = StateGraph(S)
for n, f in [("ok", ok), ("twice", twice), ("empty", empty), ("ask", ask), ("ask2", ask2)]:
    g.add_node(n, f).add_edge(START, n)
app = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
out = app.invoke({"log": []}, cfg)
first = next(i for i in out["__interrupt__"] if i.value == "q?")
show(app.stream(Command(resume={first.id: "a1"}), cfg, stream_mode="debug"))
show(app.stream(Command(resume="a2"), cfg, stream_mode=["debug", "checkpoints"]))
print(app.get_state(cfg).values)
# output_keys narrows the result
g = StateGraph(S)
for n, f in [("ok", ok), ("twice", twice), ("ask", ask)]:
    g.add_node(n, f).add_edge(START, n)
app = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "2"}}
app.invoke({"log": []}, cfg)
show(app.stream(Command(resume="z"), cfg, stream_mode="debug", output_keys=["other"]))
# a failed task shows its error
n = {"c": 0}
def flaky(s):
    n["c"] += 1
    if n["c"] == 1:
        raise ValueError("first")
    return {"log": ["flaky"]}
app = StateGraph(S).add_node("flaky", flaky).add_edge(START, "flaky").compile(checkpointer=InMemorySaver())
try:
    app.invoke({"log": []}, cfg)
except ValueError as e:
    print("error", e)
show(app.stream(None, cfg, stream_mode="debug"))
# non-dict state: the single output channel's value is the result
g = StateGraph(Annotated[list, operator.add])
g.add_node("one", lambda s: ["one"]).add_node("asker", lambda s: [interrupt("why?")])
g.add_edge(START, "one").add_edge(START, "asker")
app = g.compile(checkpointer=InMemorySaver())
app.invoke([], cfg)
show(app.stream(Command(resume="because"), cfg, stream_mode="debug"))
# functional API
@task
def double(x):
    return 2 * x
@entrypoint(checkpointer=InMemorySaver())
def flow(x):
    y = double(x).result()
    return y + len(interrupt("more?"))
print(flow.invoke(3, cfg))
show(flow.stream(Command(resume="abc"), cfg, stream_mode="debug"))
