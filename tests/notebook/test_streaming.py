"""Streaming stays fast and lands in the right place: coalesced tokens, prints routed to their run and node.

Tests that run a graph run once per engine (``eng``); the stream proxy and the coalescer involve no graph.
"""

from __future__ import annotations

import contextvars
import sys
import re
import threading
import time
from html import unescape
from typing import Any, TypedDict

from hitl_notebook.notebook import RunStatus, run
from hitl_notebook.notebook._outputs import TEXT_LIMIT
from hitl_notebook.notebook import _capture
from hitl_notebook.notebook._coalesce import Coalescer


class S(TypedDict, total=False):
    answer: Any
    n: int


def test_ten_thousand_tokens_make_few_widget_updates_and_exact_text(eng, comms):
    tokens = [f"tok{i} " for i in range(10_000)]

    def talk(state: S) -> dict:
        write = eng.get_stream_writer()
        for i, token in enumerate(tokens):
            write(token)
            if i % 100 == 99:
                time.sleep(0.002)  # spread the stream over several flush intervals, like a real LLM
        return {"n": len(tokens)}

    graph = eng.StateGraph(S).add_node("talk", talk).add_edge(eng.START, "talk").compile(
        checkpointer=eng.InMemorySaver())
    began = time.monotonic()
    handle = run(graph, {}, ui="widgets", display=False)
    assert handle.wait(10) == {"n": 10_000}
    elapsed = time.monotonic() - began
    [entry] = [e for e in handle.record.entries if e.node == "talk"]
    assert entry.text == "".join(tokens)
    widget = handle.view._entries[entry.key]
    assert widget.text == "".join(tokens)
    page = handle.view.static_html()  # the saved page keeps the text's end, folded behind "show all"
    shown = unescape(re.sub(r"<summary.*?</summary>|<[^>]+>", "", page))
    assert "".join(tokens)[-TEXT_LIMIT:] in shown and "".join(tokens)[:100] not in shown
    assert "characters) not shown" in shown and "earlier lines</summary>" in page
    [part] = widget.body.children
    updates = [m["data"]["content"] for m in comms
               if m["comm"] == part.comm.comm_id and (m["data"] or {}).get("method") == "custom"]
    assert "".join(u["a"] for u in updates) == "".join(tokens)  # each batch sent once, as its own text only
    assert [u["n"] for u in updates] == list(range(1, len(updates) + 1))
    assert 2 <= len(updates) < 200
    assert len(updates) <= elapsed / 0.05 + 5  # about one update per 50 ms
    assert len(comms) < 400  # the whole run, graph redraws and all


def test_custom_chunks_that_are_not_text_are_shown_one_per_line(eng):
    def node(state: S) -> dict:
        write = eng.get_stream_writer()
        write({"progress": 0.5})
        write({"progress": 1.0})
        return {"n": 1}

    graph = eng.StateGraph(S).add_node("node", node).add_edge(eng.START, "node").compile(
        checkpointer=eng.InMemorySaver())
    handle = run(graph, {}, ui="widgets", display=False)
    handle.wait(5)
    [entry] = [e for e in handle.record.entries if e.node == "node"]
    assert entry.text == '{"progress": 0.5}\n{"progress": 1.0}\n'


def test_prints_from_parallel_nodes_and_their_threads_land_in_their_own_entries(eng, capsys):
    def make(name: str) -> Any:
        def node(state: S) -> dict:
            for i in range(3):
                print(f"{name} line {i}")
            print(f"{name} warns", file=sys.stderr)
            helper = threading.Thread(target=contextvars.copy_context().run, args=(print, f"{name} from a thread"))
            helper.start()
            helper.join()
            return {}
        return node

    builder = eng.StateGraph(S)
    for name in ("left", "right"):
        builder.add_node(name, make(name)).add_edge(eng.START, name)
    handle = run(builder.compile(checkpointer=eng.InMemorySaver()), {}, ui="widgets", display=False)
    handle.wait(5)
    texts = {e.node: e.text for e in handle.record.entries if e.kind == "node" and e.node}
    for name in ("left", "right"):
        assert texts[name].splitlines() == [f"{name} line 0", f"{name} line 1", f"{name} line 2",
                                             f"{name} warns", f"{name} from a thread"]
    out, err = capsys.readouterr()
    assert "line" not in out and "warns" not in err  # nothing leaked to the cell's own output
    print("outside any run")
    assert capsys.readouterr().out == "outside any run\n"


def test_prints_after_a_click_resume_land_in_the_same_view(start, seeds):
    handle = start(seeds.seed000(), {})
    handle.view.panel().button("Approve").click()
    handle.wait(5)
    [entry] = [e for e in handle.record.entries if e.node == "approved_path"]
    assert entry.text == "✅ Approved path taken.\n"


def test_stream_proxy_install_is_idempotent_and_passes_through():
    _capture.install()
    first = sys.stdout
    _capture.install()
    assert sys.stdout is first and isinstance(first, _capture.StreamProxy)
    got = []
    with _capture.routed(lambda text, stream: got.append((text, stream))):
        print("hello")
        print("oops", file=sys.stderr)
    print("not routed")
    assert got == [("hello", "stdout"), ("\n", "stdout"), ("oops", "stderr"), ("\n", "stderr")]
    _capture.uninstall()
    assert not isinstance(sys.stdout, _capture.StreamProxy)


def test_coalescer_keeps_order_and_every_character_across_threads():
    delivered: dict[str, list[str]] = {}
    batches = []

    def deliver(batch: Any) -> None:
        batches.append(batch)
        for key, text in batch.items():
            delivered.setdefault(key, []).append(text)

    coalescer = Coalescer(deliver, interval=0.01)

    def writer(key: str) -> None:
        for i in range(2000):
            coalescer.add(key, f"{i},")

    threads = [threading.Thread(target=writer, args=(f"k{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    coalescer.flush()
    expected = "".join(f"{i}," for i in range(2000))
    assert {k: "".join(v) for k, v in delivered.items()} == {f"k{n}": expected for n in range(4)}
    assert len(batches) < 8000 / 10


def test_coalescer_timer_delivers_the_tail_without_a_flush():
    got = []
    coalescer = Coalescer(lambda batch: got.append(dict(batch)), interval=0.02)
    coalescer.add("k", "a")  # delivered at once
    coalescer.add("k", "b")  # buffered: the timer delivers it
    deadline = time.monotonic() + 2
    while len(got) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert got == [{"k": "a"}, {"k": "b"}]


def test_two_runs_at_once_keep_their_prints_apart(eng):
    def make(tag: str) -> Any:
        def chatty(state: S) -> dict:
            for i in range(50):
                print(f"{tag}{i}")
                time.sleep(0.0005)
            return {"n": 1}
        return eng.StateGraph(S).add_node("chatty", chatty).add_edge(eng.START, "chatty").compile(
            checkpointer=eng.InMemorySaver())

    first = run(make("A"), {}, ui="widgets", display=False)
    second = run(make("B"), {}, ui="widgets", display=False)
    first.wait(5), second.wait(5)
    for handle, tag in ((first, "A"), (second, "B")):
        [entry] = [e for e in handle.record.entries if e.node == "chatty"]
        assert entry.text == "".join(f"{tag}{i}\n" for i in range(50))


def test_tokens_from_parallel_nodes_land_in_their_own_entries():
    """This engine only: it names the task that wrote each ``custom`` chunk. LangGraph's stream does not say which
    of two parallel root nodes wrote one, so there such chunks go to the run's unattributed entry."""
    import operator
    from typing import Annotated, TypedDict

    from hitl_notebook.config import get_stream_writer
    from hitl_notebook.graph import START, StateGraph
    from hitl_notebook.notebook._engine import engine_of
    from hitl_notebook.notebook._journal import Journal
    from hitl_notebook.notebook._segment import Segment

    S = TypedDict("S", {"log": Annotated[list, operator.add]})

    def speaker(word):
        def node(state):
            for _ in range(3):
                get_stream_writer()(word)
            return {"log": [word]}
        return node

    builder = StateGraph(S).add_node("a", speaker("alpha ")).add_node("b", speaker("beta "))
    graph = builder.add_edge(START, "a").add_edge(START, "b").compile()
    journal = Journal()
    segment = Segment(journal, {}, engine_of(graph))
    assert segment.run(graph, {"log": []}, {}, threading.Event()) is None
    journal.text.flush()
    texts = {e.node: e.text for e in journal.record.entries if e.node}
    assert texts["a"] == "alpha " * 3 and texts["b"] == "beta " * 3


def test_a_cached_node_run_gets_one_entry_with_its_cached_update(eng):
    import importlib

    types, cache = (importlib.import_module(f"{eng.name}.{m}") for m in ("types", "cache.memory"))
    runs: list = []

    def costly(state: S) -> dict:
        runs.append(state)
        print("computing")
        return {"n": 42}

    graph = (eng.StateGraph(S).add_node("costly", costly, cache_policy=types.CachePolicy())
             .add_edge(eng.START, "costly").compile(checkpointer=eng.InMemorySaver(), cache=cache.InMemoryCache()))
    first = run(graph, {}, {"configurable": {"thread_id": "first"}}, ui="widgets", display=False)
    assert first.wait(5) == {"n": 42}
    again = run(graph, {}, {"configurable": {"thread_id": "again"}}, ui="widgets", display=False)
    assert again.wait(5) == {"n": 42} and len(runs) == 1  # the second run reused the cached write
    [entry] = [e for e in again.record.entries if e.kind == "node"]  # the task's start event made no second one
    assert (entry.node, entry.status, entry.cached, entry.update, entry.text) == ("costly", "done", True, {"n": 42}, "")
    assert again.journal.statuses["costly"] == "done"


def test_a_task_that_asks_keeps_its_output_in_its_own_entry_across_the_resume(eng, start):
    @eng.task
    def ask(question: str) -> str:
        print(f"asking {question}")
        return eng.interrupt({"question": question})

    @eng.entrypoint(checkpointer=eng.InMemorySaver())
    def workflow(questions: list) -> list:
        return [ask(q).result() for q in questions]

    handle = start(workflow, ["one?", "two?"])
    handle.view.panel().button("Approve").click()
    assert handle.wait_idle(5) is RunStatus.WAITING
    handle.view.panels[-1].button("Reject").click()
    assert handle.wait(5) == ["approve", "reject"]
    asks = [e for e in handle.record.entries if e.node == "ask"]
    assert len({e.key for e in asks}) == len(asks) == 2  # one entry per task run, across both resumes
    # each task printed when it asked and again when it re-ran with its answer: all in its own entry
    assert [e.text for e in asks] == ["asking one?\nasking one?\n", "asking two?\nasking two?\n"]
    assert [(e.status, e.update, e.cached) for e in asks] == [("done", "approve", False), ("done", "reject", False)]
    assert not "".join(e.text for e in handle.record.entries if e.node == "workflow")



def test_a_resumed_node_streams_into_its_question_row_append_only(eng, comms, start):
    """The node run that asked is shown in its question's row; what it prints after the answer is sent as new text
    only (as a node of its own is), not by re-sending the row."""
    line = "x" * 59 + "\n"

    def review(state: S) -> dict:
        answer = eng.interrupt("Go on?")
        for _ in range(30):
            print(line * 40, end="")
            time.sleep(0.06)  # several flush intervals
        return {"answer": answer}

    graph = eng.StateGraph(S).add_node("review", review).add_edge(eng.START, "review").compile(
        checkpointer=eng.InMemorySaver())
    handle = start(graph, {})
    before = len(comms)
    handle.resume(True)
    assert handle.wait(10) == {"answer": True}
    messages = comms[before:]
    sent = sum(len(repr(m["data"])) for m in messages)
    text = len(line) * 40 * 30
    print("sent", sent, "text", text, "messages", len(messages))
    assert sent < 2 * text + 1000 * len(messages)
    shown = handle.view.text()
    assert shown.count("review") == 1 and shown.count(line.strip()) == 40 * 30  # one row, all the text once
