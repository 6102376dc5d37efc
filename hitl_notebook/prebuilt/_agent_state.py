"""The state schemas of ``create_react_agent`` (deprecated in LangGraph 1.0 in favour of ``langchain.agents``)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Annotated, Any

from langchain_core.messages import BaseMessage
from pydantic import BaseModel
from typing_extensions import NotRequired, TypedDict, deprecated

from ..graph.message import add_messages
from ..managed import RemainingSteps
from ..warnings import LangGraphDeprecatedSinceV10

__all__ = [
    "AgentState", "AgentStatePydantic", "AgentStateWithStructuredResponse",
    "AgentStateWithStructuredResponsePydantic", "StructuredResponse",
]

StructuredResponse = dict | BaseModel


@deprecated(
    "AgentState has been moved to `langchain.agents`. Please update your import to "
    "`from langchain.agents import AgentState`.",
    category=LangGraphDeprecatedSinceV10,
)
class AgentState(TypedDict):
    """The agent's state: the conversation and the steps left before the recursion limit."""

    messages: Annotated[Sequence[BaseMessage], add_messages]
    remaining_steps: NotRequired[RemainingSteps]


@deprecated(
    "AgentStatePydantic has been deprecated in favor of AgentState in `langchain.agents`.",
    category=LangGraphDeprecatedSinceV10,
)
class AgentStatePydantic(BaseModel):
    """``AgentState`` as a pydantic model."""

    messages: Annotated[Sequence[BaseMessage], add_messages]
    remaining_steps: RemainingSteps = 25


with warnings.catch_warnings():  # subclassing a deprecated class warns; these definitions are ours
    warnings.simplefilter("ignore", LangGraphDeprecatedSinceV10)

    @deprecated(
        "AgentStateWithStructuredResponse has been deprecated in favor of AgentState in `langchain.agents`.",
        category=LangGraphDeprecatedSinceV10,
    )
    class AgentStateWithStructuredResponse(AgentState):
        """``AgentState`` plus the final ``structured_response`` (with ``response_format``)."""

        structured_response: StructuredResponse

    @deprecated(
        "AgentStateWithStructuredResponsePydantic has been deprecated in favor of AgentState in `langchain.agents`.",
        category=LangGraphDeprecatedSinceV10,
    )
    class AgentStateWithStructuredResponsePydantic(AgentStatePydantic):
        """``AgentStatePydantic`` plus the final ``structured_response``."""

        structured_response: StructuredResponse


def state_value(state: Any, key: str, default: Any = None) -> Any:
    """``state[key]`` for dict states, ``state.key`` for models."""
    return state.get(key, default) if isinstance(state, dict) else getattr(state, key, default)
