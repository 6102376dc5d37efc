"""Outside a notebook: console prompts, approval policies, environment variables, never hanging on stdin.

Each test runs once per engine (``eng``): the console driver and the policies drive LangGraph graphs too.
"""

from __future__ import annotations

import builtins
import importlib
import operator
from typing import Annotated, Any, TypedDict

import pytest
from pydantic import BaseModel

from hitl_notebook.notebook import (
    DecisionNotAppliedError,
    HumanInputRequired,
    RunStatus,
    auto_approve,
    from_callable,
    policy_from_env,
    run,
    scripted,
)
from hitl_notebook.notebook import _run


class S(TypedDict, total=False):
    answer: Any


def asking(eng: Any, payload: Any, **kwargs: Any) -> Any:
    """A graph of ``eng`` whose one node asks ``payload`` and stores the answer."""
    def ask(state: S) -> dict:
        answer = eng.interrupt(payload, **kwargs)
        return {"answer": answer.model_dump() if isinstance(answer, BaseModel) else answer}

    return eng.StateGraph(S).add_node("ask", ask).add_edge(eng.START, "ask").compile(
        checkpointer=eng.InMemorySaver())


@pytest.fixture
def terminal(monkeypatch):
    """Pretend stdin is a terminal; ``terminal(["reply", ...])`` scripts what the human types."""
    prompts: list[str] = []

    def script(replies: list[str]) -> list[str]:
        queue = list(replies)
        monkeypatch.setattr(_run, "stdin_is_tty", lambda: True)
        monkeypatch.setattr(builtins, "input", lambda prompt="": (prompts.append(prompt), queue.pop(0))[1])
        return prompts

    return script


@pytest.fixture
def no_terminal(monkeypatch):
    """stdin is not a terminal, and reading it would be a bug."""
    monkeypatch.setattr(_run, "stdin_is_tty", lambda: False)

    def fail(prompt: str = "") -> str:
        raise AssertionError("input() must not be called when stdin is not a terminal")

    monkeypatch.setattr(builtins, "input", fail)


def test_console_prompt_approves_seed000_and_prints_the_stream(terminal, capsys, seeds):
    prompts = terminal(["a"])
    handle = run(seeds.seed000(), {}, ui="console")
    assert handle.result == {"llm_output": "This is the generated output.", "decision": "approved"}
    out = capsys.readouterr().out
    assert "Do you approve the following output?" in out
    assert "✅ Approved path taken." in out and "approved by" in out and "■ done" in out
    assert "[a]pprove" in prompts[0]


def test_console_prompt_json_answer_for_seed003(terminal, seeds):
    terminal(["false"])
    handle = run(seeds.seed003(), "cat", ui="console", approve_value=True, reject_value=False)
    assert handle.result == {"essay": "An essay about topic: cat", "is_approved": False}


def test_console_prompts_per_panel_kind(eng, terminal):
    terminal(["Ada"])
    assert run(asking(eng, "Your name?"), {}, ui="console").result == {"answer": "Ada"}
    terminal(["2"])
    assert run(asking(eng, {"options": ["x", "y"]}), {}, ui="console").result == {"answer": "y"}

    class Review(BaseModel):
        ok: bool
        score: int

    terminal(["yes", "many", "4"])  # a bad number is asked again
    assert run(asking(eng, "rate", response_schema=Review), {}, ui="console").result == {"answer": {"ok": True,
                                                                                                "score": 4}}
    payload = {"action_requests": [{"name": "send", "args": {"to": "a", "n": 1}}],
               "review_configs": [{"action_name": "send", "allowed_decisions": ["approve", "edit", "reject"]}]}
    terminal(["edit", "", "5"])
    assert run(asking(eng, payload), {}, ui="console").result == {"answer": {"decisions": [
        {"type": "edit", "edited_action": {"name": "send", "args": {"to": "a", "n": 5}}}]}}


def test_no_terminal_and_no_policy_raises_at_once_and_leaves_the_run_paused(no_terminal, seeds):
    graph = seeds.seed000()
    with pytest.raises(HumanInputRequired, match="policy=") as caught:
        run(graph, {}, {"configurable": {"thread_id": "ci"}}, ui="console")
    assert "HITL_NOTEBOOK_POLICY" in str(caught.value)
    handle = caught.value.handle
    assert handle.status is RunStatus.WAITING and graph.get_state(handle.config).interrupts
    handle.resume("approve")
    assert handle.result["decision"] == "approved"


@pytest.mark.parametrize("policy, decision", [
    ("approve", "approved"),
    ("reject", "rejected"),
    (auto_approve(), "approved"),
    (["reject"], "rejected"),
    ({"human_approval": "approve"}, "approved"),
    (lambda item: "approve" if "approve" in item.value["question"] else "reject", "approved"),
])
def test_policies_answer_seed000(no_terminal, seeds, policy, decision):
    handle = run(seeds.seed000(), {}, ui="console", policy=policy)
    assert handle.result["decision"] == decision
    assert handle.record.decisions[0].by.startswith("policy")


def test_policy_from_environment(no_terminal, seeds, monkeypatch, capsys):
    monkeypatch.setenv("HITL_NOTEBOOK_POLICY", 'script:["reject"]')
    handle = run(seeds.seed000(), {}, ui="console")
    assert handle.result["decision"] == "rejected"
    assert "❌ Rejected path taken." in capsys.readouterr().out
    monkeypatch.setenv("HITL_NOTEBOOK_POLICY", "approve")
    assert run(seeds.seed003(), "cat", ui="console", approve_value=True).result["is_approved"] is True
    monkeypatch.setenv("HITL_NOTEBOOK_POLICY", "sometimes")
    with pytest.raises(ValueError, match="HITL_NOTEBOOK_POLICY"):
        run(seeds.seed000(), {}, ui="console")


def test_console_policy_from_environment_uses_prompts(terminal, seeds, monkeypatch):
    monkeypatch.setenv("HITL_NOTEBOOK_POLICY", "console")
    terminal(["r"])
    assert run(seeds.seed000(), {}, ui="console").result["decision"] == "rejected"


def test_exhausted_script_reports_and_stays_paused(eng, no_terminal):
    graph = asking(eng, "first?")
    with pytest.raises(HumanInputRequired, match="could not answer") as caught:
        run(graph, {}, ui="console", policy=scripted([]))
    assert "ran out of answers" in caught.value.handle.log_text()


def test_policy_answers_widget_runs_headlessly(seeds):
    """nbclient/papermill: the view is built, nobody clicks, the policy answers."""
    handle = run(seeds.seed000(), {}, ui="widgets", display=False, policy="approve")
    assert handle.wait(5)["decision"] == "approved"
    panel = handle.view.panels[0]
    assert panel.locked and "approved by policy 'approve'" in panel.message.value


def test_ui_from_environment(monkeypatch, seeds, no_terminal):
    monkeypatch.setenv("HITL_NOTEBOOK_UI", "widgets")
    handle = run(seeds.seed000(), {}, display=False)
    assert handle.view is not None and handle.wait_idle(5) is RunStatus.WAITING
    monkeypatch.setenv("HITL_NOTEBOOK_UI", "console")
    with pytest.raises(HumanInputRequired):
        run(seeds.seed000(), {})
    monkeypatch.setenv("HITL_NOTEBOOK_UI", "nonsense")
    with pytest.raises(ValueError, match="HITL_NOTEBOOK_UI"):
        run(seeds.seed000(), {})


def test_console_closed_stdin_is_an_answerless_policy_error(monkeypatch, seeds):
    monkeypatch.setattr(_run, "stdin_is_tty", lambda: True)

    def eof(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(builtins, "input", eof)
    with pytest.raises(HumanInputRequired, match="could not answer"):
        run(seeds.seed000(), {}, ui="console")


def test_policy_helpers_shape_answers_per_payload(eng):
    from hitl_notebook.notebook import AnswerContext, auto_reject

    Interrupt = importlib.import_module(f"{eng.name}.types").Interrupt  # policies get the graph's own Interrupt
    ctx = AnswerContext(node="n", approve_value=True, reject_value=False)
    hitl = {"action_requests": [{"name": "t", "args": {}}],
            "review_configs": [{"action_name": "t", "allowed_decisions": ["approve", "reject"]}]}
    assert auto_approve().answer(Interrupt(hitl, "1"), ctx) == {"decisions": [{"type": "approve"}]}
    assert auto_reject().answer(Interrupt(hitl, "1"), ctx)["decisions"][0]["type"] == "reject"
    assert auto_approve().answer(Interrupt({"options": ["yes", "no"]}, "1"), ctx) == "yes"
    assert auto_reject().answer(Interrupt({"options": ["yes", "no"]}, "1"), ctx) == "no"
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}, "note": {"type": "string", "default": ""}},
              "required": ["ok"]}
    assert auto_approve().answer(Interrupt("?", "1", response_schema=schema), ctx) == {"ok": True, "note": ""}
    assert auto_approve().answer(Interrupt({"q": 1}, "1"), ctx) is True
    assert from_callable(lambda i: i.id).answer(Interrupt(None, "xyz"), ctx) == "xyz"
    assert policy_from_env({"HITL_NOTEBOOK_POLICY": ""}) is None
    assert policy_from_env({"HITL_NOTEBOOK_POLICY": "script:[1, 2]"}).answer(Interrupt(0, "1"), ctx) == 1


# -- no policy answers the same interrupt twice ---------------------------------------------------------------


class Rounds(TypedDict, total=False):
    log: Annotated[list, operator.add]


def looping(eng: Any, rounds: int) -> Any:
    """``ask`` asks, then goes back to itself until it has ``rounds`` answers, and asks twice in one node run."""

    def ask(state: Rounds) -> dict:
        n = len(state.get("log") or [])
        return {"log": [eng.interrupt(f"round {n}?"), eng.interrupt(f"round {n} again?")]}

    def again(state: Rounds) -> str:
        return "ask" if len(state["log"]) < 2 * rounds else eng.END

    return (eng.StateGraph(Rounds).add_node("ask", ask).add_edge(eng.START, "ask")
            .add_conditional_edges("ask", again, ["ask", eng.END]).compile(checkpointer=eng.InMemorySaver()))


def test_a_policy_answers_each_interrupt_of_a_looping_graph_exactly_once(eng, no_terminal):
    answers = [f"answer {i}" for i in range(6)]
    handle = run(looping(eng, 3), {"log": []}, ui="console", policy=scripted(answers))
    assert handle.result == {"log": answers}
    decisions = handle.record.decisions
    assert [d.value for d in decisions] == answers and all(d.applied for d in decisions)
    assert len({d.interrupt_id for d in decisions}) == 6  # every question was a new interrupt, answered once


def stubborn(eng: Any, calls: list) -> Any:
    """A node that raises the same interrupt (a fixed id) whatever it is answered: a policy must not loop on it."""
    errors, types = (importlib.import_module(f"{eng.name}.{m}") for m in ("errors", "types"))

    def ask(state: S) -> dict:
        calls.append(state)
        raise errors.GraphInterrupt((types.Interrupt("again?", id="same-id"),))

    return eng.StateGraph(S).add_node("ask", ask).add_edge(eng.START, "ask").compile(
        checkpointer=eng.InMemorySaver())


def test_a_policy_never_answers_the_same_interrupt_twice(eng, no_terminal, capsys):
    calls: list = []
    with pytest.raises(DecisionNotAppliedError, match="asked the same interrupt again"):
        run(stubborn(eng, calls), {}, ui="console", policy="approve")
    assert len(calls) == 2  # asked, answered once, asked again: stopped instead of answering again
    assert capsys.readouterr().out.count("approved by policy 'approve'") == 2  # the answer, then "(NOT applied)"

    calls.clear()  # the same in a headless widget view
    handle = run(stubborn(eng, calls), {}, ui="widgets", display=False, policy="approve")
    with pytest.raises(DecisionNotAppliedError, match="asked the same interrupt again"):
        handle.wait(5)
    assert handle.status is RunStatus.ERROR and len(calls) == 2
    [decision] = handle.record.decisions
    assert decision.interrupt_id == "same-id" and decision.applied is False
    assert "NOT applied" in handle.view.panels[0].message.value
