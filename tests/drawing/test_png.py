"""``draw_mermaid_png()`` / ``draw_png()`` (drawing/png.py): PNG drawn locally with Graphviz, not a web service."""

from __future__ import annotations

import shutil

import pytest

from hitl_notebook.drawing import GraphvizNotFoundError
from hitl_notebook.graph import START, StateGraph

PNG = b"\x89PNG\r\n\x1a\n"


def needs_dot(test):
    """Mark ``test`` ``exe`` (it runs Graphviz) and skip it without ``dot``, as test_dot.py does."""
    return pytest.mark.exe(pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")(test))


def _drawable():
    return StateGraph(dict).add_node("a", lambda s: {}).add_edge(START, "a").compile().get_graph()


@needs_dot
def test_draw_mermaid_png_returns_png_bytes_and_writes_the_file(tmp_path):
    target = tmp_path / "graph.png"
    data = _drawable().draw_mermaid_png(output_file_path=str(target), background_color="white", max_retries=3)
    assert data.startswith(PNG) and target.read_bytes() == data


@needs_dot
def test_draw_png_returns_none_once_written_as_langchain_does(tmp_path):
    assert _drawable().draw_png().startswith(PNG)
    assert _drawable().draw_png(str(tmp_path / "g.png")) is None and (tmp_path / "g.png").exists()


def test_unknown_keywords_and_a_missing_dot_are_errors(monkeypatch):
    with pytest.raises(TypeError, match="unexpected keyword argument.*: colour"):
        _drawable().draw_mermaid_png(colour="red")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        _drawable().draw_mermaid_png()
