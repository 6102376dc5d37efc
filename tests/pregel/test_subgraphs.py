"""Subgraphs: stateful memory, breakpoints that pause the parent, namespaced state API, history and durability."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command, interrupt


class L(TypedDict):
    log: Annotated[list, operator.add]


class N(TypedDict):
    n: int


def _remember(state):
    return {"log": [f"r{len(state['log'])}"]}


def _ask(state):
    return {"log": [f"ans={interrupt('q')}"]}


def _counter(checkpointer):
    return StateGraph(L).add_node("remember", _remember).add_edge(START, "remember").compile(checkpointer=checkpointer)


def _two_step(**kw):
    return (StateGraph(N).add_node("add1", lambda s: {"n": s["n"] + 1}).add_node("times10", lambda s: {"n": s["n"] * 10})
            .add_edge(START, "add1").add_edge("add1", "times10").compile(**kw))


def _parent(child, saver, schema=L, **kw):
    return StateGraph(schema).add_node("inner", child).add_edge(START, "inner").compile(checkpointer=saver, **kw)


def _namespaces(saver, thread_id):
    return sorted(c.config["configurable"]["checkpoint_ns"].split(":")[0]
                  for c in saver.list({"configurable": {"thread_id": thread_id}}))


# -- item 1: checkpointer=True / False ------------------------------------------------------------------------------


def test_stateful_subgraph_remembers_its_state_across_turns(saver, thread):
    app = _parent(_counter(True), saver)
    app.invoke({"log": ["a"]}, thread)
    second = app.invoke({"log": ["b"]}, thread)
    # the subgraph's own state held ["a", "r1"] and received the parent's 4 entries: 6 when it ran again
    assert second["log"][-1] == "r6"
    assert "inner" in _namespaces(saver, "t1")  # one namespace, without task ids


def test_subgraph_without_own_checkpointer_starts_fresh_each_turn(saver, thread):
    app = _parent(_counter(None), saver)
    app.invoke({"log": ["a"]}, thread)
    assert app.invoke({"log": ["b"]}, thread)["log"][-1] == "r4"


def test_checkpointer_false_saves_no_subgraph_checkpoints(saver, thread):
    app = _parent(_counter(False), saver)
    app.invoke({"log": ["a"]}, thread)
    assert set(_namespaces(saver, "t1")) == {""}


def test_checkpointer_true_is_refused_for_a_root_graph_when_it_runs():
    graph = _counter(True)  # compiling is fine: it may become a subgraph
    with pytest.raises(RuntimeError, match=r"^checkpointer=True cannot be used for root graphs\."):
        graph.invoke({"log": []})
    with pytest.raises(RuntimeError, match="root graphs"):
        graph.get_state({"configurable": {"thread_id": "x"}})


def test_interrupt_inside_stateful_subgraph_resumes_and_asks_again_next_turn(saver, thread):
    child = StateGraph(L).add_node("ask", _ask).add_edge(START, "ask").compile(checkpointer=True)
    app = _parent(child, saver)
    assert [i.value for i in app.invoke({"log": []}, thread)["__interrupt__"]] == ["q"]
    assert app.invoke(Command(resume="one"), thread)["log"][-1] == "ans=one"
    assert "__interrupt__" in app.invoke({"log": ["again"]}, thread)
    assert app.invoke(Command(resume="two"), thread)["log"][-1] == "ans=two"


def test_stateful_subgraph_called_twice_asks_again_on_the_next_turn(saver, thread):
    """Deliberate difference: LangGraph 1.2.22 continues the second call's finished checkpoint from the previous
    turn and returns its old answer; here only a checkpoint of this parent step is continued."""
    child = StateGraph(L).add_node("ask", _ask).add_edge(START, "ask").compile(checkpointer=True)

    def twice(state):
        return {"log": child.invoke({"log": ["first"]})["log"] + child.invoke({"log": ["second"]})["log"]}

    app = StateGraph(L).add_node(twice).add_edge(START, "twice").compile(checkpointer=saver)
    for turn in range(2):
        app.invoke({"log": []}, thread)
        app.invoke(Command(resume=f"A{turn}"), thread)
        out = app.invoke(Command(resume=f"B{turn}"), thread)
        assert "__interrupt__" not in out
    assert out["log"][-1] == "ans=B1"


def test_a_tasks_second_graph_call_keeps_its_own_answers(saver, thread):
    child = StateGraph(L).add_node("ask", _ask).add_edge(START, "ask").compile()

    def twice(state):
        return {"log": child.invoke({"log": ["first"]})["log"] + child.invoke({"log": ["second"]})["log"]}

    app = StateGraph(L).add_node(twice).add_edge(START, "twice").compile(checkpointer=saver)
    app.invoke({"log": []}, thread)
    assert "__interrupt__" in app.invoke(Command(resume="A"), thread)
    assert app.invoke(Command(resume="B"), thread)["log"] == ["first", "ans=A", "second", "ans=B"]


# -- item 2: breakpoints compiled into a subgraph --------------------------------------------------------------------


def test_subgraph_interrupt_after_pauses_the_parent(saver, thread):
    app = _parent(_two_step(interrupt_after=["add1"]), saver, N)
    assert app.invoke({"n": 1}, thread) == {"n": 1}
    state = app.get_state(thread)
    assert state.next == ("inner",) and state.tasks[0].interrupts == ()
    assert app.invoke(None, thread) == {"n": 20}
    assert app.get_state(thread).next == ()


def test_subgraph_interrupt_before_pauses_and_stream_shows_an_empty_interrupt(saver, thread):
    app = _parent(_two_step(interrupt_before=["add1"]), saver, N)
    assert list(app.stream({"n": 4}, thread)) == [{"__interrupt__": ()}]
    assert list(app.stream(None, thread)) == [{"inner": {"n": 50}}]


def test_subgraph_breakpoint_inside_a_node_function_pauses_the_node(saver, thread):
    child = _two_step(interrupt_after=["add1"])
    calls = []

    def wrapper(state):
        calls.append("wrapper")
        return {"n": child.invoke({"n": state["n"]})["n"] + 1000}

    app = StateGraph(N).add_node(wrapper).add_edge(START, "wrapper").compile(checkpointer=saver)
    assert app.invoke({"n": 3}, thread) == {"n": 3} and app.get_state(thread).next == ("wrapper",)
    assert app.invoke(None, thread) == {"n": 1040} and calls == ["wrapper", "wrapper"]


def test_update_state_into_a_paused_subgraph_then_continue(saver, thread):
    app = _parent(_two_step(interrupt_after=["add1"]), saver, N)
    app.invoke({"n": 1}, thread)
    sub_config = app.get_state(thread, subgraphs=True).tasks[0].state.config
    assert set(sub_config["configurable"]["checkpoint_map"]) == {"", sub_config["configurable"]["checkpoint_ns"]}
    edited = app.update_state(sub_config, {"n": 7})
    latest = {"configurable": {k: v for k, v in edited["configurable"].items() if k != "checkpoint_id"}}
    assert app.get_state(latest).values == {"n": 7} and app.get_state(latest).next == ("times10",)
    assert app.invoke(None, thread) == {"n": 70}


def test_update_state_for_an_unknown_subgraph_namespace_is_refused(saver, thread):
    app = _parent(_two_step(), saver, N)
    with pytest.raises(ValueError, match="Subgraph nowhere not found"):
        app.update_state({"configurable": {"thread_id": "t1", "checkpoint_ns": "nowhere:123"}}, {"n": 1})


def test_resume_value_reaches_an_interrupt_in_a_subgraph_paused_by_the_parents_breakpoint(saver, thread):
    child = StateGraph(N).add_node("ask", lambda s: {"n": s["n"] + interrupt("how much?")}) \
        .add_edge(START, "ask").compile()
    app = _parent(child, saver, N, interrupt_before=["inner"])
    app.invoke({"n": 1}, thread)
    assert app.invoke(Command(resume=5), thread) == {"n": 6}


# -- item 4: namespaces, durability, debug events, own threads -------------------------------------------------------


def _paused_parent(saver):
    child = StateGraph(L).add_node("c1", lambda s: {"log": ["c1"]}).add_node("c2", _ask) \
        .add_edge(START, "c1").add_edge("c1", "c2").compile()
    return _parent(child, saver)


def test_history_lists_only_the_graphs_own_namespace(saver, thread):
    app = _paused_parent(saver)
    app.invoke({"log": []}, thread)
    app.invoke(Command(resume="x"), thread)
    history = list(app.get_state_history(thread))
    assert {s.config["configurable"]["checkpoint_ns"] for s in history} == {""}
    assert [s.metadata["step"] for s in history] == [1, 0, -1]
    assert "inner" in _namespaces(saver, "t1")


def test_durability_exit_keeps_subgraph_checkpoints_only_while_paused(saver, thread):
    app = _paused_parent(saver)
    app.invoke({"log": []}, thread, durability="exit")
    assert _namespaces(saver, "t1") == ["", "inner"]
    app.invoke(Command(resume="y"), thread, durability="exit")
    assert _namespaces(saver, "t1") == ["", "", "inner"]


def test_debug_checkpoint_events_name_the_subgraph_tasks_state(saver, thread):
    app = _paused_parent(saver)
    events = [(ns, ev) for ns, ev in app.stream({"log": []}, thread, stream_mode="debug", subgraphs=True)
              if ev["type"] == "checkpoint"]
    root_tasks = [t for ns, ev in events if not ns for t in ev["payload"]["tasks"]]
    [inner] = [t for t in root_tasks if t["name"] == "inner"]
    assert inner["state"]["configurable"]["checkpoint_ns"] == f"inner:{inner['id']}"
    nested = [ev["payload"] for ns, ev in events if ns]
    assert nested and all("checkpoint_map" in p["config"]["configurable"] and p["metadata"]["parents"] for p in nested)


def test_graph_invoked_in_a_node_with_its_own_thread_keeps_its_checkpoints_there(saver):
    inner_saver = InMemorySaver()
    inner = StateGraph(L).add_node("c1", lambda s: {"log": ["c1"]}).add_edge(START, "c1") \
        .compile(checkpointer=inner_saver)

    def call(state):
        return {"log": inner.invoke({"log": ["in"]}, {"configurable": {"thread_id": "inner"}})["log"]}

    app = StateGraph(L).add_node(call).add_edge(START, "call").compile(checkpointer=saver)
    app.invoke({"log": []}, {"configurable": {"thread_id": "outer"}})
    app.invoke({"log": []}, {"configurable": {"thread_id": "outer"}})
    assert inner.get_state({"configurable": {"thread_id": "inner"}}).values == {"log": ["in", "c1", "in", "c1"]}
    assert set(_namespaces(saver, "outer")) == {""} and _namespaces(inner_saver, "outer") == []


# -- items 10 and 11: stream order on resume, invoke keywords --------------------------------------------------------


def test_resumed_step_announces_every_task_before_the_cached_updates(saver, thread):
    app = StateGraph(L).add_node("ask", _ask).add_node("fast", lambda s: {"log": ["fast"]}) \
        .add_edge(START, "ask").add_edge(START, "fast").compile(checkpointer=saver)
    list(app.stream({"log": []}, thread))
    seen = [(mode, chunk.get("name") if mode == "tasks" else next(iter(chunk)), "result" in chunk)
            for mode, chunk in app.stream(Command(resume="a"), thread, stream_mode=["tasks", "updates"])]
    assert seen == [("tasks", "ask", False), ("tasks", "fast", False), ("updates", "fast", False),
                    ("updates", "ask", False), ("tasks", "ask", True)]


def test_values_come_before_the_checkpoint_event_of_the_same_step(saver, thread):
    app = StateGraph(L).add_node("a", lambda s: {"log": ["a"]}).add_edge(START, "a").compile(checkpointer=saver)
    kinds = [m if m == "values" else chunk["type"] for m, chunk in
             app.stream({"log": []}, thread, stream_mode=["values", "debug"])]
    assert kinds[-2:] == ["values", "checkpoint"]


def test_invoke_with_subgraphs_lists_a_subgraph_interrupt_per_graph(saver, thread):
    out = _paused_parent(saver).invoke({"log": []}, thread, subgraphs=True)
    assert [i.value for i in out["__interrupt__"]] == ["q", "q"]


def test_invoke_debug_prints_updates_and_values(saver, thread, capsys):
    app = StateGraph(L).add_node("a", lambda s: {"log": ["a"]}).add_edge(START, "a").compile(debug=True)
    assert app.invoke({"log": []}) == {"log": ["a"]}
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["\033[1m[values]\033[0m {'log': []}", "\033[1m[updates]\033[0m {'a': {'log': ['a']}}",
                     "\033[1m[values]\033[0m {'log': ['a']}"]
