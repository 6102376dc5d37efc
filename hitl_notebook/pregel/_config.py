"""Config merging (``with_config``) and the checkpointer argument check, as LangGraph 1.2 does them."""

from __future__ import annotations

from typing import Any


def merge_configs(*configs: dict[str, Any] | None) -> dict[str, Any]:
    """Merge configs left to right as LangGraph 1.2 does: ``configurable``/``metadata`` dicts are merged, ``tags``
    concatenated, other keys replaced; empty values are skipped."""
    merged: dict[str, Any] = {}
    for config in configs:
        for key, value in (config or {}).items():
            if not value:
                continue
            if key in ("configurable", "metadata") and merged.get(key):
                merged[key] = {**merged[key], **value}
            elif key == "tags" and merged.get(key):
                merged[key] = [*merged[key], *value]
            else:
                merged[key] = value
    return merged


def check_checkpointer(checkpointer: Any) -> None:
    """Refuse a checkpointer argument that is not a saver (LangGraph 1.2's ``TypeError``)."""
    from ..checkpoint.base import BaseCheckpointSaver

    if checkpointer not in (None, True, False) and not isinstance(checkpointer, BaseCheckpointSaver):
        raise TypeError(
            "Invalid checkpointer provided. Expected an instance of `BaseCheckpointSaver`, `True`, `False`, or "
            f"`None`. Received {type(checkpointer).__name__}. Pass a proper saver (e.g., InMemorySaver, "
            "AsyncPostgresSaver)."
        )


__all__ = ["check_checkpointer", "merge_configs"]
