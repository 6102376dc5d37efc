"""Keyword arguments the engine fills in for user functions: ``config``, ``writer``, ``store``, ``previous``,
``runtime`` and ``error``.

LangGraph 1.2 decides from the signature, once, which of these a node, router, ``@task`` or ``@entrypoint``
function takes: the name must match and, for ``config``/``writer``/``store``/``error``, so must the annotation
(none, or the expected type by object or by name; ``error`` must be typed ``NodeError``). ``previous`` and
``runtime`` take any annotation. We inspect once when
the graph is built; each call then only fetches the values.
"""

from __future__ import annotations

import inspect
import typing
import warnings
from collections.abc import Callable
from typing import Any

from ..types import StreamWriter
from ._context import current_task

Getter = Callable[[dict[str, Any]], Any]

_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
_EMPTY = inspect.Parameter.empty


def _config(config: dict[str, Any]) -> Any:
    return config


def _writer(config: dict[str, Any]) -> Any:
    return current_task().writer


def _store(config: dict[str, Any]) -> Any:
    run = current_task().run
    return run.kv_store if run is not None else None


def _previous(config: dict[str, Any]) -> Any:
    return current_task().public_runtime().previous


def _runtime(config: dict[str, Any]) -> Any:
    return current_task().public_runtime()


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


_RULES: tuple[tuple[str, Callable[[Any], bool], Getter], ...] = (
    ("config", _accepts_config, _config),
    ("writer", _accepts_writer, _writer),
    ("store", _accepts_store, _store),
    ("previous", lambda annotation: True, _previous),
    ("runtime", lambda annotation: True, _runtime),
)


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
    by_name = {p.name: p for p in params if p.kind in _KINDS and p.name != first}
    wanted = []
    for name, accepts, getter in _RULES:
        param = by_name.get(name)
        if param is not None and accepts(param.annotation):
            wanted.append((name, getter))
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
