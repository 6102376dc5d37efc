"""``DrawableGraphMixin``: ``get_graph()`` and the notebook display hook for ``Pregel``."""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from ._build import build_graph
from ._model import Graph
from .dot import mimebundle

__all__ = ["DrawableGraphMixin"]


class DrawableGraphMixin:
    """Adds drawing to a compiled graph; a compiled graph shown as a cell's last expression draws itself."""

    def get_graph(self, config: dict[str, Any] | None = None, *, xray: bool | int = False) -> Graph:
        """The drawable graph (nodes, edges, ``draw_mermaid()``, ``draw_svg()``), matching LangGraph's.

        ``xray=True`` (or a depth) inlines subgraph nodes. ``config`` is accepted for compatibility.
        """
        return build_graph(self, xray=xray)

    def _repr_mimebundle_(self, include: Container[str] | None = None,
                          exclude: Container[str] | None = None) -> dict[str, str]:
        """SVG when Graphviz is installed, else the install hint and mermaid text; never raises."""
        try:
            return mimebundle(self.get_graph(), include, exclude, text=repr(self))
        except Exception as exc:  # the display hook must not bury the cell under a traceback
            return {"text/plain": f"{self!r}\n(could not draw the graph: {type(exc).__name__}: {exc})"}
