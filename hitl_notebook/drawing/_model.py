"""A drawable graph: nodes and edges, shaped like ``langchain_core.runnables.graph.Graph``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import graphviz

__all__ = ["Edge", "Graph", "Node"]


class Node(NamedTuple):
    """A node: ``id`` is unique (``sub:c1`` once a subgraph is inlined), ``name`` is what is displayed."""

    id: str
    name: str
    data: Any
    metadata: dict[str, Any] | None

    def copy(self, *, id: str | None = None, name: str | None = None) -> "Node":
        return Node(id=id or self.id, name=name or self.name, data=self.data, metadata=self.metadata)


class Edge(NamedTuple):
    """An edge; ``conditional`` edges are drawn dashed, ``data`` is their label (a path-map key)."""

    source: str
    target: str
    data: str | None = None
    conditional: bool = False

    def copy(self, *, source: str | None = None, target: str | None = None) -> "Edge":
        return Edge(source or self.source, target or self.target, self.data, self.conditional)


@dataclass
class Graph:
    """Nodes and edges of a compiled graph, as ``compiled.get_graph()`` returns them.

    ``breakpoints`` maps node ids to ``"before"``, ``"after"`` or ``"before,after"``; unlike the
    ``__interrupt`` metadata (which mirrors LangGraph) it also covers ``interrupt_before="*"``.
    """

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    breakpoints: dict[str, str] = field(default_factory=dict)
    name: str = "LangGraph"

    @classmethod
    def from_drawable(cls, drawable: Any, *, name: str | None = None) -> "Graph":
        """This package's ``Graph`` from any graph of the same shape: ``langchain_core.runnables.graph.Graph`` (what
        a LangGraph graph's ``get_graph()`` returns) or this class itself (returned as is).

        Nodes are read from ``drawable.nodes`` (id -> node with ``id``, ``name``, ``data``, ``metadata``) and edges
        from ``drawable.edges`` (``source``, ``target``, ``data``, ``conditional``); a node's ``__interrupt``
        metadata marks a breakpoint, as LangGraph sets it.
        """
        if isinstance(drawable, cls):
            return drawable
        graph = cls(name=name or getattr(drawable, "name", None) or "LangGraph")
        for key, node in drawable.nodes.items():
            metadata = dict(node.metadata) if node.metadata else None
            graph.nodes[key] = Node(id=key, name=getattr(node, "name", key) or key, data=node.data, metadata=metadata)
            where = (metadata or {}).get("__interrupt")
            if where:
                graph.breakpoints[key] = str(where)
        for edge in drawable.edges:
            label = None if edge.data is None else str(edge.data)
            graph.edges.append(Edge(edge.source, edge.target, label, bool(edge.conditional)))
        return graph

    # -- building (the subset of langchain_core's Graph that get_graph needs) -------------------------------------

    def add_node(self, data: Any, id: str, *, metadata: dict[str, Any] | None = None) -> Node:
        if id in self.nodes:
            raise ValueError(f"Node with id {id} already exists")
        node = Node(id=id, name=id, data=data, metadata=metadata)
        self.nodes[id] = node
        return node

    def add_edge(self, source: Node, target: Node, data: str | None = None, conditional: bool = False) -> Edge:
        for node in (source, target):
            if node.id not in self.nodes:
                raise ValueError(f"Node {node.id} not in graph")
        edge = Edge(source.id, target.id, data, conditional)
        self.edges.append(edge)
        return edge

    def remove_node(self, node: Node) -> None:
        self.nodes.pop(node.id)
        self.edges = [e for e in self.edges if node.id not in (e.source, e.target)]

    def extend(self, graph: "Graph", *, prefix: str = "") -> tuple[Node | None, Node | None]:
        """Add ``graph``'s nodes and edges with ids prefixed ``prefix:``; return its (prefixed) first and last node."""

        def prefixed(id_: str) -> str:
            return f"{prefix}:{id_}" if prefix else id_

        self.nodes.update({prefixed(k): v.copy(id=prefixed(k)) for k, v in graph.nodes.items()})
        self.edges.extend(e.copy(source=prefixed(e.source), target=prefixed(e.target)) for e in graph.edges)
        self.breakpoints.update({prefixed(k): v for k, v in graph.breakpoints.items()})
        first, last = graph.first_node(), graph.last_node()
        return (first.copy(id=prefixed(first.id)) if first else None,
                last.copy(id=prefixed(last.id)) if last else None)

    def first_node(self) -> Node | None:
        """The single node that no edge points to, or ``None`` when there are none or several."""
        return _single_node(self, incoming=True)

    def last_node(self) -> Node | None:
        """The single node with no outgoing edge, or ``None`` when there are none or several."""
        return _single_node(self, incoming=False)

    def trim_first_node(self) -> None:
        """Drop the first node if it has one outgoing edge and another node would then be first."""
        first = self.first_node()
        if first and _single_node(self, incoming=True, exclude=(first.id,)) and \
                len({e for e in self.edges if e.source == first.id}) == 1:
            self.remove_node(first)

    def trim_last_node(self) -> None:
        """Drop the last node if it has one incoming edge and another node would then be last."""
        last = self.last_node()
        if last and _single_node(self, incoming=False, exclude=(last.id,)) and \
                len({e for e in self.edges if e.target == last.id}) == 1:
            self.remove_node(last)

    # -- output ------------------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        """``{"nodes": [...], "edges": [...]}`` in langchain_core's layout (node ``data`` names its Python type)."""
        nodes: list[dict[str, Any]] = []
        for node in self.nodes.values():
            item: dict[str, Any] = {"id": node.id}
            if node.data is not None:
                cls = type(node.data)
                item.update(type="runnable", data={"id": [*cls.__module__.split("."), cls.__name__], "name": node.name})
            if node.metadata is not None:
                item["metadata"] = node.metadata
            nodes.append(item)
        edges: list[dict[str, Any]] = []
        for edge in self.edges:
            item = {"source": edge.source, "target": edge.target}
            if edge.data is not None:
                item["data"] = edge.data
            if edge.conditional:
                item["conditional"] = True
            edges.append(item)
        return {"nodes": nodes, "edges": edges}

    def draw_mermaid(self, **kwargs: Any) -> str:
        """Mermaid source, byte-identical to LangGraph's ``draw_mermaid()``; see :func:`..mermaid.draw_mermaid`."""
        from .mermaid import draw_mermaid

        return draw_mermaid(self, **kwargs)

    def draw_ascii(self) -> str:
        """ASCII art of the graph, as LangGraph's ``draw_ascii()``; needs grandalf (see :mod:`.ascii`)."""
        from .ascii import draw_ascii

        return draw_ascii(self)

    def print_ascii(self) -> None:
        """Print :meth:`draw_ascii`."""
        print(self.draw_ascii())

    def draw_mermaid_png(self, output_file_path: str | None = None, **options: Any) -> bytes:
        """PNG of the graph, drawn locally with Graphviz (LangGraph asks the mermaid.ink web service); written to
        ``output_file_path`` too when given. Mermaid rendering options are accepted and not used (see :mod:`.png`)."""
        from .png import check_mermaid_png_options, draw_png

        check_mermaid_png_options(options)
        return draw_png(self, output_file_path)

    def draw_png(self, output_file_path: str | None = None, fontname: str | None = None,
                 labels: dict[str, Any] | None = None) -> bytes | None:
        """PNG of the graph drawn with Graphviz, as LangGraph's ``draw_png()``: the bytes, or ``None`` once written
        to ``output_file_path``. ``fontname`` and ``labels`` are not used."""
        from .png import draw_png

        data = draw_png(self, output_file_path)
        return None if output_file_path is not None else data

    def to_digraph(self) -> "graphviz.Digraph":
        """A ``graphviz.Digraph`` of this graph (no layout is run)."""
        from .dot import to_digraph

        return to_digraph(self)

    def to_dot(self) -> str:
        """The DOT source of :meth:`to_digraph`."""
        return self.to_digraph().source

    def draw_svg(self) -> str:
        """Lay the graph out with Graphviz ``dot`` and return the SVG; raises ``GraphvizNotFoundError`` without it."""
        from .dot import draw_svg

        return draw_svg(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        from .dot import mimebundle

        return mimebundle(self, include=include, exclude=exclude)

    def __repr__(self) -> str:
        return f"Graph({self.name!r}, nodes={list(self.nodes)}, edges={len(self.edges)})"


def _single_node(graph: Graph, *, incoming: bool, exclude: Sequence[str] = ()) -> Node | None:
    """langchain_core's ``_first_node`` (``incoming=True``) and ``_last_node``."""
    if incoming:
        linked = {e.target for e in graph.edges if e.source not in exclude}
    else:
        linked = {e.source for e in graph.edges if e.target not in exclude}
    found = [n for n in graph.nodes.values() if n.id not in exclude and n.id not in linked]
    return found[0] if len(found) == 1 else None

