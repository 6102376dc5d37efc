"""Two real processes answer one paused SQLite thread (issue 15, "Done when"): exactly one answer applies, and the
other process's panel and handle show a conflict error, with no decision recorded as applied in its audit.

Each process is a separate Python interpreter with its own saver on the same file, as two notebook kernels would
be; it shows the thread with ``show()`` and answers by clicking the panel's button.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from hitl_notebook.errors import CheckpointConflictError
from hitl_notebook.notebook import RunStatus, export_audit, show
from tests.notebook.test_delivery import review_graph

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

# argv: engine, sqlite path, button, go-file. Shows the thread, says READY, clicks once the go-file exists, and
# prints what its handle, panel and exported audit say as one JSON line.
_KERNEL = """
import json, os, sys, time
from tests.conftest import engine_api
from tests.notebook.test_delivery import review_graph
from hitl_notebook.notebook import export_audit, show

eng = engine_api(sys.argv[1])
with eng.SqliteSaver.from_conn_string(sys.argv[2]) as saver:
    handle = show(review_graph(eng, saver), {"configurable": {"thread_id": "shared"}}, ui="widgets", display=False)
    handle.wait_idle(10)
    print("READY", flush=True)
    deadline = time.monotonic() + 30
    while not os.path.exists(sys.argv[4]) and time.monotonic() < deadline:
        time.sleep(0.001)
    panel = handle.view.panel()
    panel.button(sys.argv[3]).click()
    status = handle.wait_idle(20)
    audit = export_audit(handle).metadata["hitl_notebook"]["audit"]
    print(json.dumps({
        "status": status.value,
        "error": [c.__name__ for c in type(handle._error).__mro__] if handle._error is not None else None,
        "applied": [d.value for d in handle.record.decisions if d.applied],
        "audit_applied": [a["decision"]["value"] for a in audit if a["decision"] and a["decision"]["applied"]],
        "panel": panel.message.value, "locked": panel.locked,
    }), flush=True)
"""


def _kernel(eng: Any, path: Path, button: str, go: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _KERNEL, eng.name, str(path), button, str(go)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ready(proc: subprocess.Popen) -> None:
    line = proc.stdout.readline()
    assert line.strip() == "READY", (line, proc.stderr.read() if proc.poll() is not None else "")


def _report(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def _pause(eng: Any, path: Path) -> None:
    with eng.SqliteSaver.from_conn_string(str(path)) as saver:
        review_graph(eng, saver).invoke({"draft": "hello"}, {"configurable": {"thread_id": "shared"}})


def test_a_second_kernel_answering_after_the_first_gets_a_conflict(eng, tmp_path):
    """The issue's report: kernel B shows the paused thread, kernel A (another process) approves and finishes,
    then B clicks Reject. B gets a CheckpointConflictError and records nothing as applied."""
    path, go = tmp_path / "runs.sqlite", tmp_path / "go"
    _pause(eng, path)
    config = {"configurable": {"thread_id": "shared"}}
    with eng.SqliteSaver.from_conn_string(str(path)) as saver:
        kernel_b = show(review_graph(eng, saver), config, ui="widgets", display=False)
        assert kernel_b.wait_idle(10) is RunStatus.WAITING
        kernel_a = _kernel(eng, path, "Approve", go)
        _ready(kernel_a)
        go.touch()
        report_a = _report(kernel_a)
        assert report_a["status"] == "done" and report_a["applied"] == ["approve"]
        kernel_b.view.panel().button("Reject").click()
        assert kernel_b.wait_idle(10) is RunStatus.ERROR
        with pytest.raises(CheckpointConflictError):
            kernel_b.result
        audit = export_audit(kernel_b).metadata["hitl_notebook"]["audit"]
        assert [a["decision"]["applied"] for a in audit if a["decision"]] == [False]
        assert "NOT applied" in kernel_b.view.panels[0].message.value
        assert review_graph(eng, saver).get_state(config).values["verdict"] == "approve"


@pytest.mark.parametrize("attempt", range(3))
def test_two_kernels_clicking_at_once_apply_exactly_one_answer(tmp_path, attempt):
    """Both processes click at the same moment (this engine's SqliteSaver, whose compare-and-swap lets only one
    resume of a checkpoint save): one answer applies, the other process shows a conflict and applies nothing."""
    from tests.conftest import engine_api

    eng = engine_api("hitl_notebook")
    path, go = tmp_path / "runs.sqlite", tmp_path / "go"
    _pause(eng, path)
    kernels = {button: _kernel(eng, path, button, go) for button in ("Approve", "Reject")}
    for proc in kernels.values():
        _ready(proc)
    time.sleep(0.05)
    go.touch()
    reports = {button: _report(proc) for button, proc in kernels.items()}
    done = [r for r in reports.values() if r["status"] == "done"]
    refused = [r for r in reports.values() if r["status"] == "error"]
    assert len(done) == 1 and len(refused) == 1, reports
    (winner,), (loser,) = done, refused
    assert len(winner["applied"]) == 1 and winner["audit_applied"] == winner["applied"]
    assert loser["applied"] == [] and loser["audit_applied"] == []
    assert "CheckpointConflictError" in loser["error"] and loser["locked"] and "NOT applied" in loser["panel"]
    with eng.SqliteSaver.from_conn_string(str(path)) as saver:
        state = review_graph(eng, saver).get_state({"configurable": {"thread_id": "shared"}})
    assert state.values["verdict"] == winner["applied"][0]
