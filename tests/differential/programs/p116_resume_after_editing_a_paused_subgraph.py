# A subgraph paused at interrupt(), edited with update_state through its state config, then resumed with a plain
# value: the edit replaced the task that asked, and the new question takes the answer, as LangGraph 1.2 does.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command, interrupt

class S(TypedDict):
    log: Annotated[list, operator.add]

def two(s):
    a = interrupt("a?")
    b = interrupt("b?")
    return {"log": [a, b]}
def after(s): return {"log": [interrupt("c?")]}

for stateful in [None, True]:
    print("== checkpointer", stateful)
    inner = StateGraph(S).add_node("two", two).add_node("after", after).add_edge(START, "two") \
        .add_edge("two", "after").compile(checkpointer=stateful)
    g = StateGraph(S).add_node("sub", inner).add_edge(START, "sub").compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "plain"}}
    print(g.invoke({"log": []}, cfg)["__interrupt__"][0].value)
    for answer in "ABC":  # without an edit each answer goes to the question that is pending
        out = g.invoke(Command(resume=answer), cfg)
        print(" ", out.get("__interrupt__", [None])[0] and out["__interrupt__"][0].value, out["log"])
    for as_node, thread in [("two", "skip ahead"), ("__start__", "start over")]:
        cfg = {"configurable": {"thread_id": thread}}
        g.invoke({"log": []}, cfg)
        g.update_state(g.get_state(cfg, subgraphs=True).tasks[0].state.config, {"log": ["edit"]}, as_node=as_node)
        print(" ", thread, g.get_state(cfg, subgraphs=True).tasks[0].state.next)
        for answer in ["X", "Y", "Z"]:
            out = g.invoke(Command(resume=answer), cfg)
            print("   ", out.get("__interrupt__", [None])[0] and out["__interrupt__"][0].value, out["log"])
            if "__interrupt__" not in out:
                break
