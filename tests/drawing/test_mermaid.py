"""Mermaid text, asserted against LangGraph's observed output (runs without langgraph)."""

from hitl_notebook.drawing import Graph, draw_mermaid
from hitl_notebook.drawing.mermaid import _yaml_lines

AGENT = """---
config:
  flowchart:
    curve: linear
---
graph TD;
\t__start__([<p>__start__</p>]):::first
\tagent(agent)
\ttool(tool)
\t__end__([<p>__end__</p>]):::last
\t__start__ --> agent;
\tagent -. &nbsp;stop&nbsp; .-> __end__;
\tagent -. &nbsp;go&nbsp; .-> tool;
\ttool --> agent;
\tclassDef default fill:#f2f0ff,line-height:1.2
\tclassDef first fill-opacity:0
\tclassDef last fill:#bfb6fc
"""

XRAY = """graph TD;
\t__start__ --> p1;
\tp1 --> sub\\3ac1;
\tsub\\3a__end__ --> join;
\tjoin --> __end__;
\tsubgraph sub
\tsub\\3ac1 -.-> sub\\3a__end__;
\tsub\\3ac1 -.-> sub\\3ac2;
\tsub\\3ac2 --> sub\\3a__end__;
\tend
"""


def test_agent_loop(hitl, graphs) -> None:
    assert graphs["cond_dict"](hitl)[0].get_graph().draw_mermaid() == AGENT


def test_xray_subgraph_block(hitl, graphs) -> None:
    graph = graphs["subgraph"](hitl)[0].get_graph(xray=True)
    assert graph.draw_mermaid(with_styles=False) == XRAY
    assert "\tsub\\3a__end__(<p>__end__</p>)\n" in graph.draw_mermaid()


def test_interrupt_label_suffix(hitl, graphs) -> None:
    text = graphs["subgraph_xray"](hitl)[0].get_graph(xray=True).draw_mermaid()
    assert "\tjoin(join<hr/><small><em>__interrupt = before</em></small>)\n" in text


def test_orphan_node_drops_first_and_last_classes(hitl, graphs) -> None:
    text = graphs["orphan"](hitl)[0].get_graph().draw_mermaid()
    assert "\t__start__(<p>__start__</p>)\n" in text and ":::first" not in text and ":::last" not in text


def test_entrypoint(hitl, graphs) -> None:
    text = graphs["entrypoint"](hitl)[0].get_graph().draw_mermaid(with_styles=False)
    assert text == "graph TD;\n\t__start__ --> workflow;\n\tworkflow -.-> __end__;\n"


def test_labels_escape_and_wrap() -> None:
    g = Graph()
    a, b = g.add_node(None, "a b"), g.add_node(None, "c", metadata={"note": "x<y>[1]#"})
    g.add_edge(a, b, "one two three", conditional=False)
    text = draw_mermaid(g, wrap_label_n_words=2, curve_style="basis")
    assert "curve: basis" in text
    assert "\tc([c<hr/><small><em>note = x#60;y#62;#91;1#93;#35;</em></small>]):::last\n" in text
    assert "\ta\\20b -- &nbsp;one two&nbsp<br>&nbspthree&nbsp; --> c;\n" in text


def test_yaml_fallback_emitter() -> None:
    config = {"config": {"flowchart": {"curve": "linear"}, "theme": "neutral", "themeVariables": {"c": "#e2"}}}
    assert "".join(_yaml_lines(config, 0)) == (
        "config:\n  flowchart:\n    curve: linear\n  theme: neutral\n  themeVariables:\n    c: '#e2'\n")
