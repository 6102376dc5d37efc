"""``version="v2"`` output of ``stream``/``invoke`` (LangGraph 1.1+): typed stream parts and ``GraphOutput``.

Each chunk becomes ``{"type": mode, "ns": namespace, "data": chunk}``; a ``values`` part also carries the
``interrupts`` the step paused on (taken out of the data), and when the graph's output schema (or, in
``checkpoints``/``debug`` events, its state schema) is a pydantic model or a dataclass, the values are instances
of it, as LangGraph 1.2 coerces them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import is_dataclass
from typing import TYPE_CHECKING, Any

from .._stream_parts import GraphOutput
from ..constants import INTERRUPT, START

if TYPE_CHECKING:
    from .main import Pregel

Mapper = Callable[[dict[str, Any]], Any]


def mappers(graph: "Pregel") -> tuple[Mapper | None, Mapper | None]:
    """``(output mapper, state mapper)``: build the schema's class from a values dict, or ``None`` when the graph
    is not a ``StateGraph``, its schema is a plain type (``TypedDict``, ``dict``...) or its state is one value."""
    builder = getattr(graph, "builder", None)
    schemas = getattr(builder, "schemas", None)
    if not schemas:
        return None, None
    return _mapper(builder.output_schema, schemas), _mapper(builder.state_schema, schemas)


def _mapper(schema: Any, schemas: dict[Any, Any]) -> Mapper | None:
    if tuple(schemas.get(schema, ())) == ("__root__",) or not isinstance(schema, type):
        return None
    if is_dataclass(schema) or hasattr(schema, "model_fields"):  # a dataclass or a pydantic model
        return lambda values: schema(**values)
    return None


def part(ns: tuple[str, ...], mode: str, chunk: Any, maps: tuple[Mapper | None, Mapper | None]) -> dict[str, Any]:
    """The v2 stream part of one v1 chunk (``chunk`` is not changed)."""
    output_mapper, state_mapper = maps
    if mode == "values":
        interrupts: Any = ()
        if isinstance(chunk, dict):
            if INTERRUPT in chunk:
                chunk = dict(chunk)
                interrupts = chunk.pop(INTERRUPT)
            if output_mapper is not None:
                chunk = output_mapper(chunk)
        return {"type": mode, "ns": ns, "data": chunk, "interrupts": interrupts}
    if state_mapper is not None and isinstance(chunk, dict):
        if mode == "checkpoints":
            chunk = _coerced(chunk, state_mapper)
        elif mode == "debug" and chunk.get("type") == "checkpoint" and isinstance(chunk.get("payload"), dict):
            chunk = {**chunk, "payload": _coerced(chunk["payload"], state_mapper)}
    return {"type": mode, "ns": ns, "data": chunk}


def _coerced(payload: dict[str, Any], mapper: Mapper) -> dict[str, Any]:
    """A checkpoint payload with its values as the state class; the first one (``next`` holds ``__start__``) is
    left as it is, since its channels are not all set yet (as LangGraph)."""
    if not isinstance(payload.get("values"), dict) or START in payload.get("next", ()):
        return payload
    return {**payload, "values": mapper(payload["values"])}


def invoke(graph: "Pregel", input: Any, config: dict[str, Any] | None, *, stream_mode: str = "values",
           **options: Any) -> Any:
    """``invoke(..., version="v2")``: a ``GraphOutput`` of the last values and the interrupts the run paused on;
    with another ``stream_mode``, the list of stream parts (as LangGraph 1.2)."""
    latest: Any = None
    interrupts: list[Any] = []
    parts = []
    if options.get("output_keys") is None:  # invoke's default: the output schema's keys, not every state key
        options["output_keys"] = list(graph.output_keys)
    for item in graph.stream(input, config, stream_mode=stream_mode, **{**options, "version": "v2"}):
        if stream_mode == "values":
            latest = item["data"]
            interrupts.extend(item.get("interrupts", ()))
        else:
            parts.append(item)
    return GraphOutput(value=latest, interrupts=tuple(interrupts)) if stream_mode == "values" else parts
