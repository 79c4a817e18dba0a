"""The record format as JSON Schema (draft 2020-12), generated from ``kolrules.schema``."""

from __future__ import annotations

from typing import Any

from kolrules import schema
from kolrules.types import EnumType, FieldType, Kind, ListOf, MapOf, ObjectType, Scalar

_SCALARS: dict[Kind, dict[str, Any]] = {
    Kind.STRING: {"type": "string"},
    Kind.INTEGER: {"type": "integer"},
    Kind.NUMBER: {"type": "number"},
    Kind.BOOLEAN: {"type": "boolean"},
    Kind.DATE: {"type": "string", "format": "date"},
    Kind.DATETIME: {"type": "string", "format": "date-time"},
    Kind.SECONDS: {"type": "number"},
    Kind.COUNTRY: {"type": "string", "pattern": "^[A-Z]{2}$"},
    Kind.LANGUAGE: {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
}


def _type(t: FieldType) -> dict[str, Any]:
    if isinstance(t, Scalar):
        out = dict(_SCALARS[t.kind])
        if t.minimum is not None:
            out["minimum"] = t.minimum
        if t.maximum is not None:
            out["maximum"] = t.maximum
        return out
    if isinstance(t, EnumType):
        if t.closed:
            return {"type": "string", "enum": list(t.values)}
        return {"type": "string", "examples": list(t.values)}
    if isinstance(t, ListOf):
        return {"type": "array", "items": _type(t.item)}
    if isinstance(t, MapOf):
        return {
            "type": "object",
            "propertyNames": _SCALARS[t.key],
            "additionalProperties": _type(t.value),
        }
    return _object(t)


def _object(t: ObjectType) -> dict[str, Any]:
    properties = {}
    for field in t.fields:
        if field.derived:
            continue
        entry = _type(field.type)
        entry["description"] = field.doc
        if not field.required:
            entry = {"anyOf": [entry, {"type": "null"}], "description": field.doc}
        properties[field.name] = entry
    out: dict[str, Any] = {"type": "object", "properties": properties}
    required = [f.name for f in t.fields if f.required]
    if required:
        out["required"] = required
    return out


def record_schema() -> dict[str, Any]:
    """JSON Schema for activity record format 1. Unknown keys are allowed (they are warnings)."""
    out = _object(schema.RECORD)
    out["properties"]["schema"] = {
        "type": "string",
        "pattern": r"^kolrules/activity@1(\.\d+)?$",
        "description": "format and version",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kolrules.dev/schema/activity-1.json",
        "title": "kolrules activity record, format 1",
        **out,
    }
