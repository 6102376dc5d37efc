"""Graphviz rendering: a ``graphviz.Digraph`` per :class:`Graph`, its SVG, and the notebook mimebundle.

Every node carries a stable SVG ``id`` (``node-<name>``, see :func:`dom_id`) and CSS classes
(``hn-node hn-n-<name>``, plus ``hn-start``/``hn-end``/``hn-breakpoint``/``hn-defer``) so that
:mod:`.status` can restyle a laid-out SVG without running ``dot`` again.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Container
from typing import Any, Final

import graphviz

from ..constants import END, START
from ._model import Graph, Node

__all__ = ["INSTALL_HINT", "GraphvizNotFoundError", "dom_class", "dom_id", "draw_svg", "edge_id", "mimebundle",
           "render", "svg_img", "to_digraph"]

INSTALL_HINT: Final = (
    "Install Graphviz to draw graphs: apt-get install graphviz (Debian/Ubuntu), "
    "brew install graphviz (macOS), conda install graphviz"
)
"""The one line shown instead of a picture when the ``dot`` binary is missing."""

_FONT: Final = "Helvetica,Arial,sans-serif"
_INK: Final = "#4b4870"
_ACCENT: Final = "#7c6fd6"
_BREAK: Final = "#b45309"
_COMMENT: Final = re.compile(r"<!--.*?-->\n?", re.S)


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` executable is not on ``PATH`` (the ``graphviz`` Python package alone is not enough)."""


def _safe(name: str) -> str:
    """An injective, CSS-safe spelling: ``[A-Za-z0-9_]`` kept, anything else as ``-<hex>-``."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else f"-{ord(ch):x}-" for ch in _str(name))


def _str(value: object) -> str:
    """A name or label as text: drawables from other libraries may hold any value where a string is expected."""
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except Exception:  # e.g. an int past the int/str digit limit
        return f"<{type(value).__name__}>"


def _quoted(text: object) -> str:
    """``text`` as a DOT string that can only be read as literal text.

    The ``graphviz`` package passes a value through unquoted when it looks like an ID or an HTML string
    (``<...>``), so a name like ``<b>bot</b>`` or ``x {URL="javascript:..."}`` would be read as markup or as more
    DOT. ``graphviz.escape`` marks it as not-HTML (it gets quoted) and doubles backslashes, so escapes such as ``\\N``
    are not expanded either.
    """
    return graphviz.escape(_str(text))


def dom_id(node_id: str) -> str:
    """The SVG ``id`` of a node (``"sub:c1"`` -> ``"node-sub-3a-c1"``)."""
    return f"node-{_safe(node_id)}"


def dom_class(node_id: str) -> str:
    """The per-node CSS class (``hn-n-<escaped id>``); unlike ids it stays valid when a page shows a graph twice."""
    return f"hn-n-{_safe(node_id)}"


def edge_id(source: str, target: str) -> str:
    """The SVG ``id`` of the edge ``source -> target`` (``-`` is escaped in names, so ``-to-`` separates)."""
    return f"edge-{_safe(source)}-to-{_safe(target)}"


def _kind(node_id: str) -> str | None:
    last = _str(node_id).rsplit(":", 1)[-1]
    return last if last in (START, END) else None


def _node_attrs(graph: Graph, node: Node) -> dict[str, str]:
    kind = _kind(node.id)
    classes = ["hn-node", dom_class(node.id)]
    attrs = {"id": dom_id(node.id)}
    if kind is not None:
        classes.append("hn-start" if kind == START else "hn-end")
        attrs.update(label="START" if kind == START else "END", shape="ellipse", fontsize="10", height="0.3",
                     width="0.6", margin="0.05,0.02", style="filled",
                     fillcolor="white" if kind == START else "#bfb6fc")
        attrs["class"] = " ".join(classes)
        return attrs
    name = _str(node.name).split(":")[-1]
    notes = []
    metadata = node.metadata or {}
    where = graph.breakpoints.get(node.id) or metadata.get("__interrupt")
    if where:
        classes.append("hn-breakpoint")
        notes.append((f"interrupt {_str(where).replace(',', ' + ')}", _BREAK))
        attrs.update(peripheries="2", color=_BREAK)
    if metadata.get("defer"):
        classes.append("hn-defer")
        notes.append(("deferred", _INK))
    if notes:
        small = "".join(f'<br/><font point-size="9" color="{color}">{html.escape(text)}</font>' for text, color in notes)
        attrs["label"] = f"<{html.escape(name)}{small}>"
    else:
        attrs["label"] = _quoted(name)
    attrs["class"] = " ".join(classes)
    return attrs


def to_digraph(graph: Graph) -> graphviz.Digraph:
    """Build (not lay out) the ``Digraph``: static edges solid, conditional ones dashed and labelled.

    Inlined subgraph nodes (ids with ``:``, from ``get_graph(xray=True)``) are grouped in nested clusters.
    """
    dot = graphviz.Digraph(name=_quoted(graph.name), graph_attr={
        "rankdir": "TB", "bgcolor": "transparent", "fontname": _FONT, "nodesep": "0.35", "ranksep": "0.4",
        "class": "hn-graph",
    })
    dot.attr("node", shape="box", style="rounded,filled", fillcolor="#f2f0ff", color=_ACCENT, fontcolor="#1f1d2e",
             fontname=_FONT, fontsize="12", height="0.4", margin="0.15,0.06")
    dot.attr("edge", color=_INK, arrowsize="0.7", fontname=_FONT, fontsize="10", fontcolor=_INK)
    tree: dict[str, Any] = {}
    for node in graph.nodes.values():
        branch = tree
        for part in _str(node.id).split(":")[:-1]:
            branch = branch.setdefault(part, {})
        branch.setdefault("", []).append(node)
    _add_nodes(dot, graph, tree, prefix="")
    for edge in graph.edges:
        attrs = {"id": edge_id(edge.source, edge.target),
                 "class": "hn-edge hn-conditional" if edge.conditional else "hn-edge"}
        if edge.conditional:
            attrs.update(style="dashed", color=_ACCENT)
        if edge.data is not None:
            attrs["label"] = _quoted(f" {_str(edge.data)} ")
        dot.edge(_safe(edge.source), _safe(edge.target), **attrs)
    return dot


def _add_nodes(dot: graphviz.Digraph, graph: Graph, tree: dict[str, Any], prefix: str) -> None:
    for node in tree.get("", []):
        dot.node(_safe(node.id), **_node_attrs(graph, node))
    for part, branch in tree.items():
        if part == "":
            continue
        path = f"{prefix}:{part}" if prefix else part
        with dot.subgraph(name=f"cluster_{_safe(path)}") as cluster:
            cluster.attr(label=_quoted(part), id=f"cluster-{_safe(path)}", style="rounded,dashed",
                         color=_ACCENT, fontcolor=_INK, fontsize="11", **{"class": "hn-cluster"})
            _add_nodes(cluster, graph, branch, path)


def render(graph: Graph, format: str, encoding: str | None = None) -> Any:
    """Run ``dot`` once: the picture in ``format`` (bytes, or text with an ``encoding``); raises
    :class:`GraphvizNotFoundError` (with the hint) without it."""
    try:
        return to_digraph(graph).pipe(format=format, encoding=encoding)
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizNotFoundError(INSTALL_HINT) from exc


def draw_svg(graph: Graph) -> str:
    """Run ``dot`` once and return the SVG text; raises :class:`GraphvizNotFoundError` (with the hint) without it."""
    svg = render(graph, "svg", "utf-8")
    # Graphviz escapes every hyphen; keep ids and classes greppable. Its comments go first: they repeat the names,
    # and with the hyphens restored a name could put "--" into a comment, which makes the SVG invalid XML.
    return _COMMENT.sub("", svg).replace("&#45;", "-")


def mimebundle(graph: Graph, include: Container[str] | None = None, exclude: Container[str] | None = None,
               *, text: str | None = None) -> dict[str, str]:
    """``text/html`` (the SVG as an ``<img>``), ``image/svg+xml`` and ``text/plain`` (``text``, default
    ``repr(graph)``); never raises.

    The ``<img>`` is what JupyterLab shows: it ranks HTML first, and its sanitizer keeps an ``<img>`` with a data
    URI, so the picture shows in an untrusted notebook too (one opened from a download or a repository), where a
    bare ``image/svg+xml`` output would show as text. The SVG stays for exporters that take no HTML (LaTeX/PDF).
    Without ``dot`` (or if it fails) the bundle is text only: a one-line hint, a blank line, the mermaid source.
    """

    def wanted(mime: str) -> bool:
        return (include is None or mime in include) and not (exclude is not None and mime in exclude)

    bundle: dict[str, str] = {}
    if wanted("image/svg+xml") or wanted("text/html"):
        try:
            svg = draw_svg(graph)
        except GraphvizNotFoundError:
            return {"text/plain": f"{INSTALL_HINT}\n\n{graph.draw_mermaid()}"}
        except Exception as exc:  # a failing dot run must not turn into a traceback under the cell
            lines = str(exc).strip().splitlines() or [type(exc).__name__]
            return {"text/plain": f"Graphviz could not draw this graph: {lines[0]}\n\n{graph.draw_mermaid()}"}
        if wanted("text/html"):
            bundle["text/html"] = svg_img(svg, alt="the graph", css_class="hitl-graph-picture")
        if wanted("image/svg+xml"):
            bundle["image/svg+xml"] = svg
    if wanted("text/plain"):
        bundle["text/plain"] = repr(graph) if text is None else text
    return bundle


def svg_img(svg: str, *, alt: str, css_class: str, style: str = "max-width:100%;height:auto") -> str:
    """``svg`` as an ``<img>`` with a base64 data URI: kept by HTML sanitizers (JupyterLab's for untrusted output),
    and ids inside the picture cannot clash with others on the page."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f"<img class='{html.escape(css_class, quote=True)}' alt='{html.escape(alt, quote=True)}' "
            f"src='data:image/svg+xml;base64,{data}' style='{html.escape(style, quote=True)}'>")
