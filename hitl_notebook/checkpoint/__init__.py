"""Checkpointers: where paused and finished runs are kept."""

from .base import BaseCheckpointSaver, Checkpoint, CheckpointMetadata, CheckpointTuple

__all__ = ["BaseCheckpointSaver", "Checkpoint", "CheckpointMetadata", "CheckpointTuple"]
