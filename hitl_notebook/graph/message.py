"""Chat messages in graph state: the ``add_messages`` reducer and ``MessagesState``, as ``langgraph.graph.message``.

The message classes are langchain-core's (install ``hitl_notebook[agents]``); this module is the only engine
module that imports langchain_core at import time, and ``hitl_notebook.graph`` loads it on first use only.
"""

from __future__ import annotations

import uuid
from functools import partial
from operator import attrgetter
from typing import Annotated, Any, Literal

from typing_extensions import TypedDict

try:
    from langchain_core.messages import (
        AnyMessage,
        BaseMessage,
        BaseMessageChunk,
        MessageLikeRepresentation,
        RemoveMessage,
        convert_to_messages,
        message_chunk_to_message,
    )
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "hitl_notebook.graph.message needs langchain-core for its message classes. "
        "Install it with: pip install 'hitl_notebook[agents]'"
    ) from exc

__all__ = ["add_messages", "MessagesState", "REMOVE_ALL_MESSAGES"]

Messages = list[MessageLikeRepresentation] | MessageLikeRepresentation

REMOVE_ALL_MESSAGES = "__remove_all__"
"""``RemoveMessage(id=REMOVE_ALL_MESSAGES)`` clears the history; messages after it in the same update are kept."""


def _merge(left: Messages, right: Messages, *, format: Literal["langchain-openai"] | None = None) -> list[Any]:
    left_list = _as_messages(left if isinstance(left, list) else [left])
    right_list = _as_messages(right if isinstance(right, list) else [right])
    # The history's ids in one C-level pass (this runs at every step on a growing list).
    ids = list(map(_get_id, left_list))
    if None in ids:
        for message in left_list:
            if message.id is None:
                message.id = str(uuid.uuid4())
        ids = list(map(_get_id, left_list))
    cut: int | None = None
    for position, message in enumerate(right_list):
        if message.id is None:
            message.id = str(uuid.uuid4())
        if isinstance(message, RemoveMessage) and message.id == REMOVE_ALL_MESSAGES:
            cut = position  # the last one wins
    if cut is not None:
        return right_list[cut + 1:]  # as LangGraph 1.2: returned before `format` is applied

    merged = list(left_list)
    position_of = dict(zip(ids, range(len(ids))))
    removed: set[str] = set()
    for message in right_list:
        at = position_of.get(message.id)
        if at is None:
            if isinstance(message, RemoveMessage):
                raise ValueError(f"Attempting to delete a message with an ID that doesn't exist ('{message.id}')")
            position_of[message.id] = len(merged)
            merged.append(message)
        elif isinstance(message, RemoveMessage):
            removed.add(message.id)
        else:
            removed.discard(message.id)  # removed and then re-added in the same update: it stays
            merged[at] = message
    if removed:
        merged = [m for m in merged if m.id not in removed]
    if format == "langchain-openai":
        from langchain_core.messages import convert_to_openai_messages

        return convert_to_messages(convert_to_openai_messages(merged))
    if format:
        raise ValueError(f"Unrecognized {format=}. Expected one of 'langchain-openai', None.")
    return merged


_get_id = attrgetter("id")


def _as_messages(items: list[Any]) -> list[Any]:
    """Messages as they are; dicts, ``(role, content)`` tuples and strings converted; chunks made whole."""
    kinds = set(map(type, items))
    if all(issubclass(k, BaseMessage) and not issubclass(k, BaseMessageChunk) for k in kinds):
        return items  # a long history is all plain messages: nothing to convert
    return [message_chunk_to_message(m) for m in convert_to_messages(items)]


def add_messages(
    left: Messages | None = None,
    right: Messages | None = None,
    **kwargs: Any,
) -> Any:
    """Merge ``right`` into ``left``: append new messages, replace those whose id matches, apply removals.

    As LangGraph 1.2: messages without an id get a ``uuid4`` id (both sides); ``RemoveMessage(id=...)`` deletes
    that message (``ValueError`` if no such id); ``RemoveMessage(id=REMOVE_ALL_MESSAGES)`` drops everything
    before it; dicts, ``(role, content)`` tuples and strings become messages, chunks become whole messages.
    ``format="langchain-openai"`` returns contents in OpenAI's shape. Called with only keyword arguments
    (``add_messages(format=...)``) it returns the configured reducer for ``Annotated[list, ...]``.

    Raises ``ValueError`` when exactly one of ``left`` and ``right`` is given.
    """
    if left is not None and right is not None:
        return _merge(left, right, **kwargs)
    if left is None and right is None:
        return partial(_merge, **kwargs)
    raise ValueError(
        "Must specify non-null arguments for both 'left' and 'right'. Only "
        f"received: '{'left' if left else 'right'}'."
    )


class MessagesState(TypedDict):
    """A state holding one ``messages`` list merged with ``add_messages``."""

    messages: Annotated[list[AnyMessage], add_messages]

