"""Config merging (``with_config``) and the checkpointer argument check, as LangGraph 1.2 does them."""

from __future__ import annotations

from typing import Any

from ..checkpoint._metadata import get_checkpoint_metadata


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


# Config keys of a RunnableConfig; any other top-level key LangGraph 1.2 moves into ``configurable``.
_CONFIG_KEYS = frozenset({"tags", "metadata", "callbacks", "run_name", "max_concurrency", "recursion_limit",
                          "configurable", "run_id"})
# ``configurable`` keys LangGraph 1.2 also copies into ``metadata`` (those not excluded from checkpoint metadata).
_PROPAGATE_TO_METADATA = ("task_id", "run_id", "assistant_id", "graph_id")


def configurable_of(config: dict[str, Any]) -> dict[str, Any]:
    """``config["configurable"]`` plus the config's unknown top-level keys, which LangGraph 1.2 moves there."""
    configurable = dict(config.get("configurable") or {})
    for key, value in config.items():
        if key not in _CONFIG_KEYS and value is not None and not (isinstance(value, (list, tuple, dict)) and not value):
            configurable[key] = value
    return configurable


def checkpoint_metadata_of(config: dict[str, Any]) -> dict[str, Any]:
    """What a call's ``config`` adds to the metadata of each checkpoint it saves, as LangGraph 1.2.

    Its ``metadata`` entries, then ``task_id``/``run_id``/``assistant_id``/``graph_id`` from ``configurable``, then the
    other ``configurable`` entries and unknown top-level keys; plain values only (see ``get_checkpoint_metadata``).
    """
    configurable = configurable_of(config)
    metadata = dict(config.get("metadata") or {})
    for key in _PROPAGATE_TO_METADATA:
        if key not in metadata and configurable.get(key):
            metadata[key] = configurable[key]
    return get_checkpoint_metadata({"metadata": metadata, "configurable": configurable}, {})


def check_checkpointer(checkpointer: Any) -> None:
    """Refuse a checkpointer argument that is not a saver (LangGraph 1.2's ``TypeError``)."""
    from ..checkpoint.base import BaseCheckpointSaver

    if checkpointer not in (None, True, False) and not isinstance(checkpointer, BaseCheckpointSaver):
        raise TypeError(
            "Invalid checkpointer provided. Expected an instance of `BaseCheckpointSaver`, `True`, `False`, or "
            f"`None`. Received {type(checkpointer).__name__}. Pass a proper saver (e.g., InMemorySaver, "
            "AsyncPostgresSaver)."
        )


__all__ = ["check_checkpointer", "checkpoint_metadata_of", "configurable_of", "merge_configs"]
