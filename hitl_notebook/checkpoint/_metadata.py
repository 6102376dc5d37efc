"""What a run's config adds to the metadata of the checkpoints it saves, as LangGraph 1.2."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EXCLUDED_METADATA_KEYS = frozenset({
    "thread_id",
    "checkpoint_id",
    "checkpoint_ns",
    "checkpoint_map",
    "langgraph_step",
    "langgraph_node",
    "langgraph_triggers",
    "langgraph_path",
    "langgraph_checkpoint_ns",
})
"""Config keys never copied into checkpoint metadata: the checkpoint's own address and the per-task keys."""


def get_checkpoint_metadata(config: Mapping[str, Any], metadata: Mapping[str, Any]) -> dict[str, Any]:
    """``metadata`` plus the plain entries of ``config["metadata"]`` and ``config["configurable"]``.

    As LangGraph 1.2's function of the same name: an entry is copied when its value is a ``str``, ``int``,
    ``float`` or ``bool``, its key is not already in ``metadata``, not in :data:`EXCLUDED_METADATA_KEYS` and does
    not start with ``"__"``; ``config["metadata"]`` comes first. NUL characters are removed from strings.
    """
    merged = {k: v.replace("\u0000", "") if isinstance(v, str) else v for k, v in metadata.items()}
    for source in (config.get("metadata"), config.get("configurable")):
        if not source:
            continue
        for key, value in source.items():
            if key in merged or key in EXCLUDED_METADATA_KEYS or key.startswith("__"):
                continue
            if isinstance(value, str):
                merged[key] = value.replace("\u0000", "")
            elif isinstance(value, (int, float, bool)):
                merged[key] = value
    return merged


__all__ = ["EXCLUDED_METADATA_KEYS", "get_checkpoint_metadata"]
