"""How ``ToolNode`` turns a failing tool call into an error ``ToolMessage`` (``handle_tool_errors``), as LangGraph 1.2.

The default handles only bad arguments from the model (``ToolInvocationError``) and re-raises everything else.
"""

from __future__ import annotations

import inspect
from types import UnionType
from typing import Any, Callable, Union, get_args, get_origin, get_type_hints

from langchain_core.tools.base import ToolException

INVALID_TOOL_NAME_ERROR_TEMPLATE = "Error: {requested_tool} is not a valid tool, try one of [{available_tools}]."
TOOL_CALL_ERROR_TEMPLATE = "Error: {error}\n Please fix your mistakes."
TOOL_INVOCATION_ERROR_TEMPLATE = (
    "Error invoking tool '{tool_name}' with kwargs {tool_kwargs} with error:\n {error}\n Please fix the error and try again."
)

ErrorHandling = bool | str | Callable[..., str] | type[Exception] | tuple[type[Exception], ...]


class ToolInvocationError(ToolException):
    """The model called a tool with arguments its schema rejects (raised only inside ``ToolNode``)."""

    def __init__(
        self, tool_name: str, source: Exception, tool_kwargs: dict[str, Any], filtered_errors: list[Any] | None = None
    ) -> None:
        if filtered_errors is not None:
            detail = "\n".join(
                f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', 'Unknown error')}"
                for error in filtered_errors
            )
        else:
            detail = str(source)
        self.message = TOOL_INVOCATION_ERROR_TEMPLATE.format(tool_name=tool_name, tool_kwargs=tool_kwargs, error=detail)
        self.tool_name = tool_name
        self.tool_kwargs = tool_kwargs
        self.source = source
        self.filtered_errors = filtered_errors
        super().__init__(self.message)


def _default_handle_tool_errors(e: Exception) -> str:
    """The default ``handle_tool_errors``: report bad arguments to the model, re-raise anything else."""
    if isinstance(e, ToolInvocationError):
        return e.message
    raise e


def handled_types(flag: ErrorHandling) -> tuple[type[Exception], ...]:
    """The exception types ``flag`` handles (a handler function's first parameter annotation says which)."""
    if isinstance(flag, type) and issubclass(flag, Exception):
        return (flag,)
    if isinstance(flag, tuple):
        return flag
    if callable(flag) and not isinstance(flag, type):
        return _infer_handled_types(flag)
    return (Exception,)


def error_content(e: Exception, flag: ErrorHandling) -> str:
    """The ``ToolMessage`` text for a handled error: the template, the given string, or the handler's result."""
    if isinstance(flag, (bool, tuple)) or (isinstance(flag, type) and issubclass(flag, Exception)):
        return TOOL_CALL_ERROR_TEMPLATE.format(error=repr(e))
    if isinstance(flag, str):
        return flag
    if callable(flag):
        return flag(e)
    raise ValueError(
        f"Got unexpected type of `handle_tool_error`. Expected bool, str or callable. Received: {flag}"
    )


def _infer_handled_types(handler: Callable[..., str]) -> tuple[type[Exception], ...]:
    params = list(inspect.signature(handler).parameters.values())
    if not params:
        return (Exception,)
    first = params[1] if params[0].name in ("self", "cls") and len(params) == 2 else params[0]
    hints = get_type_hints(handler)
    if first.name not in hints:
        return (Exception,)
    if get_origin(first.annotation) in (Union, UnionType):
        args = get_args(first.annotation)
        if all(issubclass(arg, Exception) for arg in args):
            return tuple(args)
        raise ValueError(
            "All types in the error handler error annotation must be Exception types. For example, "
            f"`def custom_handler(e: Union[ValueError, TypeError])`. Got '{first.annotation}' instead."
        )
    exception_type = hints[first.name]
    if Exception in getattr(exception_type, "__mro__", ()):
        return (exception_type,)
    raise ValueError(
        "Arbitrary types are not supported in the error handler signature. Please annotate the error with either a "
        "specific Exception type or a union of Exception types. For example, `def custom_handler(e: ValueError)` or "
        f"`def custom_handler(e: Union[ValueError, TypeError])`. Got '{exception_type}' instead."
    )


def filter_validation_errors(error: Any, injected_names: set[str]) -> list[Any]:
    """The pydantic errors about arguments the model controls, with injected values removed from their input."""
    kept = []
    for detail in error.errors():
        if detail["loc"] and detail["loc"][0] not in injected_names:
            detail = {**detail}
            if isinstance(detail.get("input"), dict):
                detail["input"] = {k: v for k, v in detail["input"].items() if k not in injected_names}
            kept.append(detail)
    return kept
