"""Differential: the same builder code on ``langgraph`` and ``hitl_notebook`` draws the same graph."""

import pytest

pytestmark = pytest.mark.oracle


def test_edges_match_langgraph(both, graph_name: str) -> None:
    theirs, ours = both(graph_name)
    assert [(e.source, e.target, e.conditional, e.data) for e in ours.edges] == \
        [(e.source, e.target, e.conditional, e.data) for e in theirs.edges]


def test_nodes_match_langgraph(both, graph_name: str) -> None:
    theirs, ours = both(graph_name)
    assert [(n.id, n.name, n.metadata) for n in ours.nodes.values()] == \
        [(n.id, n.name, n.metadata) for n in theirs.nodes.values()]
    for mine, other in ((ours.first_node(), theirs.first_node()), (ours.last_node(), theirs.last_node())):
        assert (mine and mine.id) == (other and other.id)


def test_mermaid_matches_langgraph(both, graph_name: str) -> None:
    theirs, ours = both(graph_name)
    assert ours.draw_mermaid() == theirs.draw_mermaid()
    assert ours.draw_mermaid(with_styles=False) == theirs.draw_mermaid(with_styles=False)


@pytest.mark.parametrize("name", ["cond_long_label", "subgraph_xray", "odd_names"])
def test_mermaid_options_match_langgraph(both, name: str) -> None:
    from langchain_core.runnables.graph import CurveStyle, NodeStyles

    from hitl_notebook.drawing import CurveStyle as OurCurve
    from hitl_notebook.drawing import NodeStyles as OurStyles

    theirs, ours = both(name)
    front = {"config": {"theme": "neutral", "themeVariables": {"primaryColor": "#e2e2e2"}}}
    expected = theirs.draw_mermaid(curve_style=CurveStyle.BASIS, wrap_label_n_words=3, frontmatter_config=front,
                                   node_colors=NodeStyles(default="fill:#fff"))
    got = ours.draw_mermaid(curve_style=OurCurve.BASIS, wrap_label_n_words=3, frontmatter_config=front,
                            node_colors=OurStyles(default="fill:#fff"))
    assert got == expected


def test_to_json_matches_langgraph_ids_and_edges(both) -> None:
    theirs, ours = both("cond_dict")
    assert ours.to_json()["edges"] == theirs.to_json()["edges"]
    assert [n["id"] for n in ours.to_json()["nodes"]] == [n["id"] for n in theirs.to_json()["nodes"]]
