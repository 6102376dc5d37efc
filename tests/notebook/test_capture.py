"""Output attribution without a kernel: threads inherit the run sink, another thread's capture_output does not take
a run's prints (warnings too, in tests/notebook/test_kernel_capture.py: pytest records warnings itself),
logging handlers made earlier are adopted, display()/clear_output() reach the sink, and the
journal and entry widget keep display outputs and clears in order."""

from __future__ import annotations

import io
import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypedDict

import ipywidgets as w
import pytest
from IPython.core import display_functions
from IPython.utils.capture import capture_output

from hitl_notebook.notebook import _capture
from hitl_notebook.notebook._channels import DisplayPubProxy
from hitl_notebook.notebook._entry_widget import EntryWidget
from hitl_notebook.notebook._journal import Journal, RunObserver
from hitl_notebook.notebook._outputs import collapsed
from hitl_notebook.notebook._record import Entry
from hitl_notebook.notebook._stream_text import StreamText
from hitl_notebook.notebook._terminal import feed


class Recorder:
    """A run sink that records what reaches it."""

    def __init__(self) -> None:
        self.text: list[tuple[str, str]] = []
        self.displays: list[tuple[dict, dict, dict, bool]] = []
        self.clears: list[bool] = []

    def sink(self) -> _capture.RunSink:
        return _capture.RunSink(write=lambda text, stream: self.text.append((text, stream)),
                                display=lambda *args: self.displays.append(args), clear=self.clears.append)

    def joined(self) -> str:
        return "".join(text for text, _ in self.text)


def test_threads_and_executor_work_started_in_a_run_print_into_it(capsys):
    got = Recorder()
    pool = ThreadPoolExecutor(1)
    with _capture.routed(got.sink()):
        worker = threading.Thread(target=print, args=("from a thread",))
        worker.start()
        worker.join()
        pool.submit(print, "from the pool").result()  # the pool's worker thread is made here, in the run
    outside = threading.Thread(target=lambda: pool.submit(print, "submitted outside").result())
    outside.start()  # no sink here: its submission passes through, though the worker thread was made in a run
    outside.join()
    pool.shutdown()
    assert got.joined() == "from a thread\nfrom the pool\n"
    assert capsys.readouterr().out == "submitted outside\n"


def test_another_threads_capture_does_not_take_a_runs_print_but_a_runs_own_capture_works():
    got = Recorder()
    entered, release = threading.Event(), threading.Event()
    captured: dict[str, Any] = {}

    def other_cell() -> None:
        with capture_output() as cap:
            entered.set()
            release.wait(5)
        captured["out"] = cap.stdout

    _capture.install()
    cell = threading.Thread(target=other_cell)
    cell.start()  # no sink here: this thread is "another cell"
    entered.wait(5)
    try:
        with _capture.routed(got.sink()):
            print("node line")
            with capture_output() as own:  # the node's own capture, in its own thread
                print("kept by the node")
    finally:
        release.set()
        cell.join()
    assert got.joined() == "node line\n"
    assert own.stdout == "kept by the node\n" and captured["out"] == ""


def test_logging_handlers_made_before_install_write_through_the_proxy():
    stream = io.StringIO()
    saved = sys.stderr
    sys.stderr = stream
    handler = logging.StreamHandler()  # holds the stream itself, as basicConfig's handler does
    logger = logging.getLogger("hitl-capture-test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        got = Recorder()
        with _capture.routed(got.sink()):
            logger.warning("in the run")
        logger.warning("outside")
        assert got.joined() == "in the run\n" and stream.getvalue() == "outside\n"
        _capture.uninstall()
        assert handler.stream is stream
    finally:
        logger.removeHandler(handler)
        sys.stderr = saved


def test_display_and_clear_output_reach_the_sink_only_inside_a_run():
    got = Recorder()
    target = type("Pub", (), {"clears": [], "clear_output": lambda self, wait=False: self.clears.append(wait)})()
    proxy = DisplayPubProxy(target)
    with _capture.routed(got.sink()):
        display_functions.publish_display_data({"text/plain": "x"}, transient={"display_id": "d"}, update=True)
        proxy.clear_output(wait=True)
    proxy.clear_output()
    assert got.displays == [({"text/plain": "x"}, {}, {"display_id": "d"}, True)]
    assert got.clears == [True] and target.clears == [False]


class Seen(RunObserver):
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def on_stream(self, items):
        self.events += [("text", text) for _, text in items]

    def on_display(self, entry, output, update):
        self.events.append(("display", output["data"]["text/plain"], update))

    def on_clear(self, entry):
        self.events.append(("clear",))


def test_journal_keeps_text_and_displays_in_order_and_clears_now_or_at_the_next_output():
    journal = Journal(interval=60)
    seen = Seen()
    journal.observers.append(seen)
    entry = journal.add("node", node="n")
    journal.write(entry, "a")
    journal.display(entry, {"text/plain": "one"}, {}, "d1")
    journal.display(entry, {"text/plain": "two"}, {}, "d1", update=True)
    journal.display(entry, {"text/plain": "never shown"}, {}, "unknown", update=True)
    journal.clear(entry, wait=True)
    assert entry.text == "a" and [o["data"]["text/plain"] for o in entry.outputs] == ["two"]
    journal.write(entry, "b")
    journal.text.flush()
    assert entry.text == "b" and entry.outputs == []
    journal.clear(entry)
    assert seen.events == [("text", "a"), ("display", "one", False), ("display", "two", True), ("clear",),
                           ("text", "b"), ("clear",)]


def _feed(widget: EntryWidget, entry: Entry, text: str) -> None:
    entry.text = feed(entry.text, text)  # as the journal stores it
    widget.stream(entry, text)


def test_entry_widget_orders_parts_and_clears_only_itself(comms):
    entry = Entry(key="k", kind="node", node="n", text="first ")
    widget = EntryWidget(entry)
    _feed(widget, entry, "line\n")
    widget.display({"data": {"text/plain": "x"}, "metadata": {}, "transient": {"display_id": "d"}}, update=False)
    widget.display({"data": {"text/plain": "y"}, "metadata": {}, "transient": {"display_id": "d"}}, update=True)
    _feed(widget, entry, "after\n")
    parts = widget.body.children
    assert [isinstance(p, k) for p, k in zip(parts, (StreamText, w.Output, StreamText))] == [True] * 3
    assert len(parts) == 3
    assert widget.text == "first line\nafter\n"
    assert widget.body.children[1].outputs[0]["data"] == {"text/plain": "y"}
    widget.clear()
    assert widget.body.children == () and widget.text == "" and all(p.comm is None for p in parts)


def test_a_progress_bar_resends_only_its_line_and_colours_are_dropped_from_the_live_text(comms):
    entry = Entry(key="k", kind="node", node="n")
    widget = EntryWidget(entry)
    for text in ("log line\n", "10%", "\r50%", "\r\x1b[32mdone\x1b[0m\n", "next\n"):
        _feed(widget, entry, text)
    [part] = widget.body.children
    assert widget.text == "log line\ndone\nnext\n"
    sent = [m["data"]["content"] for m in comms if m["comm"] == part.comm.comm_id and m["data"].get("method") == "custom"]
    assert sent == [{"a": "log line\n", "n": 1}, {"a": "10%", "n": 2}, {"a": "50%", "n": 3, "d": 3},
                    {"a": "done\n", "n": 4, "d": 3}, {"a": "next\n", "n": 5}]


def test_stream_text_sends_each_batch_once_and_refills_what_a_front_end_missed(comms):
    text = StreamText()
    for part in ("a", "bb", "ccc"):
        text.append(part)
    text._on_front_end(text, {"sync": [1, 2]})
    text._on_front_end(text, {"sync": [3, -1]})
    text._on_front_end(text, {"sync": [4, -1]})  # nothing missing: no reply
    text._on_front_end(text, {"sync": "bad"})
    sent = [m["data"]["content"] for m in comms if m["comm"] == text.comm.comm_id and m["data"].get("method") == "custom"]
    assert sent == [{"a": "a", "n": 1}, {"a": "bb", "n": 2}, {"a": "ccc", "n": 3},
                    {"f": [[0, "a"], [0, "bb"]], "from": 1, "to": 2}, {"f": [[0, "ccc"]], "from": 3, "to": 3}]
    assert text.text == "abbccc"


@pytest.mark.parametrize("text, limit, expected", [
    ("short\n", 100, "short\n"),
    ("l1\nl2\nl3\nl4\n", 7, "… 2 earlier lines (6 characters) not shown …\nl3\nl4\n"),
])
def test_long_text_is_collapsed_to_its_end_from_a_line_start(text, limit, expected):
    assert collapsed(text, limit) == expected


def test_console_printer_shows_display_outputs_as_plain_text():
    from hitl_notebook.notebook._console import ConsolePrinter

    out = io.StringIO()
    journal = Journal(interval=60)
    journal.observers.append(ConsolePrinter(out))
    entry = journal.add("node", node="n")
    journal.display(entry, {"text/plain": "<Table 2x2>", "text/html": "<table></table>"}, {}, None)
    assert out.getvalue() == "<Table 2x2>\n"


def test_plain_threads_and_pools_a_node_starts_print_into_its_entry_on_either_engine(eng, capsys):
    from hitl_notebook.notebook import run

    def node(state: dict) -> dict:
        print("node")
        helper = threading.Thread(target=print, args=("plain thread",))  # no copy_context: inherited by the hook
        helper.start()
        helper.join()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(print, ["pool a", "pool b"]))
        return {"n": 1}

    State = TypedDict("State", {"n": int}, total=False)
    graph = eng.StateGraph(State).add_node("work", node).add_edge(eng.START, "work").compile(
        checkpointer=eng.InMemorySaver())
    handle = run(graph, {}, ui="widgets", display=False)
    handle.wait(10)
    [entry] = [e for e in handle.record.entries if e.node == "work"]
    assert entry.text.splitlines()[:2] == ["node", "plain thread"]
    assert sorted(entry.text.splitlines()[2:]) == ["pool a", "pool b"]
    assert "pool" not in capsys.readouterr().out
