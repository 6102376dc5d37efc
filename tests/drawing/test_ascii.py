"""``Graph.draw_ascii()`` / ``print_ascii()`` (drawing/ascii.py), as LangGraph's graphs draw themselves."""

from __future__ import annotations

import sys

import pytest

from hitl_notebook.drawing import Edge, Graph


def _graph() -> Graph:
    graph = Graph()
    for name in ("__start__", "agent", "tools", "__end__"):
        graph.add_node(None, name)
    for edge in (Edge("__start__", "agent"), Edge("agent", "tools", conditional=True),
                 Edge("agent", "__end__", conditional=True)):
        graph.edges.append(edge)
    return graph


def test_without_grandalf_the_error_is_langgraphs(monkeypatch):
    monkeypatch.setitem(sys.modules, "grandalf", None)  # an import of it fails
    with pytest.raises(ImportError, match=r"^Install grandalf to draw graphs: `pip install grandalf`\.$"):
        _graph().draw_ascii()


def test_boxes_for_nodes_and_dots_for_conditional_edges(capsys):
    pytest.importorskip("grandalf")
    pytest.importorskip("langchain_core")
    art = _graph().draw_ascii()
    for name in ("__start__", "agent", "tools", "__end__"):
        assert f"| {name} |" in art
    assert "*" in art and "." in art  # a solid edge from __start__, dotted ones out of agent
    _graph().print_ascii()
    assert capsys.readouterr().out == art + "\n"
