# Command(goto=...) from nodes (§2.7): Sends in goto, goto adds to static edges, goto END, update forms.
import operator
from dataclasses import dataclass
from typing import Annotated, Literal, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Send


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


def mk(name):
    return lambda s: {"log": [name]}


def c_node(arg):
    return {"log": [f"c{arg['v']}"]}


def a_sends(s) -> Command[Literal["b", "c"]]:
    return Command(update={"log": ["a"]}, goto=[Send("c", {"v": 1}), Send("c", {"v": 2}), "b"])


g = StateGraph(S).add_node("a", a_sends).add_node("b", mk("b")).add_node("c", c_node)
g.add_edge(START, "a")
print("goto sends:", g.compile().invoke({}))
print("   update keys:", sorted(k for c in g.compile().stream({}) for k in c))


def a_goto_c(s) -> Command[Literal["c"]]:
    return Command(update={"log": ["a"]}, goto="c")


g = StateGraph(S).add_node("a", a_goto_c).add_node("b", mk("b")).add_node("c", mk("c"))
g.add_edge(START, "a").add_edge("a", "b")
print("goto adds to edges:", g.compile().invoke({}))


def a_goto_end(s):
    return Command(update={"log": ["a"]}, goto=END)


g = StateGraph(S).add_node("a", a_goto_end).add_node("b", mk("b"))
g.add_edge(START, "a").add_edge("a", "b")
print("goto END with edge:", g.compile().invoke({}))

g = StateGraph(S).add_node("a", a_goto_end).add_edge(START, "a")
print("goto END alone:", g.compile().invoke({}))


@dataclass
class Upd:
    x: int


def a_dc(s):
    return Command(update=Upd(x=5), goto="b")


g = StateGraph(S).add_node("a", a_dc).add_node("b", lambda s: {"log": [f"b saw x={s['x']}"]})
g.add_edge(START, "a")
print("dataclass update:", g.compile().invoke({}))


def looper(s) -> Command[Literal["looper", "__end__"]]:
    n = len(s.get("log", []))
    return Command(update={"log": [f"l{n}"]}, goto="looper" if n < 3 else END)


g = StateGraph(S).add_node("looper", looper).add_edge(START, "looper")
print("command loop:", g.compile().invoke({}))
for c in g.compile().stream({}, stream_mode="updates"):
    print("   ", c)


def bad_literal(s) -> Command[Literal["zz"]]:
    return Command(goto="zz")


try:
    StateGraph(S).add_node("a", bad_literal).add_edge(START, "a").compile()
except ValueError as e:
    print("ValueError:", e)
g = StateGraph(S).add_node("a", a_goto_c, destinations=("c",)).add_node("c", mk("c")).add_edge(START, "a")
print("destinations=:", g.compile().invoke({}))
