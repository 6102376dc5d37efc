# Node error handlers: add_node(error_handler=...), NodeError, set_node_defaults.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, RetryPolicy
from langgraph.errors import NodeError
from langgraph.checkpoint.memory import InMemorySaver
def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")
class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    status: str
def boom(s):
    raise ValueError("bad thing")
def handler(state: S, error: NodeError):
    print("handler got", state, type(error).__name__, error.node, repr(error.error))
    return {"log": ["handled"], "status": f"recovered from {error.node}"}
def handler_cmd(state, error: NodeError):
    return Command(update={"status": "cmd"}, goto="after")
def after(s):
    return {"log": ["after"]}
g = StateGraph(S).add_node("boom", boom, error_handler=handler).add_node("after", after)
g.add_edge(START, "boom").add_edge("boom", "after")
app = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
show("invoke", lambda: app.invoke({"log": []}, cfg))
show("stream", lambda: list(g.compile().stream({"log": []}, stream_mode=["updates", "tasks"])))
st = app.get_state(cfg)
print("next", st.next, [ (t.name, t.error) for t in st.tasks])
print(sorted(g.nodes))
g = StateGraph(S).add_node("boom", boom, error_handler=handler_cmd).add_node("after", after).add_edge(START, "boom")
show("cmd", lambda: list(g.compile().stream({"log": []})))
# defaults
g = StateGraph(S).set_node_defaults(error_handler=handler, retry_policy=RetryPolicy(max_attempts=2, initial_interval=0.01, jitter=False, retry_on=ValueError))
n = {"c": 0}
def flaky(s):
    n["c"] += 1
    raise ValueError(f"try {n['c']}")
g.add_node("flaky", flaky).add_edge(START, "flaky")
show("defaults", lambda: list(g.compile().stream({"log": []})))
print(sorted(g.nodes), n)
def bad_handler(s, error: NodeError):
    raise RuntimeError("handler broke")
g = StateGraph(S).add_node("boom", boom, error_handler=bad_handler).add_edge(START, "boom")
show("handler fails", lambda: list(g.compile().stream({"log": []})))
# parallel
def ok(s):
    return {"log": ["ok"]}
g = StateGraph(S).add_node("boom", boom, error_handler=handler).add_node("ok", ok).add_edge(START, "boom").add_edge(START, "ok")
show("parallel", lambda: g.compile().invoke({"log": []}))
def boom_after_write(s):
    raise KeyError("kk")
g = StateGraph(S).add_node("boom", boom, error_handler=handler).add_edge(START, "boom").add_edge("boom", END)
app = g.compile()
show("debug", lambda: [ (c["type"], c["payload"].get("name")) for c in app.stream({"log": []}, stream_mode="debug")])
def handler_plain(state):
    return {"status": "plain"}
g = StateGraph(S).add_node("boom", boom, error_handler=handler_plain).add_edge(START, "boom")
show("plain handler", lambda: g.compile().invoke({"log": []}))
g = StateGraph(S).add_node("boom", boom, error_handler=handler_plain).add_node("x", after).add_edge(START, "boom").add_edge("__error_handler__boom", "x")
show("edge from handler", lambda: g.compile().invoke({"log": []}))
