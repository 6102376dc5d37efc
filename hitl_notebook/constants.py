"""Reserved names shared by the engine, mirroring ``langgraph.constants``."""

from __future__ import annotations

import sys
from typing import Final

__all__ = ["START", "END", "TAG_HIDDEN", "TAG_NOSTREAM"]

START: Final = sys.intern("__start__")
"""The first (virtual) node of every graph."""
END: Final = sys.intern("__end__")
"""The last (virtual) node of every graph."""
TAG_HIDDEN: Final = sys.intern("langsmith:hidden")
TAG_NOSTREAM: Final = sys.intern("nostream")

# Private channel and write names (LangGraph spells them the same way).
INTERRUPT: Final = sys.intern("__interrupt__")
RESUME: Final = sys.intern("__resume__")
ERROR: Final = sys.intern("__error__")
ERROR_SOURCE_NODE: Final = sys.intern("__error_source_node__")
"""Saved next to ``ERROR`` when the failed node's error handler took over (the value is the node's name)."""
TASKS: Final = sys.intern("__pregel_tasks")
RETURN: Final = sys.intern("__return__")
NO_WRITES: Final = sys.intern("__no_writes__")
PULL: Final = sys.intern("__pregel_pull")
PUSH: Final = sys.intern("__pregel_push")
NULL_TASK_ID: Final = "00000000-0000-0000-0000-000000000000"
NS_SEP: Final = "|"
NS_END: Final = ":"
RESERVED_CHARS: Final = (NS_SEP, NS_END)
DEFAULT_RECURSION_LIMIT: Final = 10007
