"""The notebook layer drives graphs of both engines the same way: this package's and the real ``langgraph``'s.

Each test runs once per engine (the ``eng`` fixture). The first ones are issue 12's report: with a LangGraph
graph the resume was taken as new input, so every answer restarted the graph.
"""

from __future__ import annotations

import operator
import threading
import time
from typing import Annotated, Any, TypedDict

import pytest

from hitl_notebook.notebook import DecisionNotAppliedError, RunStatus, export_audit, run
from tests.notebook.conftest import picture_svg


class Draft(TypedDict, total=False):
    draft: str
    verdict: str


class Log(TypedDict, total=False):
    log: Annotated[list, operator.add]


def review_graph(eng: Any, calls: list | None = None) -> Any:
    """The issue's snippet: one node that asks "Ship it?"."""

    def review(s: Draft) -> dict:
        if calls is not None:
            calls.append(s.get("draft"))
        return {"verdict": eng.interrupt({"question": "Ship it?", "draft": s["draft"]})}

    return eng.StateGraph(Draft).add_node(review).add_edge(eng.START, "review").compile(
        checkpointer=eng.InMemorySaver())


def test_policy_answers_once_and_the_run_finishes(eng):
    calls: list = []
    handle = run(review_graph(eng, calls), {"draft": "hello"}, policy="approve", ui="console")
    assert handle.result == {"draft": "hello", "verdict": "approve"}
    assert calls == ["hello", "hello"]  # asked, then resumed: never restarted
    (decision,) = handle.record.decisions
    assert decision.applied is True


def test_click_approve_finishes_the_run(eng, start):
    handle = start(review_graph(eng), {"draft": "hello"})
    handle.view.panel().button("Approve").click()
    assert handle.wait(5) == {"draft": "hello", "verdict": "approve"}
    assert "✔ approved by" in handle.view.panels[0].message.value


def test_entrypoint_resume_value_reaches_the_interrupt(eng, start):
    @eng.task
    def write_essay(topic: str) -> str:
        print(f"writing about {topic}")
        return f"An essay about topic: {topic}"

    @eng.entrypoint(checkpointer=eng.InMemorySaver())
    def workflow(topic: str) -> dict:
        essay = write_essay(topic).result()
        return {"essay": essay, "is_approved": eng.interrupt({"essay": essay})}

    handle = start(workflow, "cat", approve_value=True, reject_value=False)
    handle.view.panel().button("Approve").click()
    assert handle.wait(5) == {"essay": "An essay about topic: cat", "is_approved": True}
    entries = {e.node: e for e in handle.record.entries if e.kind == "node" and e.node}
    assert "writing about cat" in entries["write_essay"].text  # a @task's print lands in its own entry
    assert [e.node for e in handle.record.entries if e.node == "write_essay"] == ["write_essay"]  # not re-run


def test_stop_ends_the_run_before_the_next_superstep(eng):
    started, release, ran = threading.Event(), threading.Event(), []

    def slow(s: Log) -> dict:
        started.set()
        release.wait(5)
        ran.append("slow")
        return {"log": ["slow"]}

    def later(s: Log) -> dict:
        ran.append("later")
        return {"log": ["later"]}

    graph = (eng.StateGraph(Log).add_node("slow", slow).add_node("later", later).add_edge(eng.START, "slow")
             .add_edge("slow", "later").compile(checkpointer=eng.InMemorySaver()))
    handle = run(graph, {"log": []}, ui="widgets", display=False)
    assert started.wait(5)
    handle.stop()
    release.set()
    assert handle.wait_idle(5) is RunStatus.STOPPED
    assert ran == ["slow"] and handle.state.next == ("later",)
    assert handle.state.values == {"log": ["slow"]}  # the finished step was kept


def test_custom_chunks_and_prints_land_in_their_nodes_entry(eng, start):
    def first(s: Log) -> dict:
        writer = eng.get_stream_writer()
        writer("plain text ")
        writer({"progress": 0.5})
        print("printed by first")
        return {"log": ["first"]}

    def second(s: Log) -> dict:
        eng.get_stream_writer()({"content": "from second"})
        print("printed by second")
        return {"log": ["second"]}

    graph = (eng.StateGraph(Log).add_node("first", first).add_node("second", second)
             .add_edge(eng.START, "first").add_edge("first", "second").compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"log": []})
    assert handle.wait(5) == {"log": ["first", "second"]}
    texts = {e.node: e.text for e in handle.record.entries if e.kind == "node" and e.node}
    # prints reach the entry at once, custom chunks through the stream: each in order, interleaved either way
    for node, parts in {"first": ['plain text {"progress": 0.5}\n', "printed by first"],
                        "second": ["from second", "printed by second"]}.items():  # a text dict flows as text
        assert all(part in texts[node] for part in parts) or sorted(texts[node]) == sorted("".join(parts) + "\n")
    assert not [e for e in handle.record.entries if e.kind == "node" and e.node is None]  # nothing unattributed


def test_subgraph_output_and_interrupt(eng, start):
    def inner(s: Draft) -> dict:
        print("inner prints")
        eng.get_stream_writer()("inner writes")
        return {"verdict": eng.interrupt({"question": "inner asks"})}

    sub = eng.StateGraph(Draft).add_node("inner", inner).add_edge(eng.START, "inner").compile()
    graph = (eng.StateGraph(Draft).add_node("sub", sub).add_edge(eng.START, "sub")
             .compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"draft": "d"})
    assert handle.status is RunStatus.WAITING and "inner asks" in handle.view.text()
    handle.view.panel().button("Approve").click()
    assert handle.wait(5) == {"draft": "d", "verdict": "approve"}
    texts = "".join(e.text for e in handle.record.entries if e.node == "sub")
    assert "inner prints" in texts and "inner writes" in texts


def test_graph_draws_as_svg_with_live_status(eng, start):
    handle = start(review_graph(eng), {"draft": "hello"})
    view = handle.view
    view._redraw.flush()
    svg = picture_svg(view.graph_html.value)
    assert svg.startswith("<svg") and "hn-n-review" in svg
    assert handle.journal.statuses["review"] == "interrupted"
    view.panel().button("Approve").click()
    handle.wait(5)
    assert handle.journal.statuses["review"] == "done"


def test_an_answer_to_a_thread_that_moved_on_is_not_applied(eng, start, tmp_path):
    graph = review_graph(eng)
    handle = start(graph, {"draft": "hello"})
    graph.invoke(eng.Command(resume="answered elsewhere"), handle.config)  # e.g. another kernel answered first
    handle.view.panel().button("Reject").click()
    assert handle.wait_idle(5) is RunStatus.ERROR
    with pytest.raises(DecisionNotAppliedError, match="already moved on"):
        handle.result
    assert graph.get_state(handle.config).values["verdict"] == "answered elsewhere"  # nothing overwritten
    (decision,) = handle.record.decisions
    assert decision.applied is False
    assert "NOT applied" in handle.view.panels[0].message.value
    audit = export_audit(handle, tmp_path / "audit.ipynb").metadata["hitl_notebook"]["audit"]
    assert [a["decision"]["applied"] for a in audit if a["decision"]] == [False]


def test_a_resume_taken_as_new_input_is_detected_and_never_answered_again(monkeypatch):
    """The original fault: a Command of the wrong engine restarts a LangGraph graph. It must end in a clear error
    after one answer, never loop."""
    lg = pytest.importorskip("langgraph.types")
    from hitl_notebook.notebook import _driver, _engine
    from tests.conftest import engine_api

    eng = engine_api("langgraph")
    wrong = _engine.Engine("hitl_notebook", __import__("hitl_notebook.types").types.Command,
                           _engine.engine_of(review_graph(eng)).get_config)
    assert wrong.command is not lg.Command
    monkeypatch.setattr(_driver, "engine_of", lambda graph: wrong)
    calls: list = []
    with pytest.raises(DecisionNotAppliedError, match="started over"):
        run(review_graph(eng, calls), {"draft": "hello"}, policy="approve", ui="console")
    assert len(calls) == 2  # asked once, restarted once by the foreign Command, then stopped: no loop


def test_an_uncompiled_builder_is_refused_with_the_fix(eng):
    with pytest.raises(TypeError, match=r"Call \.compile\(\) on the builder first"):
        run(eng.StateGraph(Draft), {}, policy="approve", ui="console")


def test_parallel_nodes_answer_by_id(eng, start):
    def ask(name: str) -> Any:
        def node(s: Log) -> dict:
            return {"log": [f"{name}={eng.interrupt({'question': f'{name}?'})}"]}
        return node

    graph = (eng.StateGraph(Log).add_node("a", ask("a")).add_node("b", ask("b")).add_edge(eng.START, "a")
             .add_edge(eng.START, "b").compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"log": []})
    assert len(handle.pending) == 2
    panels = {p.interrupt.value["question"]: p for p in handle.view.panels}
    panels["a?"].button("Approve").click()
    time.sleep(0.05)
    assert handle.status is RunStatus.WAITING  # waits for the other answer
    panels["b?"].button("Reject").click()
    assert sorted(handle.wait(5)["log"]) == ["a=approve", "b=reject"]
    assert [d.applied for d in handle.record.decisions] == [True, True]


def test_langgraph_and_langchain_stay_unimported_for_this_engines_graphs():
    """They are optional: the view imports ``langgraph`` only when the graph comes from it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from typing import TypedDict\n"
        "from hitl_notebook.graph import StateGraph, START\n"
        "from hitl_notebook.types import interrupt\n"
        "from hitl_notebook.checkpoint.memory import InMemorySaver\n"
        "from hitl_notebook.notebook import run\n"
        "class S(TypedDict, total=False):\n"
        "    v: str\n"
        "g = StateGraph(S).add_node('ask', lambda s: {'v': interrupt('ok?')}).add_edge(START, 'ask')\n"
        "h = run(g.compile(checkpointer=InMemorySaver()), {}, policy='approve', ui='console')\n"
        "assert h.result == {'v': 'approve'}, h.result\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('langgraph', 'langchain', 'langchain_core')})\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_chat_model_tokens_stream_into_the_nodes_entry(eng, start):
    fake = pytest.importorskip("langchain_core.language_models.fake_chat_models")
    model = fake.GenericFakeChatModel(messages=iter(["hello there friend"]))

    def chat(s: Draft) -> dict:
        return {"draft": model.invoke("hi").content}  # no config passed: tokens still stream, as in LangGraph

    graph = (eng.StateGraph(Draft).add_node("chat", chat).add_edge(eng.START, "chat")
             .compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"draft": ""})
    assert handle.wait(5) == {"draft": "hello there friend"}
    (entry,) = [e for e in handle.record.entries if e.node == "chat"]
    assert entry.tokens == "hello there friend" and entry.text == ""  # tokens kept apart from prints


def test_a_langchain_agent_without_review_runs_in_the_view_with_its_tokens(start):
    """``create_agent`` without ``HumanInTheLoopMiddleware``: nothing to answer, the tool runs, tokens stream."""
    pytest.importorskip("langchain")
    from langchain.agents import create_agent
    from langgraph.checkpoint.memory import InMemorySaver

    from tests.agents_helpers import ScriptedChatModel, TravelTools, calls

    tools = TravelTools()
    model = ScriptedChatModel.replying(calls(("search_flights", {"destination": "Lisbon"})), "Found three flights.")
    agent = create_agent(model=model, tools=tools.tools, checkpointer=InMemorySaver())
    handle = start(agent, {"messages": [{"role": "user", "content": "flights to Lisbon?"}]})
    result = handle.wait(5)
    assert tools.ran == [("search_flights", {"destination": "Lisbon", "max_price": 500})]
    assert result["messages"][-1].content == "Found three flights."
    model_text = "".join(e.tokens for e in handle.record.entries if e.node == "model")
    assert "Found three flights." in model_text  # streamed token by token into the model's entry
    assert handle.journal.statuses["tools"] == "done"
