"""JSON Schemas of a graph's input and output, built with pydantic the way LangGraph 1.2 builds them.

A pydantic model gives its own schema; a TypedDict goes through a ``TypeAdapter``. Anything else (dataclasses,
plain classes, ``@entrypoint`` input/output types, a non-dict state) becomes a model named ``<graph>Input`` /
``<graph>Output`` whose fields are the state keys, each required unless it has a default, is ``NotRequired`` or
``Optional``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Annotated, Any, Optional, Union, get_origin

_ROOT = "__root__"


def root_model_schema(name: str, typ: Any, default: Any = ...) -> dict[str, Any]:
    """Schema of a single value of type ``typ``, titled ``name`` (``@entrypoint`` input/output, non-dict state)."""
    from pydantic import ConfigDict, RootModel

    attributes = {"__annotations__": {"root": typ}, "model_config": ConfigDict(arbitrary_types_allowed=True)}
    if default is not ...:
        attributes["root"] = default
    model = type(name, (RootModel,), attributes)
    schema = model.model_json_schema()
    schema["title"] = name
    return schema


def state_schema(name: str, typ: Any, keys: tuple[str, ...], channel_types: dict[str, Any]) -> dict[str, Any]:
    """Schema of a state schema ``typ`` whose keys are ``keys`` (channel value types in ``channel_types``)."""
    import typing_extensions
    from pydantic import BaseModel, TypeAdapter, create_model

    if isinstance(typ, type) and issubclass(typ, BaseModel):
        return typ.model_json_schema()
    if isinstance(typ, type) and typing_extensions.is_typeddict(typ):  # typing's or typing_extensions' kind
        return TypeAdapter(typ).json_schema()
    if keys == (_ROOT,):
        return root_model_schema(name, channel_types[_ROOT], None)
    hints = _hints(typ)
    fields = {k: (channel_types[k], _field_default(k, hints.get(k), typ)) for k in keys if k in channel_types}
    return create_model(name, **fields).model_json_schema()


def _hints(typ: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(typ, include_extras=True)
    except Exception:  # unresolvable forward references: every field required
        return {}


def _field_default(name: str, annotation: Any, schema: Any) -> Any:
    """``...`` (required) or the default a field gets, as LangGraph's ``get_field_default``."""
    required = _required_marker(annotation)
    if name in getattr(schema, "__optional_keys__", ()):
        return ... if required else None
    if required is not None:
        return ... if required else None
    if dataclasses.is_dataclass(schema):
        for field in dataclasses.fields(schema):
            if field.name == name:
                if field.default is not dataclasses.MISSING and field.default is not ...:
                    return field.default
                if field.default_factory is not dataclasses.MISSING:
                    return field.default_factory()
    return None if _is_optional(annotation) else ...


def _required_marker(annotation: Any) -> bool | None:
    import typing_extensions  # installed with pydantic; also has Required on Python 3.10

    origin = get_origin(annotation)
    if origin in (typing_extensions.Required, getattr(typing, "Required", None)):
        return True
    if origin in (typing_extensions.NotRequired, getattr(typing, "NotRequired", None)):
        return False
    if origin is Annotated:
        return _required_marker(annotation.__args__[0])
    return None


def _is_optional(annotation: Any) -> bool:
    if isinstance(annotation, types.UnionType):
        return any(arg is type(None) or _is_optional(arg) for arg in annotation.__args__)
    origin = get_origin(annotation)
    if origin in (Union, Optional):
        return any(arg is type(None) or _is_optional(arg) for arg in annotation.__args__)
    if origin is Annotated:
        return _is_optional(annotation.__args__[0])
    return annotation is None
