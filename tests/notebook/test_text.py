"""Any value as text without raising (``_text``), and the run views that rely on it: an ``int`` past Python's
int/str digit limit in the state must not break the static page, the plain-text log, the console or the audit
export."""

from __future__ import annotations

import json
import sys
from typing import Any, TypedDict

import pytest

from hitl_notebook.notebook import export_audit
from hitl_notebook.notebook._console import ConsolePrinter
from hitl_notebook.notebook._text import as_text, escape, escape_attr, int_text, safe_repr, shorten, to_json

HUGE = 10 ** 5000 + 12345  # over the default limit of 4300 digits: str(), repr() and json.dumps() raise


@pytest.fixture
def unlimited():
    """Compare against Python's own conversion with the limit lifted (restored afterwards)."""
    old = sys.get_int_max_str_digits()
    yield lambda fn: (sys.set_int_max_str_digits(0), fn(), sys.set_int_max_str_digits(old))[1]
    sys.set_int_max_str_digits(old)


def test_the_default_limit_is_what_these_tests_exercise():
    with pytest.raises(ValueError):
        repr(HUGE)


def test_int_text_is_exact_past_the_limit(unlimited):
    assert int_text(HUGE) == unlimited(lambda: str(HUGE))
    assert int_text(-HUGE) == "-" + int_text(HUGE)
    assert int_text(10 ** 4299) == "1" + "0" * 4299
    assert int_text(0) == "0" and int_text(True) == "1"


def test_to_json_writes_huge_ints_as_exact_numbers(unlimited):
    text = to_json({"n": HUGE, "xs": [1, (2, HUGE)], 7: "seven", HUGE: "key"}, indent=2)
    expected = {"n": HUGE, "xs": [1, [2, HUGE]], "7": "seven", int_text(HUGE): "key"}
    assert unlimited(lambda: json.loads(text)) == expected


def test_to_json_and_safe_repr_never_raise():
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    cycle: list[Any] = [1]
    cycle.append(cycle)
    assert safe_repr(Broken()) == "<unrepresentable Broken>"
    assert safe_repr({"a": [HUGE]}).startswith("{'a': [1000")
    assert to_json(cycle) == '[1, "<circular>"]'
    assert json.loads(to_json({"x": Broken(), "n": 5})) == {"x": "<unrepresentable Broken>", "n": 5}


def test_escape_takes_any_value():
    assert escape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert escape(None) == "" and escape(3) == "3" and escape({"a": "<x>"}) == "{'a': '&lt;x&gt;'}"
    assert escape_attr("a'b\"c") == "a&#x27;b&quot;c"
    assert as_text(HUGE).startswith("1000") and shorten("abcdef", 4) == "abc…"


class BigState(TypedDict, total=False):
    n: int
    answer: Any


def _big_graph():
    """This engine's graph: LangGraph's own checkpointer cannot store such an int (msgpack: 64-bit range)."""
    from hitl_notebook.checkpoint.memory import InMemorySaver
    from hitl_notebook.graph import START, StateGraph
    from hitl_notebook.types import interrupt

    def compute(state: BigState):
        return {"n": HUGE}

    def ask(state: BigState):
        return {"answer": interrupt({"question": "Accept this number?", "n": state["n"]})}

    builder = StateGraph(BigState)
    builder.add_node("compute", compute)
    builder.add_node("ask", ask)
    builder.add_edge(START, "compute")
    builder.add_edge("compute", "ask")
    return builder.compile(checkpointer=InMemorySaver())


def test_a_huge_int_in_the_state_shows_in_the_page_log_and_audit(start, tmp_path):
    handle = start(_big_graph(), {})
    assert handle.status.value == "waiting", handle.log_text()
    page = handle.view.static_html()
    assert "1000000000" in page and "Accept this number?" in page
    assert "1000000000" in handle.log_text()
    bundle = handle.view._repr_mimebundle_()  # the live widget's summary, and the page saved next to it
    assert "text/plain" in bundle and "1000000000" in handle.view.displays.saved_bundle()["text/html"]
    nb = export_audit(handle, tmp_path / "audit.ipynb")  # nbformat writes JSON: the number must survive it
    saved = json.loads((tmp_path / "audit.ipynb").read_text())
    assert saved["metadata"]["hitl_notebook"]["state"]["n"] == int_text(HUGE)
    assert nb.metadata["hitl_notebook"]["audit"]
    handle.view.panel().button("Approve").click()
    handle.wait(10)
    assert "1000000000" in handle.view.static_html()
    export_audit(handle, tmp_path / "done.ipynb")


def test_the_console_printer_shows_a_huge_int():
    import io

    from hitl_notebook.notebook import run

    out = io.StringIO()
    handle = run(_big_graph(), {}, ui="console", policy="approve", display=False)
    handle.journal.observers.append(ConsolePrinter(out))
    handle.wait(10)
    printer = ConsolePrinter(out)
    for entry in handle.record.entries:  # replay the whole log through a printer: none of it may raise
        printer.on_entry(entry)
        printer.on_change(entry)
    assert "1000000000" in out.getvalue()
    assert not [e for e in handle.record.entries if e.kind == "error"], handle.log_text()
