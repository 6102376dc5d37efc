"""Stream output of a run: chunks queued for the consumer and passed up to a parent streaming subgraphs."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any

from ..checkpoint.base import EXCLUDED_METADATA_KEYS
from . import _events
from ._algo import read_values
from ._channels import MISSING

if TYPE_CHECKING:
    from .main import Pregel

__all__ = ["EmitMixin", "shown_update"]


class EmitMixin:
    """Part of :class:`._loop.Run`: how its chunks reach the consumer (``out``) and a forwarding parent."""

    graph: "Pregel"
    namespace: tuple[str, ...]
    own_modes: frozenset[str]
    modes: frozenset[str]
    forward: Any  # the parent Run when it streams subgraphs=True, else None
    out: deque[tuple[tuple[str, ...], str, Any]]
    output_keys: tuple[str, ...]
    _output_key_set: frozenset[str]
    channels: dict[str, Any]
    config: dict[str, Any]
    store: Any  # the run's Checkpointing
    _wake: SimpleQueue | None

    def _emit(self, mode: str, chunk: Any) -> None:
        self._deliver(self.namespace, mode, chunk)

    def _deliver(self, namespace: tuple[str, ...], mode: str, chunk: Any) -> None:
        """Queue a chunk for this run's consumer and pass it up to a parent streaming ``subgraphs=True``."""
        if mode in self.own_modes:
            self.out.append((namespace, mode, chunk))
            wake = self._wake
            if wake is not None:
                wake.put(None)
        if self.forward is not None and mode in self.forward.modes:
            self.forward._deliver(namespace, mode, chunk)

    def _emit_values(self) -> None:
        if "values" in self.modes:
            self._emit("values", self._output(self.channels))

    def _emit_values_if_written(self, tasks: list[Any]) -> None:
        """``values`` after a step whose tasks wrote an output key."""
        keys = self._output_key_set
        for task in tasks:  # loops, not any(<genexpr>): this runs every step
            for key, _ in task.writes:
                if key in keys:
                    self._emit_values()
                    return

    def _output(self, channels: dict[str, Any]) -> Any:
        """The graph's output: a dict of output keys, or one channel's bare value (``@entrypoint``)."""
        single = self.graph.output_channel
        if single is not None:
            value = channels[single].value
            return None if value is MISSING else value
        return read_values(channels, self.output_keys)

    def _task_start(self, task: Any) -> dict[str, Any]:
        """The start event of ``task`` (``tasks``/``debug``), with the user part of its config's metadata and its
        tags under ``metadata`` when there are any, as LangGraph 1.2."""
        payload = _events.task_start(task)
        metadata = (self.store._task_base or self.store.shared_task_config())[2]
        if task.node.metadata:
            metadata = {**metadata, **task.node.metadata}
        shown = {k: v for k, v in metadata.items() if k not in EXCLUDED_METADATA_KEYS}
        tags = [t for t in self.config.get("tags") or () if not t.startswith("seq:step")]
        if tags:
            shown["tags"] = tags
        if shown:
            payload["metadata"] = shown
        return payload

    def _emit_task_event(self, kind: str, step: int, payload: dict[str, Any]) -> None:
        self._emit("tasks", payload)
        if "debug" in self.modes:
            self._emit("debug", _events.debug(step, kind, payload))

    def _custom_writer(self, chunk: Any) -> None:
        self._emit("custom", chunk)

    def _drain(self) -> Iterator[tuple[tuple[str, ...], str, Any]]:
        out = self.out
        while out:
            yield out.popleft()


def shown_update(update: Any, graph: "Pregel") -> Any:
    """A node's ``updates`` chunk: ``None`` when it wrote no state key (LangGraph 1.2), rather than ``{}``; a graph
    with a single output channel (an ``@entrypoint``, a non-dict state) shows the value itself, ``{}`` too."""
    return update if update or type(update) is not dict or graph.output_channel is not None else None
