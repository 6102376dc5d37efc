"""The deprecated human-in-the-loop payload types of ``langgraph.prebuilt.interrupt`` (LangGraph 1.2).

They are plain ``TypedDict``s: building one gives a dict. As in LangGraph, all but ``HumanResponse`` warn
(``LangGraphDeprecatedSinceV10``) that they moved to ``langchain.agents.interrupt``.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict, deprecated

from ..warnings import LangGraphDeprecatedSinceV10

__all__ = ["ActionRequest", "HumanInterrupt", "HumanInterruptConfig", "HumanResponse"]


def _moved(name: str) -> str:
    return (
        f"{name} has been moved to `langchain.agents.interrupt`. Please update your import to "
        f"`from langchain.agents.interrupt import {name}`."
    )


@deprecated(_moved("HumanInterruptConfig"), category=LangGraphDeprecatedSinceV10)
class HumanInterruptConfig(TypedDict):
    """Which answers the human may give: ignore, respond with text, edit the arguments, accept."""

    allow_ignore: bool
    allow_respond: bool
    allow_edit: bool
    allow_accept: bool


@deprecated(_moved("ActionRequest"), category=LangGraphDeprecatedSinceV10)
class ActionRequest(TypedDict):
    """The action to review: its name (``action``) and its arguments (``args``)."""

    action: str
    args: dict


@deprecated(_moved("HumanInterrupt"), category=LangGraphDeprecatedSinceV10)
class HumanInterrupt(TypedDict):
    """An ``interrupt()`` payload asking a human to review ``action_request`` under ``config``."""

    action_request: ActionRequest
    config: HumanInterruptConfig
    description: str | None


class HumanResponse(TypedDict):
    """The resume value: ``type`` is accept / ignore / response / edit; ``args`` is None, text or an ActionRequest."""

    type: Literal["accept", "ignore", "response", "edit"]
    args: None | str | ActionRequest
