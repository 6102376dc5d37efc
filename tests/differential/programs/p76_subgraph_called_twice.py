# A node that invokes a subgraph twice: each call keeps its own checkpoints and its own interrupt answers.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    log: Annotated[list, operator.add]

def ask(s): return {"log": [f"ans={interrupt('q' + str(len(s['log'])))}"]}

def show(ns, chunk):
    if "__interrupt__" in chunk:
        chunk = [i.value for i in chunk["__interrupt__"]]
    print([p.split(":")[0] for p in ns], chunk)

for cp in (None, True):
    sub = StateGraph(S).add_node(ask).add_edge(START, "ask").compile(checkpointer=cp)
    def twice(s):
        a = sub.invoke({"log": ["first"]})
        b = sub.invoke({"log": ["second"]})
        return {"log": a["log"] + b["log"]}
    app = StateGraph(S).add_node(twice).add_edge(START, "twice").compile(checkpointer=InMemorySaver())
    cfg = {"configurable": {"thread_id": "1"}}
    # With checkpointer=True, LangGraph's second turn hands the second call its old answer (a deliberate
    # difference, see tests/pregel/test_subgraphs.py), so that case runs one turn here.
    for turn in range(2 if cp is None else 1):
        for value in ({"log": []}, Command(resume=f"A{turn}"), Command(resume=f"B{turn}")):
            for ns, chunk in app.stream(value, cfg, subgraphs=True):
                show(ns, chunk)
    print(cp, sorted({c.config["configurable"]["checkpoint_ns"].split(":")[0] + "|" + c.config["configurable"]["checkpoint_ns"].split("|")[-1][:1]
                      for c in app.checkpointer.list(None)}))
