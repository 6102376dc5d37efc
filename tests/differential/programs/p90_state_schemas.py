# Non-dict state, plain-class state, keys declared only in node/router input hints, JSON schemas.
import dataclasses
import operator
from typing import Annotated, Optional, TypedDict

from typing_extensions import NotRequired
from typing_extensions import TypedDict as TETypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}")


# A whole-state reducer: each node returns items to append.
g = StateGraph(Annotated[list, operator.add])
g.add_node("a", lambda s: ["a"]).add_node("b", lambda s: ["b", len(s)])
g.add_edge(START, "a").add_edge("a", "b")
app = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "root"}}
show("list reducer", lambda: app.invoke(["x"], cfg))
show("list reducer values", lambda: app.get_state(cfg).values)
show("list reducer stream", lambda: list(g.compile().stream(["x"], stream_mode=["updates", "values"])))
show("list reducer schema", lambda: g.compile().get_input_jsonschema())

# A whole-state last value; a node may also return a Command with a bare update.
g = StateGraph(list[str])
g.add_node("a", lambda s: s + ["a"]).add_node("b", lambda s: Command(update=s + ["b"], goto=END))
g.add_edge(START, "a").add_edge("a", "b")
show("list last value", lambda: g.compile().invoke(["x"]))
show("list last value updates", lambda: list(g.compile().stream(["x"])))
show("list last value none", lambda: StateGraph(list[str]).add_node("n", lambda s: None)
     .add_edge(START, "n").compile().invoke(["kept"]))


class Plain:
    x: int
    y: Annotated[list, operator.add]


g = StateGraph(Plain)
g.add_node("a", lambda s: {"x": s["x"] + 1, "y": ["a"]}).add_edge(START, "a")
show("plain class", lambda: g.compile().invoke({"x": 1, "y": []}))


@dataclasses.dataclass
class D:
    x: int
    y: Optional[str] = None
    z: Optional[int] = None
    w: Optional[int] = 3


@dataclasses.dataclass
class Bare:
    x: int
    maybe: Optional[str]


g = StateGraph(D).add_node("a", lambda s: {"x": s.x + 1}).add_edge(START, "a")
app = g.compile()
show("dataclass input schema", app.get_input_jsonschema)
show("dataclass output schema", app.get_output_jsonschema)
show("dataclass run", lambda: app.invoke({"x": 1}))
app = StateGraph(Bare).add_node("a", lambda s: {"x": 2}).add_edge(START, "a").compile()
show("optional without default", app.get_input_jsonschema)


class TD(TETypedDict):
    a: int
    b: NotRequired[str]


show("typeddict schema", StateGraph(TD).add_node("n", lambda s: s).add_edge(START, "n").compile().get_input_jsonschema)


class S(TypedDict):
    a: int


class Extra(TypedDict):
    a: int
    hidden: str


def n1(s: S):
    return {"a": 1, "hidden": "h"}


def n2(s: Extra):
    return {"a": s["a"] + 1, "hidden": s["hidden"] + "!"}


g = StateGraph(S).add_node("n1", n1).add_node("n2", n2).add_edge(START, "n1").add_edge("n1", "n2")
show("node hint channel", lambda: g.compile().invoke({"a": 0}))
show("node hint channel updates", lambda: list(g.compile().stream({"a": 0})))


class R(TypedDict):
    a: int
    route_key: str


def r1(s: S):
    return {"a": 1, "route_key": "go"}


def router(s: R):
    print("router sees", s)
    return END


def plain_router(s):
    print("plain router sees", s)
    return END


g = StateGraph(S).add_node("r1", r1).add_edge(START, "r1").add_conditional_edges("r1", router)
show("router hint channel", lambda: g.compile().invoke({"a": 0}))
g = StateGraph(S).add_node("n1", n1).add_node("n2", n2).add_edge(START, "n1").add_edge("n1", "n2")
g.add_conditional_edges("n2", plain_router)
show("router reads node schema", lambda: g.compile().invoke({"a": 0}))


@entrypoint()
def wf(x: int) -> str:
    return str(x)


@entrypoint()
def wf_final(x: Optional[list[str]]) -> entrypoint.final[int, str]:
    return entrypoint.final(value=1, save="a")


@entrypoint()
def wf_untyped(x, *, previous=None):
    return x


for flow in (wf, wf_final, wf_untyped):
    show("entrypoint schemas", lambda: (flow.get_input_jsonschema(), flow.get_output_jsonschema()))


def gen(x):
    yield x


show("generator entrypoint", lambda: entrypoint()(gen))
