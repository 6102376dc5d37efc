"""The keyword options of ``invoke``/``stream``: refusing unknown ones, checking the config, narrowing output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_IGNORED_OPTIONS = frozenset({"checkpoint_during"})
"""LangGraph options that change nothing here (the old durability flag)."""


def node_names(value: Any) -> Any:
    """``interrupt_before``/``interrupt_after`` as the loop checks them: ``"*"`` (every node) or a frozenset."""
    if value == "*":
        return "*"
    return frozenset(value or ())


def check_options(options: dict[str, Any]) -> None:
    """Refuse options we would otherwise ignore silently, so a program never gets output it did not ask for."""
    version = options.pop("version", "v1")
    if version not in ("v1", "v2"):
        raise NotImplementedError(
            f"version={version!r} is not supported: use version='v1' (the default: bare chunks) or 'v2' (typed "
            "stream parts), as in LangGraph 1.2."
        )
    unknown = sorted(k for k in options if k not in _IGNORED_OPTIONS)
    if unknown:
        raise TypeError(f"Unexpected keyword argument(s) {', '.join(unknown)}; see help(graph.stream) for the options.")


def select_updates(chunk: dict[str, Any], output_keys: str | Sequence[str]) -> dict[str, Any]:
    """``output_keys`` narrows each node's update too (a str gives the bare value)."""
    selected = {}
    for name, update in chunk.items():
        if name.startswith("__") or not isinstance(update, dict):
            selected[name] = update
        elif isinstance(output_keys, str):
            selected[name] = update.get(output_keys)
        else:
            selected[name] = {k: v for k, v in update.items() if k in output_keys} or None  # as LangGraph 1.2
    return selected


def merge_config(config: dict[str, Any] | None) -> dict[str, Any]:
    config = dict(config or {})
    if "recursion_limit" in config and config["recursion_limit"] < 1:
        raise ValueError("recursion_limit must be at least 1")
    return config


def output_keys_tuple(output_keys: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if output_keys is None:
        return None
    return (output_keys,) if isinstance(output_keys, str) else tuple(output_keys)
