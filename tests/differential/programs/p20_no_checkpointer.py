# Interrupts without a checkpointer (§3.7); missing thread_id with one.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, interrupt
from langgraph.config import get_config
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


def ask(s):
    return {"log": [f"ask={interrupt({'q': 'ok?'})}"]}


g = StateGraph(S).add_node("pre", lambda s: {"log": ["pre"]}).add_node("ask", ask)
g.add_node("post", lambda s: {"log": ["post"]})
g.add_edge(START, "pre").add_edge("pre", "ask").add_edge("ask", "post")
graph = g.compile()

out = graph.invoke({"log": []})
print("invoke:", out["log"], type(out["__interrupt__"]).__name__, [i.value for i in out["__interrupt__"]])
print("stream:", [(list(c), type(c.get("__interrupt__")).__name__) for c in graph.stream({"log": []})])
show("resume", lambda: graph.invoke(Command(resume="yes")))
show("resume with thread", lambda: graph.invoke(Command(resume="yes"), {"configurable": {"thread_id": "x"}}))
show("get_state", lambda: graph.get_state({"configurable": {"thread_id": "x"}}))
show("get_state_history", lambda: list(graph.get_state_history({"configurable": {"thread_id": "x"}})))
show("update_state", lambda: graph.update_state({"configurable": {"thread_id": "x"}}, {"log": ["u"]}))
show("invoke None", lambda: graph.invoke(None))

cp = g.compile(checkpointer=InMemorySaver())
show("no thread_id", lambda: cp.invoke({"log": []}))
show("no thread_id, empty configurable", lambda: cp.invoke({"log": []}, {"configurable": {}}))
show("get_state no thread_id", lambda: cp.get_state({"configurable": {}}))
show("get_config outside", lambda: get_config())
show("interrupt outside", lambda: interrupt("x"))
