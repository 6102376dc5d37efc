"""Mermaid source for a :class:`Graph`, byte-identical to LangGraph's ``get_graph().draw_mermaid()``."""

from __future__ import annotations

import re
import string
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

from ._model import Edge, Graph, Node

__all__ = ["CurveStyle", "NodeStyles", "draw_mermaid"]

_MARKDOWN_SPECIAL = tuple("*_`")
_SAFE_ID_CHARS = frozenset(string.ascii_letters + string.digits + "_-")
_LABEL_ESCAPES = {"[": "#91;", "]": "#93;", "(": "#40;", ")": "#41;", "{": "#123;", "}": "#125;",
                  '"': "#quot;", "<": "#60;", ">": "#62;", "|": "#124;"}


class CurveStyle(Enum):
    """Mermaid edge curves (``flowchart.curve``)."""

    BASIS = "basis"
    BUMP_X = "bumpX"
    BUMP_Y = "bumpY"
    CARDINAL = "cardinal"
    CATMULL_ROM = "catmullRom"
    LINEAR = "linear"
    MONOTONE_X = "monotoneX"
    MONOTONE_Y = "monotoneY"
    NATURAL = "natural"
    STEP = "step"
    STEP_AFTER = "stepAfter"
    STEP_BEFORE = "stepBefore"


@dataclass
class NodeStyles:
    """The ``classDef`` lines: every node, the first node (``__start__``) and the last one (``__end__``)."""

    default: str = "fill:#f2f0ff,line-height:1.2"
    first: str = "fill-opacity:0"
    last: str = "fill:#bfb6fc"


def draw_mermaid(
    graph: Graph,
    *,
    with_styles: bool = True,
    curve_style: CurveStyle | str = CurveStyle.LINEAR,
    node_colors: NodeStyles | None = None,
    wrap_label_n_words: int = 9,
    frontmatter_config: dict[str, Any] | None = None,
) -> str:
    r"""Mermaid flowchart source: solid ``-->`` edges, dashed ``-.->`` conditional ones, subgraphs as blocks.

    >>> from hitl_notebook.drawing import Graph
    >>> g = Graph()
    >>> a, b = g.add_node(None, "a"), g.add_node(None, "b")
    >>> _ = g.add_edge(a, b, "go", conditional=True)
    >>> draw_mermaid(g, with_styles=False)
    'graph TD;\n\ta -. &nbsp;go&nbsp; .-> b;\n'
    """
    first, last = graph.first_node(), graph.last_node()
    curve = curve_style.value if isinstance(curve_style, CurveStyle) else str(curve_style)
    user = frontmatter_config or {}
    config = {**user, "config": {**user.get("config", {}),
                                 "flowchart": {**user.get("config", {}).get("flowchart", {}), "curve": curve}}}
    out = [f"---\n{_yaml(config)}---\ngraph TD;\n" if with_styles else "graph TD;\n"]
    formats = {"": "{0}({1})"}
    if first is not None:
        formats[first.id] = "{0}([{1}]):::first"
    if last is not None:
        formats[last.id] = "{0}([{1}]):::last"

    def node_line(key: str, node: Node) -> str:
        name = node.name.split(":")[-1]
        label = f"<p>{name}</p>" if name.startswith(_MARKDOWN_SPECIAL) and name.endswith(_MARKDOWN_SPECIAL) else name
        lines = _metadata_lines(node.metadata or {})
        if lines:
            label = f"{label}<hr/><small><em>" + "\n".join(lines) + "</em></small>"
        return "\t" + formats.get(key, formats[""]).format(_safe_id(key), label) + "\n"

    sub_nodes: dict[str, dict[str, Node]] = {}
    for key, node in graph.nodes.items():
        if ":" in key:
            sub_nodes.setdefault(key.rsplit(":", 1)[0], {})[key] = node
        elif with_styles:
            out.append(node_line(key, node))
    groups: dict[str, list[Edge]] = {}
    for edge in graph.edges:
        common = ":".join(s for s, t in zip(edge.source.split(":"), edge.target.split(":")) if s == t)
        groups.setdefault(common, []).append(edge)
    seen: set[str] = set()

    def add_group(edges: list[Edge], prefix: str) -> None:
        self_loop = len(edges) == 1 and edges[0].source == edges[0].target
        if prefix and not self_loop:
            name = prefix.rsplit(":", 1)[-1]
            if name in seen:
                raise ValueError(
                    f"Found duplicate subgraph '{name}' -- this likely means that you're reusing a subgraph node "
                    "with the same name. Please adjust your graph to have subgraph nodes with unique names."
                )
            seen.add(name)
            out.append(f"\tsubgraph {name}\n")
            if with_styles:
                out.extend(node_line(k, n) for k, n in sub_nodes.get(prefix, {}).items())
        out.extend(_edge_line(edge, wrap_label_n_words) for edge in edges)
        for nested, nested_edges in groups.items():
            if nested.startswith(prefix + ":") and nested != prefix and ":" not in nested[len(prefix) + 1:]:
                add_group(nested_edges, nested)
        if prefix and not self_loop:
            out.append("\tend\n")

    add_group(groups.get("", []), "")
    for prefix, edges in groups.items():
        if prefix and ":" not in prefix:
            add_group(edges, prefix)
            seen.add(prefix)
    if with_styles:
        for prefix, members in sub_nodes.items():
            if ":" not in prefix and prefix not in seen:
                out.append(f"\tsubgraph {prefix}\n")
                out.extend(node_line(k, n) for k, n in members.items())
                out.append("\tend\n")
                seen.add(prefix)
        out.extend(f"\tclassDef {name} {style}\n" for name, style in asdict(node_colors or NodeStyles()).items())
    return "".join(out)


def _edge_line(edge: Edge, wrap: int) -> str:
    if edge.data is not None:
        words = str(edge.data).split()
        text = str(edge.data)
        if len(words) > wrap:
            text = "&nbsp<br>&nbsp".join(" ".join(words[i:i + wrap]) for i in range(0, len(words), wrap))
        arrow = f" -. &nbsp;{text}&nbsp; .-> " if edge.conditional else f" -- &nbsp;{text}&nbsp; --> "
    else:
        arrow = " -.-> " if edge.conditional else " --> "
    return f"\t{_safe_id(edge.source)}{arrow}{_safe_id(edge.target)};\n"


def _safe_id(label: str) -> str:
    """Keep ``[A-Za-z0-9_-]``; any other character becomes a backslash plus its hex code point (``:`` -> ``\\3a``)."""
    return "".join(ch if ch in _SAFE_ID_CHARS else "\\" + format(ord(ch), "x") for ch in label)


def _escape_label(text: str) -> str:
    text = text.replace("#", "#35;")
    for char, entity in _LABEL_ESCAPES.items():
        text = text.replace(char, entity)
    return text


def _metadata_lines(metadata: dict[str, Any]) -> list[str]:
    scalars = (str, int, float, bool)
    lines = []
    for key, value in metadata.items():
        if isinstance(value, scalars):
            text = str(value)
        elif isinstance(value, (list, tuple, set)) and all(isinstance(v, scalars) for v in value):
            items = [str(v) for v in value]
            text = ", ".join(sorted(items) if isinstance(value, set) else items)
        else:
            continue
        lines.append(_escape_label(f"{key} = {text}"))
    return lines


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ ./-]*\Z")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def _yaml(value: dict[str, Any]) -> str:
    """``yaml.dump(value, default_flow_style=False)``; a small emitter stands in when PyYAML is absent."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML ships with most notebook environments
        return "".join(_yaml_lines(value, 0))
    return yaml.dump(value, default_flow_style=False)


def _yaml_lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    items = sorted(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
    for key, item in items:
        head = f"{pad}{key}:" if key is not None else f"{pad}-"
        if isinstance(item, dict) and item:
            lines += [head + "\n", *_yaml_lines(item, indent + 2)]
        elif isinstance(item, (list, tuple)) and item:
            lines += [head + "\n", *_yaml_lines(item, indent)]
        else:
            lines.append(f"{head} {_yaml_scalar(item)}\n")
    return lines


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dict, list, tuple)):
        return "{}" if isinstance(value, dict) else "[]"
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not text.endswith(" "):
        return text
    return "'" + text.replace("'", "''") + "'"
