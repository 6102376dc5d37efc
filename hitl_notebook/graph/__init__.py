"""Build graphs: ``StateGraph`` plus the ``START``/``END`` sentinels, as in ``langgraph.graph``."""

from ..constants import END, START
from ._compile import CompiledStateGraph
from .state import StateGraph

__all__ = ["END", "START", "CompiledStateGraph", "StateGraph"]
