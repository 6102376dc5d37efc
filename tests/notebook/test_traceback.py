"""Errors show the user's frames first, library frames folded, the error stated once, and no machine paths (in the
live view, the saved page, the plain-text log, the console and the audit export)."""

from __future__ import annotations

import io
import os
from types import SimpleNamespace
from typing import TypedDict

import pytest

from hitl_notebook.notebook import export_audit, run
from hitl_notebook.notebook._console import ConsolePrinter
from hitl_notebook.notebook._traceback import _PACKAGE, trace_html, trace_of

THIS = os.path.relpath(__file__)


class S(TypedDict, total=False):
    x: int


def helper(x: int) -> float:
    return 1 / x


def failing_graph(eng):
    def boom(state: S) -> dict:
        return {"x": helper(state["x"])}

    return eng.StateGraph(S).add_node("boom", boom).add_edge(eng.START, "boom").compile(
        checkpointer=eng.InMemorySaver())


def _no_machine_paths(text: str) -> None:
    assert os.getcwd() not in text and str(_PACKAGE) not in text and os.path.expanduser("~") + os.sep not in text


def test_the_users_frames_come_first_and_library_frames_fold(eng, start):
    handle = start(failing_graph(eng), {"x": 0})
    assert handle.status.value == "error"
    [entry] = [e for e in handle.record.entries if e.kind == "error"]
    assert entry.error == "ZeroDivisionError: division by zero"
    link = entry.trace.links[-1]
    assert [(f.where, f.name) for f in link.shown] == [(THIS, "boom"), (THIS, "helper")]
    library = "hitl_notebook" if eng.name == "hitl_notebook" else "langgraph"
    assert link.folded and {f.library for f in link.folded} >= {library}
    assert entry.text.startswith(f'  File "{THIS}", line ') and "return 1 / x" in entry.text
    assert "frames inside" in entry.text and "not shown" in entry.text
    assert "division by zero" not in entry.text  # stated once: by the entry's heading
    _no_machine_paths(entry.text)


def test_the_saved_page_folds_library_frames_in_details(eng, start):
    handle = start(failing_graph(eng), {"x": 0})
    page = handle.view.static_html()
    error_part = page[page.index("hitl-trace"):]
    assert error_part.index("helper") < error_part.index("<details>")  # the user's code before the fold
    assert "<summary" in error_part and "frames inside" in error_part
    assert page.count("division by zero") == 1  # the failed node's entry leaves it to the error entry
    assert handle.log_text().count("division by zero") == 1
    _no_machine_paths(page)
    _no_machine_paths(handle.log_text())


def test_the_console_shows_the_folded_traceback(eng):
    out = io.StringIO()
    handle = run(failing_graph(eng), {"x": 0}, ui="widgets", display=False)
    handle.wait_idle(10)
    printer = ConsolePrinter(out)
    for entry in handle.record.entries:
        printer.on_entry(entry)
    text = out.getvalue()
    assert "✖ error: ZeroDivisionError: division by zero" in text and "in helper" in text
    assert text.count("division by zero") == 1
    _no_machine_paths(text)


def test_the_audit_export_has_no_machine_paths(eng, start, tmp_path):
    handle = start(failing_graph(eng), {"x": 0})
    nb = export_audit(handle)
    sources = "\n".join(cell.source for cell in nb.cells)
    assert "in helper" in sources or "helper" in sources
    _no_machine_paths(sources)


def test_a_chain_shows_each_error_and_how_they_relate():
    def inner() -> None:
        raise KeyError("city")

    def outer() -> None:
        try:
            inner()
        except KeyError as exc:
            raise ValueError("no city given") from exc

    try:
        outer()
    except ValueError as exc:
        trace = trace_of(exc)
    assert [link.headline for link in trace.links] == ["KeyError: 'city'", "ValueError: no city given"]
    assert trace.headline == "ValueError: no city given"
    text = trace.text()
    assert text.index("KeyError: 'city'") < text.index("direct cause") < text.index("raise ValueError")
    assert "ValueError: no city given" not in text  # the heading states it
    html = trace.html()
    assert "<b>KeyError: &#x27;city&#x27;</b>" in html or "<b>KeyError: 'city'</b>" in html


def test_an_error_inside_a_library_shows_its_frames():
    try:
        int("x")  # raised by a builtin: the only frame is this test's
    except ValueError as exc:
        trace = trace_of(exc)
    assert trace.links[0].shown and not trace.links[0].folded
    code = compile("def g():\n    raise RuntimeError('deep')\ndef f():\n    try:\n        g()\n"
                   "    except RuntimeError as exc:\n        return exc\n", "<frozen importlib._bootstrap>", "exec")
    scope: dict = {}
    exec(code, scope)
    link = trace_of(scope["f"]()).links[0]  # every frame is Python's own: all of them are shown
    assert [f.library for f in link.shown] == ["Python", "Python"] and not link.folded


def _raise_in(filename: str) -> BaseException:
    code = compile("def f():\n    raise RuntimeError('deep')\n", filename, "exec")
    scope: dict = {}
    exec(code, scope)
    try:
        scope["f"]()
    except RuntimeError as exc:
        return exc
    raise AssertionError("not raised")


def test_paths_outside_the_working_directory_are_shortened(tmp_path, monkeypatch):
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    exc = _raise_in(os.path.join(os.sep, "opt", "someone", "project", "lib", "util.py"))
    [frame] = [f for f in trace_of(exc).links[0].frames if f.name == "f"]
    assert frame.where == os.path.join("…", "lib", "util.py")


def test_notebook_cells_are_named_like_ipython(monkeypatch):
    import IPython

    shell = SimpleNamespace(compile=SimpleNamespace(
        format_code_name=lambda name: ("Cell", "In[3]") if name.endswith("ipykernel_1/123.py") else None))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    exc = _raise_in("/tmp/ipykernel_1/123.py")
    assert [f.where for f in trace_of(exc).links[0].frames if f.name == "f"] == ["Cell In[3]"]


def test_messages_lose_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        open(tmp_path / "missing.txt")
    except FileNotFoundError as exc:
        trace = trace_of(exc)
    assert "'missing.txt'" in trace.headline and str(tmp_path) not in trace.headline


def test_trace_html_without_a_trace_shows_the_text_escaped():
    assert trace_html(None, "<b>x</b>") == "<pre style=''>&lt;b&gt;x&lt;/b&gt;</pre>"


@pytest.mark.parametrize("make", [lambda: RuntimeError(10 ** 5000), lambda: _BrokenStr()])
def test_odd_exceptions_are_read(make):
    try:
        raise make()
    except Exception as exc:
        trace = trace_of(exc)
    assert trace.headline and trace.text() is not None and trace.html()


class _BrokenStr(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no str")
