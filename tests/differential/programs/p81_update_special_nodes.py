# update_state special nodes (issue 14, item 3): "__copy__", "__input__", bulk_update_state (one checkpoint per
# superstep, LangGraph's errors) and update_state on an @entrypoint.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, StateUpdate, interrupt
from langgraph.func import entrypoint, task
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
    return f"values={s.values} next={s.next} src={s.metadata['source']} step={s.metadata['step']}"


def hist(app, cfg):
    return [(h.metadata["source"], h.metadata["step"], h.next, h.values) for h in app.get_state_history(cfg)]


g = StateGraph(S).add_node("a", node("a")).add_node("b", node("b")).add_node("c", node("c"))
g.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c")
app = g.compile(checkpointer=InMemorySaver(), interrupt_before=["b", "c"])

# __copy__
cfg = {"configurable": {"thread_id": "copy"}}
app.invoke({"foo": "x"}, cfg)
head = app.get_state(cfg)
new = app.update_state(cfg, None, as_node="__copy__")
print("copy:", st(app, cfg))
print("copy parent is original's parent:", app.get_state(new).parent_config == head.parent_config)
print("copy history:", hist(app, cfg))
show("copy continue", lambda: app.invoke(None, cfg))
show("copy missing", lambda: app.update_state({"configurable": {"thread_id": "nope"}}, None, as_node="__copy__"))
cfg = {"configurable": {"thread_id": "copy2"}}
app.invoke({"foo": "x"}, cfg)
app.update_state(cfg, [({"foo": "b-edit"}, "b")], as_node="__copy__")
print("copy+update:", st(app, cfg))
print("copy+update history:", hist(app, cfg))

# __input__
cfg = {"configurable": {"thread_id": "input"}}
app.invoke({"foo": "x"}, cfg)
app.update_state(cfg, {"foo": "new input", "log": ["in"]}, as_node="__input__")
print("input:", st(app, cfg))
show("input continue", lambda: app.invoke(None, cfg))
print("input history:", hist(app, cfg))
cfg = {"configurable": {"thread_id": "input-fresh"}}
app.update_state(cfg, {"foo": "seed"}, as_node="__input__")
print("input fresh:", st(app, cfg))
show("input fresh continue", lambda: app.invoke(None, cfg))

# bulk_update_state: several updates in one superstep make one checkpoint
cfg = {"configurable": {"thread_id": "bulk"}}
app.invoke({"foo": "x"}, cfg)
app.bulk_update_state(cfg, [[StateUpdate({"log": ["B"]}, "b"), StateUpdate({"log": ["C"]}, "c")]])
print("bulk:", st(app, cfg))
print("bulk history:", [h[:3] for h in hist(app, cfg)])
show("bulk continue", lambda: app.invoke(None, cfg))
cfg = {"configurable": {"thread_id": "bulk2"}}
app.invoke({"foo": "x"}, cfg)
app.bulk_update_state(cfg, [[StateUpdate({"log": ["B"]}, "b")], [StateUpdate({"foo": "z"}, "c")]])
print("bulk 2 steps:", [h[:3] for h in hist(app, cfg)])
show("bulk empty", lambda: app.bulk_update_state(cfg, []))
show("bulk empty step", lambda: app.bulk_update_state(cfg, [[]]))
show("bulk no as_node", lambda: app.bulk_update_state(cfg, [[StateUpdate({"log": ["B"]}), StateUpdate({"log": ["C"]}, "c")]]))
show("bulk input multi", lambda: app.bulk_update_state(cfg, [[StateUpdate({"log": ["B"]}, "__input__"), StateUpdate({"log": ["C"]}, "c")]]))
show("bulk END multi", lambda: app.bulk_update_state(cfg, [[StateUpdate(None, END), StateUpdate({"log": ["C"]}, "c")]]))
show("bulk copy multi", lambda: app.bulk_update_state(cfg, [[StateUpdate(None, "__copy__"), StateUpdate({"log": ["C"]}, "c")]]))
show("bulk same node twice", lambda: app.bulk_update_state(cfg, [[StateUpdate({"foo": "1"}, "b"), StateUpdate({"foo": "2"}, "b")]]))

# update_state on an @entrypoint
@task
def double(x):
    return x * 2

@entrypoint(checkpointer=InMemorySaver())
def wf(n: int, *, previous=None):
    v = double(n).result()
    ans = interrupt(f"ok {v}?")
    return {"v": v, "ans": ans, "prev": previous}

cfg = {"configurable": {"thread_id": "ep"}}
print("ep:", wf.invoke(3, cfg))
print("ep state:", st(wf, cfg))
show("ep update", lambda: wf.update_state(cfg, {"v": 100}))
print("ep after:", st(wf, cfg))
show("ep resume", lambda: wf.invoke(Command(resume="yes"), cfg))
print("ep state 2:", st(wf, cfg))
show("ep update done", lambda: wf.update_state(cfg, {"edited": True}))
print("ep after 2:", st(wf, cfg))
show("ep next run", lambda: wf.invoke(5, cfg))
