"""``build_graph``: the drawable graph of a compiled graph, with the nodes and edges LangGraph's ``get_graph`` finds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..constants import END, START
from ._dryrun import Channel, NodeWrites, barrier, deferred, dry_run, ephemeral
from ._model import Graph

__all__ = ["build_graph"]


def build_graph(compiled: Any, xray: bool | int = False) -> Graph:
    """Nodes and edges of ``compiled`` (a compiled ``StateGraph`` or ``@entrypoint``), as LangGraph draws them.

    ``xray=True`` (or a depth) inlines subgraph nodes: their nodes get ids ``<node>:<child>`` and the parent's
    edges are rewired into the child's first node and out of its ``__end__``.
    """
    builder = getattr(compiled, "builder", None)
    nodes, channels, data = _from_builder(compiled, builder) if builder is not None else _from_nodes(compiled)
    run = dry_run(nodes, channels, START)
    graph = Graph(name=getattr(compiled, "name", None) or "LangGraph")
    for name in nodes:
        if name == START:
            graph.add_node(data.get(name), name)
            continue
        metadata = dict(_user_metadata(builder, name))
        if nodes[name].defer:
            metadata["defer"] = True
        where = _breakpoint(compiled, name, langgraph_quirk=True)
        if where:
            metadata["__interrupt"] = where
        tools = getattr(data.get(name), "tools_by_name", None)
        if isinstance(tools, Mapping) and tools:
            metadata["__tools"] = list(tools)
        graph.add_node(data.get(name), name, metadata=metadata or None)
        if where := _breakpoint(compiled, name, langgraph_quirk=False):
            graph.breakpoints[name] = where
    if START not in nodes:
        graph.add_node(None, START)
        for task in run.start_tasks:
            _add_edge(graph, START, task)
    edges = sorted(run.edges, key=lambda e: (e.source, e.target, e.conditional, e.data is not None, e.data or ""))
    for src, dest, conditional, label in edges:
        _add_edge(graph, src, dest, data=label if label != dest else None, conditional=conditional)
    termini = {e.target for e in edges if e.target != END} - {e.source for e in edges}
    if termini:
        for src in sorted(termini):
            _add_edge(graph, src, END)
    elif len(run.last_sources) == 1 and not any(e.target == END for e in edges):
        _add_edge(graph, run.last_sources[0], END, conditional=True)
    if xray:
        _inline_subgraphs(graph, compiled, builder, xray)
    return graph


def _from_builder(compiled: Any, builder: Any) -> tuple[dict[str, NodeWrites], dict[str, Channel], dict[str, Any]]:
    """The trigger channels and static writes LangGraph's ``CompiledStateGraph`` would have for ``builder``."""
    specs = builder.nodes
    triggers: dict[str, list[str]] = {name: [f"branch:to:{name}"] for name in specs}
    writes: dict[str, list[tuple[str, Any]]] = {name: [] for name in (START, *specs)}
    declared: dict[str, list[tuple[str, str | None]]] = {name: [] for name in (START, *specs)}
    channels: dict[str, Channel] = {START: ephemeral()}
    for name, spec in specs.items():
        channels[f"branch:to:{name}"] = deferred() if spec.defer else ephemeral()
        ends = spec.ends.items() if isinstance(spec.ends, dict) else ((end, None) for end in spec.ends)
        declared[name].extend((_channel(end), label) for end, label in ends)
    for start, end in builder.edges:
        if end != END:
            writes[start].append((f"branch:to:{end}", None))
    for starts, end in builder.waiting_edges:
        key = f"join:{'+'.join(starts)}:{end}"
        channels[key] = barrier(starts, defer=specs[end].defer)
        triggers[end].append(key)
        for start in starts:
            writes[start].append((key, start))
    for source, branches in builder.branches.items():
        for branch in branches.values():
            if branch.ends:
                declared[source].extend((_channel(end), str(key)) for key, end in branch.ends.items())
    nodes = {START: NodeWrites(triggers=(START,), writes=tuple(writes[START]), declared=tuple(declared[START]))}
    for name, spec in specs.items():
        nodes[name] = NodeWrites(triggers=tuple(triggers[name]), writes=tuple(writes[name]),
                                 declared=tuple(declared[name]), defer=spec.defer)
    data = {name: spec.action for name, spec in specs.items()}
    data[START] = getattr(compiled, "nodes", {}).get(START)
    return nodes, channels, data


def _from_nodes(compiled: Any) -> tuple[dict[str, NodeWrites], dict[str, Channel], dict[str, Any]]:
    """A graph without a builder (``@entrypoint``): its nodes and their triggers, with no declared writes."""
    nodes = {name: NodeWrites(triggers=tuple(node.triggers), defer=bool(getattr(node, "deferred", False)))
             for name, node in compiled.nodes.items()}
    channels = {t: ephemeral() for node in nodes.values() for t in node.triggers}
    channels.setdefault(START, ephemeral())
    return nodes, channels, {name: node for name, node in compiled.nodes.items()}


def _channel(target: str) -> str:
    return target if target == END else f"branch:to:{target}"


def _user_metadata(builder: Any, name: str) -> dict[str, Any]:
    spec = builder.nodes.get(name) if builder is not None else None
    return (spec.metadata if spec is not None else None) or {}


def _breakpoint(compiled: Any, name: str, *, langgraph_quirk: bool) -> str | None:
    """``"before"``, ``"after"`` or ``"before,after"``.

    With ``langgraph_quirk`` a ``"*"`` breakpoint counts for no node: LangGraph tests ``name in "*"`` here.
    """

    def hit(value: Any) -> bool:
        if value == "*":
            return not langgraph_quirk or name in "*"
        return name in (value or ())

    before, after = hit(getattr(compiled, "interrupt_before", None)), hit(getattr(compiled, "interrupt_after", None))
    return ",".join(w for w, on in (("before", before), ("after", after)) if on) or None


def _add_edge(graph: Graph, source: str, target: str, *, data: str | None = None, conditional: bool = False) -> None:
    """LangGraph's ``add_edge``: keep the first edge per (source, target); create ``__end__`` on first use."""
    if any(e.source == source and e.target == target for e in graph.edges):
        return
    if target == END and target not in graph.nodes:
        graph.add_node(None, END)
    graph.add_edge(graph.nodes[source], graph.nodes[target], data, conditional)


def _subgraphs(compiled: Any, builder: Any) -> list[tuple[str, Any]]:
    if builder is not None:
        found = [(name, spec.subgraph) for name, spec in builder.nodes.items()]
    else:
        found = [(name, getattr(node, "subgraph", None)) for name, node in compiled.nodes.items()]
    # LangGraph skips subgraphs compiled with checkpointer=False
    return [(n, s) for n, s in found if s is not None and getattr(s, "checkpointer", None) is not False]


def _inline_subgraphs(graph: Graph, compiled: Any, builder: Any, xray: bool | int) -> None:
    depth = xray if isinstance(xray, bool) or xray <= 0 else xray - 1
    for name, sub in _subgraphs(compiled, builder):
        child = build_graph(sub, xray=depth)
        if len(child.nodes) <= 1 or name not in graph.nodes or not child.first_node() or not child.last_node():
            continue
        child.trim_first_node()
        child.trim_last_node()
        graph.nodes.pop(name)
        graph.breakpoints.pop(name, None)
        first, last = graph.extend(child, prefix=name)
        for index, edge in enumerate(graph.edges):
            if edge.source == name and last is not None:
                edge = edge.copy(source=last.id)
            if edge.target == name and first is not None:
                edge = edge.copy(target=first.id)
            graph.edges[index] = edge
