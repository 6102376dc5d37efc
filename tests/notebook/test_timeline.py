"""The run view's compact design: each fact once, rows in the order things happened, the answer marked in its own
colour, the outcome or the open question at the top, long output folded, Stop only while there is something to
stop; and a view that can always be shown again. Graphs of either engine (the ``seeds`` fixture)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any, TypedDict

import IPython
import pytest
from IPython.core.formatters import DisplayFormatter

from hitl_notebook.notebook import RunStatus, run
from hitl_notebook.notebook._timeline import VALUE_RENDERERS, text_block
from tests.notebook.test_display import FakeShell

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.DOTALL)).split())


def _timeline(handle) -> str:
    return _text(handle.view.static_html().split("hitl-timeline", 1)[1])


def test_each_fact_once_and_no_stale_rows_after_approving(start, seeds):
    handle = start(seeds.seed000(), {})
    waiting = _text(handle.view.static_html())
    assert waiting.count("Do you approve the following output?") == 1  # the question, once, at the top
    assert "waits for an answer" in _timeline(handle)
    handle.view.panel().button("Approve").click()
    handle.wait(5)
    page = _text(handle.view.static_html())
    assert page.count("Do you approve the following output?") == 1
    assert page.count("This is the generated output.") == 1  # the outcome shows it; the rows name it
    assert "wrote llm_output ↑" in page and "about: llm_output" in page
    timeline = _timeline(handle)
    assert "⏸" not in timeline and timeline.count("human_approval") == 1  # one row, its icon updated
    assert page.index("✔ Done") < page.index("generate_llm_output")  # the outcome near the top
    assert handle.view.top.children and "✔ Done" in handle.view.top.children[0].value
    assert handle.view.stop_button.layout.display == "none"  # nothing left to stop


def test_the_node_run_that_asked_is_one_row_after_the_work_it_waited_for(start, seeds):
    handle = start(seeds.seed003(), "cat", approve_value=True, reject_value=False)
    handle.view.panel().button("Approve").click()
    handle.wait(5)
    timeline = _timeline(handle)
    assert timeline.index("write_essay") < timeline.index("workflow asked")  # the order things happened
    assert timeline.count("workflow") == 1 and "returned the result ↑" in timeline
    assert "⏸" not in handle.view.text()  # the live rows agree with the saved page


@pytest.mark.parametrize("button, colour", [("Approve", "#15803d"), ("Reject", "#b91c1c")])
def test_the_answer_is_marked_in_its_own_colour(start, seeds, button, colour):
    handle = start(seeds.seed000(), {})
    panel = handle.view.panel()
    panel.button(button).click()
    handle.wait(5)
    [chip] = re.findall(r"<span class='hitl-decision' style='[^']*color:(#[0-9a-f]{6})", handle.view.static_html())
    assert chip == colour
    assert "hitl-chosen" in panel.button(button)._dom_classes  # the button pressed stays marked
    assert not [p for p in handle.view.top.children if p is panel]  # answered: the panel left the top


def test_long_output_folds_behind_show_all():
    short = text_block("one\ntwo")
    assert "<details" not in short and "one\ntwo" in short
    long = text_block("\n".join(f"line {i}" for i in range(40)))
    head, rest = long.split("<details", 1)
    assert "line 7" in head and "line 8" not in head and "show all (40 lines)" in rest and "line 39" in rest
    assert text_block("x" * 5000).count("show all (5000 characters)") == 1


def test_the_outcome_shows_a_short_list_whole_and_folds_a_long_one():
    from hitl_notebook.notebook._values_html import value_lines

    short = unescape(value_lines({"log": ["inc", "double"]}, compact=True))
    assert '["inc", "double"]' in short and "…" not in short and "show all" not in short
    long = unescape(value_lines({"log": [f"step {i}" for i in range(40)]}, compact=True))
    assert "…" in long and "(40 items)" in long and "show all" in long and "step 39" in long


def test_a_long_node_output_shows_its_last_lines_with_the_earlier_ones_behind_a_button():
    output = text_block("\n".join(f"line {i}" for i in range(40)), terminal=True)
    earlier, tail = output.split("</details>")
    assert "show 32 earlier lines" in earlier and "line 0\n" in earlier and "line 31" in earlier
    assert "line 31" not in tail and "line 32\n" in tail and "line 39" in tail  # the end, as a terminal shows it


def test_value_renderers_plug_into_rows_and_outcome(start, seeds):
    def messages(key: Any, value: Any) -> str | None:
        return "<i>a chat transcript</i>" if key == "llm_output" else None

    VALUE_RENDERERS.append(messages)
    try:
        handle = start(seeds.seed000(), {})
        assert "a chat transcript" in handle.view.text()
    finally:
        VALUE_RENDERERS.remove(messages)


class Shell(FakeShell):
    """A kernel-like shell whose formatter is IPython's own, with an execution count per cell."""

    def __init__(self) -> None:
        super().__init__()
        self.display_formatter = DisplayFormatter()
        self.execution_count = 1

    def displayed(self) -> list[dict]:
        return [m["content"]["data"] for m in self.display_pub.sent if m["msg_type"] == "display_data"]


def test_the_view_can_always_be_shown_again(seeds, monkeypatch):
    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr("hitl_notebook.notebook._run.in_kernel", lambda: True)
    handle = run(seeds.seed000(), {}, ui="widgets")
    assert handle.wait_idle(5) is RunStatus.WAITING
    first = shell.displayed()
    assert [WIDGET_MIME in d for d in first] == [True, False]  # the live widget, then the page saved for later
    handle._ipython_display_()  # ``run(...)`` as the cell's last line: not shown twice
    assert len(shell.displayed()) == 2
    shell.execution_count = 2  # a later cell, e.g. after "Clear All Outputs": ``h`` shows it again
    handle._ipython_display_()
    handle.view._ipython_display_()  # ``h.view`` in that same cell is the same view: once is enough
    assert len(shell.displayed()) == 4
    handle.view.show()  # display(h.view) / show(): always
    assert len(shell.displayed()) == 6
    handle.resume("approve")
    handle.wait(5)
    shell.execution_count = 3
    handle._ipython_display_()  # ended: the page alone, no widget that could fail to load once saved
    last = shell.displayed()[-1]
    assert WIDGET_MIME not in last and "✔ Done" in _text(last["text/html"])
    updates = [m["content"]["data"] for m in shell.display_pub.sent if m["msg_type"] == "update_display_data"]
    assert updates and all(WIDGET_MIME not in u for u in updates[-6:])  # every earlier display turned into the page


def test_an_error_is_stated_once_at_the_top_with_its_traceback_folded(eng):
    class State(TypedDict):
        n: int

    def broken(state: State) -> dict:
        raise ValueError("boom")

    graph = eng.StateGraph(State).add_node("broken", broken).add_edge(eng.START, "broken").compile(
        checkpointer=eng.InMemorySaver())
    handle = run(graph, {"n": 1}, ui="widgets", display=False)
    assert handle.wait_idle(5) is RunStatus.ERROR
    page = handle.view.static_html()
    shown = _text(re.sub(r"<details>.*?</details>", "", page, flags=re.DOTALL))
    assert shown.count("ValueError: boom") == 1 and "✖ Failed ValueError: boom" in shown
    assert "✖ run failed" in shown and 'raise ValueError("boom")' in shown  # the user's frame, library ones folded
    assert "<details>" in page
    assert "✖ Failed" in handle.view.top.children[0].value


def test_a_streamed_answer_is_shown_once_in_its_row(eng):
    class State(TypedDict):
        answer: str
        ok: bool

    def talk(state: State) -> dict:
        write = eng.get_stream_writer()
        tokens = [f"word{i} " for i in range(300)]
        for token in tokens:
            write(token)
        return {"answer": "".join(tokens)}

    def check(state: State) -> dict:
        return {"ok": True}

    graph = (eng.StateGraph(State).add_node("talk", talk).add_node("check", check).add_edge(eng.START, "talk")
             .add_edge("talk", "check").compile(checkpointer=eng.InMemorySaver()))
    handle = run(graph, {"answer": "", "ok": False}, ui="widgets", display=False)
    handle.wait(5)
    page = handle.view.static_html()
    visible = _text(re.sub(r"<details.*?</details>", "", page, flags=re.DOTALL))
    assert visible.count("word0 ") == 1  # the outcome's one-line preview; the row shows the stream's end
    assert visible.count("word299") == 1 and page.count("word299") == 2  # the row's end; the outcome's "show all"
    assert "wrote answer ↑" in visible


def test_closing_a_view_closes_every_widget_it_made(start, seeds):
    from ipywidgets.widgets import widget as widget_module

    before = set(widget_module._instances)
    handle = start(seeds.seed000(), {})
    handle.view.panel().button("Approve").click()  # the answered panel leaves the view's tree
    handle.wait(5)
    handle.view.close_widgets()
    assert [type(w).__name__ for k, w in widget_module._instances.items() if k not in before] == []


def test_a_failed_answer_stays_in_its_question_row_as_not_applied_with_its_reason(start):
    from tests.conftest import engine_api
    from tests.notebook.test_delivery import shipping

    handle = start(shipping(engine_api("hitl_notebook"), []), {"draft": "x"})
    handle.view.panel().button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.WAITING  # the node raised on the answer: asked again
    timeline = _timeline(handle)
    assert "approved by" in timeline and "(NOT applied)" in timeline and "cannot ship with approve" in timeline
    assert "hitl-trace" in handle.view.static_html().split("hitl-timeline", 1)[1]  # the node's traceback, folded
    handle.view.panel().button("Reject").click()
    handle.wait(5)
    timeline = _timeline(handle)
    assert timeline.count("(NOT applied)") == 1 and "cannot ship with approve" in timeline
    assert timeline.index("(NOT applied)") < timeline.index("rejected by")  # the earlier answer first
    assert "(NOT applied)" in handle.view.text()  # the live rows agree with the saved page


def test_display_outputs_show_in_the_node_row_live_and_in_the_saved_page(eng):
    from hitl_notebook.notebook._entry_widget import EntryWidget

    def work(state: dict) -> dict:
        print("before the table")
        return {"n": 1}

    graph = eng.StateGraph(TypedDict("S", {"n": int}, total=False)).add_node("work", work).add_edge(
        eng.START, "work").compile(checkpointer=eng.InMemorySaver())
    handle = run(graph, {}, ui="widgets", display=False)
    handle.wait(5)
    [entry] = [e for e in handle.record.entries if e.node == "work"]
    output = {"data": {"text/html": "<table class='t'><tr><td>cell</td></tr></table>", "text/plain": "<T>"},
              "metadata": {}}
    entry.outputs.append(output)  # as the journal records a display() (see _capture)
    handle.view.on_display(entry, output, False)
    widget = handle.view._entries[entry.key]
    assert isinstance(widget, EntryWidget) and "hitl-row" in widget._dom_classes
    [text, shown] = widget.body.children
    assert text.text == "before the table\n" and shown.outputs[0]["data"]["text/plain"] == "<T>"
    page = handle.view.static_html()
    assert page.index("before the table") < page.index("<table class='t'>")  # in the order produced
    handle.view.on_clear(entry)
    assert widget.body.children == ()


def test_a_node_that_returns_no_update_says_so(start, eng):
    class S(TypedDict):
        n: int

    def work(state: S):
        return {"n": state["n"] + 1}

    def route(state: S):  # a router node: LangGraph streams {"route": None}
        return eng.Command(goto=eng.END)

    graph = (eng.StateGraph(S).add_node("work", work).add_node("route", route)
             .add_edge(eng.START, "work").add_edge("work", "route").compile())
    handle = start(graph, {"n": 1})
    handle.wait(5)
    assert "route no state update" in _timeline(handle)  # not an empty row
    assert "✔ route\n  → no state update" in handle.log_text()


def test_a_loops_edge_back_is_drawn_taken_only_once_the_run_goes_back(start, eng):
    class S(TypedDict, total=False):
        n: int

    def agent(state: S):
        return {"n": state.get("n", 0) + 1}

    def review(state: S):
        return {"n": state["n"] + (10 if eng.interrupt("again?") else 0)}

    graph = (eng.StateGraph(S).add_node("agent", agent).add_node("review", review).add_edge(eng.START, "agent")
             .add_edge("agent", "review")
             .add_conditional_edges("review", lambda s: "agent" if s["n"] < 20 else eng.END, ["agent", eng.END])
             .compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {})
    picture, runs = handle.view.picture, lambda: [e.node for e in handle.record.entries if e.kind == "node"]
    waiting = picture.taken(handle.view._statuses, finished=False, runs=runs())
    assert ("agent", "review") in waiting and ("review", "agent") not in waiting  # paused at review: not gone back
    handle.resume(True)
    assert handle.wait_idle(5) is RunStatus.WAITING  # back at review, after a second agent run
    again = picture.taken(handle.view._statuses, finished=False, runs=runs())
    assert ("review", "agent") in again


@pytest.mark.parametrize("label, caption", [
    ("approved", "✔ approved by ann at 09:05:00"),
    ("rejected book_table: not tonight", "✖ rejected book_table by ann at 09:05:00: not tonight"),
    ("edited a, rejected b: too dear", "✔ edited a, rejected b by ann at 09:05:00: too dear"),
    ("answered 'Paris: France'", "✔ answered 'Paris: France' by ann at 09:05:00"),
    ('edited book → {"city": "Lisbon"}', '✔ edited book → {"city": "Lisbon"} by ann at 09:05:00'),
])
def test_a_decisions_caption_puts_who_and_when_before_a_reviewers_message(label, caption):
    from datetime import datetime

    from hitl_notebook.notebook._record import Decision

    assert Decision("i", None, label, "ann", datetime(2026, 1, 1, 9, 5)).caption() == caption


def test_a_restored_question_and_the_run_it_resumed_are_one_row(seeds):
    saver = seeds.eng.InMemorySaver()
    config = {"configurable": {"thread_id": "restored-row"}}
    first = run(seeds.seed000(saver), {}, config, ui="widgets", display=False)
    assert first.wait_idle(5) is RunStatus.WAITING
    handle = run(seeds.seed000(saver), None, config, ui="widgets", display=False)  # as after a kernel restart
    assert handle.wait_idle(5) is RunStatus.WAITING
    handle.view.panel().button("Approve").click()
    handle.wait(5)
    timeline = _timeline(handle)
    assert timeline.count("human_approval") == 1, timeline  # asked → answer → what it wrote, in one row
    assert timeline.index("asked") < timeline.index("approved by") < timeline.index("approved_path")
    assert handle.view.text().count("human_approval") == timeline.count("human_approval")  # live rows agree
