# Send map-reduce (§2.6): what the target receives, ordering, mixing with strings, empty lists.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Send


class S(TypedDict, total=False):
    subjects: list
    jokes: Annotated[list, operator.add]
    log: Annotated[list, operator.add]


received = []


def joke(arg):
    received.append(arg)
    return {"jokes": [f"joke about {arg['subject']}"]}


def fan(s):
    return [Send("joke", {"subject": x}) for x in s["subjects"]]


g = StateGraph(S).add_node("joke", joke).add_node("summary", lambda s: {"log": [f"{len(s['jokes'])} jokes"]})
g.add_conditional_edges(START, fan, ["joke"]).add_edge("joke", "summary")
graph = g.compile()
print(graph.invoke({"subjects": ["cats", "dogs", "ants"]}))
print("received:", received)
print("empty:", graph.invoke({"subjects": []}))
for chunk in graph.stream({"subjects": ["x", "y"]}, stream_mode="values"):
    print("values:", chunk)
print("update keys:", sorted(k for c in graph.stream({"subjects": ["x", "y"]}) for k in c))


# mixing strings and Sends
def c_node(arg):
    return {"log": [f"c{arg['v']}"]}


g = StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_node("b", lambda s: {"log": ["b"]}).add_node("c", c_node)
g.add_edge(START, "a").add_conditional_edges("a", lambda s: ["b", Send("c", {"v": 7})])
print("mixed:", g.compile().invoke({}))

# Sends from a node after START, to a node that itself fans out again
def split(arg):
    n = arg["n"]
    if n <= 1:
        return {"log": [f"leaf{n}"]}
    return {"log": [f"split{n}"]}


def route(s):
    return [Send("split", {"n": i}) for i in (3, 1, 2)]


g = StateGraph(S).add_node("root", lambda s: {"log": ["root"]}).add_node("split", split)
g.add_edge(START, "root").add_conditional_edges("root", route)
print("sends:", g.compile().invoke({}))
print("Send eq:", Send("a", {"x": 1}) == Send("a", {"x": 1}), Send("a", 1) == Send("b", 1))
