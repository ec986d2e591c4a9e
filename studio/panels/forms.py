"""What the Inspector's forms show: sections of field specs per element kind and for relations.

This module is Qt-free: it declares the forms (:data:`FORMS`, :data:`RELATION_FORM`) and the
pure functions that read a (dotted) field, build an edited copy of an element or relation,
parse what the user typed and check the cross-field rules. The widgets live in
:mod:`studio.panels.widgets`; the panel that wires them to undo commands in
:mod:`studio.panels.inspector`.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from models.elements import (
    Alert,
    ApiVersioning,
    CircuitBreaker,
    DatastoreEngine,
    DeliveryGuarantee,
    ElementKind,
    Encryption,
    FailureMode,
    Monitoring,
    Pool,
    Relation,
    Retry,
    Scaling,
    Security,
    Sla,
)
from models.fields import field_doc
from models.units import Duration, Percent, Rate, UnitError, format_number, parse_count

__all__ = [
    "FORMS",
    "RELATION_FORM",
    "FieldSpec",
    "Section",
    "applies",
    "check_object",
    "format_value",
    "parse_value",
    "read_field",
    "tooltip",
    "with_field",
]

#: Editor kinds whose text is parsed into a value (and may be invalid while typed).
QUANTITIES = frozenset({"duration", "rate", "percent", "int", "shape"})


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One row of a form.

    Attributes:
        path: The field, dotted for nested objects (``sla.p99``); for a record's fields, the
            attribute of the record (``condition``); ``@key`` is a record's name.
        label: The label shown left of (or above) the editor.
        editor: ``text``, ``multiline``, ``choice`` (text with suggestions), ``enum``, ``bool``,
            ``present`` (a check box that adds or removes a nested object), ``duration``,
            ``rate``, ``percent``, ``int``, ``shape`` (YAML), ``strings`` (a list) or
            ``records`` (a named list of records, see ``record`` and ``item_fields``).
        placeholder: Grey example text of an empty editor.
        choices: ``(value, label)`` pairs of an ``enum``; suggestions of a ``choice``.
        minimum: Smallest number accepted (``int``) or strictly exceeded (``duration``,
            ``rate``: ``0`` means "more than zero").
        maximum: Largest number accepted.
        optional: The value may be empty (None).
        suggest: Where a ``choice`` takes suggestions from the design: ``groups``, ``zones``,
            ``datastores``.
        record: The record class of a ``records`` field.
        item_fields: The record's fields, edited under the list.
        sync_only: Shown for synchronous relations (or when set).
        summary: A read-only line (``endpoints``, ``schema``) instead of an editor.
    """

    path: str
    label: str
    editor: str = "text"
    placeholder: str = ""
    choices: tuple[tuple[Any, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = True
    suggest: str = ""
    record: type | None = None
    item_fields: tuple[FieldSpec, ...] = ()
    sync_only: bool = False
    summary: str = ""

    @property
    def merges(self) -> bool:
        """Whether consecutive edits are typing (merged into one undo step)."""
        return self.editor in QUANTITIES or self.editor in ("text", "multiline", "choice")

    @property
    def wide(self) -> bool:
        """Whether the editor takes the full width, its label above it."""
        return self.editor in ("multiline", "strings", "records", "shape")


@dataclass(frozen=True, slots=True)
class Section:
    """A collapsible group of fields."""

    title: str
    fields: tuple[FieldSpec, ...]
    expanded: bool = True


def _enum(enum: Any, *, none: str = "") -> tuple[tuple[Any, str], ...]:
    items = tuple((member, member.value) for member in enum)
    return (((None, none),) if none else ()) + items


def _words(*words: str) -> tuple[tuple[Any, str], ...]:
    return tuple((word, word) for word in words)


_NAME = FieldSpec("name", "Name", placeholder="Display name")
_PURPOSE = FieldSpec("purpose", "Purpose", "multiline", "Its single responsibility")
_GROUP = FieldSpec("group", "Group", "choice", "Bounded context", suggest="groups")
_ZONE = FieldSpec(
    "zone",
    "Trust zone",
    "choice",
    "internal",
    suggest="zones",
    choices=_words("public", "dmz", "internal", "restricted", "external"),
)
_SLA = Section(
    "SLA",
    (
        FieldSpec("sla.availability", "Availability", "percent", "99.95%"),
        FieldSpec("sla.p99", "p99 latency", "duration", "200ms", minimum=0),
        FieldSpec("sla.p95", "p95 latency", "duration", "120ms", minimum=0),
        FieldSpec("sla.p50", "Median latency", "duration", "40ms", minimum=0),
    ),
)
_ALERT_FIELDS = (
    FieldSpec("@key", "Name", placeholder="OrderApiLatencyHigh", optional=False),
    FieldSpec("condition", "Condition", placeholder="p99_latency > 200ms for 5m"),
    FieldSpec("action", "Action", placeholder="page on-call"),
    FieldSpec(
        "severity", "Severity", "choice", "critical", choices=_words("critical", "warning", "info")
    ),
)
_MONITORING = Section(
    "Monitoring",
    (
        FieldSpec("monitoring.metrics", "Metrics", "strings", "request_rate"),
        FieldSpec("monitoring.tracing", "Tracing", placeholder="Jaeger"),
        FieldSpec("monitoring.logs", "Logs", placeholder="ELK"),
        FieldSpec(
            "monitoring.alerts",
            "Alerts",
            "records",
            "new-alert",
            record=Alert,
            item_fields=_ALERT_FIELDS,
        ),
    ),
    expanded=False,
)

SERVICE_FORM: tuple[Section, ...] = (
    Section(
        "General",
        (
            _NAME,
            FieldSpec("technology", "Technology", placeholder="Go + Gin"),
            _PURPOSE,
            FieldSpec("owner", "Owner", placeholder="team-orders"),
            _GROUP,
            _ZONE,
            FieldSpec("public", "Public", "bool"),
            FieldSpec("tags", "Tags", "strings", "tag"),
        ),
    ),
    _SLA,
    Section(
        "Scaling",
        (
            FieldSpec(
                "scaling.min",
                "Min instances",
                "int",
                "1",
                minimum=0,
                maximum=100_000,
                optional=False,
            ),
            FieldSpec(
                "scaling.max",
                "Max instances",
                "int",
                "1",
                minimum=1,
                maximum=100_000,
                optional=False,
            ),
            FieldSpec("scaling.capacity", "Per instance", "rate", "1K/s", minimum=0),
            FieldSpec("scaling.trigger", "Trigger", placeholder="CPU > 70%"),
            FieldSpec(
                "pools",
                "Connection pools",
                "records",
                "datastore-id",
                record=Pool,
                item_fields=(
                    FieldSpec(
                        "@key",
                        "Datastore",
                        "choice",
                        "orders-db",
                        suggest="datastores",
                        optional=False,
                    ),
                    FieldSpec(
                        "size", "Size", "int", "10", minimum=1, maximum=100_000, optional=False
                    ),
                    FieldSpec("timeout", "Queue timeout", "duration", "2s", minimum=0),
                ),
            ),
            FieldSpec("caching", "Caching", "multiline", "Strategy and invalidation"),
        ),
        expanded=False,
    ),
    Section(
        "Resilience",
        (
            FieldSpec(
                "failure_modes",
                "Failure modes",
                "records",
                "new-failure-mode",
                record=FailureMode,
                item_fields=(
                    FieldSpec("@key", "Scenario", placeholder="database-down", optional=False),
                    FieldSpec(
                        "mitigation",
                        "Mitigation",
                        "multiline",
                        "Circuit breaker, fall back to cached data",
                    ),
                ),
            ),
        ),
        expanded=False,
    ),
    Section(
        "Security",
        (
            FieldSpec("security.authn", "Authentication", "multiline", "OAuth2 / OIDC"),
            FieldSpec("security.authz", "Authorisation", "multiline", "RBAC"),
        ),
        expanded=False,
    ),
    Section(
        "API",
        (
            FieldSpec("versioning", "Versioned API", "present"),
            FieldSpec(
                "versioning.scheme",
                "Scheme",
                "enum",
                choices=(("path", "path (/v1/)"), ("header", "header")),
            ),
            FieldSpec("versioning.header", "Header", placeholder="Api-Version"),
            FieldSpec("endpoints", "Endpoints", summary="endpoints"),
        ),
        expanded=False,
    ),
    _MONITORING,
)

DATASTORE_FORM: tuple[Section, ...] = (
    Section(
        "General",
        (
            _NAME,
            FieldSpec("engine", "Engine", "enum", choices=_enum(DatastoreEngine), optional=False),
            FieldSpec("version", "Version", placeholder="16"),
            FieldSpec("purpose", "Purpose", "multiline", "What it stores and why this engine"),
            _GROUP,
            _ZONE,
        ),
    ),
    Section(
        "Capacity",
        (
            FieldSpec(
                "replicas", "Read replicas", "int", "0", minimum=0, maximum=1000, optional=False
            ),
            FieldSpec(
                "max_connections", "Max connections", "int", "100", minimum=1, maximum=1_000_000
            ),
            FieldSpec("tables", "Schema", summary="schema"),
        ),
    ),
    Section(
        "Data protection",
        (
            FieldSpec("personal_data", "Personal data", "bool"),
            FieldSpec("encryption.at_rest", "At rest", "bool"),
            FieldSpec("encryption.in_transit", "In transit", "bool"),
            FieldSpec("backup", "Backup", "multiline", "Daily snapshots, PITR 7 days"),
        ),
        expanded=False,
    ),
    _MONITORING,
)

QUEUE_FORM: tuple[Section, ...] = (
    Section(
        "General",
        (
            _NAME,
            FieldSpec(
                "technology",
                "Technology",
                "choice",
                "kafka",
                choices=_words("kafka", "rabbitmq", "sqs", "sns", "pubsub", "nats", "redis"),
            ),
            FieldSpec("purpose", "Purpose", "multiline", "What it carries"),
            _GROUP,
            _ZONE,
        ),
    ),
    Section(
        "Delivery",
        (
            FieldSpec("delivery", "Guarantee", "enum", choices=_enum(DeliveryGuarantee, none="—")),
            FieldSpec("partitions", "Partitions", "int", "12", minimum=1, maximum=100_000),
            FieldSpec("replication", "Replication", "int", "3", minimum=1, maximum=100),
            FieldSpec("retention", "Retention", "duration", "168h", minimum=0),
            FieldSpec("partition_key", "Partition key", placeholder="user_id"),
        ),
    ),
    Section(
        "Events",
        (
            FieldSpec(
                "events",
                "Events",
                "records",
                "NewEvent",
                record=None,
                item_fields=(
                    FieldSpec("@key", "Event", placeholder="OrderCreated", optional=False),
                    FieldSpec("@value", "Payload", "shape", "{order_id: uuid, total: decimal}"),
                ),
            ),
        ),
        expanded=False,
    ),
    _MONITORING,
)

EXTERNAL_FORM: tuple[Section, ...] = (
    Section(
        "General",
        (
            _NAME,
            FieldSpec("technology", "Technology", placeholder="REST API"),
            FieldSpec("purpose", "Purpose", "multiline", "What it provides"),
            _ZONE,
        ),
    ),
    _SLA,
)

CLIENT_FORM: tuple[Section, ...] = (
    Section(
        "General",
        (
            _NAME,
            FieldSpec("technology", "Technology", placeholder="React SPA"),
            FieldSpec("purpose", "Purpose", "multiline", "Who uses it for what"),
            _ZONE,
        ),
    ),
)

FORMS: dict[ElementKind, tuple[Section, ...]] = {
    ElementKind.SERVICE: SERVICE_FORM,
    ElementKind.DATASTORE: DATASTORE_FORM,
    ElementKind.QUEUE: QUEUE_FORM,
    ElementKind.EXTERNAL: EXTERNAL_FORM,
    ElementKind.CLIENT: CLIENT_FORM,
}

RELATION_FORM: tuple[Section, ...] = (
    Section(
        "General",
        (
            FieldSpec(
                "protocol",
                "Protocol",
                "choice",
                "gRPC",
                choices=_words(
                    "HTTPS",
                    "HTTP/1.1",
                    "HTTP/2",
                    "gRPC",
                    "GraphQL",
                    "WebSocket",
                    "AMQP",
                    "Kafka",
                    "SQL",
                    "RESP",
                ),
            ),
            FieldSpec("description", "Description", "multiline", "What flows over it"),
            FieldSpec("rate", "Rate", "rate", "300/s", minimum=0),
            FieldSpec(
                "tls",
                "Encryption",
                "enum",
                choices=((None, "not stated"), (True, "TLS"), (False, "plain text")),
            ),
            FieldSpec("data", "Data classes", "strings", "pii"),
            FieldSpec("fallback", "Fallback", placeholder="serve cached data"),
        ),
    ),
    Section(
        "Timeout and retries",
        (
            FieldSpec("timeout", "Timeout", "duration", "300ms", minimum=0, sync_only=True),
            FieldSpec("retries", "Retry failed calls", "present", sync_only=True),
            FieldSpec(
                "retries.attempts",
                "Attempts",
                "int",
                "3",
                minimum=1,
                maximum=100,
                optional=False,
                sync_only=True,
            ),
            FieldSpec(
                "retries.backoff",
                "Backoff",
                "enum",
                sync_only=True,
                choices=_words("none", "fixed", "linear", "exponential"),
            ),
            FieldSpec(
                "retries.base", "First delay", "duration", "100ms", minimum=0, sync_only=True
            ),
            FieldSpec("retries.jitter", "Jitter", "bool", sync_only=True),
        ),
    ),
    Section(
        "Circuit breaker",
        (
            FieldSpec("circuit_breaker", "Configured", "present", sync_only=True),
            FieldSpec("circuit_breaker.enabled", "Enabled", "bool", sync_only=True),
            FieldSpec(
                "circuit_breaker.failure_threshold", "Opens at", "percent", "50%", sync_only=True
            ),
            FieldSpec(
                "circuit_breaker.reset_after",
                "Half-open after",
                "duration",
                "30s",
                minimum=0,
                sync_only=True,
            ),
            FieldSpec(
                "circuit_breaker.fallback",
                "Fallback",
                placeholder="cached stock levels",
                sync_only=True,
            ),
        ),
    ),
)

#: Nested objects, how to make one, and whether an empty one is dropped (None).
NESTED: dict[str, tuple[Callable[[], Any], bool]] = {
    "sla": (Sla, True),
    "scaling": (Scaling, True),
    "monitoring": (Monitoring, True),
    "security": (Security, True),
    "encryption": (Encryption, True),
    # Their presence means something (a retry policy, a breaker, a versioned API): they are
    # added and removed by a check box, never dropped because they equal their defaults.
    "versioning": (ApiVersioning, False),
    "retries": (Retry, False),
    "circuit_breaker": (CircuitBreaker, False),
}

_PARSERS: dict[str, Callable[[str], Any]] = {
    "duration": Duration.parse,
    "rate": Rate.parse,
    "percent": Percent.parse,
    "int": parse_count,
}


# ------------------------------------------------------------------------------ reading


def read_field(obj: Any, path: str) -> Any:
    """The value of a (dotted) field; None when a nested object is absent."""
    head, _, rest = path.partition(".")
    value = getattr(obj, head)
    if rest:
        return None if value is None else getattr(value, rest)
    return value


def applies(obj: Any, spec: FieldSpec) -> bool:
    """Whether the form shows ``spec`` for ``obj`` (async relations hide sync-only fields)."""
    if not spec.sync_only or not isinstance(obj, Relation) or obj.kind.is_sync:
        return True
    return read_field(obj, spec.path.split(".")[0]) is not None


def enabled(obj: Any, spec: FieldSpec) -> bool:
    """Whether a nested field can be edited: its optional parent must be present."""
    head, _, rest = spec.path.partition(".")
    return not rest or NESTED[head][1] or getattr(obj, head) is not None


def tooltip(owner: type | None, spec: FieldSpec) -> str:
    """The field's documentation sentence (from the model) plus what can be typed."""
    doc = ""
    for part in spec.path.split("."):
        fields = {f.name: f for f in dataclasses.fields(owner)} if owner else {}
        if part not in fields:
            break
        doc = field_doc(fields[part])
        owner = NESTED[part][0] if part in NESTED else None  # type: ignore[assignment]
    forms = {
        "duration": "Write 300ms, 5s, 10min, 168h or 90d.",
        "rate": "Write 500/s, 10K/min, 100K/h or 5M/month.",
        "percent": "Write 99.9%.",
        "int": "Write 12, 10K or 2M.",
        "shape": "YAML: {field: type}, [item] or a type name.",
    }
    return " ".join(part for part in (doc, forms.get(spec.editor, "")) if part)


def format_value(spec: FieldSpec, value: Any) -> str:
    """The text an editor shows for a model value."""
    if value is None:
        return ""
    if spec.editor == "shape":
        return (
            yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True)
            .strip()
            .removesuffix("...")
            .strip()
        )
    if spec.editor == "int":
        return format_number(value)
    return str(value)


# ------------------------------------------------------------------------------ editing


def parse_value(spec: FieldSpec, text: str) -> Any:
    """Read what was typed into a quantity editor.

    Raises:
        ValueError: With a message for the user: the expected form or the allowed range.
    """
    text = text.strip()
    if not text:
        if not spec.optional:
            raise ValueError(f"{spec.label} is required")
        return None
    if spec.editor == "shape":
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem", None) or "not valid YAML"
            raise ValueError(f"{mark}; write {{field: type}}, [item] or a type name") from exc
    try:
        value = _PARSERS[spec.editor](text)
    except UnitError as exc:
        raise ValueError(str(exc)) from exc
    _check_range(spec, value)
    return value


def _check_range(spec: FieldSpec, value: Any) -> None:
    number = {"duration": lambda v: v.ms, "rate": lambda v: v.per_second}.get(
        spec.editor, lambda v: v
    )(value)
    if spec.editor in ("duration", "rate") and spec.minimum is not None:
        if number <= spec.minimum:
            raise ValueError(f"{spec.label} must be more than 0")
        return
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"{spec.label} must be at least {format_number(spec.minimum)}")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"{spec.label} must be at most {format_number(spec.maximum)}")


def with_field(obj: Any, path: str, value: Any) -> Any:
    """A copy of an element or relation with the (dotted) field set.

    An empty optional nested object (an SLA with no target) becomes None; objects whose
    presence means something (``retries``) are kept.
    """
    head, _, rest = path.partition(".")
    if not rest:
        return dataclasses.replace(obj, **{head: value})
    factory, drop_empty = NESTED[head]
    nested = dataclasses.replace(getattr(obj, head) or factory(), **{rest: value})
    if drop_empty and nested == factory():
        nested = None
    return dataclasses.replace(obj, **{head: nested})


def check_object(obj: Any) -> tuple[str, str] | None:
    """The first cross-field problem of an edited element: ``(field path, message)``."""
    scaling = getattr(obj, "scaling", None)
    if scaling is not None and scaling.min > scaling.max:
        message = f"the minimum ({scaling.min}) is above the maximum ({scaling.max})"
        return "scaling.min", message
    sla = getattr(obj, "sla", None)
    if sla is not None:
        order = [(name, getattr(sla, name)) for name in ("p50", "p95", "p99")]
        known = [(name, value) for name, value in order if value is not None]
        for (low, a), (high, b) in itertools.pairwise(known):
            if a.ms > b.ms:
                return f"sla.{low}", f"{low} ({a}) is slower than {high} ({b})"
    return None


def rename_key(records: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
    """The mapping with one key renamed in place (the order is kept)."""
    return {new if key == old else key: value for key, value in records.items()}


def move_key(records: Mapping[str, Any], key: str, step: int) -> dict[str, Any]:
    """The mapping with ``key`` moved ``step`` places up (-1) or down (+1)."""
    keys = list(records)
    index = keys.index(key)
    target = max(0, min(len(keys) - 1, index + step))
    keys.insert(target, keys.pop(index))
    return {name: records[name] for name in keys}


def new_key(records: Mapping[str, Any], stem: str) -> str:
    """A key not yet used: ``stem``, ``stem-2``, ``stem-3``..."""
    key, number = stem, 1
    while key in records:
        number += 1
        key = f"{stem}-{number}"
    return key
