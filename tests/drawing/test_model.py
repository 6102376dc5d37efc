"""``get_graph()`` nodes and edges, asserted directly (runs without langgraph)."""

import pytest

from hitl_notebook.drawing import Edge, Graph, build_graph


@pytest.fixture
def edges(hitl, graphs):
    """``edges(name)``: the (source, target, conditional, data) tuples of builder ``name`` on hitl_notebook."""

    def get(name: str) -> list[tuple[str, str, bool, str | None]]:
        compiled, kwargs = graphs[name](hitl)
        return [(e.source, e.target, e.conditional, e.data) for e in compiled.get_graph(**kwargs).edges]

    return get


def test_chain(edges) -> None:
    assert edges("chain") == [("__start__", "a", False, None), ("a", "b", False, None),
                                    ("b", "c", False, None), ("c", "__end__", False, None)]


def test_last_node_gets_an_implicit_unconditional_end_edge(edges) -> None:
    assert edges("chain_implicit_end")[-1] == ("b", "__end__", False, None)


def test_dict_path_map_labels_edges_whose_key_differs(edges) -> None:
    assert edges("cond_dict") == [("__start__", "agent", False, None), ("agent", "__end__", True, "stop"),
                                        ("agent", "tool", True, "go"), ("tool", "agent", False, None)]


@pytest.mark.parametrize("name", ["cond_list", "cond_literal"])
def test_list_path_map_and_literal_hint_are_unlabelled(edges, name: str) -> None:
    assert edges(name) == [("__start__", "agent", False, None), ("agent", "__end__", True, None),
                                 ("agent", "tool", True, None), ("tool", "agent", False, None)]


def test_undiscoverable_branch_leaves_targets_unconnected(hitl, graphs) -> None:
    compiled, _ = graphs["cond_no_hint"](hitl)
    graph = compiled.get_graph()
    assert [(e.source, e.target, e.conditional) for e in graph.edges] == \
        [("__start__", "agent", False), ("agent", "__end__", False)]
    assert {"tool", "other"} <= set(graph.nodes)
    assert graph.first_node() is None and graph.last_node() is None  # the orphan quirk


def test_join_edges_are_unconditional_from_each_source(edges) -> None:
    assert edges("join") == [("__start__", "a", False, None), ("__start__", "b", False, None),
                                   ("a", "c", False, None), ("b", "c", False, None), ("c", "__end__", False, None)]


def test_command_and_destinations_are_conditional(edges) -> None:
    assert ("a", "b", True, None) in edges("command_literal")
    assert ("a", "c", True, None) in edges("destinations_tuple")
    assert edges("destinations_dict")[1:3] == [("a", "__end__", True, "done"), ("a", "b", True, "to b")]


def test_send_fan_out_through_a_list_path_map(edges) -> None:
    assert ("plan", "worker", True, None) in edges("send_fanout")


def test_static_edge_next_to_a_branch_to_the_same_node_turns_conditional(edges) -> None:
    assert ("a", "b", True, "go") in edges("static_and_branch")


def test_breakpoint_and_defer_metadata(hitl, graphs) -> None:
    graph = graphs["interrupts"](hitl)[0].get_graph()
    assert {k: n.metadata for k, n in graph.nodes.items()} == {
        "__start__": None, "a": None, "b": {"__interrupt": "before,after"}, "c": {"__interrupt": "after"},
        "__end__": None}
    assert graph.breakpoints == {"b": "before,after", "c": "after"}
    assert graphs["defer"](hitl)[0].get_graph().nodes["d"].metadata == {"defer": True}


def test_star_breakpoints_are_drawn_but_not_in_metadata(hitl, graphs) -> None:
    graph = graphs["interrupt_star"](hitl)[0].get_graph()
    assert graph.nodes["b"].metadata is None  # as LangGraph
    assert graph.breakpoints == {"a": "before,after", "b": "before", "c": "before"}


def test_subgraph_is_one_node_without_xray(hitl, graphs) -> None:
    graph = graphs["subgraph"](hitl)[0].get_graph()
    assert list(graph.nodes) == ["__start__", "p1", "sub", "join", "__end__"]


def test_xray_inlines_the_subgraph(hitl, graphs) -> None:
    compiled, _ = graphs["subgraph"](hitl)
    graph = compiled.get_graph(xray=True)
    assert list(graph.nodes) == ["__start__", "p1", "join", "__end__", "sub:c1", "sub:c2", "sub:__end__"]
    assert [(e.source, e.target, e.conditional) for e in graph.edges] == [
        ("__start__", "p1", False), ("p1", "sub:c1", False), ("sub:__end__", "join", False),
        ("join", "__end__", False), ("sub:c1", "sub:__end__", True), ("sub:c1", "sub:c2", True),
        ("sub:c2", "sub:__end__", False)]
    assert graph.nodes["sub:c1"].name == "c1"


def test_xray_depth(hitl, graphs) -> None:
    one = graphs["nested_xray1"](hitl)[0].get_graph(xray=1)
    assert "outer:sub" in one.nodes and "outer:sub:c1" not in one.nodes
    full = graphs["nested_xray1"](hitl)[0].get_graph(xray=True)
    assert "outer:sub:c1" in full.nodes


def test_entrypoint_draws_like_langgraph(hitl, graphs) -> None:
    graph = graphs["entrypoint"](hitl)[0].get_graph()
    assert list(graph.nodes) == ["workflow", "__start__", "__end__"]
    assert [(e.source, e.target, e.conditional) for e in graph.edges] == \
        [("__start__", "workflow", False), ("workflow", "__end__", True)]


def test_build_graph_is_the_same_as_get_graph(hitl, graphs) -> None:
    compiled, _ = graphs["cond_dict"](hitl)
    assert build_graph(compiled).edges == compiled.get_graph().edges


def test_first_last_and_trim() -> None:
    g = Graph()
    s, a, e = (g.add_node(None, n) for n in ("__start__", "a", "__end__"))
    g.add_edge(s, a)
    g.add_edge(a, e)
    assert (g.first_node().id, g.last_node().id) == ("__start__", "__end__")
    g.trim_first_node()
    g.trim_last_node()
    assert list(g.nodes) == ["a"] and g.edges == []
    with pytest.raises(ValueError, match="already exists"):
        g.add_node(None, "a")


def test_to_json_layout(hitl, graphs) -> None:
    data = graphs["destinations_dict"](hitl)[0].get_graph().to_json()
    assert data["edges"][1] == {"source": "a", "target": "__end__", "data": "done", "conditional": True}
    assert data["nodes"][-1] == {"id": "__end__"}
    assert Edge("a", "b") == ("a", "b", None, False)
