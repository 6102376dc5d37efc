"""Audit trail export: a run (at any status) written to a new notebook, readable by people and by tools.

Tests that export a run run once per engine (``eng``): LangGraph runs export the same audit trail.
"""

from __future__ import annotations

import json
import operator
import re
import threading
from datetime import datetime
from typing import Annotated, Any, TypedDict

import nbformat
import pytest

from hitl_notebook.notebook import RunStatus, export_audit, run, scripted
from hitl_notebook.notebook._audit import jsonable

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    items: list
    odd: Any


def sources(nb: Any) -> list[str]:
    return [cell.source for cell in nb.cells]


def cell_of(nb: Any, kind: str, key: str | None = None) -> str:
    [source] = [c.source for c in nb.cells if c.metadata.get("hitl_notebook", {}).get("kind") == kind
                and (key is None or c.metadata["hitl_notebook"]["key"] == key)]
    return source


def fan_out_graph(eng: Any) -> Any:
    def fan_out(state: S) -> list:
        return [eng.Send("worker", {"items": [item]}) for item in state["items"]]

    def worker(state: S) -> dict:
        item = state["items"][0]
        return {"log": [f"{item}:{eng.interrupt({'question': f'keep {item}?', 'options': ['keep', 'drop']})}"]}

    return (eng.StateGraph(S).add_node("worker", worker).add_conditional_edges(eng.START, fan_out, ["worker"])
            .compile(checkpointer=eng.InMemorySaver()))


@pytest.mark.parametrize("policy, label", [("approve", "approved"), ("reject", "rejected")])
def test_seed000_run_exports_steps_interrupt_and_decision(seeds, policy, label):
    handle = run(seeds.seed000(), {}, {"configurable": {"thread_id": "audit-1"}}, policy=policy, ui="console")
    assert handle.status is RunStatus.DONE and handle.input == {}
    nb = export_audit(handle)
    nbformat.validate(nb)
    assert {c.cell_type for c in nb.cells} == {"markdown"}
    text = "\n".join(sources(nb))
    title = sources(nb)[0]
    assert "`audit-1`" in title and "**Status:** done" in title and ISO.search(title)

    path = "approved_path" if policy == "approve" else "rejected_path"
    marks = ["Node `generate_llm_output`", "Interrupt in `human_approval`", "Decision on", f"Node `{path}`",
             "Result"]
    positions = [text.index(m) for m in marks]
    assert positions == sorted(positions)

    [entry] = [e for e in handle.record.entries if e.kind == "interrupt"]
    asked = cell_of(nb, "interrupt", entry.key)
    assert "Do you approve the following output?" in asked and entry.key in asked
    decided = cell_of(nb, "decision", entry.key)
    assert label in decided and f'"{policy}"' in decided and f"policy '{policy}'" in decided
    assert ISO.search(decided)

    meta = nb.metadata["hitl_notebook"]
    audit = meta["audit"]
    assert [a["kind"] for a in audit] == [e.kind for e in handle.record.entries]
    assert [a["node"] for a in audit if a["kind"] == "node"] == [
        "generate_llm_output", "human_approval", "human_approval", path]
    [item] = [a for a in audit if a["kind"] == "interrupt"]
    assert item["interrupt"]["id"] == entry.key and item["interrupt"]["value"]["llm_output"]
    decision = item["decision"]
    assert decision["value"] == policy and decision["label"] == label and decision["by"] == f"policy '{policy}'"
    assert abs((datetime.fromisoformat(decision["at"]).replace(tzinfo=None) - entry.decision.at).total_seconds()) < 1
    assert audit[-1]["kind"] == "result" and audit[-1]["update"]["decision"] == label
    assert meta["thread_id"] == "audit-1" and meta["status"] == "done" and meta["input"] == {}
    assert json.loads(json.dumps(meta)) == meta  # plain JSON all the way down


def test_parallel_send_interrupts_answered_by_a_scripted_policy(eng):
    handle = run(fan_out_graph(eng), {"items": ["x", "y"]}, policy=scripted(["keep", "drop"]), ui="console")
    nb = export_audit(handle)
    nbformat.validate(nb)
    audit = nb.metadata["hitl_notebook"]["audit"]
    asked = [a for a in audit if a["kind"] == "interrupt"]
    assert len(asked) == 2 and {a["decision"]["value"] for a in asked} == {"keep", "drop"}
    for a in asked:  # each decision is the one that reached its worker
        item = a["interrupt"]["value"]["question"].split()[1].rstrip("?")
        assert f"{item}:{a['decision']['value']}" in handle.result["log"]
        assert a["node"] == "worker"
    kinds = [c.metadata.get("hitl_notebook", {}).get("kind") for c in nb.cells]
    keys = [c.metadata.get("hitl_notebook", {}).get("key") for c in nb.cells]
    for i, kind in enumerate(kinds):
        if kind == "interrupt":
            assert kinds[i + 1] == "decision" and keys[i + 1] == keys[i]


def test_waiting_run_shows_pending_interrupts_awaiting_decision(start, seeds):
    handle = start(seeds.seed000(), {})
    assert handle.status is RunStatus.WAITING
    nb = export_audit(handle)
    nbformat.validate(nb)
    [pending] = handle.pending
    title = sources(nb)[0]
    assert "**Status:** waiting" in title and "Awaiting decision" in title and pending.id in title
    assert "awaiting decision" in cell_of(nb, "decision", pending.id)
    meta = nb.metadata["hitl_notebook"]
    assert [p["id"] for p in meta["pending"]] == [pending.id]
    assert meta["state"]["llm_output"] == "This is the generated output."  # where the thread stands
    handle.resume("approve")
    handle.wait(5)
    done = export_audit(handle).metadata["hitl_notebook"]
    assert done["status"] == "done" and done["pending"] == [] and done["audit"][-1]["kind"] == "result"


def test_partly_answered_parallel_interrupts(eng, start):
    handle = start(fan_out_graph(eng), {"items": ["x", "y"]})
    first, second = handle.pending
    handle.answer(first.id, "keep", by="alice")
    nb = export_audit(handle, by="auditor")
    assert "waiting for the other" in cell_of(nb, "decision", first.id) and "`alice`" in cell_of(
        nb, "decision", first.id)
    assert "awaiting decision" in cell_of(nb, "decision", second.id)
    assert "answered, not sent yet" in sources(nb)[0] and "`auditor`" in sources(nb)[0]
    assert nb.metadata["hitl_notebook"]["exported_by"] == "auditor"
    handle.answer(second.id, "drop")
    assert sorted(handle.wait(5)["log"]) == ["x:keep", "y:drop"]


class Opaque:
    def __repr__(self) -> str:
        return "<Opaque ```fenced``` thing>"


class Broken:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


def test_odd_values_export_without_crashing(eng):
    cycle: list = [1]
    cycle.append(cycle)

    def weird(state: S) -> dict:
        print("a fence inside output:\n```\nrm -rf /\n```")
        return {"odd": {"set": {3, 1, 2}, "obj": Opaque(), "broken": Broken(), "nan": float("nan"),
                        "bytes": b"\x00\xff", "surrogate": "\ud800", "cycle": cycle, (1, 2): "tuple key",
                        "when": datetime(2024, 1, 2, 3, 4, 5)}}

    graph = eng.StateGraph(S).add_node("weird", weird).add_edge(eng.START, "weird").compile()
    handle = run(graph, {"odd": Opaque()}, ui="console")
    nb = export_audit(handle)
    nbformat.validate(nb)
    json.dumps(nb.metadata, allow_nan=False)
    nbformat.writes(nb).encode("utf-8")  # lone surrogates escaped
    [update] = [a["update"] for a in nb.metadata["hitl_notebook"]["audit"] if a["node"] == "weird"]
    odd = update["odd"]
    assert odd["set"] == [1, 2, 3] and odd["obj"] == "<Opaque ```fenced``` thing>"
    assert odd["broken"] == "<unrepresentable Broken>" and odd["nan"] == "nan" and odd["bytes"] == "b'\\x00\\xff'"
    assert odd["surrogate"] == "\\ud800" and odd["cycle"][0] == 1 and odd["(1, 2)"] == "tuple key"
    assert odd["when"] == "2024-01-02T03:04:05"
    step = cell_of(nb, "node", next(e.key for e in handle.record.entries if e.node == "weird"))
    assert "````text\na fence inside output:\n```\nrm -rf /\n```\n````" in step  # a longer fence
    assert "\n````json\n" in step  # the update holds ``` too
    assert nb.metadata["hitl_notebook"]["input"] == {"odd": "<Opaque ```fenced``` thing>"}


def test_jsonable_never_raises():
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    assert isinstance(jsonable(deep), list)
    assert jsonable({"a": (1, 2.5, None, True)}) == {"a": [1, 2.5, None, True]}
    assert jsonable(float("inf")) == "inf"


def test_running_and_failed_runs_export(eng):
    go, reached = threading.Event(), threading.Event()

    def slow(state: S) -> dict:
        print("working")
        reached.set()
        go.wait(5)
        return {"log": ["slow"]}

    def boom(state: S) -> dict:
        raise ValueError("boom")

    graph = eng.StateGraph(S).add_node("slow", slow).add_node("boom", boom).add_edge(eng.START, "slow") \
        .add_edge("slow", "boom").compile()
    handle = run(graph, {"log": []}, ui="widgets", display=False)
    assert reached.wait(5)
    running = export_audit(handle)
    go.set()
    meta = running.metadata["hitl_notebook"]
    assert meta["status"] == "running"
    [step] = [a for a in meta["audit"] if a["node"] == "slow"]
    assert step["status"] == "running" and step["text"] == "working\n"  # buffered text flushed into the export
    assert handle.wait_idle(5) is RunStatus.ERROR
    failed = export_audit(handle)
    nbformat.validate(failed)
    assert failed.metadata["hitl_notebook"]["status"] == "error"
    assert "ValueError: boom" in cell_of(failed, "error") and "Traceback" in cell_of(failed, "error")


def test_write_refuses_to_overwrite_and_round_trips(tmp_path, seeds):
    handle = run(seeds.seed000(), {}, policy="approve", ui="console")
    path = tmp_path / "audit.ipynb"
    nb = handle.export_notebook(path)
    back = nbformat.read(path, as_version=4)
    nbformat.validate(back)
    assert sources(back) == sources(nb) and back.metadata == nb.metadata
    before = path.read_text(encoding="utf-8")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        handle.export_notebook(path)
    with pytest.raises(FileExistsError, match=r"audit\.ipynb"):
        export_audit(handle, str(path))
    assert path.read_text(encoding="utf-8") == before
    again = handle.export_notebook(path, overwrite=True)
    assert nbformat.read(path, as_version=4).metadata == again.metadata


def test_entrypoint_run_exports_its_task_interrupt_and_decision(seeds):
    handle = run(seeds.seed003(), "cat", {"configurable": {"thread_id": "essay"}}, policy="approve",
                 approve_value=True, ui="console")
    nb = export_audit(handle)
    nbformat.validate(nb)
    audit = nb.metadata["hitl_notebook"]["audit"]
    assert [(a["kind"], a["node"], a["status"]) for a in audit] == [
        ("node", "workflow", "interrupted"), ("node", "write_essay", "done"), ("interrupt", "workflow", "answered"),
        ("node", "workflow", "done"), ("result", None, "done")]
    assert audit[1]["update"] == "An essay about topic: cat"  # the @task's result, recorded once
    decision = audit[2]["decision"]
    assert decision["value"] is True and decision["applied"] is True and decision["by"] == "policy 'approve'"
    assert audit[-1]["update"] == {"essay": "An essay about topic: cat", "is_approved": True}
    assert "Interrupt in `workflow`" in "\n".join(sources(nb))


def test_subgraph_interrupt_exports_under_its_root_node(eng):
    def inner(state: S) -> dict:
        print("inner works")
        return {"log": [eng.interrupt({"question": "inner asks", "options": ["yes", "no"]})]}

    sub = eng.StateGraph(S).add_node("inner", inner).add_edge(eng.START, "inner").compile()
    graph = eng.StateGraph(S).add_node("sub", sub).add_edge(eng.START, "sub").compile(
        checkpointer=eng.InMemorySaver())
    handle = run(graph, {"log": []}, policy=scripted(["no"]), ui="console")
    assert handle.result == {"log": ["no"]}
    audit = export_audit(handle).metadata["hitl_notebook"]["audit"]
    [asked] = [a for a in audit if a["kind"] == "interrupt"]
    assert asked["node"] == "sub" and asked["interrupt"]["value"]["question"] == "inner asks"
    assert asked["decision"]["value"] == "no" and asked["decision"]["applied"] is True
    assert "inner works" in "".join(a["text"] for a in audit if a["node"] == "sub")
    assert audit[-1]["kind"] == "result" and audit[-1]["update"] == {"log": ["no"]}
