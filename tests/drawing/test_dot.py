"""Graphviz output: DOT source, SVG (needs ``dot``), and the fallback when ``dot`` is missing."""

import base64
import re
import shutil

import pytest

from hitl_notebook.drawing import INSTALL_HINT, GraphvizNotFoundError
from hitl_notebook.drawing.dot import dom_id



def needs_dot(test):
    """Mark ``test`` ``exe`` and skip it when Graphviz's ``dot`` is not on PATH."""
    test = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")(test)
    return pytest.mark.exe(test)


@pytest.fixture
def no_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")


def test_dom_ids_are_css_safe_and_distinct() -> None:
    assert dom_id("sub:c1") == "node-sub-3a-c1"
    assert dom_id("my node") == "node-my-20-node"
    assert len({dom_id(n) for n in ("a:b", "a-3a-b", "a_3a_b", "a-b")}) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", dom_id(n)) for n in ("é", "*x*", "a.b"))


def test_dot_source_styles_edges_and_nodes(hitl, graphs) -> None:
    source = graphs["cond_dict"](hitl)[0].get_graph().to_dot()
    assert 'agent -> tool [label=" go " class="hn-edge hn-conditional" color="#7c6fd6" id="edge-agent-to-tool" ' \
        'style=dashed]' in source
    assert "tool -> agent [class=\"hn-edge\" id=\"edge-tool-to-agent\"]" in source
    assert re.search(r'__start__ \[label=START .*shape=ellipse', source)
    assert re.search(r'__end__ \[label=END .*class="hn-node hn-n-__end__ hn-end"', source)


def test_breakpoints_and_defer_are_marked(hitl, graphs) -> None:
    source = graphs["interrupt_star"](hitl)[0].get_graph().to_dot()
    assert re.search(r'\ta \[label=<a<br/><font [^>]*>interrupt before \+ after</font>> class="[^"]*hn-breakpoint',
                     source)
    assert source.count("peripheries=2") == 3
    assert "deferred</font>" in graphs["defer"](hitl)[0].get_graph().to_dot()


def test_xray_clusters_nest(hitl, graphs) -> None:
    source = graphs["nested_xray"](hitl)[0].get_graph(xray=True).to_dot()
    assert "subgraph cluster_outer {" in source and 'subgraph "cluster_outer-3a-sub" {' in source
    assert '"outer-3a-sub-3a-c1" [label=c1' in source


def test_html_like_names_are_not_html() -> None:
    from hitl_notebook.drawing import Graph

    g = Graph()
    g.add_node(None, "<b>")
    assert "label=\"<b>\"" in g.to_dot()


@pytest.mark.parametrize("name", ["cond_dict", "subgraph_xray", "odd_names", "interrupts", "entrypoint"])
@needs_dot
def test_svg_contains_every_node(hitl, graphs, name: str) -> None:
    compiled, kwargs = graphs[name](hitl)
    graph = compiled.get_graph(**kwargs)
    svg = graph.draw_svg()
    for node_id in graph.nodes:
        assert f'id="{dom_id(node_id)}"' in svg
    assert svg.count('class="node hn-node') == len(graph.nodes)
    assert "&#45;" not in svg


@needs_dot
def test_compiled_graph_displays_as_svg(hitl, graphs) -> None:
    compiled, _ = graphs["cond_dict"](hitl)
    bundle = compiled._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert bundle["text/plain"] == repr(compiled)
    # JupyterLab shows the HTML first: the same picture as an <img>, which its sanitizer keeps in untrusted output
    src = re.fullmatch(r"<img class='hitl-graph-picture' alt='the graph' src='data:image/svg\+xml;base64,([^']+)' "
                       r"style='max-width:100%;height:auto'>", bundle["text/html"])
    assert src is not None and base64.b64decode(src.group(1)).decode() == bundle["image/svg+xml"]
    assert set(compiled._repr_mimebundle_(include={"text/plain"})) == {"text/plain"}
    assert set(compiled._repr_mimebundle_(exclude={"text/plain"})) == {"text/html", "image/svg+xml"}
    assert set(compiled._repr_mimebundle_(exclude={"text/html"})) == {"image/svg+xml", "text/plain"}


def test_without_dot_the_bundle_is_the_hint_and_mermaid(hitl, graphs, no_dot) -> None:
    compiled, _ = graphs["cond_dict"](hitl)
    bundle = compiled._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    first, rest = bundle["text/plain"].split("\n", 1)
    assert first == INSTALL_HINT
    assert rest.strip() == compiled.get_graph().draw_mermaid().strip()


def test_without_dot_draw_svg_raises_the_hint(hitl, graphs, no_dot) -> None:
    graph = graphs["chain"](hitl)[0].get_graph()
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as info:
        graph.draw_svg()
    assert str(info.value) == INSTALL_HINT
    assert graph.to_dot().startswith("digraph LangGraph {")  # DOT source needs no binary


def test_display_hook_never_raises(hitl, graphs, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled, _ = graphs["chain"](hitl)
    monkeypatch.setattr(type(compiled), "get_graph", lambda self, *a, **k: 1 / 0)
    bundle = compiled._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "ZeroDivisionError" in bundle["text/plain"]
