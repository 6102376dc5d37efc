"""Live status: one layout, then restyling that never touches geometry."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hitl_notebook.drawing import Graph, NodeStatus, StatusView
from hitl_notebook.drawing.dot import dom_class

_GEOMETRY = re.compile(r'\s(?:points|d|x|y|cx|cy|rx|ry|width|height|viewBox|transform)="[^"]*"')


def _fake_view() -> StatusView:
    g = Graph()
    for name in ("a", "sub:b"):
        g.add_node(None, name)
    svg = '<?xml version="1.0"?>\n<svg width="9pt">\n<g id="node-a" class="node hn-node hn-n-a"></g></svg>\n'
    return StatusView(g, svg=svg, scope="v1")


def test_render_only_swaps_a_scoped_style_block() -> None:
    view = _fake_view()
    assert view.svg.startswith('<svg width="9pt" id="v1">')
    running = view.render({"a": NodeStatus.RUNNING, "sub:b": "done", "unknown": "error"})
    assert running.replace(view.style({"a": NodeStatus.RUNNING, "sub:b": "done"}), "") == view.svg
    style = view.style({"a": "running", "sub:b": "done"})
    assert f"#v1 .{dom_class('a')} path" in style and "animation: hn-pulse" in style
    assert f"#v1 .{dom_class('sub:b')} path:first-of-type, " in style and "fill: #bbf7d0" in style
    assert "unknown" not in view.style({"unknown": "done"})


def test_unknown_status_is_rejected() -> None:
    with pytest.raises(ValueError):
        _fake_view().style({"a": "sleeping"})


def test_existing_root_id_is_reused() -> None:
    view = StatusView(Graph(), svg='<svg id="mine" width="1pt"></svg>')
    assert view.scope == "mine" and view.svg == '<svg id="mine" width="1pt"></svg>'


@pytest.mark.exe
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
def test_restyle_changes_styles_only(hitl, graphs, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = graphs["subgraph_xray"](hitl)[0].get_graph(xray=True)
    view = StatusView(graph)
    monkeypatch.setenv("PATH", "")  # any further dot run would fail: restyling must not lay out again
    before = view.render({"p1": "running"})
    after = view.render({"p1": "done", "sub:c1": "interrupted", "join": "error", "__end__": "pending"})
    assert before != after
    assert _GEOMETRY.findall(before) == _GEOMETRY.findall(after) == _GEOMETRY.findall(view.svg)
    assert len(_GEOMETRY.findall(before)) > 20
    strip = re.compile(r"<style>.*?</style>", re.S)
    assert strip.sub("", before) == strip.sub("", after) == view.svg
    assert before.startswith("<svg") and f'id="{view.scope}"' in before.split(">", 1)[0]


def test_drawing_imports_no_notebook_machinery() -> None:
    code = ("import sys, hitl_notebook.drawing; "
            "bad = [m for m in ('IPython', 'ipywidgets') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stdout + result.stderr


def test_taken_edges_are_marked_and_the_rest_fade() -> None:
    g = Graph()
    a, b, c = (g.add_node(None, name) for name in ("a", "b", "c"))
    g.add_edge(a, b)
    g.add_edge(a, c, conditional=True)
    view = StatusView(g, svg="<svg></svg>", scope="v1")
    style = view.style({"a": "done", "b": "done", "c": NodeStatus.SKIPPED}, taken=[("a", "b"), ("x", "a")])
    assert "#v1 .hn-edge { opacity: 0.35; }" in style
    assert '#v1 [id="edge-a-to-b"] path { stroke: #1f2937' in style
    assert "edge-a-to-c" not in style and "edge-x" not in style  # unknown nodes are ignored
    assert f"#v1 .{dom_class('c')} path" in style and "stroke-dasharray: 4 3" in style  # skipped: faded, dashed
    assert ".hn-edge" not in view.style({"a": "running"})  # no path known yet: no edge is faded
