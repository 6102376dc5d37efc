# What the config shows in stream events and in a node's config: checkpoint events carry the call's configurable
# entries, task start events carry the config's metadata and tags, a node sees add_node(metadata=...) and
# unknown top-level config keys under configurable, as LangGraph 1.2 does.
from typing import TypedDict
from langgraph.graph import StateGraph, START
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
from langgraph.types import Command, interrupt

class S(TypedDict):
    x: int

def first(s): return {"x": s["x"] + 1}
def ask(s): return {"x": interrupt("q")}

def show(chunk):
    ns, mode, payload = chunk
    ns = [p.split(":")[0] for p in ns]
    if mode == "checkpoints":
        print("  ", ns, "checkpoint", payload["config"], payload["parent_config"] and payload["parent_config"]["configurable"])
    elif "input" in payload:
        print("  ", ns, "task", payload["name"], payload.get("metadata"))

print("== checkpoints and tasks events, with a subgraph, then a resume")
sub = StateGraph(S).add_node("first", first).add_edge(START, "first").compile()
g = StateGraph(S).add_node("sub", sub).add_node("ask", ask).add_edge(START, "sub").add_edge("sub", "ask") \
    .compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1", "user_id": "u", "obj": {"k": 1}}, "metadata": {"m": 1},
       "tags": ["tg", "seq:step:3"], "top": "moved"}
for chunk in g.stream({"x": 1}, cfg, stream_mode=["checkpoints", "tasks"], subgraphs=True):
    show(chunk)
for chunk in g.stream(Command(resume=3), {"configurable": {"thread_id": "1", "k": "v"}},
                      stream_mode=["checkpoints", "tasks"], subgraphs=True):
    show(chunk)

print("== node metadata, run_id and with_config in a node's config and in the debug task event")
def peek(s, config):
    print("   config metadata", {k: v for k, v in config["metadata"].items() if not k.startswith("langgraph_")})
    print("   configurable", sorted(k for k in config["configurable"] if k in ("top", "run_id", "thread_id")), config.get("top"))
    return {"x": 1}
g = StateGraph(S).add_node("a", peek, metadata={"nm": 1, "thread_id": "from node"}).add_edge(START, "a").compile()
for cfg in [None, {"tags": ["tg"], "metadata": {"m": 1, "nm": 0}, "configurable": {"run_id": "r"}, "top": "t"}]:
    for c in g.stream({"x": 1}, cfg, stream_mode="tasks"):
        print("  ", c["name"], c.get("metadata"))
for c in g.with_config(tags=["wt"], metadata={"wm": 1}).stream({"x": 1}, {"tags": ["ct"]}, stream_mode="debug"):
    print("  ", c["type"], c["payload"].get("metadata"))

print("== @entrypoint and @task")
@task
def plus(x): return x + 1
@entrypoint()
def ep(x):
    return plus(x).result()
for c in ep.stream(1, {"metadata": {"m": 2}, "tags": ["z"]}, stream_mode="tasks"):
    print("  ", c["name"], c.get("metadata"))
