"""A checkpointer=True subgraph as LangGraph 1.2 addresses it: stream namespace without task ids, its task's
state config with them, and that config reaching the subgraph's own (id-less) checkpoints."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command, interrupt


class L(TypedDict):
    log: Annotated[list, operator.add]


def _app(saver):
    child = (StateGraph(L).add_node("first", lambda s: {"log": ["first"]})
             .add_node("ask", lambda s: {"log": [interrupt("q")]}).add_edge(START, "first").add_edge("first", "ask")
             .compile(checkpointer=True))
    return StateGraph(L).add_node("sub", child).add_edge(START, "sub").compile(checkpointer=saver)


def test_stream_namespace_has_no_task_id(saver, thread):
    chunks = list(_app(saver).stream({"log": []}, thread, subgraphs=True))
    assert {ns for ns, _ in chunks} == {("sub",), ()}


def test_the_tasks_state_config_names_the_task_and_reaches_the_subgraph(saver, thread):
    app = _app(saver)
    app.invoke({"log": []}, thread)
    task_config = app.get_state(thread).tasks[0].state
    ns = task_config["configurable"]["checkpoint_ns"]
    assert ns.startswith("sub:") and len(ns) > len("sub:")
    assert app.get_state(task_config).values == {"log": ["first"]}
    assert app.get_state(task_config).config["configurable"]["checkpoint_ns"] == "sub"
    history = [h.values for h in app.get_state_history(task_config)]
    assert history[0] == {"log": ["first"]} and len(history) == 3  # input, then the subgraph's two steps
    app.update_state(task_config, {"log": ["edited"]})
    assert app.get_state(thread, subgraphs=True).tasks[0].state.values == {"log": ["first", "edited"]}


def test_a_plain_resume_after_editing_a_paused_subgraph_reaches_the_new_question(saver, thread):
    def two(state):
        return {"log": [interrupt("a?"), interrupt("b?")]}

    for stateful in (None, True):
        child = StateGraph(L).add_node("two", two).add_node("after", lambda s: {"log": [interrupt("c?")]})
        child = child.add_edge(START, "two").add_edge("two", "after").compile(checkpointer=stateful)
        app = StateGraph(L).add_node("sub", child).add_edge(START, "sub").compile(checkpointer=saver)
        cfg = {"configurable": {"thread_id": f"edit-{stateful}"}}
        app.invoke({"log": []}, cfg)
        app.update_state(app.get_state(cfg, subgraphs=True).tasks[0].state.config, {"log": ["edit"]}, as_node="two")
        assert app.invoke(Command(resume="X"), cfg) == {"log": ["edit", "X"]}  # "after" asked, and took it
        # without an edit, one answer still reaches only the question that is pending
        cfg = {"configurable": {"thread_id": f"plain-{stateful}"}}
        app.invoke({"log": []}, cfg)
        assert [i.value for i in app.invoke(Command(resume="A"), cfg)["__interrupt__"]] == ["b?"]
