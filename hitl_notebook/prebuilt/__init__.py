"""Prebuilt agent pieces, as ``langgraph.prebuilt`` (langgraph-prebuilt 1.1): ``ToolNode``, ``tools_condition``,
``create_react_agent`` and the tool-argument injections. This module needs langchain-core (``hitl_notebook[agents]``).
"""

from .chat_agent_executor import create_react_agent
from .tool_node import InjectedState, InjectedStore, ToolNode, ToolRuntime, tools_condition

__all__ = ["create_react_agent", "ToolNode", "tools_condition", "InjectedState", "InjectedStore", "ToolRuntime"]
