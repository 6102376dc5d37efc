"""hitl_notebook: LangGraph-style graphs with a human in the loop, at home in Jupyter."""

from .constants import END, START
from .graph import StateGraph
from .types import Command, Interrupt, Send, interrupt

__version__ = "0.1.0"

__all__ = ["END", "START", "Command", "Interrupt", "Send", "StateGraph", "interrupt", "__version__"]
