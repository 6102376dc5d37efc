"""The functional API: ``@entrypoint`` workflows that call ``@task`` functions, as in ``langgraph.func``."""

from ._entrypoint import entrypoint
from ._task import task

__all__ = ["entrypoint", "task"]
