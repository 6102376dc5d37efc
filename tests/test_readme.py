"""The README's quickstart runs and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_quickstart_prints_what_it_promises():
    code = re.search(r"## Quickstart\n\n```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README quickstart", "exec"), {})
    first, second = out.getvalue().splitlines()
    assert first.startswith("[Interrupt(value={'question': 'Ship it?', 'draft': 'hello'}, id='")
    assert second == "{'draft': 'hello', 'verdict': 'approve'}"


def test_the_two_commands_come_first_and_ci_runs_the_test_command():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines[2:6] == [
        "```bash",
        "bash scripts/run-examples.sh   # set up (graphviz, .venv, this package) and open the example notebooks in JupyterLab",
        "bash scripts/test.sh           # set up (also Chromium) and run the full test suite, browser tests included (what CI runs)",
        "```",
    ]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci.splitlines()[-1]


def test_the_examples_table_lists_every_example_notebook():
    listed = set(re.findall(r"^\| `(\w+)` \|", README.read_text(encoding="utf-8"), re.M))
    on_disk = {path.stem for path in (README.parent / "examples").glob("*.ipynb")}
    assert listed == on_disk


def test_the_notebook_quickstart_runs_the_same_graph_through_run(monkeypatch):
    text = README.read_text(encoding="utf-8")
    graph_part = re.search(r"## Quickstart\n\n```python\n(.*?)config = ", text, re.S).group(1)
    notebook_part = re.search(r"replace the last three lines with two:\n\n```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.setenv("HITL_NOTEBOOK_POLICY", "approve")  # outside a notebook nobody clicks: a policy answers
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(graph_part + notebook_part, "README notebook quickstart", "exec"), scope)
    assert scope["handle"].result == {"draft": "hello", "verdict": "approve"}


def test_the_langgraph_section_runs_a_graph_of_the_real_langgraph_package(monkeypatch):
    pytest.importorskip("langgraph")
    code = re.search(r"## Use it with your existing LangGraph code\n.*?```python\n(.*?)```",
                     README.read_text(encoding="utf-8"), re.S).group(1)
    assert "from langgraph.graph import" in code and "from hitl_notebook.notebook import run" in code
    monkeypatch.setenv("HITL_NOTEBOOK_POLICY", "approve")  # outside a notebook nobody clicks: a policy answers
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "README LangGraph section", "exec"), scope)
    assert type(scope["graph"]).__module__.startswith("langgraph.")
    assert scope["handle"].wait(timeout=10) == {"draft": "hello", "verdict": "approve"}
