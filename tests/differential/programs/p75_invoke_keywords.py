# invoke(..., subgraphs=True) and invoke(..., debug=True), and stream's print_mode, as LangGraph accepts them.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    log: Annotated[list, operator.add]

def c1(s): return {"log": ["c1"]}
def c2(s): return {"log": [f"c2={interrupt('child q')}"]}
child = StateGraph(S).add_node(c1).add_node(c2).add_edge(START, "c1").add_edge("c1", "c2").compile()
def p1(s): return {"log": ["p1"]}
app = StateGraph(S).add_node(p1).add_node("sub", child).add_edge(START, "p1").add_edge("p1", "sub") \
    .compile(checkpointer=InMemorySaver())

cfg = {"configurable": {"thread_id": "s"}}
out = app.invoke({"log": []}, cfg, subgraphs=True)
print({k: v for k, v in out.items() if k != "__interrupt__"}, [i.value for i in out["__interrupt__"]])
print(app.invoke(Command(resume="x"), cfg, subgraphs=True))
cfg = {"configurable": {"thread_id": "u"}}
for ns, chunk in app.invoke({"log": []}, cfg, subgraphs=True, stream_mode="updates"):
    print([p.split(":")[0] for p in ns], chunk)

cfg = {"configurable": {"thread_id": "d"}}
out = app.invoke({"log": []}, cfg, debug=True)
print([i.value for i in out["__interrupt__"]])
print(app.invoke(Command(resume="y"), cfg, debug=True, subgraphs=True))
print(app.invoke({"log": ["z"]}, {"configurable": {"thread_id": "d2"}}, debug=True, stream_mode="updates"))

simple = StateGraph(S).add_node(p1).add_edge(START, "p1").compile(debug=True)
print(simple.invoke({"log": []}))
for chunk in app.stream({"log": []}, {"configurable": {"thread_id": "pm"}}, stream_mode="updates", print_mode="values",
                        subgraphs=True):
    print("got", chunk)
