"""Arguments a tool gets from the graph instead of the model: ``InjectedState``, ``InjectedStore``, ``ToolRuntime``.

As in LangGraph 1.2, they are found once per tool (from its input schema and its function's annotations) and
filled in right before the call; the model never sees them in the tool's schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin, get_type_hints

from langchain_core.tools import BaseTool, InjectedToolArg
from langchain_core.tools.base import _DirectlyInjectedToolArg, _is_injected_arg_type, get_all_basemodel_annotations

__all__ = ["InjectedState", "InjectedStore", "ToolRuntime"]

StateT = TypeVar("StateT")
ContextT = TypeVar("ContextT")


@dataclass
class ToolRuntime(_DirectlyInjectedToolArg, Generic[ContextT, StateT]):
    """What a tool with a ``runtime: ToolRuntime`` parameter receives: state, config, store, context, call id."""

    state: Any
    context: Any
    config: dict[str, Any]
    stream_writer: Any
    tool_call_id: str | None
    store: Any
    tools: list[BaseTool] = field(default_factory=list)
    execution_info: Any = None
    server_info: Any = None


class InjectedState(InjectedToolArg):
    """``Annotated[dict, InjectedState]`` gets the graph state; ``InjectedState("key")`` gets one key of it."""

    def __init__(self, field: str | None = None) -> None:
        self.field = field


class InjectedStore(InjectedToolArg):
    """``Annotated[BaseStore, InjectedStore()]`` gets the store the graph was compiled with."""


@dataclass
class InjectedArgs:
    """Where each injected parameter of one tool comes from (built once per tool)."""

    state: dict[str, str | None]  # parameter -> state key (None: the whole state)
    store: str | None
    runtime: str | None
    all_injected_keys: set[str]
    optional_state_args: set[str]

    def __bool__(self) -> bool:
        return bool(self.state or self.store or self.runtime or self.all_injected_keys)

    def names(self) -> set[str]:
        return {*self.state, *filter(None, (self.store, self.runtime))}


def _is_injection(type_arg: Any, kind: type) -> bool:
    if isinstance(type_arg, kind) or (isinstance(type_arg, type) and issubclass(type_arg, kind)):
        return True
    origin = get_origin(type_arg)
    if origin is Union or origin is Annotated:
        return any(_is_injection(arg, kind) for arg in get_args(type_arg))
    return origin is not None and isinstance(origin, type) and issubclass(origin, kind)


def _injection_of(annotation: Any, kind: type) -> Any:
    matches = [arg for arg in get_args(annotation) if _is_injection(arg, kind)]
    if len(matches) > 1:
        raise ValueError(
            f"A tool argument should not be annotated with {kind.__name__} more than once. Found: {matches}"
        )
    if matches:
        return matches[0]
    return True if _is_injection(annotation, kind) else None


def injected_args(tool: BaseTool) -> InjectedArgs:
    """Find the parameters of ``tool`` that the graph fills in."""
    schema = tool.get_input_schema()
    func = getattr(tool, "func", None) or getattr(tool, "coroutine", None)
    annotations = {
        **(get_type_hints(func, include_extras=True) if func else {}),
        **get_all_basemodel_annotations(schema),
    }
    found = InjectedArgs(state={}, store=None, runtime=None, all_injected_keys=set(), optional_state_args=set())
    for name, annotation in annotations.items():
        if _is_injected_arg_type(annotation):
            found.all_injected_keys.add(name)
        if name == "runtime" or _injection_of(annotation, ToolRuntime):
            found.runtime = name
        state = _injection_of(annotation, InjectedState)
        if isinstance(state, InjectedState) and state.field:
            found.state[name] = state.field
            info = schema.model_fields.get(name)
            if info is not None and not info.is_required():
                found.optional_state_args.add(name)
        elif state:
            found.state[name] = None
        if _injection_of(annotation, InjectedStore):
            found.store = name
    return found


def inject(call: dict[str, Any], found: InjectedArgs, runtime: ToolRuntime, messages_key: str) -> dict[str, Any]:
    """A copy of ``call`` whose ``args`` hold the injected values (and none the model tried to pass for them)."""
    if not found:
        return call
    values: dict[str, Any] = {}
    if found.state:
        values.update(_state_values(call["name"], found, runtime.state, messages_key))
    if found.store:
        if runtime.store is None:
            raise ValueError(
                "Cannot inject store into tools with InjectedStore annotations - please compile your graph with a store."
            )
        values[found.store] = runtime.store
    if found.runtime:
        values[found.runtime] = runtime
    args = {k: v for k, v in call["args"].items() if k not in found.all_injected_keys}
    return {**call, "args": {**args, **values}}


def _state_values(tool_name: str, found: InjectedArgs, state: Any, messages_key: str) -> dict[str, Any]:
    if isinstance(state, list):  # a bare message list stands for {messages_key: [...]}
        fields = list(found.state.values())
        if (len(fields) == 1 and fields[0] == messages_key) or fields[0] is None:
            state = {messages_key: state}
        else:
            message = f"Invalid input to ToolNode. Tool {tool_name} requires graph state dict as input."
            if any(fields):
                message += f" State should contain fields {', '.join(f for f in fields if f)}."
            raise ValueError(message)
    values = {}
    for arg, key in found.state.items():
        if not key:
            values[arg] = state
        elif isinstance(state, dict):
            if key in state:
                values[arg] = state[key]
            elif arg not in found.optional_state_args:
                raise KeyError(key)
        elif hasattr(state, key):
            values[arg] = getattr(state, key)
        elif arg not in found.optional_state_args:
            raise AttributeError(key)
    return values
