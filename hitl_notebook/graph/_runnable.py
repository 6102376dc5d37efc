"""LangChain ``Runnable``s (and other objects with ``invoke``/``ainvoke``) as graph nodes, as in LangGraph 1.2.

langchain_core is never imported here: a ``Runnable`` can only exist if its module is already loaded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..pregel import _timeouts
from ..pregel._async import in_async_run, run_coroutine
from ..pregel._callbacks import streaming_nodes


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


def runnable_caller(name: str, action: Any, timeout: Any = None) -> Callable[[Any, dict[str, Any]], Any]:
    """Call ``action.invoke(state, config)``; in async runs ``await action.ainvoke(state, config)`` when it has one.

    Under ``astream_events`` (a streaming callback handler in an async run) a Runnable is consumed through
    ``astream`` instead, so its own stream events appear as under LangGraph 1.2.

    An object with only ``ainvoke`` fails in a sync run with LangGraph's "No synchronous function" error.
    With a ``timeout`` (a ``TimeoutPolicy``) the runnable must be natively async (``ValueError`` otherwise, as
    LangGraph 1.2), and each attempt awaits ``ainvoke`` under it; a timed node cannot run under the sync API.
    """
    invoke = getattr(action, "invoke", None)
    ainvoke = getattr(action, "ainvoke", None)
    if timeout is not None:
        if not native_async(action):
            raise _timeouts.sync_unsupported(name)

        def call_with_timeout(value: Any, config: dict[str, Any]) -> Any:
            if not in_async_run():
                raise _timeouts.sync_unsupported(name)
            return run_coroutine(_timeouts.timed(name, timeout, ainvoke, value, config), name)

        return call_with_timeout

    astream = getattr(action, "astream", None)

    def call(value: Any, config: dict[str, Any]) -> Any:
        if astream is not None and streaming_nodes.get():  # under astream_events, as LangGraph's runner
            return run_coroutine(_consume(astream(value, config)), name)
        if ainvoke is not None and (invoke is None or in_async_run()):
            return run_coroutine(ainvoke(value, config), name)
        return invoke(value, config)

    return call


async def _consume(chunks: Any) -> Any:
    """The streamed chunks joined with ``+`` where they support it, else the last one (as LangChain's
    ``Runnable.atransform`` joins what a node streams before its writers see it)."""
    output: Any = None
    first = True
    async for chunk in chunks:
        if first:
            output, first = chunk, False
            continue
        try:
            output = output + chunk
        except TypeError:
            output = chunk
    return output


def native_async(action: Any) -> bool:
    """Whether ``action`` awaits its work without a thread, as LangGraph 1.2 decides for timed nodes: every step
    of a sequence or parallel map, a ``RunnableLambda`` built on an async function, or a class of its own that
    overrides ``ainvoke`` (an object that is not a Runnable: one with ``ainvoke``)."""
    core = sys.modules.get("langchain_core.runnables.base")
    if core is None or not isinstance(action, core.Runnable):
        return callable(getattr(type(action), "ainvoke", None))
    if isinstance(action, core.RunnableSequence):
        return all(native_async(step) for step in action.steps)
    if isinstance(action, core.RunnableParallel):
        return all(native_async(step) for step in action.steps__.values())
    if isinstance(action, core.RunnableLambda):
        return bool(getattr(action, "afunc", False))
    return type(action).ainvoke is not core.Runnable.ainvoke
