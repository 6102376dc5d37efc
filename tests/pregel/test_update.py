"""update_state / bulk_update_state (pregel/_update.py): re-routing, __input__, __copy__, END, supersteps."""

from __future__ import annotations

import operator
from typing import Annotated, Literal, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.errors import InvalidUpdateError
from hitl_notebook.func import entrypoint
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.types import Command, StateUpdate, interrupt


class S(TypedDict, total=False):
    foo: str
    log: Annotated[list, operator.add]


def _log(name):
    return lambda s: {"log": [name]}


def routed(saver):
    g = StateGraph(S).add_node("a", _log("a")).add_node("b", _log("b")).add_node("c", _log("c"))
    g.add_edge(START, "a").add_conditional_edges("a", lambda s: "c" if s["foo"] == "edited" else "b", ["b", "c"])
    return g.compile(checkpointer=saver, interrupt_before=["b", "c"])


def fan(saver):
    g = StateGraph(S).add_node("a", _log("a")).add_node("b", _log("b")).add_node("c", _log("c"))
    g.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c")
    return g.compile(checkpointer=saver, interrupt_before=["b", "c"])


def test_edit_that_changes_the_route_replaces_the_pending_branch(saver, thread):
    app = routed(saver)
    app.invoke({"foo": ""}, thread)
    app.update_state(thread, {"foo": "edited"}, as_node="a")
    assert app.get_state(thread).next == ("c",)
    assert app.invoke(None, thread) == {"foo": "edited", "log": ["a", "c"]}


def test_edit_that_keeps_the_route_keeps_the_branch(saver, thread):
    app = routed(saver)
    app.invoke({"foo": ""}, thread)
    app.update_state(thread, {"foo": "same"}, as_node="a")
    assert app.get_state(thread).next == ("b",)


def test_route_chosen_by_command_goto_is_replaced_by_an_edit(saver):
    def router(s) -> Command[Literal["b", "c"]]:
        return Command(update={"log": ["r"]}, goto="b")

    g = StateGraph(S).add_node("r", router).add_node("b", _log("b")).add_node("c", _log("c")).add_edge(START, "r")
    app = g.compile(checkpointer=saver, interrupt_before=["b", "c"])
    plain, rerouted = ({"configurable": {"thread_id": t}} for t in ("plain", "rerouted"))
    for cfg in (plain, rerouted):
        app.invoke({"foo": ""}, cfg)
    app.update_state(plain, {"foo": "x"}, as_node="r")
    app.update_state(rerouted, Command(update={"foo": "y"}, goto="c"), as_node="r")
    assert app.get_state(plain).next == ()
    assert app.get_state(rerouted).next == ("c",)


def test_end_bound_node_and_none_as_end_clear_pending_tasks(saver):
    g = StateGraph(S).add_node("a", _log("a")).add_node("b", _log("b")).add_node("z", _log("z"))
    g.add_edge(START, "a").add_edge("a", "b").add_edge("z", END)
    app = g.compile(checkpointer=saver, interrupt_before=["b"])
    as_z, as_end = ({"configurable": {"thread_id": t}} for t in ("z", "end"))
    for cfg in (as_z, as_end):
        app.invoke({"foo": ""}, cfg)
    app.update_state(as_z, {"foo": "done"}, as_node="z")
    app.update_state(as_end, None, as_node=END)
    for cfg in (as_z, as_end):
        state = app.get_state(cfg)
        assert state.next == () and state.metadata["source"] == "update"
    with pytest.raises(InvalidUpdateError, match="Cannot apply multiple updates when clearing state"):
        app.bulk_update_state(as_end, [[StateUpdate(None, END), StateUpdate({"foo": "x"}, "b")]])


def test_copy_forks_beside_the_checkpoint_and_can_apply_updates(saver, thread):
    app = fan(saver)
    app.invoke({"foo": "x"}, thread)
    head = app.get_state(thread)
    copied = app.get_state(app.update_state(thread, None, as_node="__copy__"))
    assert copied.metadata["source"] == "fork" and copied.metadata["step"] == head.metadata["step"] + 1
    assert copied.parent_config == head.parent_config and copied.values == head.values and copied.next == ("b", "c")
    app.update_state(thread, [({"foo": "edited"}, "b")], as_node="__copy__")
    edited = app.get_state(thread)
    assert (edited.metadata["source"], edited.values["foo"], edited.next) == ("update", "edited", ())
    with pytest.raises(InvalidUpdateError, match="Cannot copy a non-existent checkpoint"):
        app.update_state({"configurable": {"thread_id": "none"}}, None, as_node="__copy__")


def test_input_update_starts_again_beside_pending_tasks(saver, thread):
    app = fan(saver)
    app.invoke({"foo": "x"}, thread)
    app.update_state(thread, {"foo": "new"}, as_node="__input__")
    state = app.get_state(thread)
    assert (state.metadata["source"], state.next) == ("input", ("__start__", "b", "c"))
    fresh = {"configurable": {"thread_id": "fresh"}}
    app.update_state(fresh, {"foo": "seed"}, as_node="__input__")
    assert app.get_state(fresh).metadata["step"] == -1
    assert app.invoke(None, fresh) == {"foo": "seed", "log": ["a"]}
    with pytest.raises(InvalidUpdateError, match="Received no input writes for __start__"):
        app.update_state(thread, None, as_node="__input__")


def test_bulk_update_makes_one_checkpoint_per_superstep(saver, thread):
    app = fan(saver)
    app.invoke({"foo": "x"}, thread)
    before = len(list(app.get_state_history(thread)))
    app.bulk_update_state(thread, [[StateUpdate({"log": ["B"]}, "b"), StateUpdate({"log": ["C"]}, "c")]])
    history = list(app.get_state_history(thread))
    assert len(history) == before + 1
    assert history[0].values["log"] == ["a", "B", "C"] and history[0].next == ()
    # the edits show as the results of the tasks that were pending at the edited checkpoint
    assert {t.name: t.result for t in history[1].tasks} == {"b": {"log": ["B"]}, "c": {"log": ["C"]}}
    with pytest.raises(ValueError, match="No supersteps provided"):
        app.bulk_update_state(thread, [])
    with pytest.raises(ValueError, match="No updates provided"):
        app.bulk_update_state(thread, [[]])
    with pytest.raises(InvalidUpdateError, match="as_node is required when applying multiple updates"):
        app.bulk_update_state(thread, [[StateUpdate({"log": ["x"]}), StateUpdate({"log": ["y"]}, "c")]])


def test_as_node_is_inferred_from_the_newest_version_seen(saver, thread):
    g = StateGraph(S).add_node("a", _log("a")).add_node("b", _log("b")).add_node("c", _log("c"))
    g.add_edge(START, "a").add_edge(START, "b").add_edge("a", "c")
    app = g.compile(checkpointer=saver, interrupt_before=["c"])
    app.invoke({"foo": ""}, thread)
    with pytest.raises(InvalidUpdateError, match="^Ambiguous update, specify as_node"):
        app.update_state(thread, {"foo": "?"})
    app.invoke(None, thread)
    app.update_state(thread, {"log": ["after c"]})  # c ran last
    assert app.get_state(thread).values["log"][-1] == "after c"


def test_update_state_on_an_entrypoint_writes_its_value():
    @entrypoint(checkpointer=InMemorySaver())
    def wf(n: int):
        return {"asked": interrupt(f"ok {n}?")}

    cfg = {"configurable": {"thread_id": "ep"}}
    wf.invoke(3, cfg)
    wf.update_state(cfg, {"v": 100})
    state = wf.get_state(cfg)
    assert (state.values, state.next, state.metadata["source"]) == ({"v": 100}, (), "update")
    # the next run's interrupt is returned beside the saved dict value, as LangGraph's invoke does
    out = wf.invoke(5, cfg)
    assert out["v"] == 100 and out["__interrupt__"][0].value == "ok 5?"


def test_answered_interrupt_is_not_reused_for_the_next_one(saver, thread):
    """Deliberate difference: LangGraph hands the first answer to the second interrupt on invoke(None)."""

    def ask(s):
        return {"foo": interrupt("q1") + interrupt("q2")}

    app = StateGraph(S).add_node("ask", ask).add_edge(START, "ask").compile(checkpointer=saver)
    app.invoke({}, thread)
    app.invoke(Command(resume="first"), thread)
    out = app.invoke(None, thread)
    assert [i.value for i in out["__interrupt__"]] == ["q2"]
    assert app.get_state(thread).next == ("ask",)
    assert app.invoke(Command(resume="second"), thread)["foo"] == "firstsecond"
