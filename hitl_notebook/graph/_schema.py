"""Read a state schema (TypedDict, dataclass or pydantic model) into channels, readers and updates."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Annotated, Any, get_args, get_origin

from ..errors import ErrorCode, InvalidUpdateError, create_error_message
from ..managed.is_last_step import managed_keys
from ..pregel._channels import BinaryOperatorAggregate, Channel, LastValue

_MISSING = object()
ROOT = "__root__"
"""The one channel of a non-dict state (``StateGraph(Annotated[list, operator.add])``), as LangGraph names it."""


def _is_pydantic_model(schema: Any) -> bool:
    return isinstance(schema, type) and hasattr(schema, "model_fields") and hasattr(schema, "model_validate")


def is_typed_dict(schema: Any) -> bool:
    return isinstance(schema, type) and typing.is_typeddict(schema)


@lru_cache(maxsize=None)
def schema_hints(schema: Any) -> dict[str, Any]:
    """Field name -> annotation (with ``Annotated`` extras) for any supported schema kind."""
    if schema is None or schema is Any:
        return {}
    if not hasattr(schema, "__annotations__"):
        # A type without annotations (dict, int, list[str], Annotated[list, add]): the whole state is one value,
        # as LangGraph 1.2's ``_get_channels``. ``StateGraph(dict)`` thus keeps one dict that each node replaces.
        return {ROOT: schema}
    if _is_pydantic_model(schema):
        hints = typing.get_type_hints(schema, include_extras=True)
        return {name: hints.get(name, info.annotation) for name, info in schema.model_fields.items()}
    if isinstance(schema, type) and (is_typed_dict(schema) or dataclasses.is_dataclass(schema)):
        hints = typing.get_type_hints(schema, include_extras=True)
        if dataclasses.is_dataclass(schema):
            return {f.name: hints.get(f.name, Any) for f in dataclasses.fields(schema)}
        return hints
    hints = typing.get_type_hints(schema, include_extras=True)  # a plain class: its annotations are the keys
    return {k: v for k, v in hints.items() if k != "__slots__"}


def _without_key_marker(annotation: Any) -> Any:
    """``T`` for ``Required[T]`` / ``NotRequired[T]`` (typing's or typing_extensions'), else ``annotation``.

    ``get_type_hints(include_extras=True)`` keeps these markers around a TypedDict key's ``Annotated[...]``.
    """
    while getattr(get_origin(annotation), "_name", None) in ("Required", "NotRequired"):
        annotation = get_args(annotation)[0]
    return annotation


def _reducer_of(annotation: Any) -> Callable[[Any, Any], Any] | None:
    """The reducer of ``Annotated[T, reducer]``: its last metadata item, when callable (as LangGraph 1.2).

    ``NotRequired[Annotated[T, reducer]]`` has it too. Raises ``ValueError`` (LangGraph's text) when that callable
    does not take exactly two positional arguments.
    """
    annotation = _without_key_marker(annotation)
    if get_origin(annotation) is not Annotated:
        return None
    reducer = annotation.__metadata__[-1]
    if not callable(reducer):
        return None
    try:
        signature = inspect.signature(reducer)
    except ValueError as exc:  # a builtin without a signature: LangGraph refuses it the same way
        raise ValueError(f"{exc}. Wrap it in a function of two arguments, e.g. lambda a, b: ...") from exc
    positional = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in signature.parameters.values())
    if positional != 2:
        raise ValueError(
            f"Invalid reducer signature. Expected (a, b) -> c. Got {signature}. A reducer receives the current "
            "value and one update and returns the new value."
        )
    return reducer


def _base_type(annotation: Any) -> Any:
    annotation = _without_key_marker(annotation)
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def channel_for(key: str, annotation: Any) -> Channel:
    reducer = _reducer_of(annotation)
    base = _base_type(annotation)
    if reducer is None:
        return LastValue(key, base)
    return BinaryOperatorAggregate(key, base, reducer)


def channels_from_schema(schema: Any) -> dict[str, Channel]:
    """One channel per schema key; managed values (``RemainingSteps``...) are computed per step, not stored."""
    hints = schema_hints(schema)
    managed = managed_keys(hints)
    return {key: channel_for(key, ann) for key, ann in hints.items() if key not in managed}


def same_channel_kind(a: Channel, b: Channel) -> bool:
    return type(a) is type(b) and getattr(a, "reducer", None) == getattr(b, "reducer", None)


def make_reader(schema: Any, keys: Sequence[str]) -> Callable[[dict[str, Any]], Any]:
    """Build the function that turns channel values into what a node receives."""
    keys = tuple(keys)
    if keys == (ROOT,):
        return _read_root
    if _is_pydantic_model(schema):
        def read_model(values: dict[str, Any]) -> Any:
            return schema(**_present(values, keys))
        return read_model
    if isinstance(schema, type) and dataclasses.is_dataclass(schema):
        def read_dataclass(values: dict[str, Any]) -> Any:
            return schema(**_present(values, keys))
        return read_dataclass

    def read_dict(values: dict[str, Any]) -> dict[str, Any]:
        return {k: values[k] for k in keys if k in values}

    return read_dict


def _read_root(values: dict[str, Any]) -> Any:
    return values.get(ROOT)


def _present(values: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: values[k] for k in keys if k in values}


def coerce_input(schema: Any, keys: Sequence[str], value: Any,
                 key_set: frozenset[str] | None = None) -> list[tuple[str, Any]]:
    """Map graph input to channel writes (``key_set``: ``frozenset(keys)``, when the caller keeps one).

    As LangGraph 1.2, input is not validated here: a pydantic state is validated when a node reads it (so each
    validator runs once per read, and bad input fails at the first node with pydantic's ``ValidationError``).
    """
    if value is None:
        return []
    if tuple(keys) == (ROOT,):
        return [(ROOT, value)]
    if isinstance(value, dict):  # in the input's own order, as LangGraph writes (and versions) them
        wanted = key_set if key_set is not None else frozenset(keys)
        return [(k, v) for k, v in value.items() if k in wanted]
    if has_schema_fields(value):
        return update_as_tuples(value, keys)
    # LangGraph's text (its input is mapped like a node's return value), then the fix.
    raise InvalidUpdateError(create_error_message(
        message=f"Expected dict, got {value}. Pass the graph a dict of state keys (or an instance of the state schema)",
        error_code=ErrorCode.INVALID_GRAPH_NODE_RETURN_VALUE,
    ))


def update_as_tuples(update: Any, keys: Sequence[str] | None = None) -> list[tuple[str, Any]]:
    """Normalise an update (dict, list of pairs, dataclass, pydantic model, bare value) to (key, value) pairs."""
    if update is None:
        return []
    if isinstance(update, dict):
        return list(update.items())
    if isinstance(update, (list, tuple)) and all(
        isinstance(u, tuple) and len(u) == 2 and isinstance(u[0], str) for u in update
    ):
        return list(update)
    fields: Sequence[str] | None = None
    defaults: dict[str, Any] = {}
    keep: set[str] | None = None
    if _is_pydantic_model(type(update)):
        fields = list(type(update).model_fields)
        keep = set(update.model_fields_set)
        defaults = {k: v.default for k, v in type(update).model_fields.items()}
    elif dataclasses.is_dataclass(update) and not isinstance(update, type):
        fields = [f.name for f in dataclasses.fields(update)]
        defaults = {f.name: f.default for f in dataclasses.fields(update)}
    if fields is None:  # as LangGraph: any other value updates a non-dict state's one channel (else it is dropped)
        return [(ROOT, update)]
    out = []
    for k in keys if keys is not None else fields:
        value = getattr(update, k, _MISSING)
        if value is _MISSING:
            continue
        if value is not None or defaults.get(k, _MISSING) is not None or (keep is not None and k in keep):
            out.append((k, value))
    return out


def has_schema_fields(obj: Any) -> bool:
    return (dataclasses.is_dataclass(obj) and not isinstance(obj, type)) or _is_pydantic_model(type(obj))


def first_param_schema(fn: Callable) -> Any | None:
    """The type hint on a node's first parameter, used as its private input schema."""
    try:
        params = list(inspect.signature(fn).parameters.values())
        if not params:
            return None
        hints = typing.get_type_hints(fn)
    except (TypeError, ValueError, NameError):
        return None
    hint = hints.get(params[0].name)
    # As LangGraph: any class with annotations (their keys become channels); bare types such as dict do not count.
    if isinstance(hint, type) and hint is not dict and _has_hints(hint):
        return hint
    return None


def _has_hints(cls: type) -> bool:
    try:
        return bool(typing.get_type_hints(cls))
    except Exception:  # unresolvable forward references
        return False
