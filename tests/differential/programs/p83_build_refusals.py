# Build-time refusals (issue 14, item 7): a reducer without exactly two positional parameters, and a checkpointer
# argument that is not a checkpointer.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Overwrite
from langgraph.checkpoint.memory import InMemorySaver


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        print(f"{label}: {type(e).__name__}: {e}")



class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def c(s):
    return {"log": ["c"]}


# reducer arity
def one(a): return a
def three(a, b, c): return a
class Bad1(TypedDict):
    v: Annotated[list, one]
class Bad3(TypedDict):
    v: Annotated[list, three]
class Good(TypedDict):
    v: Annotated[list, lambda a, b=None: a]
show("arity 1", lambda: StateGraph(Bad1))
show("arity 3", lambda: StateGraph(Bad3))
show("arity default", lambda: type(StateGraph(Good)).__name__)
class Kw(TypedDict):
    v: Annotated[list, lambda *args: args[0]]
show("varargs", lambda: type(StateGraph(Kw)).__name__)
show("builtin", lambda: type(StateGraph(TypedDict("B", {"v": Annotated[int, max]}))).__name__)

# checkpointer that is not one
g = StateGraph(S).add_node("c", c).add_edge(START, "c")
show("checkpointer str", lambda: g.compile(checkpointer="memory"))
show("checkpointer class", lambda: g.compile(checkpointer=InMemorySaver))
show("checkpointer dict", lambda: g.compile(checkpointer={}))
show("checkpointer False", lambda: type(g.compile(checkpointer=False)).__name__)

from langgraph.func import entrypoint
show("entrypoint checkpointer", lambda: entrypoint(checkpointer="memory")(lambda x: x))
