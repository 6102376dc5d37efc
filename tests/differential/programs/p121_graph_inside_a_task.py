# A graph invoked inside an @task runs nested under the call, which nests under its caller, as LangGraph 1.2:
# the call's checkpoint_ns extends the entrypoint's, so the nested graph's nodes see that namespace and map, and
# its stream chunks (subgraphs=True) carry both segments. An interrupt in it pauses and resumes the entrypoint.
from typing import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
from langgraph.graph import START, StateGraph
from langgraph.types import Command, interrupt


class S(TypedDict):
    x: int


def names(ns):
    return [part.split(":")[0] for part in ns.split("|")] if isinstance(ns, str) else [p.split(":")[0] for p in ns]


def ask(s, config):
    configurable = config["configurable"]
    print("  ask sees", names(configurable["checkpoint_ns"]), [names(k) for k in configurable["checkpoint_map"]],
          configurable["checkpoint_id"])
    return {"x": interrupt("q?")}


sub = StateGraph(S).add_node(ask).add_edge(START, "ask").compile()


@task
def run_sub(x):
    return sub.invoke({"x": x})


@entrypoint(checkpointer=InMemorySaver())
def ep(x):
    return run_sub(x).result()


cfg = {"configurable": {"thread_id": "1"}}
for ns, chunk in ep.stream(1, cfg, stream_mode="updates", subgraphs=True):
    print(names(ns), chunk)
state = ep.get_state(cfg, subgraphs=True)
print("paused", state.next, [(t.name, len(t.interrupts)) for t in state.tasks])
for ns, chunk in ep.stream(Command(resume=7), cfg, stream_mode="updates", subgraphs=True):
    print(names(ns), chunk)
print("done", ep.get_state(cfg).values)
