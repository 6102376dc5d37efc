"""The small part of JSON Schema the answer forms need: fields to draw, and validation before resuming.

The engine validates the answer again with pydantic; this check only catches mistakes early, next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ._text import as_text, shorten, to_json

__all__ = ["EMPTY_ANSWER", "AnswerError", "Field", "FieldKind", "check", "fields_of", "is_object_schema",
           "is_string_schema", "kind_of_value", "resolve", "text_answer"]

FieldKind = Literal["bool", "int", "number", "string", "text", "enum", "json"]
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "boolean": (bool,), "integer": (int,), "number": (int, float), "string": (str,),
    "object": (dict,), "array": (list, tuple), "null": (type(None),),
}
_LONG_TEXT = 60
EMPTY_ANSWER = ("Not sent: the answer is empty. Type an answer first (an empty answer is sent only when the "
                "interrupt's response_schema allows one, e.g. interrupt(question, response_schema=str)).")


class AnswerError(ValueError):
    """The answer typed into a panel does not fit; shown inline, the interrupt stays pending."""


@dataclass(frozen=True)
class Field:
    """One input of a form: its key, label, widget kind and constraints."""

    name: str
    title: str
    kind: FieldKind
    required: bool = True
    default: Any = None
    has_default: bool = False
    nullable: bool = False
    options: tuple[Any, ...] = ()
    description: str | None = None


def resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` (``#/$defs/...``) and unwrap single-branch ``allOf``."""
    seen = 0
    while isinstance(schema, dict) and seen < 20:
        seen += 1
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        elif isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            schema = {**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}}
        else:
            break
    return schema


def is_string_schema(schema: Any) -> bool:
    """A schema for one free string (``{"type": "string"}``, e.g. ``interrupt(question, response_schema=str)``)."""
    if not isinstance(schema, dict):
        return False
    schema = resolve(schema, schema)
    return schema.get("type") == "string" and "enum" not in schema and "const" not in schema


def is_object_schema(schema: dict[str, Any]) -> bool:
    schema = resolve(schema, schema)
    return schema.get("type") == "object" or "properties" in schema


def fields_of(schema: dict[str, Any]) -> list[Field]:
    """The form fields of an object schema (one per property), or one ``value`` field for any other schema."""
    root = schema
    top = resolve(schema, root)
    if not is_object_schema(top):
        return [_field("value", top, root, required=True)]
    raw_required = top.get("required")
    required = {r for r in raw_required if isinstance(r, str)} if isinstance(raw_required, list) else set()
    properties = top.get("properties")
    if not isinstance(properties, dict):
        return []
    return [_field(name, prop, root, name in required) for name, prop in properties.items()]


def _field(name: Any, prop: Any, root: dict[str, Any], required: bool) -> Field:
    """The field of one property. Keywords of the wrong type (a description that is not a string, a property that
    is ``true``, a ``type`` list) are read leniently rather than failing the whole form."""
    prop = resolve(prop, root) if isinstance(prop, dict) else {}
    nullable = False
    branches = prop.get("anyOf") or prop.get("oneOf")
    if isinstance(branches, list):
        branches = [resolve(b, root) for b in branches if isinstance(b, dict)]
        real = [b for b in branches if b.get("type") != "null"]
        nullable = len(real) < len(branches)
        if len(real) == 1:
            prop = {**real[0], **{k: v for k, v in prop.items() if k not in ("anyOf", "oneOf")}}
    json_type = prop.get("type")
    if isinstance(json_type, list):  # ["string", "null"]: a nullable string
        nullable = nullable or "null" in json_type
        real_types = [t for t in json_type if t != "null"]
        json_type = real_types[0] if len(real_types) == 1 else None
    kind: FieldKind
    options: tuple[Any, ...] = ()
    if isinstance(prop.get("enum"), list) and prop["enum"]:
        kind, options = "enum", tuple(prop["enum"])
    elif "const" in prop:
        kind, options = "enum", (prop["const"],)
    else:
        kind = {"boolean": "bool", "integer": "int", "number": "number"}.get(json_type, "json")  # type: ignore[arg-type,assignment]
        if json_type == "string":
            max_length = prop.get("maxLength")
            long = prop.get("format") == "textarea" or (isinstance(max_length, int) and max_length > _LONG_TEXT)
            kind = "text" if long or "description" in as_text(name).lower() else "string"
    description = prop.get("description")
    return Field(
        name=name,
        title=as_text(prop.get("title") or as_text(name).replace("_", " ").capitalize()),
        kind=kind,
        required=required,
        default=prop.get("default"),
        has_default="default" in prop,
        nullable=nullable,
        options=options,
        description=None if description is None else as_text(description) if isinstance(description, str)
        else to_json(description),
    )


def kind_of_value(value: Any) -> FieldKind:
    """The widget kind for editing an existing value (tool-call arguments without a schema)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "text" if len(value) > _LONG_TEXT or "\n" in value else "string"
    return "json"


def check(schema: dict[str, Any], value: Any) -> list[str]:
    """Messages for each way ``value`` breaks ``schema`` (types, required, enum/const, bounds); empty when it fits."""
    errors: list[str] = []
    _check(schema, schema, value, "", errors)
    return errors


def text_answer(text: str, schema: dict[str, Any] | None = None) -> str:
    """The answer typed into a text box, checked before it is sent.

    An empty (or blank) answer is refused with :data:`EMPTY_ANSWER` unless ``schema`` (the interrupt's
    ``response_schema``) accepts it; a non-empty one must fit ``schema`` when there is one. Raises
    :class:`AnswerError` (shown inline; the interrupt stays pending).
    """
    if schema:
        errors = check(schema, text)
        if errors:
            raise AnswerError(EMPTY_ANSWER if not text.strip() else "\n".join(errors))
        return text
    if not text.strip():
        raise AnswerError(EMPTY_ANSWER)
    return text


def _check(schema: Any, root: dict[str, Any], value: Any, path: str, errors: list[str]) -> None:
    if not isinstance(schema, dict):
        return
    schema = resolve(schema, root)
    where = path or "answer"
    branches = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(branches, list) and isinstance(schema.get("discriminator"), dict) and isinstance(value, dict):
        _check_tagged(schema, root, value, path, errors)
        return
    if isinstance(branches, list):
        if not any(not check_branch(b, root, value) for b in branches):
            errors.append(f"{where}: does not match any allowed form")
        return
    expected = schema.get("type")
    if expected is not None:
        types = [as_text(t) for t in (expected if isinstance(expected, list) else [expected])]
        if not any(_is_type(value, t) for t in types):
            errors.append(f"{where}: expected {' or '.join(types)}, got {type(value).__name__} {_short(value)}")
            return
    if isinstance(schema.get("enum"), list) and value not in schema["enum"]:
        errors.append(f"{where}: must be one of {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: must be {schema['const']!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if (low := _bound(schema, "minimum")) is not None and value < low:
            errors.append(f"{where}: must be ≥ {low}")
        if (high := _bound(schema, "maximum")) is not None and value > high:
            errors.append(f"{where}: must be ≤ {high}")
    if isinstance(value, str):
        if (low := _bound(schema, "minLength")) is not None and len(value) < low:
            errors.append(f"{where}: needs at least {low} characters")
        if (high := _bound(schema, "maxLength")) is not None and len(value) > high:
            errors.append(f"{where}: allows at most {high} characters")
    if isinstance(value, dict):
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        required = schema.get("required")
        for name in required if isinstance(required, list) else ():
            if name not in value:
                errors.append(f"{path + '.' if path else ''}{name}: required")
        for name, item in value.items():
            if name in props:
                _check(props[name], root, item, f"{path + '.' if path else ''}{name}", errors)
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path + '.' if path else ''}{name}: not allowed")
    if isinstance(value, (list, tuple)) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _check(schema["items"], root, item, f"{where}[{i}]", errors)


def _check_tagged(schema: dict[str, Any], root: dict[str, Any], value: dict[str, Any], path: str,
                  errors: list[str]) -> None:
    """A discriminated union (pydantic's ``Discriminator``): check only the branch the tag names, as pydantic does,
    so a wrong answer gets the errors of the form it meant rather than "does not match any allowed form"."""
    prop = schema["discriminator"].get("propertyName")
    where = f"{path + '.' if path else ''}{prop}"
    tags: dict[Any, Any] = dict(schema["discriminator"].get("mapping") or {})
    for branch in schema.get("oneOf") or schema.get("anyOf") or ():
        tag = (resolve(branch, root).get("properties") or {}).get(prop, {}).get("const")
        if tag is not None:
            tags.setdefault(tag, branch)
    if prop not in value:
        errors.append(f"{where}: required (one of {list(tags)})")
    elif not isinstance(value[prop], (str, int, float, bool)) or value[prop] not in tags:
        errors.append(f"{where}: must be one of {list(tags)}, got {_short(value[prop])}")
    else:
        target = tags[value[prop]]
        _check({"$ref": target} if isinstance(target, str) else target, root, value, path, errors)


def check_branch(schema: Any, root: dict[str, Any], value: Any) -> list[str]:
    errors: list[str] = []
    _check(schema, root, value, "", errors)
    return errors


def _bound(schema: dict[str, Any], key: str) -> int | float | None:
    """A numeric keyword (``minimum``, ``maxLength``...); ``None`` when absent or not a number (not checked)."""
    bound = schema.get(key)
    return bound if isinstance(bound, (int, float)) and not isinstance(bound, bool) else None


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(name, (object,)))


def _short(value: Any) -> str:
    return shorten(to_json(value), 40)
