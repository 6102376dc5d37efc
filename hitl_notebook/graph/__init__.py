"""Build graphs: ``StateGraph`` plus the ``START``/``END`` sentinels, as in ``langgraph.graph``.

``MessagesState`` and ``add_messages`` are re-exported lazily: they need langchain-core, which this package only
imports when a program asks for them.
"""

from typing import Any

from ..constants import END, START
from ._compile import CompiledStateGraph
from .state import StateGraph

__all__ = ["END", "START", "CompiledStateGraph", "StateGraph", "MessagesState", "add_messages"]

_LAZY = frozenset({"MessagesState", "add_messages"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import message

        return getattr(message, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
