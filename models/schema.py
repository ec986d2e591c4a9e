"""The JSON Schema (draft-07) of the design format, generated from the model's field specs.

Editors' YAML language servers use it for completion and validation; ``archstudio schema``
prints it and ``resources/design.schema.json`` is a copy that a test keeps in sync.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
from typing import Any

from models.codec import ClassSpec, FieldSpec, TypeInfo, class_spec
from models.elements import ID_PATTERN, ChecksConfig, Decision, DesignInfo, Flow, Relation
from models.format import FORMAT_VERSION, RELATION_KEYS, SECTIONS
from models.units import Count, Duration, Percent, Rate

__all__ = ["SCHEMA_ID", "design_schema"]

SCHEMA_ID = "https://archstudio.dev/schema/design-v1.json"

_QUANTITY_SCHEMAS: dict[type, dict[str, Any]] = {
    Duration: {"type": ["string", "number"], "pattern": r"^\s*\d+(\.\d+)?\s*(ms|s|min|m|h|d|w)\s*$",
               "description": "A duration: 300ms, 5s, 10min, 168h, 90d (a bare number is ms)."},
    Rate: {"type": ["string", "number"],
           "pattern": r"^\s*\d+(\.\d+)?\s*[KkMBG]?\s*/\s*[a-z]+\s*$",
           "description": "A rate: 500/s, 10K/min, 100K/h, 2M/d, 5M/month."},
    Percent: {"type": ["string", "number"], "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$",
              "description": "A percentage: 99.95%."},
    Count: {"type": ["string", "integer"], "pattern": r"^\s*\d+(\.\d+)?\s*[KkMBG]?\s*$",
            "description": "A count: 1000, 10K, 50M."},
}


class _Builder:
    """Collects one definition per dataclass while walking the field specs."""

    def __init__(self) -> None:
        self.definitions: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.definitions:
            self.definitions[name] = {}  # placeholder against recursion
            self.definitions[name] = self.object_schema(class_spec(cls), cls)
        return {"$ref": f"#/definitions/{name}"}

    def object_schema(self, spec: ClassSpec, cls: type,
                      extra: dict[str, Any] | None = None) -> dict[str, Any]:
        properties = {f.key: self.field_schema(f) for f in spec.fields}
        properties.update(extra or {})
        schema: dict[str, Any] = {
            "type": "object",
            "description": _first_line(cls),
            "properties": properties,
            "additionalProperties": False,
        }
        shorthand = _shorthand(cls)
        return {"anyOf": [shorthand, schema]} if shorthand else schema

    def field_schema(self, f: FieldSpec) -> dict[str, Any]:
        schema = dict(self.type_schema(f.info))
        schema["description"] = f.doc
        if f.example is not None:
            schema["examples"] = [f.example]
        return schema

    def type_schema(self, info: TypeInfo) -> dict[str, Any]:
        schema = self._base_schema(info)
        return {"anyOf": [schema, {"type": "null"}]} if info.optional else schema

    def _base_schema(self, info: TypeInfo) -> dict[str, Any]:
        if info.kind == "tuple":
            item = self.type_schema(info.item)  # type: ignore[arg-type]
            return {"anyOf": [{"type": "array", "items": item}, item]}
        if info.kind == "dict":
            return {"type": "object",
                    "additionalProperties": self.type_schema(info.item)}  # type: ignore[arg-type]
        if info.kind == "class":
            return self.ref(info.base)
        if info.kind == "any":
            return {}
        return _scalar_schema(info.base)


def _scalar_schema(base: Any) -> dict[str, Any]:
    if base in _QUANTITY_SCHEMAS:
        return dict(_QUANTITY_SCHEMAS[base])
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return {"type": "string", "enum": [m.value for m in base]}
    return {str: {"type": "string"}, int: {"type": "integer"}, float: {"type": "number"},
            bool: {"type": "boolean"},
            dt.date: {"type": "string", "format": "date"}}[base]


def _shorthand(cls: type) -> dict[str, Any] | None:
    from_scalar = getattr(cls, "from_scalar", None)
    if from_scalar is None:
        return None
    value_type = inspect.get_annotations(from_scalar.__func__, eval_str=True)["value"]
    scalar = _scalar_schema(value_type)
    if getattr(cls, "from_pair", None) is not None:
        pair = {"type": "object", "minProperties": 1, "maxProperties": 1,
                "additionalProperties": {"type": "string"}}
        return {"anyOf": [scalar, pair]}
    return scalar


def _first_line(cls: type) -> str:
    return (inspect.getdoc(cls) or "").split("\n\n")[0].replace("\n", " ")


def _relation_schema(builder: _Builder) -> dict[str, Any]:
    attrs = builder.object_schema(class_spec(Relation), Relation)
    builder.definitions["RelationAttributes"] = attrs
    ref = {"$ref": "#/definitions/RelationAttributes"}
    return {
        "description": "Relations this element initiates: target ids, or target id -> attributes.",
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "additionalProperties": {"anyOf": [ref, {"type": "null"}]}},
        ],
    }


def design_schema() -> dict[str, Any]:
    """The JSON Schema of a design file (format version 1)."""
    builder = _Builder()
    relation = _relation_schema(builder)
    properties: dict[str, Any] = {
        "archstudio": {"type": "integer", "const": FORMAT_VERSION,
                       "description": "Format version of the file."},
        "design": builder.ref(DesignInfo),
    }
    id_names = {"pattern": ID_PATTERN.pattern}
    for section, cls in SECTIONS.items():
        element = builder.object_schema(class_spec(cls), cls,
                                        extra={k: relation for k in sorted(RELATION_KEYS)})
        builder.definitions[cls.__name__] = element
        properties[section] = {
            "type": "object", "propertyNames": id_names,
            "additionalProperties": {"$ref": f"#/definitions/{cls.__name__}"},
            "description": f"{cls.__name__} elements by id.",
        }
    properties["flows"] = {"type": "object", "propertyNames": id_names,
                           "additionalProperties": builder.ref(Flow)}
    properties["decisions"] = {"type": "object", "propertyNames": id_names,
                               "additionalProperties": builder.ref(Decision)}
    properties["checks"] = builder.ref(ChecksConfig)
    properties["layout"] = {
        "type": "object", "description": "Canvas positions by element id.",
        "additionalProperties": {"type": "array", "items": {"type": "number"},
                                 "minItems": 2, "maxItems": 2},
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "archstudio design",
        "description": "A software architecture design (archstudio format version 1).",
        "type": "object",
        "required": ["archstudio"],
        "properties": properties,
        "additionalProperties": False,
        "definitions": dict(sorted(builder.definitions.items())),
    }


