"""Draw compiled graphs: LangGraph-compatible nodes and edges, mermaid text, Graphviz SVG and live node status.

Nothing here imports IPython or ipywidgets: the notebook views consume the strings this package produces.
"""

from ._build import build_graph
from ._mixin import DrawableGraphMixin
from ._model import Edge, Graph, Node
from .dot import INSTALL_HINT, GraphvizNotFoundError, draw_svg, svg_img, to_digraph
from .mermaid import CurveStyle, NodeStyles, draw_mermaid
from .status import NodeStatus, StatusView

__all__ = [
    "INSTALL_HINT",
    "CurveStyle",
    "DrawableGraphMixin",
    "Edge",
    "Graph",
    "GraphvizNotFoundError",
    "Node",
    "NodeStatus",
    "NodeStyles",
    "StatusView",
    "build_graph",
    "draw_mermaid",
    "draw_svg",
    "svg_img",
    "to_digraph",
]
