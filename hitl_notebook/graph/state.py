"""``StateGraph``: declare nodes and edges over a typed state, then ``compile()`` it into a runnable graph."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..constants import END, RESERVED_CHARS, START
from ..types import All, RetryPolicy
from ..pregel import _timeouts
from . import _schema
from ._branch import Branch, command_destinations, return_hint
from ._runnable import is_runnable, runnable_name

if TYPE_CHECKING:
    from ._compile import CompiledStateGraph

__all__ = ["StateGraph"]

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class NodeSpec:
    """A node as declared on the builder."""

    name: str
    action: Callable[..., Any]
    input_schema: Any
    defer: bool = False
    metadata: dict[str, Any] | None = None
    retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None
    ends: tuple[str, ...] | dict[str, str] = ()
    subgraph: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    cache_policy: Any = None
    error_handler: str | None = None
    """Name of the node that runs when this one fails (``__error_handler__<name>`` or the graph default)."""
    is_error_handler: bool = False
    timeout: Any = None


@dataclass(slots=True)
class NodeDefaults:
    """``set_node_defaults(...)``: policies for nodes that set none themselves, applied at compile time."""

    retry_policy: Any = None
    cache_policy: Any = None
    error_handler: Any = None
    timeout: Any = None


DEFAULT_ERROR_HANDLER = "__default_error_handler__"


class StateGraph:
    """A graph whose nodes read and update one shared state.

    >>> from typing import TypedDict
    >>> class S(TypedDict):
    ...     x: int
    >>> g = StateGraph(S).add_node("inc", lambda s: {"x": s["x"] + 1})
    >>> g.set_entry_point("inc").compile().invoke({"x": 1})
    {'x': 2}
    """

    def __init__(
        self,
        state_schema: Any = None,
        context_schema: Any = None,
        *,
        input_schema: Any = None,
        output_schema: Any = None,
        **deprecated: Any,
    ) -> None:
        input_schema = input_schema or deprecated.pop("input", None)
        output_schema = output_schema or deprecated.pop("output", None)
        context_schema = context_schema or deprecated.pop("config_schema", None)
        if deprecated:
            raise TypeError(f"StateGraph() got unexpected keyword arguments: {', '.join(deprecated)}")
        if state_schema is None:
            if input_schema is None or output_schema is None:
                raise ValueError("Must provide state_schema or input and output")
            state_schema = input_schema
        self.state_schema = state_schema
        self.input_schema = input_schema or state_schema
        self.output_schema = output_schema or state_schema
        self.context_schema = context_schema
        self.nodes: dict[str, NodeSpec] = {}
        self.edges: set[tuple[str, str]] = set()
        self.waiting_edges: set[tuple[tuple[str, ...], str]] = set()
        self.branches: defaultdict[str, dict[str, Branch]] = defaultdict(dict)
        self.channels: dict[str, Any] = {}
        self.schemas: dict[Any, tuple[str, ...]] = {}
        self.compiled = False
        self.node_defaults = NodeDefaults()
        for schema in (state_schema, self.input_schema, self.output_schema):
            self._add_schema(schema)

    def _add_schema(self, schema: Any) -> None:
        if schema in self.schemas:
            return
        channels = _schema.channels_from_schema(schema)
        for key, channel in channels.items():
            existing = self.channels.get(key)
            if existing is None:
                self.channels[key] = channel
            elif not _schema.same_channel_kind(existing, channel) and getattr(channel, "reducer", None) is not None:
                raise ValueError(f"Channel '{key}' already exists with a different type")
        self.schemas[schema] = tuple(channels)

    # -- nodes ---------------------------------------------------------------------------------------------------

    def add_node(
        self,
        node: str | Callable[..., Any],
        action: Callable[..., Any] | None = None,
        *,
        defer: bool = False,
        metadata: dict[str, Any] | None = None,
        input_schema: Any = None,
        retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None,
        cache_policy: Any = None,
        error_handler: Callable[..., Any] | None = None,
        destinations: dict[str, str] | tuple[str, ...] | None = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> "StateGraph":
        """Add a node; ``add_node(fn)`` names it after the function.

        ``error_handler`` (as LangGraph 1.2) becomes the node ``__error_handler__<name>``: when this node fails
        (after its retries), the handler runs in the same step on the same input instead of the error ending the
        run, and may declare ``error: NodeError`` to see what failed. Its update and ``Command`` take effect.
        """
        if self.compiled:
            logger.warning(
                "Adding a node to a graph that has already been compiled. This will not be reflected in the compiled graph."
            )
        if not isinstance(node, str):
            action, node = node, _name_of(node)
        if action is None:
            raise ValueError(f"Node `{node}` needs an action: add_node('{node}', some_function).")
        if not callable(action) and not is_runnable(action):
            raise TypeError(  # LangGraph's text, then the fix
                f"Expected a Runnable, callable or dict.Instead got an unsupported type: {type(action)}. Node `{node}` "
                "must be a function, a compiled graph or a Runnable (an object with invoke/ainvoke)."
            )
        for char in RESERVED_CHARS:
            if char in node:
                raise ValueError(f"'{char}' is a reserved character and is not allowed in the node names.")
        if node in self.nodes:
            raise ValueError(f"Node `{node}` already present.")
        if node in (END, START):
            raise ValueError(f"Node `{node}` is reserved.")
        subgraph = action if _is_compiled_graph(action) else None
        if input_schema is None and subgraph is None:
            input_schema = _schema.first_param_schema(action) or self.state_schema
        elif input_schema is None:
            input_schema = self.state_schema
        self._add_schema(input_schema)
        ends: tuple[str, ...] | dict[str, str] = ()
        if destinations is not None:
            ends = dict(destinations) if isinstance(destinations, dict) else tuple(destinations)
        elif subgraph is None:
            ends = command_destinations(return_hint(action))
        handler_name = None
        if error_handler is not None:
            handler_name = f"__error_handler__{node}"
            if handler_name in self.nodes:
                raise ValueError(f"Auto-generated error handler node `{handler_name}` already exists.")
            self.nodes[handler_name] = NodeSpec(
                name=handler_name, action=error_handler, input_schema=input_schema, is_error_handler=True,
            )
        self.nodes[node] = NodeSpec(
            name=node, action=action, input_schema=input_schema, defer=defer, metadata=metadata,
            retry_policy=retry_policy, ends=ends, subgraph=subgraph, extra=kwargs, cache_policy=cache_policy,
            error_handler=handler_name, timeout=_timeouts.coerce(timeout),
        )
        return self

    def set_node_defaults(
        self,
        *,
        retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None,
        cache_policy: Any = None,
        error_handler: Callable[..., Any] | None = None,
        timeout: Any = None,
    ) -> "StateGraph":
        """Policies for every node that sets none itself, applied at ``compile()`` (as LangGraph 1.2).

        Retry and timeout defaults also reach error-handler nodes; cache and error-handler defaults do not.
        """
        defaults = self.node_defaults
        if retry_policy is not None:
            defaults.retry_policy = retry_policy
        if cache_policy is not None:
            defaults.cache_policy = cache_policy
        if error_handler is not None:
            defaults.error_handler = error_handler
        if timeout is not None:
            defaults.timeout = _timeouts.coerce(timeout)
        return self

    def _apply_node_defaults(self) -> None:
        defaults = self.node_defaults
        if defaults.error_handler is not None and DEFAULT_ERROR_HANDLER not in self.nodes:
            self.nodes[DEFAULT_ERROR_HANDLER] = NodeSpec(
                name=DEFAULT_ERROR_HANDLER, action=defaults.error_handler, input_schema=self.state_schema,
                is_error_handler=True,
            )
        for spec in self.nodes.values():
            if not spec.is_error_handler:
                if defaults.error_handler is not None and spec.error_handler is None:
                    spec.error_handler = DEFAULT_ERROR_HANDLER
                if spec.cache_policy is None:
                    spec.cache_policy = defaults.cache_policy
            if spec.retry_policy is None:
                spec.retry_policy = defaults.retry_policy
            if spec.timeout is None:
                spec.timeout = defaults.timeout

    def add_sequence(self, nodes: Sequence[Callable[..., Any] | tuple[str, Callable[..., Any]]]) -> "StateGraph":
        """Add nodes chained one after the other (no edge from START)."""
        if not nodes:
            raise ValueError("Sequence requires at least one node.")
        previous: str | None = None
        for item in nodes:
            name, action = item if isinstance(item, tuple) else (_name_of(item), item)
            if name in self.nodes:
                raise ValueError(f"Node names must be unique: node with the name '{name}' already exists.")
            self.add_node(name, action)
            if previous is not None:
                self.add_edge(previous, name)
            previous = name
        return self

    # -- edges ---------------------------------------------------------------------------------------------------

    def add_edge(self, start_key: str | Sequence[str], end_key: str) -> "StateGraph":
        """Run ``end_key`` after ``start_key``; a list of starts waits for all of them (a join)."""
        if isinstance(start_key, str):
            if start_key == END:
                raise ValueError("END cannot be a start node")
            if end_key == START:
                raise ValueError("START cannot be an end node")
            self.edges.add((start_key, end_key))
            return self
        for start in start_key:
            if start == END:
                raise ValueError("END cannot be a start node")
            if start not in self.nodes:
                raise ValueError(f"Need to add_node `{start}` first")
        if end_key == END:
            raise ValueError("END cannot be an end node")
        if end_key not in self.nodes:
            raise ValueError(f"Need to add_node `{end_key}` first")
        self.waiting_edges.add((tuple(start_key), end_key))
        return self

    def add_conditional_edges(
        self,
        source: str,
        path: Callable[..., Any],
        path_map: dict[Hashable, str] | list[str] | None = None,
    ) -> "StateGraph":
        """After ``source`` runs, call ``path`` on the state to choose the next node(s), ``END`` or ``Send``s."""
        branch = Branch.build(path, path_map)
        if branch.name in self.branches[source]:
            raise ValueError(f"Branch with name `{branch.name}` already exists for node `{source}`")
        self.branches[source][branch.name] = branch
        if branch.input_schema is not None:
            self._add_schema(branch.input_schema)
        return self

    def set_entry_point(self, key: str) -> "StateGraph":
        return self.add_edge(START, key)

    def set_conditional_entry_point(self, path: Callable[..., Any], path_map: Any = None) -> "StateGraph":
        return self.add_conditional_edges(START, path, path_map)

    def set_finish_point(self, key: str) -> "StateGraph":
        return self.add_edge(key, END)

    # -- compile -------------------------------------------------------------------------------------------------

    def validate(self, interrupt: Sequence[str] | None = None) -> "StateGraph":
        """Check the graph's wiring with LangGraph's messages (called by ``compile``)."""
        sources = {src for src, _ in self.edges}
        for starts, _ in self.waiting_edges:
            sources.update(starts)
        sources.update(self.branches)
        for source in sorted(sources):
            if source != START and source not in self.nodes:
                raise ValueError(f"Found edge starting at unknown node '{source}'")
        if START not in sources:
            raise ValueError("Graph must have an entrypoint: add at least one edge from START to another node")
        targets = {end for _, end in self.edges} | {end for _, end in self.waiting_edges}
        for source, branches in self.branches.items():
            for branch in branches.values():
                if branch.ends is None:
                    continue
                for end in branch.ends.values():
                    if end != END and end not in self.nodes:
                        raise ValueError(f"At '{source}' node, '{branch.name}' branch found unknown target '{end}'")
                    targets.add(end)
        for spec in self.nodes.values():
            ends = spec.ends.keys() if isinstance(spec.ends, dict) else spec.ends
            targets.update(ends)
        for target in sorted(targets, key=str):
            if target != END and target not in self.nodes:
                raise ValueError(f"Found edge ending at unknown node `{target}`")
        for name in interrupt or ():
            if name != "*" and name not in self.nodes:
                raise ValueError(f"Interrupt node `{name}` not found")
        return self

    def compile(
        self,
        checkpointer: Any = None,
        *,
        cache: Any = None,
        store: Any = None,
        interrupt_before: All | list[str] | None = None,
        interrupt_after: All | list[str] | None = None,
        debug: bool = False,
        name: str | None = None,
    ) -> "CompiledStateGraph":
        """Validate the graph and turn it into a runnable ``CompiledStateGraph``."""
        from ._compile import CompiledStateGraph

        before = _as_list(interrupt_before)
        after = _as_list(interrupt_after)
        self.validate([*before, *after])
        self._apply_node_defaults()
        self.compiled = True
        return CompiledStateGraph.build(
            self, checkpointer=checkpointer, store=store, cache=cache, interrupt_before=interrupt_before,
            interrupt_after=interrupt_after, debug=debug, name=name or "LangGraph",
        )


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return ["*"] if value == "*" else list(value)


def _name_of(action: Any) -> str:
    if _is_compiled_graph(action):
        name = getattr(action, "name", None)
    elif is_runnable(action):
        name = runnable_name(action)
    else:
        name = None
    name = name or getattr(action, "__name__", None) or type(action).__name__
    return name


def _is_compiled_graph(action: Any) -> bool:
    from ..pregel import Pregel

    return isinstance(action, Pregel)


