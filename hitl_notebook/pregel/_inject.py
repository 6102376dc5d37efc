"""Keyword arguments the engine fills in for user functions: ``config``, ``writer``, ``store``, ``previous``,
``runtime`` and ``error``.

LangGraph 1.2 decides from the signature, once, which of these a node, router, ``@task`` or ``@entrypoint``
function takes: the name must match and, for ``config``/``writer``/``store``/``error``, so must the annotation
(none, or the expected type by object or by name; ``error`` must be typed ``NodeError``). ``previous`` and
``runtime`` take any annotation. We inspect once when the graph is built; each call then only fetches the values.
"""

from __future__ import annotations

import inspect
import typing
import warnings
from collections.abc import Callable
from typing import Any

from ..types import StreamWriter
from ._context import TaskRuntime, running_task
from ._handlers import CONFIG_KEY_NODE_ERROR

Getter = Callable[[dict[str, Any]], Any]

_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
_EMPTY = inspect.Parameter.empty


def _config(config: dict[str, Any]) -> Any:
    return config


def _node_error(config: dict[str, Any]) -> Any:
    """The ``NodeError`` an error handler runs for (``None`` for an ordinary node)."""
    return config["configurable"].get(CONFIG_KEY_NODE_ERROR)


def _writer(task: TaskRuntime) -> Any:
    return task.writer


def _store(task: TaskRuntime) -> Any:
    return task.run.kv_store if task.run is not None else None


def _previous(task: TaskRuntime) -> Any:
    return task.public_runtime().previous


def _runtime(task: TaskRuntime) -> Any:
    return task.public_runtime()


def _no_op_writer(_chunk: Any) -> None:
    return None


def _from_task(read: Callable[[TaskRuntime], Any], key: str, default: Any, fn: Any) -> Getter:
    """A getter reading the running task; outside a run (``update_state`` evaluating a router) it falls back to
    LangGraph's default for the parameter, or raises LangGraph's error when there is none."""

    def get(config: dict[str, Any]) -> Any:
        task = running_task()
        if task is not None:
            return read(task)
        if default is _EMPTY:
            raise ValueError(
                f"Missing required config key '{key}' for '{getattr(fn, '__name__', fn)}'. This value exists only "
                "while the graph runs, and update_state(as_node=...) evaluates this function outside a run: read "
                "what it needs from the state instead."
            )
        return default

    return get


def _named(annotation: Any, *names: str) -> bool:
    """``annotation`` is one of ``names``, as a string (postponed annotations) or as a class/alias of that name."""
    if isinstance(annotation, str):
        return annotation in names
    return getattr(annotation, "__name__", None) in names


def _optional_of(annotation: Any, name: str) -> bool:
    """``Optional[X]`` / ``X | None`` where X is named ``name``."""
    if isinstance(annotation, str):
        return annotation == f"Optional[{name}]"
    args = typing.get_args(annotation)
    return (len(args) == 2 and type(None) in args
            and any(_named(a, name) for a in args if a is not type(None)))


def _accepts_config(annotation: Any) -> bool:
    ok = annotation is _EMPTY or _named(annotation, "RunnableConfig") or _optional_of(annotation, "RunnableConfig")
    if not ok:
        warnings.warn(
            f"The 'config' parameter should be typed as 'RunnableConfig' or 'RunnableConfig | None', not "
            f"'{annotation}'. ",
            UserWarning,
            stacklevel=5,
        )
    return ok


def _accepts_writer(annotation: Any) -> bool:
    return annotation is _EMPTY or annotation == StreamWriter or _named(annotation, "StreamWriter")


def _accepts_store(annotation: Any) -> bool:
    return annotation is _EMPTY or _named(annotation, "BaseStore") or _optional_of(annotation, "BaseStore")


def injected(fn: Callable[..., Any], *, skip_first: bool = True) -> tuple[tuple[tuple[str, Getter], ...], bool]:
    """Which keywords to fill in for ``fn``, and whether it takes a positional input.

    ``skip_first``: the first positional parameter is the input (state, router input, entrypoint input), never
    an injected keyword. Returns ``((name, getter), ...), takes_input``; callables without a signature take the
    input and nothing else.
    """
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return (), True
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    takes_input = bool(positional) or any(p.kind is p.VAR_POSITIONAL for p in params)
    first = positional[0].name if skip_first and positional else None
    by_name = {p.name: p.annotation for p in params if p.kind in _KINDS and p.name != first}
    wanted: list[tuple[str, Getter]] = []
    if "config" in by_name and _accepts_config(by_name["config"]):
        wanted.append(("config", _config))
    if "writer" in by_name and _accepts_writer(by_name["writer"]):
        wanted.append(("writer", _from_task(_writer, "stream_writer", _no_op_writer, fn)))
    if "store" in by_name and _accepts_store(by_name["store"]):
        # LangGraph: a plain ``BaseStore`` store is required, an ``Optional[BaseStore]`` one defaults to None.
        default = None if _optional_of(by_name["store"], "BaseStore") else _EMPTY
        wanted.append(("store", _from_task(_store, "store", default, fn)))
    if "previous" in by_name:
        wanted.append(("previous", _from_task(_previous, "previous", _EMPTY, fn)))
    if "runtime" in by_name:
        wanted.append(("runtime", _from_task(_runtime, "N/A", _EMPTY, fn)))
    if "error" in by_name and _named(by_name["error"], "NodeError"):
        wanted.append(("error", _node_error))
    return tuple(wanted), takes_input


def bind(fn: Callable[..., Any], wanted: tuple[tuple[str, Getter], ...], takes_input: bool) -> Callable[[Any, dict[str, Any]], Any]:
    """``call(value, config)`` running ``fn(value, **injected)``; no per-call work when nothing is injected."""
    if not wanted:
        return (lambda value, config: fn(value)) if takes_input else (lambda value, config: fn())
    if takes_input:
        return lambda value, config: fn(value, **{name: get(config) for name, get in wanted})
    return lambda value, config: fn(**{name: get(config) for name, get in wanted})


def fill(wanted: tuple[tuple[str, Getter], ...], config: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """``given`` keyword arguments plus the injected ones it does not already name (explicit values win)."""
    if not wanted:
        return given
    extra = {name: get(config) for name, get in wanted if name not in given}
    return {**given, **extra} if extra else given
