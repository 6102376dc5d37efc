"""What the superstep loop looks up about a compiled graph, computed once per graph rather than once per step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..constants import START

if TYPE_CHECKING:
    from ._node import PregelNode


class StructureMixin:
    """Indexes over ``Pregel.nodes`` for the loop; built on first use (nodes are added after ``__init__``)."""

    nodes: dict[str, "PregelNode"]
    state_keys: tuple[str, ...]
    state_key_set: frozenset[str]
    output_channel: str | None
    _index: Any

    @property
    def trigger_index(self) -> dict[str, tuple[str, ...]]:
        """Channel -> nodes it triggers, so a step only looks at nodes whose triggers changed."""
        return self._indexes()[0]

    @property
    def deferred_nodes(self) -> tuple[str, ...]:
        return self._indexes()[1]

    @property
    def result_keys(self) -> frozenset[str]:
        """Channels shown in a task's ``result`` (the output channel alone for an ``@entrypoint``)."""
        return frozenset((self.output_channel,)) if self.output_channel else self.state_key_set

    @property
    def node_order(self) -> dict[str, int]:
        return self._indexes()[2]

    @property
    def read_keys(self) -> tuple[str, ...]:
        return (*self.state_keys, START)

    def _indexes(self) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...], dict[str, int]]:
        if self._index is None:
            index: dict[str, list[str]] = {}
            for node in self.nodes.values():
                for trigger in node.triggers:
                    index.setdefault(trigger, []).append(node.name)
            deferred = tuple(n.name for n in self.nodes.values() if n.deferred)
            order = {name: i for i, name in enumerate(self.nodes)}
            self._index = ({k: tuple(v) for k, v in index.items()}, deferred, order)
        return self._index
