"""Type-directed conversion between YAML nodes and the model's dataclasses.

Each dataclass is compiled once into a :class:`ClassSpec` (its fields, YAML keys, defaults and
converters). The loader, the saver and the JSON Schema generator all read these specs, so the
three can never disagree about the format.

Reading is driven by the *field's type*, not by YAML's implicit typing: a ``str`` field keeps
``no``, ``on`` or ``1e3`` as text, a ``Duration`` field parses ``300ms``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from models.design import did_you_mean
from models.units import Count, Duration, Percent, Rate, UnitError

__all__ = [
    "ClassSpec",
    "FieldSpec",
    "Invalid",
    "Reader",
    "TypeInfo",
    "class_spec",
    "type_info",
]

STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"
DATE_TAG = "tag:yaml.org,2002:timestamp"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
SAFE_TAGS = frozenset({STR_TAG, INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG, DATE_TAG, MAP_TAG, SEQ_TAG})

QUANTITIES: dict[type, Callable[[Any], Any]] = {
    Duration: Duration.parse,
    Rate: Rate.parse,
    Percent: Percent.parse,
    Count: Count.parse,
}
_TRUE = frozenset({"true", "yes", "on"})
_FALSE = frozenset({"false", "no", "off"})
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_INT_RE = re.compile(r"^[-+]?\d+$")
_FLOAT_RE = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")
MAX_SHAPE_DEPTH = 64


class Invalid(Exception):
    """Raised after a problem has been recorded, to abandon the current value."""


# --------------------------------------------------------------------------- type analysis


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """What a field's annotation means for the format.

    ``kind`` is one of: ``scalar`` (``base`` is str/int/float/bool/date/a quantity/an Enum),
    ``tuple`` (``item``), ``dict`` (``item``; keys are ids or names), ``class`` (``base`` is a
    dataclass) or ``any`` (free-form YAML).
    """

    kind: str
    base: Any = None
    item: TypeInfo | None = None
    optional: bool = False


@cache
def type_info(hint: Any) -> TypeInfo:
    """Analyse a (resolved) type annotation."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = type_info(args[0]) if len(args) == 1 else TypeInfo("any")
        return dataclasses.replace(inner, optional=True)
    if origin is tuple:
        return TypeInfo("tuple", item=type_info(typing.get_args(hint)[0]))
    if origin is dict:
        return TypeInfo("dict", item=type_info(typing.get_args(hint)[1]))
    if hint is Any:
        return TypeInfo("any")
    if dataclasses.is_dataclass(hint) and hint not in QUANTITIES:
        return TypeInfo("class", base=hint)
    return TypeInfo("scalar", base=hint)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a dataclass as the format sees it."""

    name: str
    key: str
    info: TypeInfo
    default: Any
    doc: str
    example: Any
    compact: bool
    always: bool = False

    @property
    def required(self) -> bool:
        """Whether the field has no default."""
        return self.default is dataclasses.MISSING


@dataclass(frozen=True, slots=True)
class ClassSpec:
    """A compiled dataclass: its fields by YAML key, in declaration order."""

    cls: type
    fields: tuple[FieldSpec, ...]
    by_key: dict[str, FieldSpec]

    @property
    def keys(self) -> tuple[str, ...]:
        """The YAML keys, in order."""
        return tuple(self.by_key)


@cache
def class_spec(cls: type) -> ClassSpec:
    """Compile ``cls`` (a dataclass whose fields are declared with ``doc_field``)."""
    hints = typing.get_type_hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        if "doc" not in f.metadata:
            continue  # structural fields (relation kind/source/target) are written by hand
        default = f.default
        if f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        specs.append(
            FieldSpec(
                name=f.name,
                key=f.metadata.get("key") or f.name,
                info=type_info(hints[f.name]),
                default=default,
                doc=f.metadata["doc"],
                example=f.metadata.get("example"),
                compact=bool(f.metadata.get("compact")),
                always=bool(f.metadata.get("always")),
            )
        )
    return ClassSpec(cls, tuple(specs), {s.key: s for s in specs})


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class Problem:
    """One thing wrong with the input, located in the file."""

    line: int
    column: int
    message: str
    hint: str = ""


class Reader:
    """Converts composed YAML nodes into model values, collecting every problem."""

    def __init__(self, budget: int) -> None:
        self.problems: list[Problem] = []
        self.positions: dict[str, tuple[int, int]] = {}
        self.budget = budget
        self._readers: dict[TypeInfo, Callable[[yaml.Node, str], Any]] = {}

    # -- problems

    def fail(self, node: yaml.Node, message: str, hint: str = "") -> typing.NoReturn:
        """Record a problem at ``node`` and abandon the value."""
        self.report(node, message, hint)
        raise Invalid

    def report(self, node: yaml.Node, message: str, hint: str = "") -> None:
        """Record a problem at ``node``."""
        mark = node.start_mark
        self.problems.append(Problem(mark.line + 1, mark.column + 1, message, hint))

    def spend(self, node: yaml.Node) -> None:
        """Charge a collection to the expansion budget (stops alias bombs)."""
        self.budget -= len(node.value) + 1
        if self.budget < 0:
            self.fail(
                node,
                "the document expands to too many values (aliases referring to aliases?)",
                "write the values out instead of using nested aliases",
            )

    def check_tag(self, node: yaml.Node) -> None:
        """Refuse explicit tags other than YAML's standard ones (no object construction)."""
        if node.tag not in SAFE_TAGS:
            self.fail(
                node,
                f"tag '{node.tag}' is not allowed",
                "archstudio files hold plain data: remove the '!' tag",
            )

    # -- dispatch

    def reader(self, info: TypeInfo) -> Callable[[yaml.Node, str], Any]:
        """The (cached) conversion function for a field type."""
        fn = self._readers.get(info)
        if fn is None:
            fn = self._make_reader(info)
            self._readers[info] = fn
        return fn

    def _make_reader(self, info: TypeInfo) -> Callable[[yaml.Node, str], Any]:
        if info.kind == "tuple":
            return self._tuple_reader(self.reader(info.item))  # type: ignore[arg-type]
        if info.kind == "dict":
            return self._dict_reader(self.reader(info.item))  # type: ignore[arg-type]
        if info.kind == "class":
            return self._class_reader(info.base)
        if info.kind == "any":
            return lambda node, path: self.read_any(node, 0)
        return self._scalar_reader(info.base)

    def read_field(self, spec: FieldSpec, node: yaml.Node, path: str) -> Any:
        """Read one field value, honouring ``null`` for optional fields."""
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG and node.value in _NULLS:
            if spec.info.optional or spec.info.kind == "any":
                return None
            if spec.info.kind in ("tuple", "dict") or spec.default not in (
                None,
                dataclasses.MISSING,
            ):
                return spec.default
            self.fail(node, f"'{spec.key}' needs a value", _example_hint(spec))
        try:
            return self.reader(spec.info)(node, path)
        except Invalid:
            last = self.problems[-1] if self.problems else None
            if last is not None and not last.hint:
                last.hint = _example_hint(spec)
            raise

    # -- containers

    def _tuple_reader(self, item: Callable[[yaml.Node, str], Any]) -> Callable[..., Any]:
        def read(node: yaml.Node, path: str) -> tuple[Any, ...]:
            self.check_tag(node)
            if isinstance(node, yaml.ScalarNode):
                return (item(node, path),)
            if not isinstance(node, yaml.SequenceNode):
                self.fail(node, "expected a list", "write [a, b] or one '- item' per line")
            self.spend(node)
            out = []
            for child in node.value:
                try:
                    out.append(item(child, path))
                except Invalid:
                    pass
            return tuple(out)

        return read

    def _dict_reader(self, item: Callable[[yaml.Node, str], Any]) -> Callable[..., Any]:
        def read(node: yaml.Node, path: str) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key, key_node, value_node in self.entries(node, path):
                entry_path = f"{path}.{key}"
                mark = key_node.start_mark
                self.positions[entry_path] = (mark.line + 1, mark.column + 1)
                try:
                    out[key] = item(value_node, entry_path)
                except Invalid:
                    pass
            return out

        return read

    def entries(self, node: yaml.Node, path: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """The ``(key, key_node, value_node)`` items of a mapping, rejecting duplicate keys."""
        self.check_tag(node)
        if not isinstance(node, yaml.MappingNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
                return []
            self.fail(
                node,
                f"expected a mapping at '{path or 'top level'}'",
                "write 'key: value' pairs, one per line",
            )
        self.spend(node)
        seen: dict[str, yaml.Node] = {}
        out = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.report(key_node, "keys must be plain text", "remove the nested key")
                continue
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark
                self.report(
                    key_node,
                    f"duplicate key '{key}' (first at line {first.line + 1})",
                    "ids and keys must be unique; rename or merge the two entries",
                )
                continue
            seen[key] = key_node
            out.append((key, key_node, value_node))
        return out

    def _class_reader(self, cls: type) -> Callable[..., Any]:
        spec = class_spec(cls)
        shorthand = self._shorthand_reader(cls)

        def read(node: yaml.Node, path: str) -> Any:
            if shorthand is not None and not isinstance(node, yaml.SequenceNode):
                value = shorthand(node, path)
                if value is not None:
                    return value
            return cls(**self.read_fields(spec, node, path))

        return read

    def _shorthand_reader(self, cls: type) -> Callable[[yaml.Node, str], Any] | None:
        """Read the short forms a class accepts: ``from_scalar`` (``id: uuid``) and
        ``from_pair`` (a one-entry mapping such as ``a -> b: message``)."""
        from_scalar = getattr(cls, "from_scalar", None)
        from_pair = getattr(cls, "from_pair", None)
        if from_scalar is None:
            return None
        scalar_read = self._scalar_reader(typing.get_type_hints(from_scalar)["value"])

        def read(node: yaml.Node, path: str) -> Any:
            try:
                if isinstance(node, yaml.ScalarNode) and node.tag != NULL_TAG:
                    return from_scalar(scalar_read(node, path))
                if from_pair is not None and len(node.value) == 1:
                    key, value = node.value[0]
                    if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
                        return from_pair(key.value, value.value)
            except ValueError as exc:
                message, _, hint = str(exc).partition("; ")
                self.fail(node, message, hint)
            return None

        return read

    def read_fields(
        self,
        spec: ClassSpec,
        node: yaml.Node,
        path: str,
        extra: frozenset[str] = frozenset(),
        extras_out: list[tuple[str, yaml.Node, yaml.Node]] | None = None,
    ) -> dict[str, Any]:
        """Read the fields of ``spec`` from a mapping; unknown keys are reported.

        Keys in ``extra`` are not fields: their entries are appended to ``extras_out``.
        """
        values: dict[str, Any] = {}
        by_key = spec.by_key
        for key, key_node, value_node in self.entries(node, path):
            fspec = by_key.get(key)
            if fspec is None:
                if key in extra and extras_out is not None:
                    extras_out.append((key, key_node, value_node))
                else:
                    self._unknown_key(key_node, key, (*by_key, *extra), path)
                continue
            try:
                values[fspec.name] = self.read_field(fspec, value_node, f"{path}.{key}")
            except Invalid:
                pass
        return values

    def _unknown_key(self, node: yaml.Node, key: str, known: tuple[str, ...], path: str) -> None:
        hint = did_you_mean(key, known) or "known keys: " + ", ".join(known)
        where = f" in '{path}'" if path else ""
        self.report(node, f"unknown key '{key}'{where}", hint)

    # -- scalars

    def _scalar_reader(self, base: Any) -> Callable[..., Any]:
        convert = _SCALARS.get(base) or QUANTITIES.get(base)
        if convert is None and isinstance(base, type) and issubclass(base, enum.Enum):
            convert = _enum_converter(base)
        if convert is None:  # pragma: no cover - a model declaration error
            raise TypeError(f"no converter for {base!r}")
        what = _WHAT.get(base, getattr(base, "__name__", str(base)).lower())

        def read(node: yaml.Node, path: str) -> Any:
            if node.tag not in SAFE_TAGS:
                self.check_tag(node)
            if not isinstance(node, yaml.ScalarNode):
                self.fail(
                    node,
                    f"expected {what}, found a "
                    f"{'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}",
                )
            try:
                return convert(node.value)
            except (UnitError, ValueError) as exc:
                self.fail(node, str(exc) or f"expected {what}")

        return read

    def read_any(self, node: yaml.Node, depth: int) -> Any:
        """Free-form YAML (shapes, options) as plain dicts, lists and scalars."""
        if depth > MAX_SHAPE_DEPTH:
            self.fail(
                node, f"nested more than {MAX_SHAPE_DEPTH} levels deep", "flatten the structure"
            )
        self.check_tag(node)
        if isinstance(node, yaml.ScalarNode):
            return _plain_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            self.spend(node)
            return [self.read_any(child, depth + 1) for child in node.value]
        return {key: self.read_any(value, depth + 1) for key, _, value in self.entries(node, "")}


def _plain_scalar(node: yaml.ScalarNode) -> Any:
    """YAML 1.2 core-schema reading of an untyped scalar (quoted scalars stay text)."""
    text = node.value
    if node.style:
        return text
    if node.tag == NULL_TAG and text in _NULLS:
        return None
    if text in ("true", "false"):
        return text == "true"
    if _INT_RE.match(text):
        return int(text)
    if _FLOAT_RE.match(text):
        return float(text)
    return text


def _read_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"'{text}' is not true or false")


def _read_int(text: str) -> int:
    try:
        return int(text.replace("_", ""))
    except ValueError:
        raise ValueError(f"'{text}' is not a whole number") from None


def _read_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None


def _read_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a date (write YYYY-MM-DD, e.g. 2024-06-30)") from None


_SCALARS: dict[Any, Callable[[str], Any]] = {
    str: str,
    int: _read_int,
    float: _read_float,
    bool: _read_bool,
    dt.date: _read_date,
}
_WHAT = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    dt.date: "a date",
    Duration: "a duration",
    Rate: "a rate",
    Percent: "a percentage",
    Count: "a count",
}


def _enum_converter(base: type[enum.Enum]) -> Callable[[str], Any]:
    by_value = {m.value: m for m in base}
    by_lower = {str(m.value).lower(): m for m in base}

    def convert(text: str) -> Any:
        member = by_value.get(text) or by_lower.get(text.lower())
        if member is None:
            hint = did_you_mean(text, list(by_value))
            choices = ", ".join(str(v) for v in by_value)
            raise ValueError(f"'{text}' is not one of: {choices}" + (f"; {hint}" if hint else ""))
        return member

    return convert


def _example_hint(spec: FieldSpec) -> str:
    example = spec.example
    if example is None and spec.info.kind == "scalar":
        base = spec.info.base
        example = _EXAMPLES.get(base)
        if example is None and isinstance(base, type) and issubclass(base, enum.Enum):
            example = next(iter(base)).value
    if example is None:
        return ""
    if isinstance(example, bool):
        example = str(example).lower()
    return f"e.g. {spec.key}: {example}"


_EXAMPLES: dict[Any, str] = {
    int: "3",
    float: "1.5",
    bool: "true",
    dt.date: "2024-06-30",
    Duration: "300ms",
    Rate: "100/s",
    Percent: "99.9%",
    Count: "10K",
}
