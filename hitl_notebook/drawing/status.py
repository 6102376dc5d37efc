"""Live node status: lay a graph out once, then restyle the same SVG for every step of a run.

``dot`` runs once, in :class:`StatusView`'s constructor. Each status change only swaps a ``<style>`` block
scoped to this SVG (by an ``id`` on its root element), so the geometry never changes and no layout is re-run.
The notebook run view puts :meth:`StatusView.render`'s output into an HTML widget.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Final

from ._model import Graph
from .dot import dom_class, draw_svg, edge_id

__all__ = ["STATUS_STYLES", "NodeStatus", "StatusView"]


class NodeStatus(str, Enum):
    """Where a node is in the current run."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    INTERRUPTED = "interrupted"
    ERROR = "error"
    SKIPPED = "skipped"
    """Not run by a finished run (the branch not taken), drawn faded rather than as still to come."""


STATUS_STYLES: Final[Mapping[NodeStatus, tuple[str, str, str]]] = {
    NodeStatus.PENDING: ("#f4f4f6", "#a1a1aa", "1"),
    NodeStatus.RUNNING: ("#fde68a", "#d97706", "2.5"),
    NodeStatus.DONE: ("#bbf7d0", "#16a34a", "1.5"),
    NodeStatus.INTERRUPTED: ("#fed7aa", "#ea580c", "2.5"),
    NodeStatus.ERROR: ("#fecaca", "#dc2626", "2.5"),
    NodeStatus.SKIPPED: ("#ffffff", "#d4d4d8", "1"),
}
"""Status -> (fill, stroke, stroke width) of the node's shape."""

_SHAPES: Final = ("path", "polygon", "ellipse")
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_PULSE: Final = "@keyframes hn-pulse { 50% { stroke-opacity: 0.35; } }"
_TAKEN: Final = "#1f2937"
"""Colour of the edges the run went along (the rest fade once any edge is marked)."""


class StatusView:
    """A laid-out graph whose nodes can be recoloured by status without running ``dot`` again.

    >>> from hitl_notebook.drawing import Graph
    >>> g = Graph(); _ = g.add_node(None, "a")
    >>> view = StatusView(g, svg='<svg width="1pt"><g id="node-a" class="hn-node hn-n-a"></g></svg>', scope="v1")
    >>> view.render({"a": "running"}).startswith('<svg width="1pt" id="v1"><style>')
    True
    """

    def __init__(self, graph: Graph, *, svg: str | None = None, scope: str | None = None) -> None:
        """Lay ``graph`` out now (or take an already rendered ``svg``); ``scope`` is the root element's id."""
        self.graph = graph
        self.scope = scope or f"hn-{uuid.uuid4().hex[:10]}"
        raw = svg if svg is not None else draw_svg(graph)
        start = raw.find("<svg")
        raw = raw[start:] if start >= 0 else raw
        match = _SVG_OPEN.search(raw)
        if match is None:
            raise ValueError("not an SVG document")
        head = match.group(0)
        if " id=" not in head:
            head = head[:-1] + f' id="{self.scope}">'
        else:
            self.scope = re.search(r' id="([^"]*)"', head).group(1)  # type: ignore[union-attr]
        self._head, self._body = raw[:match.start()] + head, raw[match.end():]

    @property
    def svg(self) -> str:
        """The laid-out SVG with no status styles."""
        return self._head + self._body

    def style(self, statuses: Mapping[str, NodeStatus | str],
              taken: Iterable[tuple[str, str]] = ()) -> str:
        """A ``<style>`` block colouring each node by status and marking the ``taken`` edges (source, target);
        node ids not in the graph are ignored."""
        rules = [_PULSE, *self._edge_rules(taken)]
        for node_id, status in statuses.items():
            if node_id not in self.graph.nodes:
                continue
            fill, stroke, width = STATUS_STYLES[NodeStatus(status)]
            scoped = f"#{self.scope} .{dom_class(node_id)}"
            shapes = ", ".join(f"{scoped} {shape}" for shape in _SHAPES)
            firsts = ", ".join(f"{scoped} {shape}:first-of-type" for shape in _SHAPES)
            pulse = " animation: hn-pulse 1.2s ease-in-out infinite;" if NodeStatus(status) is NodeStatus.RUNNING else ""
            rules.append(f"{shapes} {{ stroke: {stroke}; stroke-width: {width};{pulse} }}")
            rules.append(f"{firsts} {{ fill: {fill}; }}")
            if NodeStatus(status) in (NodeStatus.PENDING, NodeStatus.SKIPPED):
                rules.append(f"{scoped} text {{ fill: {'#71717a' if status == NodeStatus.PENDING else '#a1a1aa'}; }}")
            if NodeStatus(status) is NodeStatus.SKIPPED:
                rules.append(f"{shapes} {{ stroke-dasharray: 4 3; }}")
        return "<style>\n" + "\n".join(rules) + "\n</style>"

    def _edge_rules(self, taken: Iterable[tuple[str, str]]) -> list[str]:
        """Edges along the path taken drawn dark and thick; the others faded (only once a path is known)."""
        pairs = [(s, t) for s, t in taken if s in self.graph.nodes and t in self.graph.nodes]
        if not pairs:
            return []
        scope = f"#{self.scope}"
        rules = [f"{scope} .hn-edge {{ opacity: 0.35; }}"]
        for source, target in pairs:
            edge = f'{scope} [id="{edge_id(source, target)}"]'
            rules.append(f"{edge} {{ opacity: 1; }} {edge} path {{ stroke: {_TAKEN}; stroke-width: 2.2; "
                         f"stroke-dasharray: none; }} {edge} polygon {{ stroke: {_TAKEN}; fill: {_TAKEN}; }}")
        return rules

    def render(self, statuses: Mapping[str, NodeStatus | str] | None = None,
               taken: Iterable[tuple[str, str]] = ()) -> str:
        """The SVG with ``statuses`` (and the ``taken`` edges) applied: only the ``<style>`` block differs from one
        call to the next."""
        return self._head + self.style(statuses or {}, taken) + self._body

    def _repr_html_(self) -> str:
        return self.svg
