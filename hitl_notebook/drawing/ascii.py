"""``draw_ascii()`` / ``print_ascii()``: the graph as ASCII art, as LangGraph's (and LangChain's) graphs draw it.

The layout is grandalf's and the drawing langchain-core's, both imported only when asked for: like LangGraph,
drawing without grandalf raises ``ImportError`` with LangGraph's message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._model import Graph

NO_GRANDALF = "Install grandalf to draw graphs: `pip install grandalf`."


def draw_ascii(graph: "Graph") -> str:
    """The ASCII art of ``graph``'s nodes (by name) and edges (dotted when conditional).

    Raises:
        ImportError: grandalf (LangGraph's message) or langchain-core is not installed.
    """
    try:
        import grandalf  # noqa: F401  (checked first, so the message is LangGraph's)
    except ImportError:
        raise ImportError(NO_GRANDALF) from None
    try:
        from langchain_core.runnables.graph_ascii import draw_ascii as render
    except ImportError:
        raise ImportError(
            "Drawing a graph as ASCII needs langchain-core as well: `pip install langchain-core grandalf`."
        ) from None
    return render({node.id: node.name for node in graph.nodes.values()}, graph.edges)
