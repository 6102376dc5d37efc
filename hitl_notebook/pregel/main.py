"""``Pregel``: the runnable graph behind ``CompiledStateGraph`` and ``@entrypoint``."""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..constants import DEFAULT_RECURSION_LIMIT, INTERRUPT, START
from ..errors import GraphInterrupt, ParentCommand
from ..types import Command, StateSnapshot, StreamMode
from . import _async, _cache, _jsonschema, _state
from ._algo import classify_writes
from ._channels import Channel
from ._context import running_task
from ._loop import Run, _names
from ._node import PregelNode

_MODES = frozenset({"values", "updates", "custom", "tasks", "debug", "checkpoints", "messages"})


def _default_recursion_limit() -> int:
    return int(os.environ.get("LANGGRAPH_DEFAULT_RECURSION_LIMIT", DEFAULT_RECURSION_LIMIT))


class Pregel:
    """A compiled graph: nodes reading and writing channels in supersteps."""

    stream_mode: StreamMode = "updates"
    output_channel: str | None = None
    """Set when the output is one channel's value rather than a dict of state keys (``@entrypoint``)."""
    step_timeout: float | None = None  # seconds a superstep may take before the run raises TimeoutError
    streams_calls = False  # True for @entrypoint: the updates of its @task calls stream as each one finishes
    input_type: Any = Any  # the input and output value types of an @entrypoint, for its JSON Schemas
    output_type: Any = Any

    def __init__(
        self,
        *,
        channels: dict[str, Channel],
        state_keys: Sequence[str],
        input_keys: Sequence[str],
        output_keys: Sequence[str],
        checkpointer: Any = None,
        store: Any = None,
        cache: Any = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        debug: bool = False,
        name: str = "LangGraph",
    ) -> None:
        if checkpointer is True:
            raise RuntimeError("checkpointer=True cannot be used for root graphs.")
        self.channels = channels
        self.nodes: dict[str, PregelNode] = {}
        self.state_keys = tuple(state_keys)
        self.state_key_set = frozenset(self.state_keys)
        self.input_keys = tuple(input_keys)
        self.output_keys = tuple(output_keys)
        self.checkpointer = checkpointer
        self.store = store
        self.cache = cache
        self.interrupt_before = _names(interrupt_before)
        self.interrupt_after = _names(interrupt_after)
        self.debug = debug
        self.name = name
        self.recursion_limit = _default_recursion_limit()
        self._index: tuple[dict[str, tuple[str, ...]], tuple[str, ...], dict[str, int]] | None = None

    # -- structure used by the loop ----------------------------------------------------------------------------

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

    # -- running -----------------------------------------------------------------------------------------------

    def stream(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        stream_mode: StreamMode | Sequence[StreamMode] | None = None,
        output_keys: str | Sequence[str] | None = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        durability: str | None = None,
        subgraphs: bool = False,
        debug: bool | None = None,
        custom_source: bool = False,
        **kwargs: Any,
    ) -> Iterator[Any]:
        """Run the graph, yielding chunks in the requested ``stream_mode`` (``"updates"`` by default), as LangGraph.

        As in LangGraph, a superstep's ``tasks`` start events are yielded before any of its tasks runs, so a
        consumer that closes the stream on one (``break``) stops the run before that superstep; the checkpoints of
        the finished supersteps are saved first.

        ``custom_source=True`` is this engine's one extension for observers such as the notebook view (LangGraph
        has no such keyword): each ``custom`` chunk arrives as ``(task_id, chunk)``, where ``task_id`` is the ``id``
        of the root-graph task that wrote it (as in the ``tasks`` events), so output of parallel nodes can be shown
        under the node that wrote it.
        """
        cancel = kwargs.pop("_cancel", None)  # engine-internal: the async bridge stops the run through it
        tag_custom = bool(custom_source)
        _check_options(kwargs)
        mode = stream_mode if stream_mode is not None else self.stream_mode
        modes = [mode] if isinstance(mode, str) else list(mode)
        for m in modes:
            if m not in _MODES:
                raise ValueError(f"Unknown stream_mode {m!r}; choose from {sorted(_MODES)}.")
        single = isinstance(mode, str)
        bare_key = output_keys if isinstance(output_keys, str) else None
        run = self._run(input, config, frozenset(modes), interrupt_before, interrupt_after, durability,
                        _output_keys(output_keys), cancel, subgraphs)
        run.tag_custom = tag_custom
        with _nested_errors(run):
            for ns, m, chunk in run:
                if bare_key is not None and m == "values" and isinstance(chunk, dict):
                    chunk = chunk.get(bare_key)
                elif output_keys is not None and m == "updates":
                    chunk = _select_updates(chunk, output_keys)
                if subgraphs:
                    yield (ns, chunk) if single else (ns, m, chunk)
                else:
                    yield chunk if single else (m, chunk)

    def invoke(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        stream_mode: StreamMode = "values",
        output_keys: str | Sequence[str] | None = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        durability: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run the graph to the end (or to an interrupt) and return the final state.

        While paused on ``interrupt()``, the result carries the pending interrupts under ``"__interrupt__"``.
        """
        if stream_mode != "values":
            return list(self.stream(input, config, stream_mode=stream_mode, output_keys=output_keys,
                                    interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                                    durability=durability, **kwargs))
        cancel = kwargs.pop("_cancel", None)
        _check_options(kwargs)
        run = self._run(input, config, frozenset({"values"}), interrupt_before, interrupt_after, durability,
                        _output_keys(output_keys) or self.output_keys, cancel)
        latest: Any = None
        with _nested_errors(run):
            for _, mode, chunk in run:
                if mode == "values":
                    latest = chunk
        if isinstance(output_keys, str):
            return latest.get(output_keys) if isinstance(latest, dict) else latest
        if isinstance(latest, dict) and INTERRUPT in latest:
            latest = {k: v for k, v in latest.items() if k != INTERRUPT}
        if run.interrupts:
            latest = dict(latest) if isinstance(latest, dict) and self.output_channel is None else {}
            latest[INTERRUPT] = list(run.interrupts)
        return latest

    def batch(self, inputs: Sequence[Any], config: dict[str, Any] | Sequence[dict[str, Any]] | None = None,
              **kwargs: Any) -> list[Any]:
        """``invoke`` each input (with the matching config when a list of configs is given)."""
        configs = config if isinstance(config, (list, tuple)) else [config] * len(inputs)
        return [self.invoke(item, cfg, **kwargs) for item, cfg in zip(inputs, configs)]

    async def abatch(self, inputs: Sequence[Any], config: Any = None, **kwargs: Any) -> list[Any]:
        configs = config if isinstance(config, (list, tuple)) else [config] * len(inputs)
        return [await self.ainvoke(item, cfg, **kwargs) for item, cfg in zip(inputs, configs)]

    def _run(self, input: Any, config: dict[str, Any] | None, modes: frozenset[str], interrupt_before: Any,
             interrupt_after: Any, durability: str | None, output_keys: tuple[str, ...] | None,
             cancel: threading.Event | None, subgraphs: bool = False) -> Run:
        config = _merge_config({**getattr(self, "_default_config", {}), **(config or {})})
        options = dict(interrupt_before=interrupt_before, interrupt_after=interrupt_after, durability=durability,
                       output_keys=output_keys, cancel=cancel, subgraphs=subgraphs)
        parent = running_task()
        if parent is None or parent.run is None:
            return Run(self, input, config, modes, **options)
        return self._nested_run(parent, input, config, modes, options)

    def _nested_run(self, parent: Any, input: Any, config: dict[str, Any], modes: frozenset[str],
                    options: dict[str, Any]) -> Run:
        """Invoked inside a running task: share its thread, checkpointer and resume answers; namespace by task."""
        outer = parent.run
        configurable = dict(config.get("configurable") or {})
        configurable.update(
            thread_id=(outer.config.get("configurable") or {}).get("thread_id"),
            checkpoint_ns=parent.config["configurable"]["checkpoint_ns"],
        )
        configurable.pop("checkpoint_id", None)
        configurable.pop("__pregel_read", None)
        config = {**{k: v for k, v in outer.config.items() if k not in ("configurable", "metadata")}, **config,
                  "configurable": configurable}
        saver = None if self.checkpointer is False else (self.checkpointer or outer.store.saver)
        if saver is not None and input is not None and not isinstance(input, Command):
            if _is_paused(saver.get_tuple(config)):
                input = Command(resume=dict(parent.new_answers)) if parent.new_answers else None
        return Run(self, input, config, modes, parent=outer, saver=saver,
                   namespace=(*outer.namespace, parent.config["configurable"]["checkpoint_ns"].split("|")[-1]),
                   **options)

    # -- async API (see _async: same loop, driven from a worker thread) ------------------------------------------

    async def astream(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> AsyncIterator[Any]:
        """Async twin of ``stream``; async nodes and routers run on the calling event loop."""
        async for chunk in _async.stream_in_thread(
            lambda cancel: self.stream(input, config, _cancel=cancel, **kwargs)
        ):
            yield chunk

    async def ainvoke(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Async twin of ``invoke``."""
        return await _async.call_in_thread(self.invoke, input, config, **kwargs)

    async def aget_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> StateSnapshot:
        return await _async.call_in_thread(self.get_state, config, subgraphs=subgraphs)

    async def aget_state_history(self, config: dict[str, Any], **kwargs: Any) -> AsyncIterator[StateSnapshot]:
        for snapshot in await _async.call_in_thread(lambda: list(self.get_state_history(config, **kwargs))):
            yield snapshot

    async def aupdate_state(self, config: dict[str, Any], values: Any, as_node: str | None = None,
                            task_id: str | None = None) -> dict[str, Any]:
        return await _async.call_in_thread(self.update_state, config, values, as_node, task_id)

    async def abulk_update_state(self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]) -> dict[str, Any]:
        return await _async.call_in_thread(self.bulk_update_state, config, supersteps)

    # -- state API ---------------------------------------------------------------------------------------------

    def get_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> StateSnapshot:
        """The thread's latest checkpoint (or the one ``checkpoint_id`` names) as a ``StateSnapshot``."""
        return _state.get_state(self, _merge_config(config), subgraphs=subgraphs)

    def get_state_history(
        self,
        config: dict[str, Any],
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[StateSnapshot]:
        """Every checkpoint of the thread, newest first."""
        return _state.get_state_history(self, _merge_config(config), filter=filter, before=before, limit=limit)

    def update_state(
        self, config: dict[str, Any], values: Any, as_node: str | None = None, task_id: str | None = None
    ) -> dict[str, Any]:
        """Write ``values`` as if ``as_node`` had returned them; returns the new checkpoint's config."""
        return _state.update_state(self, _merge_config(config), values, as_node)

    def bulk_update_state(self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]) -> dict[str, Any]:
        """Apply several ``update_state`` calls in order (one list of ``StateUpdate`` per superstep)."""
        for superstep in supersteps:
            for update in superstep:
                config = self.update_state(config, update.values, update.as_node, update.task_id)
        return config

    def with_config(self, config: dict[str, Any] | None = None, **kwargs: Any) -> "Pregel":
        """A copy whose runs merge ``config`` into the config they are given."""
        import copy

        clone = copy.copy(self)
        clone._default_config = {**getattr(self, "_default_config", {}), **(config or {}), **kwargs}
        return clone

    # -- drawing (imported on first use: the engine does not depend on the drawing package) -------------------

    def get_graph(self, config: dict[str, Any] | None = None, *, xray: bool | int = False) -> Any:
        """The drawable graph (nodes, edges, ``draw_mermaid()``, ``draw_svg()``), matching LangGraph's."""
        from ..drawing._mixin import DrawableGraphMixin

        return DrawableGraphMixin.get_graph(self, config, xray=xray)  # type: ignore[arg-type]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """A compiled graph shown as a cell's last expression draws itself (SVG, or text without Graphviz)."""
        from ..drawing._mixin import DrawableGraphMixin

        return DrawableGraphMixin._repr_mimebundle_(self, include, exclude)  # type: ignore[arg-type]

    def clear_cache(self, nodes: Sequence[str] | None = None) -> None:
        """Forget cached results of ``nodes`` (default: all nodes); ``ValueError`` without a cache (as LangGraph)."""
        _cache.clear(self, nodes)

    async def aclear_cache(self, nodes: Sequence[str] | None = None) -> None:
        self.clear_cache(nodes)

    def get_name(self) -> str:
        return self.name

    def get_input_jsonschema(self, config: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON Schema of the input, titled ``<name>Input`` (as LangGraph 1.2; needs pydantic)."""
        return _jsonschema.root_model_schema(self.name + "Input", self.input_type)

    def get_output_jsonschema(self, config: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON Schema of what ``invoke`` returns, titled ``<name>Output``."""
        return _jsonschema.root_model_schema(self.name + "Output", self.output_type)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} nodes={[n for n in self.nodes if n != START]}>"


@contextmanager
def _nested_errors(run: Run) -> Iterator[None]:
    """A nested run hands its interrupts and parent commands up to the task that invoked it."""
    try:
        yield
    except ParentCommand as exc:
        exc.from_subgraph = bool(run.namespace)  # type: ignore[attr-defined]
        raise
    if run.namespace and run.interrupts:
        raise GraphInterrupt(run.interrupts)


_IGNORED_OPTIONS = frozenset({"context", "print_mode", "checkpoint_during"})
"""LangGraph options that change nothing here (no runtime context schema; printing and old durability flag)."""


def _check_options(options: dict[str, Any]) -> None:
    """Refuse options we would otherwise ignore silently, so a program never gets output it did not ask for."""
    version = options.pop("version", "v1")
    if version != "v1":
        raise NotImplementedError(
            f"version={version!r} is not supported: hitl_notebook streams LangGraph's default v1 chunks. "
            "Drop the version argument."
        )
    unknown = sorted(k for k in options if k not in _IGNORED_OPTIONS)
    if unknown:
        raise TypeError(f"Unexpected keyword argument(s) {', '.join(unknown)}; see help(graph.stream) for the options.")


def _select_updates(chunk: dict[str, Any], output_keys: str | Sequence[str]) -> dict[str, Any]:
    """``output_keys`` narrows each node's update too (a str gives the bare value)."""
    selected = {}
    for name, update in chunk.items():
        if name.startswith("__") or not isinstance(update, dict):
            selected[name] = update
        elif isinstance(output_keys, str):
            selected[name] = update.get(output_keys)
        else:
            selected[name] = {k: v for k, v in update.items() if k in output_keys}
    return selected


def _is_paused(saved: Any) -> bool:
    if saved is None:
        return False
    entries = classify_writes(saved.pending_writes or []).values()
    return any(e["interrupts"] and not e["ok"] for e in entries)


def _merge_config(config: dict[str, Any] | None) -> dict[str, Any]:
    config = dict(config or {})
    if "recursion_limit" in config and config["recursion_limit"] < 1:
        raise ValueError("recursion_limit must be at least 1")
    return config


def _output_keys(output_keys: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if output_keys is None:
        return None
    return (output_keys,) if isinstance(output_keys, str) else tuple(output_keys)
