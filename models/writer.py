"""Deterministic YAML output for a :class:`~models.design.Design`.

The design is turned into YAML nodes with explicit styles and handed to PyYAML's C emitter:
block style for structure, one line per value (no wrapping), flow style for short lists and for
the small ``COMPACT`` value objects, literal blocks for multi-line text, defaults omitted. The
emitter quotes a text value exactly when YAML would otherwise read it as something else
(``'no'``, ``'1.0'``), so other YAML tools see the same data archstudio does.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from typing import Any

import yaml

from models.codec import (
    BOOL_TAG,
    DATE_TAG,
    FLOAT_TAG,
    INT_TAG,
    MAP_TAG,
    NULL_TAG,
    QUANTITIES,
    SEQ_TAG,
    STR_TAG,
    TypeInfo,
    class_spec,
    type_info,
)
from models.design import Design
from models.elements import ChecksConfig, Decision, DesignInfo, Flow, Relation, RelationKind
from models.format import FORMAT_VERSION, SECTIONS
from models.units import Count, format_number

__all__ = ["dump_design"]

try:
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Dumper = yaml.SafeDumper

_SECTIONS = ("services", "datastores", "queues", "externals", "clients")
_RELATIONS_BEFORE = ("endpoints", "tables", "views", "queries", "events")
_RELATION_SPEC = class_spec(Relation)
_WIDTH = 1 << 30
_ENTRY_RE = re.compile(r"\n(?=  \S)")
_NUMBER_START = frozenset("0123456789+-.")
_YAML12_NUMBER = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$|^0o[0-7]+$")

Node = yaml.Node
_NEVER = object()  # the "default" of fields that are always written


def _scalar(tag: str, value: str) -> yaml.ScalarNode:
    return yaml.ScalarNode(tag, value)


def _text(value: str) -> yaml.ScalarNode:
    if "\n" in value:
        # Text ending in a blank line needs a keep-chomping block (`|+`), after which the emitter
        # ends the YAML document with `...`; such rare values are written double-quoted instead.
        keeps_blank_end = value.endswith("\n\n") or value == "\n"
        return yaml.ScalarNode(STR_TAG, value, style='"' if keeps_blank_end else "|")
    if value[:1] in _NUMBER_START and _YAML12_NUMBER.match(value):
        # PyYAML (YAML 1.1) leaves `1e3` or `0o17` plain, but YAML 1.2 tools (editors'
        # language servers, archstudio's own free-form reader) would read a number.
        return yaml.ScalarNode(STR_TAG, value, style="'")
    return yaml.ScalarNode(STR_TAG, value)


def _mapping(pairs: list[tuple[Node, Node]], flow: bool = False) -> yaml.MappingNode:
    return yaml.MappingNode(MAP_TAG, pairs, flow_style=flow)


def _sequence(items: list[Node], flow: bool) -> yaml.SequenceNode:
    return yaml.SequenceNode(SEQ_TAG, items, flow_style=flow)


def _number(value: float) -> yaml.ScalarNode:
    text = format_number(value)
    return _scalar(INT_TAG if "." not in text else FLOAT_TAG, text)


# --------------------------------------------------------------------------- value writers

_WRITERS: dict[tuple[TypeInfo, bool], Callable[[Any], Node]] = {}


def writer(info: TypeInfo, compact: bool = False) -> Callable[[Any], Node]:
    """The (cached) function turning a value of this type into a YAML node."""
    key = (info, compact)
    fn = _WRITERS.get(key)
    if fn is None:
        fn = _make_writer(info, compact)
        _WRITERS[key] = fn
    return fn


def _make_writer(info: TypeInfo, compact: bool) -> Callable[[Any], Node]:
    if info.kind == "tuple":
        item = writer(info.item, compact)  # type: ignore[arg-type]
        scalar_items = info.item.kind == "scalar"  # type: ignore[union-attr]
        return lambda value: _sequence(
            [item(v) for v in value], flow=compact or (scalar_items and not _has_text(value))
        )
    if info.kind == "dict":
        item = writer(info.item, compact)  # type: ignore[arg-type]
        return lambda value: _mapping(
            [(_text(k), item(v)) for k, v in value.items()],
            flow=compact and info.item.kind != "class",
        )  # type: ignore[union-attr]
    if info.kind == "class":
        return _class_writer(info.base, compact)
    if info.kind == "any":
        return write_any
    return _scalar_writer(info.base)


def _has_text(values: tuple[Any, ...]) -> bool:
    """Whether a list holds sentences (block style reads better than a long flow list)."""
    return any(isinstance(v, str) and (" " in v and len(v) > 30) for v in values)


def _scalar_writer(base: Any) -> Callable[[Any], Node]:
    if base is str:
        return _text
    if base is bool:
        return lambda v: _scalar(BOOL_TAG, "true" if v else "false")
    if base is int or base is float:
        return _number
    if base is dt.date:
        return lambda v: _scalar(DATE_TAG, v.isoformat())
    if base is Count:
        return lambda v: _scalar(INT_TAG, str(v)) if str(v).isdigit() else _scalar(STR_TAG, str(v))
    if base in QUANTITIES:
        return lambda v: _scalar(STR_TAG, str(v))
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return lambda v: _scalar(STR_TAG, str(v.value))
    raise TypeError(f"no writer for {base!r}")  # pragma: no cover - a model declaration error


def _class_writer(cls: type, compact: bool) -> Callable[[Any], Node]:
    spec = class_spec(cls)
    flow = compact or bool(getattr(cls, "COMPACT", False))
    to_scalar = getattr(cls, "to_scalar", None)
    fields = [
        (f.name, f.key, _NEVER if f.always else f.default, writer(f.info, flow or f.compact))
        for f in spec.fields
    ]

    def write(value: Any) -> Node:
        if to_scalar is not None:
            scalar = value.to_scalar()
            if isinstance(scalar, dict):  # a one-entry mapping such as `a -> b: message`
                return _mapping([(_text(k), _text(v)) for k, v in scalar.items()])
            if scalar is not None:
                return write_any(scalar)
        return _mapping(_field_pairs(value, fields), flow=flow)

    return write


def _field_pairs(
    value: Any,
    fields: list[tuple[str, Node, Any, Callable[[Any], Node]]],
) -> list[tuple[Node, Node]]:
    pairs = []
    for name, key, default, write in fields:
        item = getattr(value, name)
        if item is None or item == default:
            continue
        pairs.append((_text(key), write(item)))
    return pairs


def write_any(value: Any) -> Node:
    """Free-form data (shapes, options) as YAML."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool):
        return _scalar(BOOL_TAG, "true" if value else "false")
    if isinstance(value, int | float):
        return _number(value)
    if value is None:
        return _scalar(NULL_TAG, "null")
    if isinstance(value, dict):
        return _mapping(
            [(_text(str(k)), write_any(v)) for k, v in value.items()],
            flow=not value or (all(_is_leaf(v) for v in value.values()) and len(value) <= 4),
        )
    if isinstance(value, list | tuple):
        return _sequence([write_any(v) for v in value], flow=all(_is_leaf(v) for v in value))
    return _text(str(value))


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple)


# --------------------------------------------------------------------------- the document


def _element_writer(cls: type) -> Callable[[Design, str, Any], Node]:
    spec = class_spec(cls)
    fields = [
        (f.name, f.key, _NEVER if f.always else f.default, writer(f.info, f.compact))
        for f in spec.fields
    ]
    split = next((i for i, f in enumerate(spec.fields) if f.key in _RELATIONS_BEFORE), len(fields))

    def write(design: Design, element_id: str, element: Any) -> Node:
        head = _field_pairs(element, fields[:split])
        tail = _field_pairs(element, fields[split:])
        return _mapping(head + _relation_pairs(design, element_id) + tail)

    return write


_REL_FIELDS = [
    (f.name, f.key, _NEVER if f.always else f.default, writer(f.info, f.compact))
    for f in _RELATION_SPEC.fields
]


def _relation_pairs(design: Design, element_id: str) -> list[tuple[Node, Node]]:
    by_kind: dict[RelationKind, list[Relation]] = {}
    for rel in design.out_relations(element_id):
        by_kind.setdefault(rel.kind, []).append(rel)
    pairs = []
    for kind in RelationKind:
        rels = by_kind.get(kind)
        if not rels:
            continue
        attrs = [(rel.target, _field_pairs(rel, _REL_FIELDS)) for rel in rels]
        if not any(a for _, a in attrs):
            value: Node = _sequence([_text(t) for t, _ in attrs], flow=True)
        else:
            value = _mapping([(_text(t), _mapping(a, flow=not a)) for t, a in attrs])
        pairs.append((_text(kind.value), value))
    return pairs


def _section(design: Design, name: str, cls: type) -> Node | None:
    write = _ELEMENT_WRITERS[cls]
    pairs = [
        (_text(element_id), write(design, element_id, element))
        for element_id, element in design.elements()
        if type(element) is cls
    ]
    return _mapping(pairs) if pairs else None


def _emit(key: str, node: Node, spaced: bool) -> str:
    text = yaml.serialize(
        _mapping([(_text(key), node)]),
        Dumper=_Dumper,
        width=_WIDTH,
        allow_unicode=True,
    )
    if not spaced:
        return text
    head, _, body = text.partition("\n")
    return head + "\n" + _ENTRY_RE.sub("\n\n", body)


def dump_design(design: Design) -> str:
    """The canonical YAML text of ``design``."""
    chunks = [design.preamble, f"archstudio: {FORMAT_VERSION}\n"]
    info = writer(type_info(DesignInfo))(design.info)
    if info.value:
        chunks.append(_emit("design", info, spaced=False))
    for name in _SECTIONS:
        node = _section(design, name, SECTIONS[name])
        if node is not None:
            chunks.append(_emit(name, node, spaced=True))
    for name, cls, values in (
        ("flows", Flow, design.flows),
        ("decisions", Decision, design.decisions),
    ):
        if values:
            chunks.append(
                _emit(
                    name,
                    writer(type_info(dict[str, cls]))(dict(values)),  # type: ignore[valid-type]
                    spaced=True,
                )
            )
    checks = writer(type_info(ChecksConfig))(design.checks)
    if checks.value:
        chunks.append(_emit("checks", checks, spaced=False))
    if design.layout:
        layout = _mapping(
            [
                (_text(i), _sequence([_number(x), _number(y)], flow=True))
                for i, (x, y) in design.layout.items()
            ]
        )
        chunks.append(_emit("layout", layout, spaced=False))
    return chunks[0] + "\n".join(chunks[1:])


_ELEMENT_WRITERS = {cls: _element_writer(cls) for cls in SECTIONS.values()}
