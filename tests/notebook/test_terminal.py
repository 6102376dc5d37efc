"""Streamed text reads like a terminal: ``\\r`` rewrites the line, ANSI colours render (HTML) or are stripped
(plain text), words wrap at spaces, and text carried in dict chunks flows as text."""

from __future__ import annotations

import random
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.notebook._terminal import WRAP_CSS, chunk_text, feed, plain_text, terminal_html


def fed(*parts: str) -> str:
    text = ""
    for part in parts:
        text = feed(text, part)
    return text


def test_carriage_return_overwrites_the_line():
    assert plain_text(fed("10%", "\r20%", "\r30%")) == "30%"
    assert plain_text(fed("50%\r", "6")) == "60%"  # the cursor is kept between writes
    assert plain_text(fed("abc\r", "\n", "next")) == "abc\nnext"  # \r\n is a line break
    assert plain_text(fed("abc\bX")) == "abX"
    assert plain_text(fed("done\nhalf\r", "ha")) == "done\nhalf"


def test_a_300_step_progress_bar_is_one_line_and_stays_small():
    text = fed(*(f"\r{i / 3:5.1f}% |{'#' * (i // 10)}" for i in range(300)), "\n")
    assert text.count("\n") == 1 and plain_text(text) == " 99.7% |" + "#" * 29 + "\n"
    assert len(text) < 60


def test_feeding_in_any_split_gives_the_same_text():
    raw = "a\rbc\x1b[31md\x1b[0m\n12345\r\x1b[1mab\x1b[0m\bX\r\nlast\rL"
    whole = feed("", raw)
    rng = random.Random(7)
    for _ in range(50):
        cuts = sorted(rng.sample(range(1, len(raw)), 4))
        parts = [raw[i:j] for i, j in zip([0, *cuts], [*cuts, len(raw)])]
        assert plain_text(fed(*parts)) == plain_text(whole)
        assert terminal_html(fed(*parts)) == terminal_html(whole)


def test_random_writes_in_random_pieces_show_the_same_text():
    tokens = ["a", "xyz", "12345", "\r", "\b", "\n", "\x1b[31m", "\x1b[0m", "\x1b[1m", "\x1b[2K", "\x1b[K",
              "\x1b[38;5;208m", "\x1b[m"]
    rng = random.Random(1)
    for _ in range(2000):
        raw = "".join(rng.choice(tokens) for _ in range(rng.randint(1, 25)))
        cuts = sorted(rng.sample(range(len(raw) + 1), min(rng.randint(1, 5), len(raw) + 1)))
        parts = [raw[i:j] for i, j in zip([0, *cuts], [*cuts, len(raw)])]
        assert plain_text(fed(*parts)) == plain_text(feed("", raw)), parts


def test_text_without_control_characters_is_appended_as_is():
    assert fed("hello ", "world\n", "again") == "hello world\nagain"


def test_ansi_colours_render_as_spans_and_are_stripped_from_plain_text():
    text = "\x1b[1;31mError\x1b[0m: <tag> \x1b[38;5;208mo\x1b[38;2;1;2;3mr\x1b[39m plain\x1b]0;title\x07"
    html = terminal_html(text)
    assert "<span style='color:#e75c58;font-weight:bold'>Error</span>" in html
    assert "<span style='color:#ff8700'>o</span><span style='color:#010203'>r</span> plain" in html
    assert "&lt;tag&gt;" in html and "\x1b" not in html and "title" not in html
    assert plain_text(text) == "Error: <tag> or plain"


def test_erase_line_clears_what_was_there():
    assert plain_text(fed("long old text", "\r\x1b[2Knew")) == "new"
    assert plain_text(fed("long old text", "\rnew\x1b[K")) == "new"


def test_wrap_style_breaks_at_spaces_not_mid_word():
    assert "word-break:normal" in WRAP_CSS and "pre-wrap" in WRAP_CSS and "break-all" not in WRAP_CSS


@pytest.mark.parametrize(("chunk", "text"), [
    ("plain", "plain"),
    ({"content": "Hel"}, "Hel"),
    ({"type": "token", "content": "lo"}, "lo"),
    ({"text": " world", "index": 3}, " world"),
    ({"delta": "!"}, "!"),
    ({"progress": 0.5}, '{"progress": 0.5}\n'),
    ({"content": "x", "meta": {"a": 1}}, '{"content": "x", "meta": {"a": 1}}\n'),  # not just text plus scalars
    ({"content": "x", "text": "y"}, '{"content": "x", "text": "y"}\n'),  # which one? keep both, as JSON
    ([1, 2], "[1, 2]\n"),
])
def test_chunk_text(chunk, text):
    assert chunk_text(chunk) == text


class Log(TypedDict, total=False):
    log: Annotated[list, lambda a, b: a + b]


def test_a_run_streams_like_a_terminal(eng, start):
    def work(s: Log) -> dict:
        for i in range(300):
            print(f"\rstep {i + 1}/300", end="")
        print()
        print("\x1b[32mgreen\x1b[0m done")
        return {"log": ["work"]}

    def talk(s: Log) -> dict:  # custom chunks arrive through the stream, prints directly: one kind per node
        writer = eng.get_stream_writer()
        for token in ("Hel", "lo ", "wor", "ld"):
            writer({"content": token})
        return {"log": ["talk"]}

    graph = (eng.StateGraph(Log).add_node("work", work).add_node("talk", talk).add_edge(eng.START, "work")
             .add_edge("work", "talk").compile(checkpointer=eng.InMemorySaver()))
    handle = start(graph, {"log": []})
    assert handle.wait(5) == {"log": ["work", "talk"]}
    texts = {e.node: e.text for e in handle.record.entries if e.kind == "node"}
    assert plain_text(texts["work"]) == "step 300/300\ngreen done\n" and texts["talk"] == "Hello world"
    page = handle.view.static_html()
    assert page.count("step ") == 1 and "step 300/300" in page and "Hello world" in page
    assert "<span style='color:#00a250'>green</span> done" in page
    assert "step 300/300\ngreen done" in handle.log_text() and "\x1b" not in handle.log_text()
