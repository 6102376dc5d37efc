"""``@entrypoint``: turn one function into a runnable, checkpointed workflow with the compiled-graph API."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, get_args, get_origin

from ..constants import END, START
from ..pregel import Pregel
from ..pregel import _inject, _timeouts
from ..pregel._async import in_async_run, run_coroutine
from ..pregel._cache import NodeCache
from ..pregel._channels import Ephemeral, LastValue
from ..pregel._node import PregelNode
from ..types import as_retry_policies

R = TypeVar("R")
S = TypeVar("S")

PREVIOUS = "__previous__"


class entrypoint:
    """Decorator: ``@entrypoint(checkpointer=...)`` makes ``func(input)`` a workflow with ``invoke``/``stream``/state API.

    ``func`` takes one positional input and may declare ``previous`` (the value saved by the last run on the
    thread), ``config``, ``writer``, ``store`` and ``runtime`` (see ``hitl_notebook.runtime``). Its return value
    is both the output and the saved state, unless it returns ``entrypoint.final(value=..., save=...)``.
    """

    @dataclass(frozen=True)
    class final(Generic[R, S]):
        """Return ``value`` to the caller but save ``save`` for the next run's ``previous``."""

        value: R
        save: S

    def __init__(self, checkpointer: Any = None, store: Any = None, cache: Any = None,
                 context_schema: Any = None, cache_policy: Any = None, retry_policy: Any = None,
                 **kwargs: Any) -> None:
        self.checkpointer = checkpointer
        self.store = store
        self.cache = cache
        self.cache_policy = cache_policy
        self.retry_policy = retry_policy
        self.context_schema = context_schema or kwargs.get("config_schema")
        self.timeout = _timeouts.coerce(kwargs.get("timeout"))  # per attempt, async workflows only (LangGraph 1.2)

    def __call__(self, func: Callable[..., Any]) -> Pregel:
        """Build the workflow graph; a generator function raises ``NotImplementedError`` (as LangGraph 1.2)."""
        if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
            raise NotImplementedError("Generators are not supported in the Functional API.")
        name = func.__name__
        _timeouts.check_supported(name, self.timeout, inspect.iscoroutinefunction(func))
        channels = {START: Ephemeral(START), END: LastValue(END), PREVIOUS: LastValue(PREVIOUS)}
        graph = Pregel(channels=channels, state_keys=(END, PREVIOUS), input_keys=(START,), output_keys=(END,),
                       checkpointer=self.checkpointer, store=self.store, cache=self.cache,
                       name="LangGraph")
        graph.output_channel = END
        graph.streams_calls = True
        graph.input_type, graph.output_type = _io_types(func)
        graph.context_schema = self.context_schema
        policies = self.retry_policy
        graph.nodes[name] = PregelNode(
            name=name,
            triggers=(START,),
            read=lambda values: values.get(START),
            call=_caller(func, self.timeout),
            write=_write,
            is_async=inspect.iscoroutinefunction(func),
            retry_policy=as_retry_policies(policies),
            cache=NodeCache.build(self.cache_policy, func, name),
        )
        graph.__doc__ = func.__doc__
        graph.__wrapped__ = func  # type: ignore[attr-defined]
        return graph


def _io_types(func: Callable[..., Any]) -> tuple[Any, Any]:
    """Input and output types from the signature, as LangGraph reads them (``final[R, S]`` gives ``R``).

    String annotations (``from __future__ import annotations``) are resolved when they can be.
    """
    try:
        sig = inspect.signature(func, eval_str=True)
    except Exception:  # an unresolvable forward reference: keep the raw annotations
        sig = inspect.signature(func)
    first = next(iter(sig.parameters.values()), None)
    input_type = first.annotation if first is not None and first.annotation is not first.empty else Any
    output_type = sig.return_annotation
    if output_type is sig.empty or output_type is entrypoint.final:
        output_type = Any
    elif get_origin(output_type) is entrypoint.final:
        output_type = get_args(output_type)[0]
    return input_type, output_type


def _write(output: Any, config: dict[str, Any]) -> tuple[list[tuple[str, Any]], Any]:
    if isinstance(output, entrypoint.final):
        return [(END, output.value), (PREVIOUS, output.save)], output.value
    return [(END, output), (PREVIOUS, output)], output


def _caller(func: Callable[..., Any], timeout: Any = None) -> Callable[[Any, dict[str, Any]], Any]:
    wanted, _ = _inject.injected(func)
    injected = {n for n, _ in wanted}
    params = inspect.signature(func).parameters
    required = [p.name for p in params.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
                and p.name not in injected]
    call = _inject.bind(func, wanted, True)
    is_async = inspect.iscoroutinefunction(func)
    name = func.__name__

    def run(value: Any, config: dict[str, Any]) -> Any:
        if len(required) > 1:
            raise TypeError(
                f"{name}() takes one positional input but declares {len(required)} ({', '.join(required)}). "
                f"Pass several values in one dict: {name}.invoke({{{', '.join(repr(r) + ': ...' for r in required)}}})."
            )
        if timeout is not None:
            if not in_async_run():  # as LangGraph: a timed workflow cannot run under the sync API
                raise _timeouts.sync_unsupported(name)
            return run_coroutine(_timeouts.timed(name, timeout, call, value, config), name)
        result = call(value, config)
        return run_coroutine(result, name) if is_async else result

    return run
