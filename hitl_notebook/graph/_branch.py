"""Conditional edges: a router function plus the targets it may return."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from ..pregel import _inject
from ..types import Send


def literal_values(hint: Any) -> tuple[Any, ...] | None:
    """Names listed by a ``Literal[...]`` hint, also inside unions and ``Command[Literal[...]]``."""
    if hint is None:
        return None
    origin = get_origin(hint)
    if origin is Literal:
        return get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)) or (
        origin is not None and getattr(origin, "__name__", "") == "Command"
    ):
        found: list[Any] = []
        for arg in get_args(hint):
            found.extend(literal_values(arg) or ())
        return tuple(found) or None
    if origin in (list, Sequence, tuple) or getattr(origin, "__name__", "") in ("Sequence", "list"):
        found = []
        for arg in get_args(hint):
            found.extend(literal_values(arg) or ())
        return tuple(found) or None
    return None


def command_destinations(hint: Any) -> tuple[str, ...]:
    """Targets named by a ``Command[Literal[...]]`` return hint (also inside a union); () otherwise."""
    if hint is None:
        return ()
    if getattr(get_origin(hint), "__name__", "") == "Command":
        return tuple(literal_values(hint) or ())
    if get_origin(hint) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return tuple(name for arg in get_args(hint) for name in command_destinations(arg))
    return ()


def return_hint(fn: Callable) -> Any:
    target = fn if inspect.isfunction(fn) or inspect.ismethod(fn) else getattr(fn, "__call__", fn)
    try:
        return typing.get_type_hints(target).get("return")
    except Exception:  # unresolved forward references: no hint
        return None


@dataclass(slots=True)
class Branch:
    """``add_conditional_edges(source, path, path_map)`` after normalisation."""

    name: str
    path: Callable[..., Any]
    ends: dict[Hashable, str] | None
    is_async: bool
    input_schema: Any = None
    """The router's first-parameter type hint: it reads the state through it (its keys become channels)."""
    call: Callable[[Any, dict[str, Any]], Any] | None = None
    """``path(state, **injected)`` when the router declares ``runtime``, ``config``, ``store`` or ``writer`` (as a
    node can); ``None`` when it declares none, so the common router is called directly."""

    @classmethod
    def build(cls, path: Callable[..., Any], path_map: dict[Hashable, str] | Sequence[str] | None) -> "Branch":
        name = getattr(path, "__name__", None) or type(path).__name__
        if name == "<lambda>":
            name = "condition"
        if isinstance(path_map, dict):
            ends: dict[Hashable, str] | None = dict(path_map)
        elif path_map is not None:
            ends = {target: target for target in path_map}
        else:
            hint = return_hint(path)  # LangGraph reads only a plain Literal[...] return hint
            ends = {n: n for n in get_args(hint)} if get_origin(hint) is Literal else None
        is_async = inspect.iscoroutinefunction(path) or inspect.iscoroutinefunction(getattr(path, "__call__", None))
        from ._schema import first_param_schema

        wanted, takes_input = _inject.injected(path)
        call = _inject.bind(path, wanted, takes_input) if wanted else None
        return cls(name=name, path=path, ends=ends, is_async=is_async, input_schema=first_param_schema(path),
                   call=call)

    def resolve(self, result: Any) -> list[str | Send]:
        """Map the router's return value to node names and Sends (a value missing from the map is a KeyError)."""
        items = result if isinstance(result, (list, tuple)) else [result]
        out: list[str | Send] = []
        for item in items:
            if isinstance(item, Send):
                out.append(item)
            elif self.ends is not None:
                out.append(self.ends[item])
            else:
                out.append(item)
        return out

    def targets(self) -> list[str]:
        return list(self.ends.values()) if self.ends else []
