"""Turn a ``StateGraph`` builder into engine nodes: readers, node calls and the writes their results make."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..constants import END, START, TASKS
from ..managed.is_last_step import managed_keys, step_budget
from ..errors import ErrorCode, InvalidUpdateError, ParentCommand, create_error_message
from ..pregel import Pregel
from ..pregel._algo import send_targets, trigger_name
from ..pregel import _inject, _timeouts
from ..pregel._async import in_async_run, run_coroutine
from ..pregel._cache import NodeCache
from ..pregel._channels import Channel, Ephemeral, NamedBarrier, Topic
from ..pregel._node import PregelNode, Writes
from ..types import Command, as_retry_policies
from . import _schema
from ._runnable import is_runnable, runnable_caller
from .state import NodeSpec, StateGraph

CONFIG_KEY_READ = "__pregel_read"


class CompiledStateGraph(Pregel):
    """A runnable ``StateGraph`` (``invoke``, ``stream``, ``get_state``, ...)."""

    builder: StateGraph

    @classmethod
    def build(cls, builder: StateGraph, **options: Any) -> "CompiledStateGraph":
        state_keys = tuple(builder.channels)
        channels: dict[str, Channel] = {k: c for k, c in builder.channels.items()}
        channels[START] = Ephemeral(START)
        channels[TASKS] = Topic(TASKS)
        joins: dict[str, list[str]] = {}
        for starts, end in sorted(builder.waiting_edges):
            key = f"join:{'+'.join(starts)}:{end}"
            channels[key] = NamedBarrier(key, frozenset(starts))
            joins.setdefault(end, []).append(key)
        for name in builder.nodes:
            channels[trigger_name(name)] = Ephemeral(trigger_name(name))
        graph = cls(
            channels=channels,
            state_keys=state_keys,
            input_keys=builder.schemas[builder.input_schema],
            output_keys=builder.schemas[builder.output_schema],
            **options,
        )
        graph.builder = builder
        if builder.schemas[builder.output_schema] == (_schema.ROOT,):
            graph.output_channel = _schema.ROOT  # a non-dict state: invoke returns the bare value
        graph.context_schema = builder.context_schema
        graph.nodes[START] = _start_node(builder, graph)
        for name, spec in builder.nodes.items():
            graph.nodes[name] = _user_node(builder, graph, spec, tuple(joins.get(name, ())))
        return graph


    def get_input_jsonschema(self, config: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON Schema of the graph's input (its ``input_schema``), built with pydantic as LangGraph 1.2."""
        return self._state_jsonschema(self.builder.input_schema, "Input")

    def get_output_jsonschema(self, config: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON Schema of what ``invoke`` returns (its ``output_schema``)."""
        return self._state_jsonschema(self.builder.output_schema, "Output")

    def _state_jsonschema(self, schema: Any, suffix: str) -> dict[str, Any]:
        from ..pregel._jsonschema import state_schema

        types = {k: getattr(c, "type_", Any) for k, c in self.builder.channels.items()}
        return state_schema(self.name + suffix, schema, self.builder.schemas[schema], types)


def _edge_writes(builder: StateGraph, source: str) -> Writes:
    writes: Writes = [(trigger_name(end), None) for start, end in sorted(builder.edges) if start == source and end != END]
    for starts, end in sorted(builder.waiting_edges):
        if source in starts:
            writes.append((f"join:{'+'.join(starts)}:{end}", source))
    return writes


def _router(builder: StateGraph, graph: Pregel, source: str, default_schema: Any):
    """Evaluate ``source``'s conditional edges on the state as updated by its own writes.

    Each router reads the state through its own input hint, else through the source node's input schema
    (as LangGraph 1.2).
    """
    branches = list(builder.branches.get(source, {}).values())
    if not branches:
        return None
    readers = {}
    for branch in branches:
        schema = branch.input_schema or default_schema
        readers[branch.name] = _schema.make_reader(schema, builder.schemas[schema])

    def route(writes: Writes, config: dict[str, Any]) -> Writes:
        fresh = config["configurable"][CONFIG_KEY_READ](writes)
        out: Writes = []
        for branch in branches:
            state = readers[branch.name](fresh)
            result = branch.path(state) if branch.call is None else branch.call(state, config)
            if branch.is_async:
                result = run_coroutine(result, branch.name)
            out.extend(send_targets(branch.resolve(result), graph.nodes, source))
        return out

    return route


def _start_node(builder: StateGraph, graph: Pregel) -> PregelNode:
    edges = _edge_writes(builder, START)
    route = _router(builder, graph, START, builder.state_schema)
    input_schema, input_keys = builder.input_schema, builder.schemas[builder.input_schema]
    input_key_set = frozenset(input_keys)

    def write(value: Any, config: dict[str, Any]) -> tuple[Writes, Any]:
        writes = _schema.coerce_input(input_schema, input_keys, value, input_key_set)
        writes.extend(edges)
        if route is not None:
            writes.extend(route(writes, config))
        return writes, None

    return PregelNode(
        name=START, triggers=(START,), read=lambda values: values.get(START),
        call=lambda value, config: value, write=write, hidden=True,
    )


def _user_node(
    builder: StateGraph, graph: Pregel, spec: NodeSpec, joins: tuple[str, ...]
) -> PregelNode:
    keys = builder.schemas[spec.input_schema]
    call = _caller(spec)
    read = _schema.make_reader(spec.input_schema, keys)
    managed_read = _with_managed(read, spec.input_schema)
    edges = _edge_writes(builder, spec.name)
    route = _router(builder, graph, spec.name, spec.input_schema)
    channel_keys = frozenset(builder.channels)
    name = spec.name

    outputs = _root_writes if channel_keys == {_schema.ROOT} else _output_writes

    def write(output: Any, config: dict[str, Any]) -> tuple[Writes, Any]:
        writes, update = outputs(output, channel_keys, graph, name)
        n_state = len(writes)
        writes.extend(edges)
        if route is not None:
            try:
                writes.extend(route(writes, config))
            except Exception as exc:
                # The node itself succeeded: LangGraph keeps (and streams) its state writes next to the error.
                exc.partial_writes = (writes[:n_state], update)  # type: ignore[attr-defined]
                raise
        return writes, update

    policies = spec.retry_policy
    metadata = dict(spec.metadata or {})  # in each task's config metadata (deferral is ``deferred``, as LangGraph)
    return PregelNode(
        name=name,
        triggers=(trigger_name(name), *joins),
        read=managed_read or read,
        managed=managed_read is not None,
        call=call,
        write=write,
        deferred=spec.defer,
        is_async=_is_async(spec.action),
        retry_policy=as_retry_policies(policies),
        metadata=metadata,
        subgraph=spec.subgraph,
        cache=NodeCache.build(spec.cache_policy, spec.action, name),
        error_handler=spec.error_handler,
    )


def _with_managed(read: Callable, input_schema: Any) -> Callable | None:
    """A reader that adds the input schema's managed values (``RemainingSteps``...), as LangGraph 1.2 does.

    None when the schema has none. The loop publishes the step and its budget before it reads task inputs.
    """
    managed = managed_keys(_schema.schema_hints(input_schema)) if input_schema is not None else {}
    if not managed:
        return None

    def read_managed(values: dict[str, Any]) -> Any:
        value = read(values)
        step, stop = step_budget.get()
        for key, manager in managed.items():
            if isinstance(value, dict):
                value[key] = manager.get(step, stop)
            else:
                object.__setattr__(value, key, manager.get(step, stop))
        return value

    return read_managed


def _caller(spec: NodeSpec) -> Callable[[Any, dict[str, Any]], Any]:
    action = spec.action
    if spec.subgraph is not None:
        if spec.timeout is not None:
            raise NotImplementedError(f"Node {spec.name!r}: timeouts on subgraph nodes are not supported by "
                                      "hitl_notebook. Set the timeout on the subgraph's own async nodes.")
        subgraph = spec.subgraph  # runs nested: it inherits thread, checkpointer, context and store from this task
        return lambda value, config: subgraph.invoke(value)
    if is_runnable(action):
        return runnable_caller(spec.name, action, spec.timeout)
    _timeouts.check_supported(spec.name, spec.timeout, _is_async(action))
    call = _inject.bind(action, *_inject.injected(action))
    if _is_async(action):
        return _async_caller(spec.name, call, spec.timeout)
    return call


def _async_caller(name: str, sync_call: Callable[[Any, dict[str, Any]], Any], timeout: Any = None) -> Callable:
    if timeout is None:
        return lambda value, config: run_coroutine(sync_call(value, config), name)

    def call_with_timeout(value: Any, config: dict[str, Any]) -> Any:
        if not in_async_run():  # as LangGraph: a timed node cannot run under the sync API
            raise _timeouts.sync_unsupported(name)
        return run_coroutine(_timeouts.timed(name, timeout, sync_call, value, config), name)

    return call_with_timeout


def _output_writes(output: Any, keys: frozenset[str], graph: Pregel, name: str) -> tuple[Writes, Any]:
    if output is None:
        return [], None
    if isinstance(output, dict):  # the common case first (a dict is neither a Command nor a list of them)
        writes = [(k, v) for k, v in output.items() if k in keys]
        return writes, dict(writes)
    if isinstance(output, Command):
        return _command_writes(output, keys, graph, name)
    if isinstance(output, (list, tuple)) and output and any(isinstance(o, Command) for o in output):
        # Several updates from one node (Commands, and dicts beside them), applied in order as LangGraph 1.2.
        writes = []
        for item in output:
            writes.extend((_command_writes if isinstance(item, Command) else _output_writes)(item, keys, graph, name)[0])
        return writes, _update_view([w for w in writes if w[0] in keys])
    if _schema.has_schema_fields(output):
        writes = [(k, v) for k, v in _schema.update_as_tuples(output) if k in keys]
        return writes, dict(writes)
    raise InvalidUpdateError(create_error_message(
        message=f"Expected dict, got {output}",
        error_code=ErrorCode.INVALID_GRAPH_NODE_RETURN_VALUE,
    ))


def _root_writes(output: Any, keys: frozenset[str], graph: Pregel, name: str) -> tuple[Writes, Any]:
    """A non-dict state: the node's return value is the whole update (Commands still route), as LangGraph.

    ``updates`` shows what reached the root channel, as LangGraph 1.2: a Command whose update names keys writes
    nothing there (its keys are unknown channels), so it shows None; several root writes show as a list.
    """
    if isinstance(output, Command):
        writes = _command_writes(output, keys, graph, name)[0]
    elif isinstance(output, (list, tuple)) and output and any(isinstance(o, Command) for o in output):
        writes = []
        for item in output:
            if isinstance(item, Command):
                writes.extend(_command_writes(item, keys, graph, name)[0])
            else:
                writes.append((_schema.ROOT, item))
    elif output is None:
        return [], None
    else:
        return [(_schema.ROOT, output)], output
    shown = [v for k, v in writes if k == _schema.ROOT]
    return writes, (shown[0] if len(shown) == 1 else shown or None)


def _command_writes(command: Command, keys: frozenset[str], graph: Pregel, name: str) -> tuple[Writes, Any]:
    if command.graph == Command.PARENT:
        raise ParentCommand(command)
    updates = [(k, v) for k, v in command._update_as_tuples() if k in keys]
    writes = updates + send_targets(command._goto_as_list(), graph.nodes, name)
    return writes, (_update_view(updates) if command.update is not None else None)


def _update_view(writes: Writes) -> Any:
    """What ``updates`` shows for a node's state writes: a dict, or one dict per write when a key repeats."""
    view = dict(writes)
    return view if len(view) == len(writes) else [{k: v} for k, v in writes]


def _is_async(fn: Any) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))
