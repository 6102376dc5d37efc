"""``draw_mermaid_png()`` / ``draw_png()``: the PNG the tutorials display, drawn locally with Graphviz.

LangGraph's ``draw_mermaid_png()`` posts the Mermaid source to the mermaid.ink web service (offline it raises
``ValueError``), and its ``draw_png()`` needs pygraphviz. Here both lay the graph out with Graphviz ``dot``, as the
notebook drawing does, so ``display(Image(graph.get_graph().draw_mermaid_png()))`` works offline; the picture is
Graphviz's layout, not Mermaid's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._model import Graph


def draw_png(graph: "Graph", output_file_path: str | Path | None = None) -> bytes:
    """The PNG bytes of ``graph``, also written to ``output_file_path`` when given.

    Raises:
        GraphvizNotFoundError: Graphviz's ``dot`` is not installed (the message says how to install it).
    """
    from .dot import render

    data: bytes = render(graph, "png")
    if output_file_path is not None:
        Path(output_file_path).write_bytes(data)
    return data


IGNORED_MERMAID_OPTIONS = frozenset({
    "draw_method", "background_color", "padding", "max_retries", "retry_delay", "frontmatter_config", "base_url",
    "proxies",
})
"""``draw_mermaid_png`` keywords about reaching or styling the Mermaid renderer: accepted, and not used here."""


def check_mermaid_png_options(options: dict[str, Any]) -> None:
    """``TypeError`` for a keyword ``draw_mermaid_png`` does not take (LangChain's signature)."""
    unknown = sorted(set(options) - IGNORED_MERMAID_OPTIONS)
    if unknown:
        raise TypeError(f"draw_mermaid_png() got unexpected keyword argument(s): {', '.join(unknown)}")
