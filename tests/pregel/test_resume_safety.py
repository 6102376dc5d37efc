"""Where LangGraph 1.2 loses a human's answer, the engine does the safe thing (issue #15, cases 1 and 5-8).

Each test names the LangGraph behaviour it departs from; the shared behaviour is covered by the differential
programs (p14, p110...).
"""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.errors import UnknownInterruptError
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.types import Command, Send, interrupt


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    item: str


class Crash(BaseException):
    """Stands for SIGKILL: nothing of the run's own error handling may save anything after it."""


class CrashingSaver(InMemorySaver):
    """Dies when asked to save the checkpoint of step ``crash_at`` (the step's writes are already saved)."""

    crash_at: int | None = None

    def put(self, config, checkpoint, metadata, new_versions):
        if metadata.get("step") == self.crash_at:
            raise Crash()
        return super().put(config, checkpoint, metadata, new_versions)



def cfg(thread: str = "t") -> dict:
    return {"configurable": {"thread_id": thread}}


# -- case 1: a crash between a step's saved writes and its checkpoint ---------------------------------------------


def fan_in(saver):
    builder = StateGraph(S)
    for name in "abc":
        builder.add_node(name, lambda s, name=name: {"log": [name]})
    builder.add_edge(START, "a").add_edge(START, "b").add_edge(["a", "b"], "c").add_edge("c", END)
    return builder.compile(checkpointer=saver)


def test_get_state_after_crash_before_checkpoint_names_the_tasks_still_to_run():
    saver = CrashingSaver()
    graph = fan_in(saver)
    saver.crash_at = 1  # a and b saved their writes; the step-1 checkpoint never came
    with pytest.raises(Crash):
        graph.invoke({"log": []}, cfg())
    state = graph.get_state(cfg())
    assert state.metadata["step"] == 0
    assert state.values == {"log": ["a", "b"]}
    assert [t.name for t in state.tasks] == ["a", "b"] and all(t.result for t in state.tasks)
    # LangGraph 1.2 says next == () here, as if the thread had finished; c still has to run.
    assert state.next == ("c",)
    saver.crash_at = None
    assert graph.invoke(None, cfg()) == {"log": ["a", "b", "c"]}
    assert graph.get_state(cfg()).next == ()


def test_get_state_after_crash_on_the_last_step_is_done_with_the_final_values():
    saver = CrashingSaver()
    graph = fan_in(saver)
    saver.crash_at = 2  # c (a lone task) saved its writes; nothing runs after it
    with pytest.raises(Crash):
        graph.invoke({"log": []}, cfg())
    state = graph.get_state(cfg())
    assert state.metadata["step"] == 1 and [t.name for t in state.tasks] == ["c"]
    assert state.next == () and state.values == {"log": ["a", "b", "c"]}
    saver.crash_at = None
    assert graph.invoke(None, cfg()) == {"log": ["a", "b", "c"]}
    assert graph.get_state(cfg()).metadata["step"] == 2


def test_get_state_at_an_old_checkpoint_still_lists_that_steps_tasks():
    saver = CrashingSaver()
    graph = fan_in(saver)
    graph.invoke({"log": []}, cfg())
    first_step = next(s for s in graph.get_state_history(cfg()) if s.metadata["step"] == 0)
    old = graph.get_state(first_step.config)
    assert old.next == ("a", "b") and old.values == {"log": []}


# -- case 5: a node fails after receiving the answer ---------------------------------------------------------------


def failing_after_answer(saver):
    def ask(state):
        answer = interrupt("approve?")
        if answer == "bad":
            raise ValueError("cannot use that answer")
        return {"log": [answer]}

    return StateGraph(S).add_node(ask).add_edge(START, "ask").compile(checkpointer=saver)


@pytest.mark.parametrize("by_id", [False, True])
def test_a_new_answer_replaces_the_one_a_failed_attempt_used(by_id):
    graph = failing_after_answer(InMemorySaver())
    [pending] = graph.invoke({"log": []}, cfg())["__interrupt__"]
    with pytest.raises(ValueError, match="cannot use that answer"):
        graph.invoke(Command(resume="bad"), cfg())
    state = graph.get_state(cfg())
    assert state.next == ("ask",) and [i.id for i in state.interrupts] == [pending.id], "still answerable"
    # LangGraph 1.2 replays "bad" on every later resume, so the thread can never be answered again.
    answer = {pending.id: "good"} if by_id else "good"
    assert graph.invoke(Command(resume=answer), cfg()) == {"log": ["good"]}
    assert graph.get_state(cfg()).next == ()


def test_a_new_answer_to_a_later_question_keeps_the_earlier_answers():
    seen = []

    def ask(state):
        first = interrupt("first?")
        second = interrupt("second?")
        seen.append((first, second))
        if second == "bad":
            raise ValueError("no")
        return {"log": [first, second]}

    graph = StateGraph(S).add_node(ask).add_edge(START, "ask").compile(checkpointer=InMemorySaver())
    graph.invoke({"log": []}, cfg())
    graph.invoke(Command(resume="one"), cfg())
    with pytest.raises(ValueError):
        graph.invoke(Command(resume="bad"), cfg())
    assert [i.value for i in graph.get_state(cfg()).interrupts] == ["second?"]
    assert graph.invoke(Command(resume="two"), cfg()) == {"log": ["one", "two"]}
    assert seen == [("one", "bad"), ("one", "two")]


def test_a_retried_node_sees_the_new_answer_on_every_attempt():
    from hitl_notebook.types import RetryPolicy

    attempts = []

    def ask(state):
        answer = interrupt("approve?")
        attempts.append(answer)
        if answer == "bad" or len(attempts) == 2:
            raise ConnectionError("flaky")
        return {"log": [answer]}

    graph = (StateGraph(S).add_node(ask, retry_policy=RetryPolicy(max_attempts=2, initial_interval=0, jitter=False,
                                                                   retry_on=lambda e: isinstance(e, ConnectionError)
                                                                   and len(attempts) < 3))
             .add_edge(START, "ask").compile(checkpointer=InMemorySaver()))
    graph.invoke({"log": []}, cfg())
    with pytest.raises(ConnectionError):
        graph.invoke(Command(resume="bad"), cfg())
    assert attempts == ["bad", "bad"]
    assert graph.invoke(Command(resume="good"), cfg()) == {"log": ["good"]}
    assert attempts == ["bad", "bad", "good"]


def test_a_new_answer_reaches_a_failed_task_call_and_a_failed_subgraph_node():
    from hitl_notebook.func import entrypoint, task

    def fragile():
        answer = interrupt("q?")
        if answer == "bad":
            raise ValueError("cannot use that answer")
        return answer

    @task
    def ask(x):
        return fragile()

    @entrypoint(checkpointer=InMemorySaver())
    def flow(x):
        return ask(x).result()

    inner = StateGraph(S).add_node("inner_node", lambda s: {"log": [fragile()]}).add_edge(START, "inner_node")
    graph = (StateGraph(S).add_node("inner", inner.compile()).add_edge(START, "inner")
             .compile(checkpointer=InMemorySaver()))
    for runnable, first, done in ((flow, 1, "good"), (graph, {"log": []}, {"log": ["good"]})):
        runnable.invoke(first, cfg())
        with pytest.raises(ValueError):
            runnable.invoke(Command(resume="bad"), cfg())
        assert [i.value for i in runnable.get_state(cfg()).interrupts] == ["q?"]
        assert runnable.invoke(Command(resume="good"), cfg()) == done


# -- case 7: a resume map naming no pending interrupt ---------------------------------------------------------------


def two_questions(saver):
    def a(state):
        return {"log": ["a:" + interrupt("qa")]}

    def b(state):
        return {"log": ["b:" + interrupt("qb")]}

    builder = StateGraph(S).add_node(a).add_node(b).add_edge(START, "a").add_edge(START, "b")
    return builder.compile(checkpointer=saver)


def test_a_resume_map_with_an_unknown_id_is_refused_naming_the_pending_ids():
    graph = two_questions(InMemorySaver())
    pending = graph.invoke({"log": []}, cfg())["__interrupt__"]
    ids = sorted(i.id for i in pending)
    before = graph.get_state(cfg())
    with pytest.raises(UnknownInterruptError) as info:
        graph.invoke(Command(resume={"0" * 32: "x"}), cfg())
    message = str(info.value)
    assert message.startswith("Unknown or already-consumed interrupt: " + "0" * 32)
    assert all(i in message for i in ids)
    assert info.value.reason == "not_pending" and info.value.interrupt_ids == ("0" * 32,)
    assert info.value.pending_ids == tuple(ids)
    after = graph.get_state(cfg())  # nothing was written: both still pending
    assert after.config == before.config and sorted(i.id for i in after.interrupts) == ids


def test_a_resume_map_mixing_a_pending_and_an_unknown_id_applies_nothing():
    graph = two_questions(InMemorySaver())
    pending = graph.invoke({"log": []}, cfg())["__interrupt__"]
    with pytest.raises(UnknownInterruptError):
        graph.invoke(Command(resume={pending[0].id: "x", "f" * 32: "y"}), cfg())
    assert len(graph.get_state(cfg()).interrupts) == 2


def test_a_resume_map_covering_some_pending_interrupts_answers_those_as_langgraph():
    graph = two_questions(InMemorySaver())
    pending = {i.value: i for i in graph.invoke({"log": []}, cfg())["__interrupt__"]}
    out = graph.invoke(Command(resume={pending["qa"].id: "x"}), cfg())
    assert out["log"] == ["a:x"] and [i.id for i in out["__interrupt__"]] == [pending["qb"].id]
    with pytest.raises(UnknownInterruptError, match=pending["qb"].id):  # qa was consumed
        graph.invoke(Command(resume={pending["qa"].id: "again"}), cfg())
    assert graph.invoke(Command(resume={pending["qb"].id: "y"}), cfg()) == {"log": ["a:x", "b:y"]}


def test_a_resume_map_on_a_finished_thread_says_nothing_is_pending():
    graph = two_questions(InMemorySaver())
    pending = graph.invoke({"log": []}, cfg())["__interrupt__"]
    graph.invoke(Command(resume={i.id: "ok" for i in pending}), cfg())
    with pytest.raises(UnknownInterruptError, match="no interrupt is pending"):
        graph.invoke(Command(resume={pending[0].id: "late"}), cfg())


def test_a_subgraph_interrupt_is_answered_by_id_from_the_parent():
    def inner_node(state):
        return {"log": ["inner:" + interrupt("inner?")]}

    inner = StateGraph(S).add_node(inner_node).add_edge(START, "inner_node").compile()

    def b(state):
        return {"log": ["b:" + interrupt("qb")]}

    graph = (StateGraph(S).add_node("inner", inner).add_node(b).add_edge(START, "inner").add_edge(START, "b")
             .compile(checkpointer=InMemorySaver()))
    pending = {i.value: i for i in graph.invoke({"log": []}, cfg())["__interrupt__"]}
    out = graph.invoke(Command(resume={pending["inner?"].id: "x"}), cfg())
    assert out["log"] == ["inner:x"] and [i.value for i in out["__interrupt__"]] == ["qb"]
    assert sorted(graph.invoke(Command(resume={pending["qb"].id: "y"}), cfg())["log"]) == ["b:y", "inner:x"]


# -- case 8: Command(goto=...) while interrupts are pending ---------------------------------------------------------


def workers(saver):
    def w(state):
        return {"log": [state["item"] + ":" + interrupt("q" + state["item"])]}

    builder = StateGraph(S).add_node(w)
    builder.add_conditional_edges(START, lambda s: [Send("w", {"item": "1"}), Send("w", {"item": "2"})], ["w"])
    return builder.compile(checkpointer=saver)


def test_goto_send_while_interrupts_are_pending_keeps_every_interrupt():
    graph = workers(InMemorySaver())
    graph.invoke({"log": []}, cfg())
    out = graph.invoke(Command(goto=Send("w", {"item": "3"})), cfg())
    assert sorted(i.value for i in out["__interrupt__"]) == ["q1", "q2", "q3"]
    state = graph.get_state(cfg())
    # LangGraph 1.2 drops q1 from the thread; it also leaves the Send's task out of get_state.
    assert state.next == ("w", "w", "w")
    assert sorted(i.value for i in state.interrupts) == ["q1", "q2", "q3"]
    assert {i.id for i in state.interrupts} == {i.id for i in out["__interrupt__"]}
    out = graph.invoke(Command(resume={i.id: "r" for i in state.interrupts}), cfg())
    assert sorted(out["log"]) == ["1:r", "2:r", "3:r"] and "__interrupt__" not in out


def test_goto_send_after_one_of_two_answers_keeps_the_other_interrupt():
    graph = workers(InMemorySaver())
    pending = {i.value: i for i in graph.invoke({"log": []}, cfg())["__interrupt__"]}
    graph.invoke(Command(resume={pending["q1"].id: "x"}), cfg())
    out = graph.invoke(Command(goto=Send("w", {"item": "3"})), cfg())
    assert sorted(i.value for i in out["__interrupt__"]) == ["q2", "q3"]
    state = graph.get_state(cfg())
    assert sorted(i.value for i in state.interrupts) == ["q2", "q3"]
    out = graph.invoke(Command(resume={i.id: "r" for i in state.interrupts}), cfg())
    assert sorted(out["log"]) == ["1:x", "2:r", "3:r"]


def test_goto_a_node_while_an_interrupt_is_pending_runs_it_and_keeps_the_interrupt():
    def a(state):
        return {"log": ["a:" + interrupt("qa")]}

    def z(state):
        return {"log": ["z"]}

    graph = StateGraph(S).add_node(a).add_node(z).add_edge(START, "a").compile(checkpointer=InMemorySaver())
    graph.invoke({"log": []}, cfg())
    out = graph.invoke(Command(goto="z"), cfg())
    assert out["log"] == ["z"] and [i.value for i in out["__interrupt__"]] == ["qa"]
    state = graph.get_state(cfg())
    assert state.next == ("a",) and [i.value for i in state.interrupts] == ["qa"]
    assert sorted(graph.invoke(Command(resume="y"), cfg())["log"]) == ["a:y", "z"]


# -- case 6: resuming one paused checkpoint twice with different answers ---------------------------------------------


def answered_once():
    """A thread paused at one question, answered "A" by resuming its paused checkpoint by id."""

    def ask(state):
        return {"log": [interrupt("q?")]}

    graph = StateGraph(S).add_node(ask).add_edge(START, "ask").compile(checkpointer=InMemorySaver())
    graph.invoke({"log": []}, cfg())
    paused = graph.get_state(cfg()).config
    assert graph.invoke(Command(resume="A"), paused) == {"log": ["A"]}
    return graph, paused


def test_resuming_a_paused_checkpoint_again_forks_with_the_new_answer():
    graph, paused = answered_once()
    # LangGraph 1.2 returns the first answer's result again here.
    assert graph.invoke(Command(resume="B"), paused) == {"log": ["B"]}
    head = graph.get_state(cfg())
    assert head.values == {"log": ["B"]} and head.next == ()
    history = list(graph.get_state_history(cfg()))
    fork = next(s for s in history if s.metadata["source"] == "fork")
    assert fork.parent_config["configurable"]["checkpoint_id"] == paused["configurable"]["checkpoint_id"]
    assert head.parent_config["configurable"]["checkpoint_id"] == fork.config["configurable"]["checkpoint_id"]
    # the first branch is untouched
    first = [s for s in history if s.values == {"log": ["A"]}]
    assert len(first) == 1 and first[0].parent_config == paused


def test_a_second_resume_by_the_old_interrupt_id_reaches_the_fork():
    graph = two_questions(InMemorySaver())
    pending = {i.value: i for i in graph.invoke({"log": []}, cfg())["__interrupt__"]}
    paused = graph.get_state(cfg()).config
    graph.invoke(Command(resume={i.id: "first" for i in pending.values()}), paused)
    out = graph.invoke(Command(resume={pending["qa"].id: "second"}), paused)
    assert out["log"] == ["a:second"] and [i.value for i in out["__interrupt__"]] == ["qb"]
    assert out["__interrupt__"][0].id != pending["qb"].id, "the fork's task has its own id"
    state = graph.get_state(cfg())
    assert [i.value for i in state.interrupts] == ["qb"] and state.next == ("b",)
    out = graph.invoke(Command(resume=state.interrupts[0].id and {state.interrupts[0].id: "b2"}), cfg())
    assert sorted(out["log"]) == ["a:second", "b:b2"]
    with pytest.raises(UnknownInterruptError):
        graph.invoke(Command(resume={"1" * 32: "x"}), paused)


def test_the_fork_keeps_earlier_answers_and_the_results_of_tasks_that_asked_nothing():
    runs = []

    def ask(state):
        first = interrupt("first?")
        second = interrupt("second?")
        return {"log": [f"{first}+{second}"]}

    def quiet(state):
        runs.append("quiet")
        return {"log": ["quiet"]}

    graph = (StateGraph(S).add_node(ask).add_node(quiet).add_edge(START, "ask").add_edge(START, "quiet")
             .compile(checkpointer=InMemorySaver()))
    graph.invoke({"log": []}, cfg())
    graph.invoke(Command(resume="one"), cfg())
    paused = graph.get_state(cfg()).config  # paused at "second?", "one" saved, quiet finished
    assert [i.value for i in graph.get_state(paused).interrupts] == ["second?"]
    assert sorted(graph.invoke(Command(resume="two"), paused)["log"]) == ["one+two", "quiet"]
    assert sorted(graph.invoke(Command(resume="TWO"), paused)["log"]) == ["one+TWO", "quiet"]
    assert runs == ["quiet"], "a task that asked nothing is not run again on the fork"


def test_resuming_the_head_by_its_checkpoint_id_does_not_fork():
    graph, paused = answered_once()
    assert all(s.metadata["source"] != "fork" for s in graph.get_state_history(cfg()))


def test_resuming_without_a_checkpointer_names_the_fix():
    graph = StateGraph(S).add_node("ask", lambda s: {"log": [interrupt("q")]}).add_edge(START, "ask").compile()
    assert graph.invoke({"log": []})["__interrupt__"][0].value == "q"
    with pytest.raises(RuntimeError) as info:
        graph.invoke(Command(resume="x"))
    message = str(info.value)
    assert message.startswith("Cannot use Command(resume=...) without checkpointer. ")  # LangGraph's text first
    assert "compile(checkpointer=InMemorySaver())" in message and "thread_id" in message


def test_a_second_answer_to_a_subgraph_question_at_an_old_checkpoint_is_refused_with_the_way_out():
    inner = StateGraph(S).add_node("q", lambda s: {"log": [interrupt("q?")]}).add_edge(START, "q").compile()
    graph = StateGraph(S).add_node("inner", inner).add_edge(START, "inner").compile(checkpointer=InMemorySaver())
    [pending] = graph.invoke({"log": []}, cfg())["__interrupt__"]
    paused = graph.get_state(cfg()).config
    assert graph.invoke(Command(resume="A"), paused) == {"log": ["A"]}
    before = len(list(graph.get_state_history(cfg())))
    for answer in ("B", {pending.id: "B"}):
        with pytest.raises(ValueError, match=r"raised inside 'inner' .* graph.invoke\(None, config\)"):
            graph.invoke(Command(resume=answer), paused)
    assert len(list(graph.get_state_history(cfg()))) == before, "nothing was saved"
    # the way out: replay the checkpoint, which asks again on a new branch
    again = graph.invoke(None, paused)["__interrupt__"]
    assert [i.value for i in again] == ["q?"]
    assert graph.invoke(Command(resume="B"), cfg()) == {"log": ["B"]}
