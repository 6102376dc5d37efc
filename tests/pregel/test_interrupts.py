"""interrupt(): re-execution, answers by call order, parallel interrupts, breakpoints, pending writes."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.errors import EmptyInputError
from hitl_notebook.graph import START, StateGraph
from hitl_notebook.types import Command, Interrupt, Send, interrupt


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int
    items: list


def test_node_restarts_and_answers_replay_by_call_order(saver, thread):
    calls = []

    def ask(state):
        calls.append("start")
        name = interrupt({"q": "name?"})
        calls.append(f"after-1 {name}")
        age = interrupt("age?")
        calls.append(f"after-2 {age}")
        return {"log": [f"name={name} age={age}"]}

    graph = StateGraph(S).add_node("pre", lambda s: {"log": ["pre"]}).add_node(ask)
    graph = graph.add_edge(START, "pre").add_edge("pre", "ask").compile(checkpointer=saver)
    first = graph.invoke({}, thread)
    assert first["log"] == ["pre"]
    [pending] = first["__interrupt__"]
    assert isinstance(pending, Interrupt) and pending.value == {"q": "name?"} and len(pending.id) == 32
    second = graph.invoke(Command(resume="Bob"), thread)
    [pending2] = second["__interrupt__"]
    assert pending2.value == "age?" and pending2.id != pending.id
    assert graph.invoke(Command(resume=42), thread) == {"log": ["pre", "name=Bob age=42"]}
    assert calls == ["start", "start", "after-1 Bob", "start", "after-1 Bob", "after-2 42"]


def parallel_graph(saver):
    runs = []

    def make(name, asks):
        def node(state):
            runs.append(name)
            if asks:
                return {"log": [f"{name}={interrupt(f'question from {name}')}"]}
            return {"log": [name]}
        return node

    builder = StateGraph(S)
    for name, asks in (("a", True), ("b", True), ("c", False)):
        builder.add_node(name, make(name, asks)).add_edge(START, name)
    builder.add_node("join", lambda s: {"log": ["join"]}).add_edge(["a", "b", "c"], "join")
    return builder.compile(checkpointer=saver), runs


def test_parallel_interrupts_resume_by_id_and_keep_finished_siblings(saver, thread):
    graph, runs = parallel_graph(saver)
    first = graph.invoke({}, thread)
    assert first["log"] == ["c"]
    ids = {i.value: i.id for i in first["__interrupt__"]}
    state = graph.get_state(thread)
    assert state.next == ("a", "b") and {i.id for i in state.interrupts} == set(ids.values())
    with pytest.raises(RuntimeError, match="multiple pending interrupts, you must specify the interrupt id"):
        graph.invoke(Command(resume="x"), thread)
    assert graph.get_state(thread).next == ("a", "b"), "a bad answer must leave the run paused"
    partial = graph.invoke(Command(resume={ids["question from a"]: "A!"}), thread)
    assert partial["log"] == ["a=A!", "c"] and [i.id for i in partial["__interrupt__"]] == [ids["question from b"]]
    done = graph.invoke(Command(resume={ids["question from b"]: "B!"}), thread)
    assert done == {"log": ["a=A!", "b=B!", "c", "join"]}
    assert runs.count("c") == 1, "a finished sibling is not re-run after an interrupt"


def test_send_workers_each_interrupt_and_one_map_resumes_all(saver, thread):
    def fan(state):
        return [Send("worker", {"item": i}) for i in state["items"]]

    def worker(arg):
        return {"log": [f"{arg['item']}:{interrupt(arg['item'])}"]}

    graph = StateGraph(S).add_node(worker).add_conditional_edges(START, fan, ["worker"]).compile(checkpointer=saver)
    first = graph.invoke({"items": ["x", "y", "z"]}, thread)
    answers = {i.id: "ok" for i in first["__interrupt__"]}
    assert len(answers) == 3
    assert graph.invoke(Command(resume=answers), thread)["log"] == ["x:ok", "y:ok", "z:ok"]


def test_stream_shapes_for_an_interrupt(saver, thread):
    graph = StateGraph(S).add_node("ask", lambda s: {"x": interrupt("q")}).add_edge(START, "ask")
    graph = graph.compile(checkpointer=saver)
    chunks = list(graph.stream({"x": 1}, thread, stream_mode=["updates", "values"]))
    assert chunks[0] == ("values", {"x": 1, "log": []})
    assert chunks[1][0] == "updates" and isinstance(chunks[1][1]["__interrupt__"], tuple)
    assert chunks[2][0] == "values" and chunks[2][1]["x"] == 1 and "__interrupt__" in chunks[2][1]
    assert list(graph.stream(Command(resume=7), thread)) == [{"ask": {"x": 7}}]


def test_static_breakpoints_before_and_after(saver, thread):
    def chain(**kw):
        builder = StateGraph(S)
        for name in ("pre", "mid", "post"):
            builder.add_node(name, lambda s, n=name: {"log": [n]})
        builder.add_edge(START, "pre").add_edge("pre", "mid").add_edge("mid", "post")
        return builder.compile(checkpointer=InMemorySaver(), **kw)

    for graph in (chain(interrupt_before=["mid"]), chain(interrupt_after=["pre"])):
        assert graph.invoke({}, thread) == {"log": ["pre"]}
        assert graph.get_state(thread).next == ("mid",)
        assert list(graph.stream(None, thread, stream_mode="values"))[-1] == {"log": ["pre", "mid", "post"]}
    star = chain(interrupt_before="*")
    assert list(star.stream({}, thread)) == [{"__interrupt__": ()}]
    no_saver = StateGraph(S).add_node("a", lambda s: {"log": ["a"]}).add_node("b", lambda s: {"log": ["b"]})
    no_saver = no_saver.add_edge(START, "a").add_edge("a", "b")
    assert no_saver.compile(interrupt_before=["b"]).invoke({}) == {"log": ["a"]}  # stops even without a saver


def test_interrupt_without_checkpointer_and_resume_errors():
    graph = StateGraph(S).add_node("ask", lambda s: {"x": interrupt("q")}).add_edge(START, "ask").compile()
    assert graph.invoke({})["__interrupt__"][0].value == "q"
    with pytest.raises(RuntimeError, match=r"Cannot use Command\(resume=...\) without checkpointer"):
        graph.invoke(Command(resume=1))
    with pytest.raises(ValueError, match="No checkpointer set"):
        graph.get_state({"configurable": {"thread_id": "t"}})


def test_missing_thread_id_and_empty_input(saver):
    graph = StateGraph(S).add_node("a", lambda s: None).add_edge(START, "a").compile(checkpointer=saver)
    with pytest.raises(ValueError, match="thread_id"):
        graph.invoke({})
    with pytest.raises(EmptyInputError, match="Received no input for __start__"):
        graph.invoke(None, {"configurable": {"thread_id": "empty"}})


def test_failed_node_reruns_alone_after_the_fix(saver, thread):
    runs = []
    broken = {"on": True}

    def good(state):
        runs.append("good")
        return {"log": ["good"]}

    def boom(state):
        runs.append("boom")
        if broken["on"]:
            raise ValueError("boom failed")
        return {"log": ["boom"]}

    builder = StateGraph(S).add_node(good).add_node(boom).add_node("after", lambda s: {"log": ["after"]})
    builder.add_edge(START, "good").add_edge(START, "boom").add_edge(["good", "boom"], "after")
    graph = builder.compile(checkpointer=saver)
    with pytest.raises(ValueError, match="boom failed"):
        graph.invoke({}, thread)
    state = graph.get_state(thread)
    assert state.next == ("boom",)
    assert [t.error for t in state.tasks if t.name == "boom"] == ["ValueError('boom failed')"]
    broken["on"] = False
    assert graph.invoke(None, thread) == {"log": ["boom", "good", "after"]}
    assert runs == ["boom", "good", "boom"] or runs == ["good", "boom", "boom"]


def test_resume_with_update_applies_the_update_first(saver, thread):
    def ask(state):
        return {"log": [f"ans={interrupt('q')}", f"x={state['x']}"]}

    graph = StateGraph(S).add_node(ask).add_edge(START, "ask").compile(checkpointer=saver)
    graph.invoke({"x": 1}, thread)
    assert graph.invoke(Command(resume="R", update={"x": 99}), thread)["log"] == ["ans=R", "x=99"]


def test_response_schema_validates_before_the_node_sees_the_answer(saver, thread):
    pydantic = pytest.importorskip("pydantic")

    class Decision(pydantic.BaseModel):
        approve: bool

    def ask(state):
        decision = interrupt("ok?", response_schema=Decision)
        return {"log": [type(decision).__name__, decision.approve]}

    graph = StateGraph(S).add_node(ask).add_edge(START, "ask").compile(checkpointer=saver)
    first = graph.invoke({}, thread)
    assert first["__interrupt__"][0].response_schema["properties"]["approve"]["type"] == "boolean"
    with pytest.raises(pydantic.ValidationError):
        graph.invoke(Command(resume={"approve": "not a bool"}), thread)
    assert graph.get_state(thread).interrupts, "the interrupt stays pending after a bad answer"
    assert graph.invoke(Command(resume={"approve": True}), thread)["log"] == ["Decision", True]


def test_exit_durability_persists_when_a_node_fails(saver, thread):
    def boom(state):
        raise ValueError("boom")

    builder = StateGraph(S).add_node("ok", lambda s: {"log": ["ok"]}).add_node(boom)
    graph = builder.add_edge(START, "ok").add_edge("ok", "boom").compile(checkpointer=saver)
    with pytest.raises(ValueError):
        graph.invoke({}, thread, durability="exit")
    state = graph.get_state(thread)
    assert state.values == {"log": ["ok"]} and state.next == ("boom",)
    assert state.tasks[0].error == "ValueError('boom')"


def test_an_empty_command_on_a_paused_thread_is_refused_not_taken_as_an_answer(saver, thread):
    graph = StateGraph(S).add_node("a", lambda s: {"log": [interrupt("q")]}).add_edge(START, "a").compile(
        checkpointer=saver)
    graph.invoke({"log": []}, thread)
    before = graph.get_state(thread).config
    for command in (Command(), Command(resume=None)):
        with pytest.raises(EmptyInputError, match=r"^Received empty Command input\. Command\(resume=None\)"):
            graph.invoke(command, thread)
    assert graph.get_state(thread).config == before  # nothing saved
    assert graph.invoke(Command(resume="ok"), thread) == {"log": ["ok"]}
