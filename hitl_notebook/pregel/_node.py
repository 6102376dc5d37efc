"""What the engine needs to know about a node, independent of how the graph was declared."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..types import RetryPolicy

Writes = list[tuple[str, Any]]


@dataclass(slots=True, eq=False)
class PregelNode:
    """A node as the engine runs it.

    ``read`` turns the step's state values into the node's input; ``call`` runs the user's code; ``write`` maps
    its result to writes (state keys plus trigger channels for the edges it fires) and the value shown in
    ``updates``. ``update_state(as_node=...)`` uses ``write`` alone.
    """

    name: str
    triggers: tuple[str, ...]
    read: Callable[[dict[str, Any]], Any]
    call: Callable[[Any, dict[str, Any]], Any]
    write: Callable[[Any, dict[str, Any]], tuple[Writes, Any]]
    deferred: bool = False
    hidden: bool = False
    is_async: bool = False
    retry_policy: Sequence[RetryPolicy] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    subgraph: Any = None
    cache: Any = None
    """A ``NodeCache`` when the node has a cache policy (used only if the graph was compiled with a cache)."""
    error_handler: str | None = None
    """The node that runs, in the same step and on the same input, when this one fails."""
    managed: bool = False  # its reader adds managed values (RemainingSteps), so the loop publishes the step budget

    def run(self, value: Any, config: dict[str, Any]) -> tuple[Writes, Any]:
        return self.write(self.call(value, config), config)
