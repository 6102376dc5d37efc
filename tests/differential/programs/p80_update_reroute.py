# update_state re-routes (issue 14, item 3): an edit that changes a conditional edge's choice replaces the pending
# branch; the same for a route chosen by Command(goto=...), an END-bound node, None as END, and pending Sends.
import operator
from typing import Annotated, TypedDict, Literal
from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Send
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    foo: str
    log: Annotated[list, operator.add]


def node(name):
    return lambda s: {"log": [name]}


def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        print(f"{label}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")


def st(app, cfg):
    s = app.get_state(cfg)
    return f"values={s.values} next={s.next} tasks={[t.name for t in s.tasks]} src={s.metadata['source']} step={s.metadata['step']}"


# 1. the snippet: a conditional edge re-routes after the edit
g = StateGraph(S).add_node("a", node("a")).add_node("b", node("b")).add_node("c", node("c"))
g.add_edge(START, "a")
g.add_conditional_edges("a", lambda s: "c" if s["foo"] == "edited" else "b", ["b", "c"])
app = g.compile(checkpointer=InMemorySaver(), interrupt_before=["b", "c"])
cfg = {"configurable": {"thread_id": "1"}}
app.invoke({"foo": ""}, cfg)
print("before edit:", st(app, cfg))
app.update_state(cfg, {"foo": "edited"}, as_node="a")
print("after edit:", st(app, cfg))
show("continue", lambda: app.invoke(None, cfg))
print("end:", st(app, cfg))

# 2. the same edit without changing the route keeps the branch
cfg = {"configurable": {"thread_id": "2"}}
app.invoke({"foo": ""}, cfg)
app.update_state(cfg, {"foo": "same"}, as_node="a")
print("same route:", st(app, cfg))
show("continue", lambda: app.invoke(None, cfg))

# 3. a route chosen by Command(goto=...) then an edit as that node
def router(s) -> Command[Literal["b", "c"]]:
    return Command(update={"log": ["router"]}, goto="b")

g = StateGraph(S).add_node("r", router).add_node("b", node("b")).add_node("c", node("c"))
g.add_edge(START, "r")
app2 = g.compile(checkpointer=InMemorySaver(), interrupt_before=["b", "c"])
cfg = {"configurable": {"thread_id": "3"}}
app2.invoke({"foo": ""}, cfg)
print("goto before edit:", st(app2, cfg))
app2.update_state(cfg, {"foo": "x"}, as_node="r")
print("goto after plain edit:", st(app2, cfg))
show("continue", lambda: app2.invoke(None, cfg))
cfg = {"configurable": {"thread_id": "3b"}}
app2.invoke({"foo": ""}, cfg)
app2.update_state(cfg, Command(update={"foo": "y"}, goto="c"), as_node="r")
print("goto after Command edit:", st(app2, cfg))
show("continue", lambda: app2.invoke(None, cfg))

# 4. update as an END-bound node clears the pending branch
g = StateGraph(S).add_node("a", node("a")).add_node("b", node("b")).add_node("z", node("z"))
g.add_edge(START, "a").add_edge("a", "b").add_edge("z", END)
app3 = g.compile(checkpointer=InMemorySaver(), interrupt_before=["b"])
cfg = {"configurable": {"thread_id": "4"}}
app3.invoke({"foo": ""}, cfg)
app3.update_state(cfg, {"foo": "done"}, as_node="z")
print("as END-bound node:", st(app3, cfg))
show("continue", lambda: app3.invoke(None, cfg))
cfg = {"configurable": {"thread_id": "4b"}}
app3.invoke({"foo": ""}, cfg)
app3.update_state(cfg, None, as_node=END)
print("None as END:", st(app3, cfg))
show("continue", lambda: app3.invoke(None, cfg))

# 5. pending Sends are replaced by an edit too
g = StateGraph(S).add_node("a", node("a")).add_node("w", lambda s: {"log": [f"w{s}"]})
g.add_edge(START, "a").add_conditional_edges("a", lambda s: [Send("w", i) for i in range(2)])
app4 = g.compile(checkpointer=InMemorySaver(), interrupt_before=["w"])
cfg = {"configurable": {"thread_id": "5"}}
app4.invoke({"foo": ""}, cfg)
print("sends before:", st(app4, cfg))
app4.update_state(cfg, {"foo": "e"}, as_node="a")
print("sends after:", st(app4, cfg))
show("continue", lambda: app4.invoke(None, cfg))

# 6. the snippet with plain (LastValue) keys: one branch runs, nothing writes foo twice
class F(TypedDict):
    foo: str


g = StateGraph(F)
g.add_node("a", lambda s: {"foo": s["foo"]}).add_node("b", lambda s: {"foo": "ran b"}).add_node("c", lambda s: {"foo": "ran c"})
g.add_edge(START, "a")
g.add_conditional_edges("a", lambda s: "c" if s["foo"] == "edited" else "b", ["b", "c"])
app5 = g.compile(checkpointer=InMemorySaver(), interrupt_before=["b", "c"])
cfg = {"configurable": {"thread_id": "6"}}
app5.invoke({"foo": ""}, cfg)
app5.update_state(cfg, {"foo": "edited"}, as_node="a")
print("issue snippet next:", app5.get_state(cfg).next)
show("issue snippet continue", lambda: app5.invoke(None, cfg))

# 7. a Send fan-out that depends on the edited state is recomputed
g = StateGraph(S).add_node("a", node("a")).add_node("w", lambda s: {"log": [f"w{s}"]})
g.add_edge(START, "a").add_conditional_edges("a", lambda s: [Send("w", i) for i in range(3 if s["foo"] == "more" else 1)])
app6 = g.compile(checkpointer=InMemorySaver(), interrupt_before=["w"])
cfg = {"configurable": {"thread_id": "7"}}
app6.invoke({"foo": ""}, cfg)
app6.update_state(cfg, {"foo": "more"}, as_node="a")
print("sends recomputed:", st(app6, cfg))
show("continue", lambda: app6.invoke(None, cfg))

# 8. update without as_node after a parallel step is ambiguous; after one node it is that node
g = StateGraph(S).add_node("a", node("a")).add_node("b", node("b")).add_node("c", node("c")).add_node("d", node("d"))
g.add_edge(START, "a").add_edge(START, "b").add_edge("a", "c").add_edge("c", "d")
app7 = g.compile(checkpointer=InMemorySaver(), interrupt_before=["c", "d"])
cfg = {"configurable": {"thread_id": "8"}}
app7.invoke({"foo": ""}, cfg)
show("ambiguous", lambda: app7.update_state(cfg, {"foo": "?"}))
app7.update_state(cfg, {"foo": "as a"}, as_node="a")
print("explicit:", st(app7, cfg))
show("inferred after explicit", lambda: app7.update_state(cfg, {"foo": "again"}))
app7.invoke(None, cfg)
app7.update_state(cfg, {"log": ["inferred"]})
print("inferred after c:", st(app7, cfg))
