"""Managed state values, as ``langgraph.managed``: keys the engine computes per step instead of storing.

``remaining_steps: RemainingSteps`` in a state schema is not a channel: it is never checkpointed or returned, and a
node whose input schema declares it receives how many supersteps are left before the recursion limit.
"""

from .is_last_step import IsLastStep, IsLastStepManager, RemainingSteps, RemainingStepsManager, managed_keys

__all__ = ["IsLastStep", "IsLastStepManager", "RemainingSteps", "RemainingStepsManager", "managed_keys"]
