"""Several pending interrupts: one panel each, answers collected and sent together. Each test runs once per
engine (``eng``)."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from hitl_notebook.notebook import RunStatus


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    items: list


def parallel(eng: Any, runs: list[str]) -> Any:
    def make(name: str) -> Any:
        def node(state: S) -> dict:
            runs.append(name)
            return {"log": [f"{name}={eng.interrupt(f'question from {name}')}"]}
        return node

    builder = eng.StateGraph(S)
    for name in ("a", "b"):
        builder.add_node(name, make(name)).add_edge(eng.START, name)
    builder.add_node("join", lambda s: {"log": ["join"]}).add_edge(["a", "b"], "join")
    return builder.compile(checkpointer=eng.InMemorySaver())


def test_parallel_interrupts_get_one_panel_each_and_resume_together(eng, start):
    runs: list[str] = []
    handle = start(parallel(eng, runs), {})
    view = handle.view
    assert len(view.panels) == 2 and len(handle.pending) == 2
    by_question = {p.interrupt.value: p for p in view.panels}
    first = by_question["question from a"]
    from ipywidgets import Textarea
    from hitl_notebook.notebook._panels import walk

    [area] = [x for x in walk(first) if isinstance(x, Textarea)]
    area.value = "yes-a"
    first.button("Submit").click()
    assert "waiting for the others" in first.message.value and first.locked
    assert handle.status is RunStatus.WAITING and sorted(runs) == ["a", "b"]  # nothing resumed yet
    second = by_question["question from b"]
    [area] = [x for x in walk(second) if isinstance(x, Textarea)]
    area.value = "yes-b"
    second.button("Submit").click()
    result = handle.wait(5)
    assert sorted(result["log"]) == ["a=yes-a", "b=yes-b", "join"]
    assert sorted(runs) == ["a", "a", "b", "b"]  # each re-ran exactly once, in the same resume
    assert "waiting for the others" not in first.message.value


def test_programmatic_resume_by_id_leaves_the_rest_pending(eng, start):
    runs: list[str] = []
    handle = start(parallel(eng, runs), {})
    ids = {i.value: i.id for i in handle.pending}
    handle.resume("only-a", id=ids["question from a"])
    assert handle.wait_idle(5) is RunStatus.WAITING
    assert [i.value for i in handle.pending] == ["question from b"]
    assert handle.view.panel(ids["question from a"]).locked
    assert not handle.view.panel(ids["question from b"]).locked
    handle.resume("then-b")
    assert sorted(handle.wait(5)["log"]) == ["a=only-a", "b=then-b", "join"]


def test_resume_answers_map(eng, start):
    handle = start(parallel(eng, []), {})
    handle.resume(answers={i.id: i.value.upper() for i in handle.pending})
    assert sorted(handle.wait(5)["log"]) == ["a=QUESTION FROM A", "b=QUESTION FROM B", "join"]


def test_send_workers_each_get_a_panel(eng, start):
    def fan_out(state: S) -> list:
        return [eng.Send("worker", {"items": [item]}) for item in state["items"]]

    def worker(state: S) -> dict:
        item = state["items"][0]
        return {"log": [f"{item}:{eng.interrupt({'question': f'keep {item}?', 'options': ['keep', 'drop']})}"]}

    graph = (eng.StateGraph(S).add_node("worker", worker).add_conditional_edges(eng.START, fan_out, ["worker"])
             .compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"items": ["x", "y", "z"]})
    panels = handle.view.panels
    assert len(panels) == 3 and {p.kind for p in panels} == {"options"}
    for panel in panels:
        choice = "drop" if "y" in panel.interrupt.value["question"] else "keep"
        panel.button(choice).click()
    assert sorted(handle.wait(5)["log"]) == ["x:keep", "y:drop", "z:keep"]
    assert len(handle.record.decisions) == 3
