"""LangChain ``Runnable``s (and other objects with ``invoke``/``ainvoke``) as graph nodes, as in LangGraph 1.2.

langchain_core is never imported here: a ``Runnable`` can only exist if its module is already loaded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..pregel._async import in_async_run, run_coroutine


def is_runnable(action: Any) -> bool:
    """True for a langchain_core ``Runnable``, or a non-callable object offering ``invoke`` or ``ainvoke``."""
    base = getattr(sys.modules.get("langchain_core.runnables.base"), "Runnable", None)
    if base is not None and isinstance(action, base):
        return True
    return not callable(action) and (hasattr(action, "invoke") or hasattr(action, "ainvoke"))


def runnable_name(action: Any) -> str | None:
    """The node name ``add_node(runnable)`` uses: ``get_name()`` for a Runnable, as LangGraph does."""
    get_name = getattr(action, "get_name", None)
    return get_name() if callable(get_name) else None


def runnable_caller(name: str, action: Any) -> Callable[[Any, dict[str, Any]], Any]:
    """Call ``action.invoke(state, config)``; in async runs ``await action.ainvoke(state, config)`` when it has one.

    An object with only ``ainvoke`` fails in a sync run with LangGraph's "No synchronous function" error.
    """
    invoke = getattr(action, "invoke", None)
    ainvoke = getattr(action, "ainvoke", None)

    def call(value: Any, config: dict[str, Any]) -> Any:
        if ainvoke is not None and (invoke is None or in_async_run()):
            return run_coroutine(ainvoke(value, config), name)
        return invoke(value, config)

    return call
