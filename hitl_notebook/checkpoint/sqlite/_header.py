"""Reading a stored checkpoint header and metadata defensively (part of ``_ops``).

A row changed outside hitl_notebook (or damaged) must fail with an error that names the checkpoint, the field and
the way out, not with an ``AttributeError`` deep inside the engine.
"""

from __future__ import annotations

from typing import Any

_VERSION_TYPES = (str, int, float)


def _kind(value: Any) -> str:
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _header_problem(header: Any) -> str | None:
    if not isinstance(header, dict):
        return f"its header is {_kind(header)}, expected a dict"
    for key in ("id", "ts"):
        if key in header and not isinstance(header[key], str):
            return f"its header field {key!r} is {_kind(header[key])}, expected a str"
    versions = header.get("channel_versions")
    if not isinstance(versions, dict):
        return f"its header field 'channel_versions' is {_kind(versions)}, expected a dict of channel -> version"
    for channel, version in versions.items():
        if not isinstance(channel, str) or not isinstance(version, _VERSION_TYPES):
            return (f"its header field 'channel_versions' maps {channel!r} to {_kind(version)}, expected a "
                    "str -> version (str or number)")
    seen = header.get("versions_seen", {})
    if not isinstance(seen, dict) or not all(isinstance(v, dict) for v in seen.values()):
        return "its header field 'versions_seen' is not a dict of node -> {channel: version}"
    updated = header.get("updated_channels")
    if updated is not None and not (isinstance(updated, list) and all(isinstance(c, str) for c in updated)):
        return f"its header field 'updated_channels' is {_kind(updated)}, expected a list of channel names or None"
    return None


def _metadata_problem(metadata: Any) -> str | None:
    if not isinstance(metadata, dict):
        return f"its metadata is {_kind(metadata)}, expected a dict"
    step = metadata.get("step", 0)
    if not isinstance(step, int) or isinstance(step, bool):
        return f"its metadata field 'step' is {_kind(step)}, expected an int"
    for key in ("source",):
        if key in metadata and not isinstance(metadata[key], str):
            return f"its metadata field {key!r} is {_kind(metadata[key])}, expected a str"
    parents = metadata.get("parents", {})
    if not isinstance(parents, dict):
        return f"its metadata field 'parents' is {_kind(parents)}, expected a dict"
    return None


def _corrupt(row: tuple, problem: str) -> ValueError:
    thread_id, ns, checkpoint_id = row[0], row[1], row[2]
    where = f" (namespace {ns!r})" if ns else ""
    return ValueError(
        f"Checkpoint {checkpoint_id} of thread {thread_id!r}{where} cannot be read: {problem}. The file was changed "
        "outside hitl_notebook or is damaged: restore it from a backup, or start over on a new thread_id."
    )


def checked_header(row: tuple, header: Any) -> dict[str, Any]:
    """``header`` if it has the shape the engine reads; ``ValueError`` naming the checkpoint and field if not."""
    problem = _header_problem(header)
    if problem is not None:
        raise _corrupt(row, problem)
    return header


def checked_metadata(row: tuple, metadata: Any) -> dict[str, Any]:
    """``metadata`` if it has the shape the engine reads; ``ValueError`` naming the checkpoint and field if not."""
    problem = _metadata_problem(metadata)
    if problem is not None:
        raise _corrupt(row, problem)
    return metadata


__all__ = ["checked_header", "checked_metadata"]
