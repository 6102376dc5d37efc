"""Names and labels from user code reach DOT and the SVG as literal text only: no markup, no DOT, no links."""

from __future__ import annotations

import shutil
from xml.etree import ElementTree

import pytest

from hitl_notebook.drawing import Graph

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")

CRAFTED = [
    "<b>bot</b>",
    '<x> {URL="javascript:alert(1)" label="click"} subgraph <y>',
    '<<a href="javascript:alert(1)">x</a>>',
    'a"b\\',
    '\\" ] ; n [URL="javascript:alert(2)"',
    "digraph",
    "\\N \\G \\E",
    "line\nbreak",
    "ends with a space ",  # its DOT id ends in "-": next to "->" it once made "--" inside an SVG comment
]


def _graph(name: str, *, node: str = "a", label: str | None = "go", breakpoint: bool = False) -> Graph:
    g = Graph(name=name)
    start, a, end = g.add_node(None, "__start__"), g.add_node(None, node), g.add_node(None, "__end__")
    g.add_edge(start, a)
    g.add_edge(a, end, label, conditional=label is not None)
    if breakpoint:
        g.breakpoints[node] = "before"
    return g


def _no_links_or_markup(svg: str) -> None:
    """Only Graphviz's own elements and attributes: no link, no script, no attribute holding the crafted text (it
    may appear as escaped text content, which is what a reader should see)."""
    root = ElementTree.fromstring(svg[svg.find("<svg"):])
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert tags <= {"svg", "g", "title", "text", "path", "polygon", "ellipse", "polyline", "style"}, tags
    for el in root.iter():
        for key, value in el.attrib.items():
            assert "href" not in key and "javascript:" not in value.lower() and not key.startswith("on"), (key, value)


@needs_dot
@pytest.mark.parametrize("name", CRAFTED)
def test_a_crafted_graph_name_draws_as_text(name: str) -> None:
    svg = _graph(name).draw_svg()
    _no_links_or_markup(svg)
    assert "<svg" in svg and 'id="node-a"' in svg


@needs_dot
@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_node_names_and_edge_labels_draw_as_text(name: str) -> None:
    for breakpoint in (False, True):  # a breakpoint note turns the label into an HTML-like label
        svg = _graph("g", node=name, label=name, breakpoint=breakpoint).draw_svg()
        _no_links_or_markup(svg)


@needs_dot
def test_subgraph_cluster_names_are_text() -> None:
    svg = _graph("g", node='<b>sub</b>:" URL="javascript:x()":leaf').draw_svg()
    _no_links_or_markup(svg)
    assert "&lt;b&gt;sub&lt;/b&gt;" in svg  # the cluster's label, shown literally


def test_the_graph_name_is_quoted_in_the_dot_source() -> None:
    source = _graph("<b>bot</b>").to_dot()
    assert source.startswith('digraph "<b>bot</b>" {')
    assert _graph("a\\N").to_dot().startswith('digraph "a\\\\N" {')  # no \N expansion either


def test_non_string_names_draw() -> None:
    g = Graph(name=42)  # type: ignore[arg-type]
    a = g.add_node(None, "a")
    g.nodes["a"] = a._replace(name=3.5)
    assert 'digraph 42' in g.to_dot() and 'label=3.5' in g.to_dot()


@needs_dot
def test_the_run_view_draws_a_graph_named_like_markup() -> None:
    from typing import TypedDict

    from hitl_notebook.graph import START, StateGraph
    from hitl_notebook.notebook._static import GraphPicture

    class S(TypedDict):
        x: int

    graph = StateGraph(S).add_node("a", lambda s: {}).add_edge(START, "a").compile(name="<b>bot</b>")
    picture = GraphPicture(graph)
    assert picture.view is not None, picture.fallback
    svg = picture.svg({"a": "done"})  # (the view shows it as an <img>; this is the SVG inside)
    assert svg is not None
    _no_links_or_markup(svg[svg.find("<svg"):svg.rfind("</svg>") + 6])
