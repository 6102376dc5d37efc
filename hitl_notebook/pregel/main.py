"""``Pregel``: the runnable graph behind ``CompiledStateGraph`` and ``@entrypoint``."""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..constants import DEFAULT_RECURSION_LIMIT, INTERRUPT, START
from ..errors import GraphInterrupt, ParentCommand
from ..runtime import coerce_context, context_jsonschema
from ..types import StateSnapshot, StreamMode
from . import _async, _cache, _callbacks, _jsonschema, _nesting, _printing, _state, _update, _v2
from ._channels import Channel
from ._config import check_checkpointer, merge_configs
from ._context import running_task
from ._loop import Run
from ._node import PregelNode
from ._options import check_options as _check_options
from ._options import node_names
from ._options import merge_config as _merge_config
from ._options import output_keys_tuple as _output_keys
from ._options import select_updates as _select_updates
from ._structure import StructureMixin

_MODES = frozenset({"values", "updates", "custom", "tasks", "debug", "checkpoints", "messages"})


def _default_recursion_limit() -> int:
    return int(os.environ.get("LANGGRAPH_DEFAULT_RECURSION_LIMIT", DEFAULT_RECURSION_LIMIT))


class Pregel(StructureMixin):
    """A compiled graph: nodes reading and writing channels in supersteps."""

    stream_mode: StreamMode = "updates"
    output_channel: str | None = None
    """Set when the output is one channel's value rather than a dict of state keys (``@entrypoint``)."""
    config: dict[str, Any] | None = None
    """Config merged into every run's config (set by ``with_config``)."""
    step_timeout: float | None = None  # seconds a superstep may take before the run raises TimeoutError
    streams_calls = False  # True for @entrypoint: the updates of its @task calls stream as each one finishes
    input_type: Any = Any  # the input and output value types of an @entrypoint, for its JSON Schemas
    output_type: Any = Any
    context_schema: Any = None
    """The type of ``invoke(..., context=...)``: a dict is turned into it when it is a dataclass or pydantic model."""

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
        check_checkpointer(checkpointer)
        self.channels = channels
        self.nodes: dict[str, PregelNode] = {}
        self.state_keys = tuple(state_keys)
        self.state_key_set = frozenset(self.state_keys)
        self.input_keys = tuple(input_keys)
        self.output_keys = tuple(output_keys)
        self.checkpointer = checkpointer
        self.store = store
        self.cache = cache
        self.interrupt_before = node_names(interrupt_before)
        self.interrupt_after = node_names(interrupt_after)
        self.debug = debug
        self.name = name
        self.recursion_limit = _default_recursion_limit()
        self._index: tuple[dict[str, tuple[str, ...]], tuple[str, ...], dict[str, int]] | None = None

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
        context: Any = None,
        **kwargs: Any,
    ) -> Iterator[Any]:
        """Run the graph, yielding chunks in the requested ``stream_mode`` (``"updates"`` by default), as LangGraph.

        ``context`` is the run's static context, which nodes read as ``runtime.context`` (see ``hitl_notebook.runtime``).

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
        printed = _printing.print_modes(kwargs.pop("print_mode", ()), debug, self)
        maps = _v2.mappers(self) if kwargs.get("version") == "v2" else None  # typed stream parts (LangGraph 1.1+)
        _check_options(kwargs)
        mode = stream_mode if stream_mode is not None else self.stream_mode
        modes = [mode] if isinstance(mode, str) else list(mode)
        for m in (*modes, *printed):
            if m not in _MODES:
                raise ValueError(f"Unknown stream_mode {m!r}; choose from {sorted(_MODES)}.")
        single = isinstance(mode, str)
        bare_key = output_keys if isinstance(output_keys, str) else None
        wanted = frozenset(modes)
        run = self._run(input, config, wanted | printed, interrupt_before, interrupt_after, durability,
                        _output_keys(output_keys), cancel, subgraphs, context)
        run.tag_custom = tag_custom
        with _nested_errors(run):
            for ns, m, chunk in run:
                if bare_key is not None and m == "values" and isinstance(chunk, dict):
                    chunk = chunk.get(bare_key)
                elif output_keys is not None and m == "updates":
                    chunk = _select_updates(chunk, output_keys)
                if printed and m in printed:
                    _printing.print_chunk(ns, m, chunk, subgraphs)
                    if m not in wanted:
                        continue
                if maps is not None:
                    yield _v2.part(ns, m, chunk, maps)
                elif subgraphs:
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
        context: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Run the graph to the end (or to an interrupt) and return the final state.

        ``context`` is the run's static context, which nodes read as ``runtime.context``.

        While paused on ``interrupt()``, the result carries the pending interrupts under ``"__interrupt__"``.
        ``subgraphs``, ``print_mode`` and ``debug`` are ``stream``'s, as LangGraph 1.2 accepts them here.
        """
        if kwargs.get("version") == "v2":
            return _v2.invoke(self, input, config, stream_mode=stream_mode, output_keys=output_keys,
                              interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                              durability=durability, context=context, **kwargs)
        if stream_mode == "values" and (kwargs.get("subgraphs") or kwargs.get("print_mode") or kwargs.get("debug")
                                        or self.debug):
            return _printing.invoke_from_stream(self, input, config, output_keys=output_keys,
                                                interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                                                durability=durability, context=context, **kwargs)
        if stream_mode != "values":
            return list(self.stream(input, config, stream_mode=stream_mode, output_keys=output_keys,
                                    interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                                    durability=durability, context=context, **kwargs))
        for off in ("subgraphs", "print_mode", "debug"):  # given but off
            kwargs.pop(off, None)
        cancel = kwargs.pop("_cancel", None)
        _check_options(kwargs)
        run = self._run(input, config, frozenset({"values"}), interrupt_before, interrupt_after, durability,
                        _output_keys(output_keys) or self.output_keys, cancel, context=context)
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
            latest = dict(latest) if isinstance(latest, dict) else {}  # an @entrypoint's dict output too
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
             cancel: threading.Event | None, subgraphs: bool = False, context: Any = None) -> Run:
        config = _merge_config(merge_configs(self.config, config) if self.config else config)
        options = dict(interrupt_before=interrupt_before, interrupt_after=interrupt_after, durability=durability,
                       output_keys=output_keys, cancel=cancel, subgraphs=subgraphs)
        parent = running_task()
        context = coerce_context(self.context_schema, context)
        if parent is None or parent.run is None or _nesting.addresses_own_thread(config):
            if self.checkpointer is True:
                raise RuntimeError("checkpointer=True cannot be used for root graphs.")
            return Run(self, input, config, modes, context=context, kv_store=self.store, **options)
        # Nested: the parent run's store and, unless given its own, its context (LangGraph merges the parent
        # runtime); a graph on its own thread above starts afresh, as in LangGraph.
        outer = parent.run
        options.update(context=context or outer.context, kv_store=outer.kv_store)
        return _nesting.nested_run(self, parent, input, config, modes, options)

    # -- async API (see _async: same loop, driven from a worker thread) ------------------------------------------

    async def astream(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> AsyncIterator[Any]:
        """Async twin of ``stream``; async nodes and routers run on the calling event loop."""
        async for chunk in _async.stream_in_thread(
            lambda cancel: self.stream(input, config, _cancel=cancel, **kwargs)
        ):
            yield chunk

    async def astream_events(self, input: Any, config: dict[str, Any] | None = None, *, version: str = "v2",
                             **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        """LangChain's ``astream_events(version="v2")`` over this graph (needs langchain-core), as LangGraph 1.2.

        The graph, each node and what runs inside them (chat models: ``on_chat_model_stream`` per token) report
        through LangChain callbacks; ``include_*``/``exclude_*`` filters and other keywords go to LangChain.
        """
        if version != "v2":
            raise NotImplementedError(
                f"astream_events(version={version!r}) is not supported: use version='v2'."
            )
        from langchain_core.tracers.event_stream import _astream_events_implementation_v2

        async for event in _astream_events_implementation_v2(self, input, config, **kwargs):  # type: ignore[arg-type]
            yield event

    def stream_events(self, input: Any, config: dict[str, Any] | None = None, *, version: str = "v2",
                      **kwargs: Any) -> Any:
        """Raises ``NotImplementedError``: for v1/v2 as LangGraph 1.2 (use ``astream_events``); v3 is unsupported."""
        raise _callbacks.stream_events_refusal(version)

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
        """The thread's latest checkpoint (or the one ``checkpoint_id`` names) as a ``StateSnapshot``.

        A subgraph's config (``state.tasks[i].state``) reads that subgraph's own state.
        """
        config = _merge_config(config)
        child = _nesting.subgraph_for(self, config)
        if child is not None:
            return _state.get_state(child, config, subgraphs=subgraphs, saver=_state.saver_of(self))
        return _state.get_state(self, config, subgraphs=subgraphs)

    def get_state_history(
        self,
        config: dict[str, Any],
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[StateSnapshot]:
        """Every checkpoint of the thread in the config's namespace (the graph's own by default), newest first."""
        config = _merge_config(config)
        child = _nesting.subgraph_for(self, config)
        return _state.get_state_history(child or self, config, filter=filter, before=before, limit=limit,
                                        saver=_state.saver_of(self) if child is not None else None)

    def update_state(
        self, config: dict[str, Any], values: Any, as_node: str | None = None, task_id: str | None = None
    ) -> dict[str, Any]:
        """Write ``values`` as if ``as_node`` had returned them; returns the new checkpoint's config.

        A subgraph's config (``state.tasks[i].state``) edits that subgraph's state; the parent then continues it.
        ``as_node`` may also be ``"__input__"``, ``"__copy__"`` or ``END`` (with ``None``), as in LangGraph 1.2.
        """
        config = _merge_config(config)
        target = _nesting.subgraph_for(self, config, for_update=True) or self
        return _update.update_state(target, _state.saver_of(self), config, values, as_node, task_id)

    def bulk_update_state(self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]) -> dict[str, Any]:
        """Apply updates in supersteps (a list of ``StateUpdate`` each): one checkpoint per superstep."""
        config = _merge_config(config)
        target = _nesting.subgraph_for(self, config, for_update=True) or self
        return _update.bulk_update_state(target, _state.saver_of(self), config, supersteps)

    def with_config(self, config: dict[str, Any] | None = None, **kwargs: Any) -> "Pregel":
        """A copy whose runs merge ``config`` (and ``kwargs``) into the config they are given.

        ``configurable`` and ``metadata`` keys are merged and ``tags`` added up, as LangGraph's ``merge_configs``.
        """
        import copy

        clone = copy.copy(self)
        clone.config = merge_configs(self.config, config, kwargs)
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

    def get_context_jsonschema(self) -> dict[str, Any] | None:
        """JSON Schema of ``context_schema`` (``None`` without one); raises ``ValueError`` for other types."""
        return context_jsonschema(self.context_schema)

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
    if run.namespace and (run.interrupts or run.paused):  # a breakpoint pauses the parent's task too
        raise GraphInterrupt(run.interrupts)
