"""The typed output of ``stream(..., version="v2")`` and ``invoke(..., version="v2")``, as ``langgraph.types``.

LangGraph 1.1 added ``version="v2"``: each streamed chunk is a ``StreamPart`` dict (``type``, ``ns``, ``data``, and
``interrupts`` for ``values``), and ``invoke`` returns a ``GraphOutput``. Re-exported from ``hitl_notebook.types``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypedDict, TypeVar

from .warnings import LangGraphDeprecatedSinceV11

if TYPE_CHECKING:
    from .types import Interrupt

OutputT = TypeVar("OutputT")

_INTERRUPT = "__interrupt__"
_ITEM_ACCESS = ("Accessing GraphOutput via `{how}` is deprecated. Use `result.value` to access the output value "
                "directly, or `result.interrupts` for interrupts.")


@dataclass(frozen=True)
class GraphOutput(Generic[OutputT]):
    """What ``invoke(..., version="v2")`` returns: the final ``value`` and the ``interrupts`` it paused on.

    ``result[key]`` and ``key in result`` still work (``"__interrupt__"`` too) but warn, as in LangGraph 1.2.
    """

    value: OutputT
    interrupts: tuple[Interrupt, ...] = ()

    def __getitem__(self, key: str) -> Any:
        warnings.warn(_ITEM_ACCESS.format(how="result[key]"), LangGraphDeprecatedSinceV11, stacklevel=2)
        if key == _INTERRUPT:
            return self.interrupts
        if isinstance(self.value, dict):
            return self.value[key]
        try:
            return getattr(self.value, key)
        except AttributeError:
            raise KeyError(key) from None

    def __contains__(self, key: object) -> bool:
        warnings.warn(_ITEM_ACCESS.format(how="key in result"), LangGraphDeprecatedSinceV11, stacklevel=2)
        if key == _INTERRUPT:
            return bool(self.interrupts)
        if isinstance(self.value, dict):
            return key in self.value
        return isinstance(key, str) and hasattr(self.value, key)


class ValuesStreamPart(TypedDict):
    """``stream_mode="values"``: the state after a step, and the interrupts it paused on."""

    type: Literal["values"]
    ns: tuple[str, ...]
    data: Any
    interrupts: tuple[Interrupt, ...]


class UpdatesStreamPart(TypedDict):
    """``stream_mode="updates"``: ``{node: update}`` (or ``{"__interrupt__": (...)}``)."""

    type: Literal["updates"]
    ns: tuple[str, ...]
    data: dict[str, Any]


class MessagesStreamPart(TypedDict):
    """``stream_mode="messages"``: ``(message chunk, metadata)``."""

    type: Literal["messages"]
    ns: tuple[str, ...]
    data: tuple[Any, dict[str, Any]]


class CustomStreamPart(TypedDict):
    """``stream_mode="custom"``: what a node passed to its stream writer."""

    type: Literal["custom"]
    ns: tuple[str, ...]
    data: Any


class CheckpointStreamPart(TypedDict):
    """``stream_mode="checkpoints"``: a saved checkpoint, shaped like ``get_state``."""

    type: Literal["checkpoints"]
    ns: tuple[str, ...]
    data: dict[str, Any]


class TasksStreamPart(TypedDict):
    """``stream_mode="tasks"``: a task's start or its result."""

    type: Literal["tasks"]
    ns: tuple[str, ...]
    data: dict[str, Any]


class DebugStreamPart(TypedDict):
    """``stream_mode="debug"``: checkpoint and task events wrapped with ``step``, ``timestamp`` and ``type``."""

    type: Literal["debug"]
    ns: tuple[str, ...]
    data: dict[str, Any]


StreamPart = (ValuesStreamPart | UpdatesStreamPart | MessagesStreamPart | CustomStreamPart | CheckpointStreamPart
              | TasksStreamPart | DebugStreamPart)
"""One chunk of a ``version="v2"`` stream; tell them apart by ``part["type"]``."""
