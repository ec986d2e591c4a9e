"""The domain: value objects for everything the architect's design template asks for.

All classes are frozen dataclasses. Collections of identified things are ``dict`` keyed by the
stable, user-visible id (never mutated in place: mutators build a new object with
:func:`dataclasses.replace`). Relations between elements are not stored on the elements: they
are edges of :class:`models.design.Design`'s graph.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar

from models.fields import doc_field
from models.units import Count, Duration, Percent, Rate

__all__ = [
    "ID_PATTERN",
    "Alert",
    "Alternative",
    "ApiVersioning",
    "ChecksConfig",
    "CircuitBreaker",
    "Client",
    "Column",
    "Datastore",
    "DatastoreEngine",
    "Decision",
    "DecisionStatus",
    "DeliveryGuarantee",
    "DesignInfo",
    "Element",
    "ElementKind",
    "Encryption",
    "Endpoint",
    "External",
    "FailureMode",
    "Flow",
    "ForeignKey",
    "Growth",
    "HttpMethod",
    "Index",
    "Load",
    "Monitoring",
    "Pagination",
    "Parameter",
    "Partitioning",
    "Pool",
    "Query",
    "Queue",
    "Relation",
    "RelationKind",
    "Requirements",
    "Response",
    "Retry",
    "Scaling",
    "Security",
    "Service",
    "Shape",
    "Sla",
    "StackChoice",
    "Step",
    "StepKind",
    "Suppression",
    "Table",
    "View",
]

#: Ids are user-visible and stable: letters, digits, ``_`` and ``-``; no dots or spaces so that
#: ``service.endpoint`` paths and finding ids (``CODE@id``) stay unambiguous.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

#: A free-form data shape (request/response bodies, event payloads) as written in YAML:
#: ``{field: type}`` mappings, ``[item]`` lists and type names such as ``uuid`` or ``decimal``.
Shape = Any


class ElementKind(str, Enum):
    """The kinds of top-level element drawn on the canvas."""

    SERVICE = "service"
    DATASTORE = "datastore"
    QUEUE = "queue"
    EXTERNAL = "external"
    CLIENT = "client"


class RelationKind(str, Enum):
    """How one element depends on another; written on the element that initiates it."""

    CALLS = "calls"
    PUBLISHES = "publishes"
    SUBSCRIBES = "subscribes"
    READS = "reads"
    WRITES = "writes"
    OWNS = "owns"

    @property
    def is_sync(self) -> bool:
        """Whether the initiator waits for the target (calls, reads, writes)."""
        return self in (RelationKind.CALLS, RelationKind.READS, RelationKind.WRITES)


class HttpMethod(str, Enum):
    """HTTP methods of an endpoint."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"


class Pagination(str, Enum):
    """How a collection endpoint pages its results."""

    NONE = "none"
    CURSOR = "cursor"
    OFFSET = "offset"
    PAGE = "page"
    KEYSET = "keyset"


class DeliveryGuarantee(str, Enum):
    """Delivery semantics of a queue or topic."""

    AT_MOST_ONCE = "at-most-once"
    AT_LEAST_ONCE = "at-least-once"
    EXACTLY_ONCE = "exactly-once"


class DecisionStatus(str, Enum):
    """Life-cycle of an architecture decision record."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DEPRECATED = "deprecated"
    SUPERSEDED = "superseded"


class DatastoreEngine(str, Enum):
    """Storage engines; the SQL ones carry tables, indexes and queries."""

    POSTGRESQL = "postgresql"
    MYSQL = "mysql"
    MARIADB = "mariadb"
    SQLITE = "sqlite"
    CLICKHOUSE = "clickhouse"
    REDIS = "redis"
    ELASTICSEARCH = "elasticsearch"
    MONGODB = "mongodb"
    CASSANDRA = "cassandra"
    DYNAMODB = "dynamodb"
    S3 = "s3"
    OTHER = "other"

    @property
    def is_sql(self) -> bool:
        """Whether the engine speaks SQL (tables, indexes, queries apply)."""
        return self in _SQL_ENGINES

    @property
    def dialect(self) -> str | None:
        """The sqlglot dialect name for SQL engines."""
        return _DIALECTS.get(self)

    @property
    def title(self) -> str:
        """The product's name as its makers write it (``PostgreSQL``, ``MongoDB``)."""
        return _ENGINE_TITLES.get(self, self.value)


_DIALECTS = {
    DatastoreEngine.POSTGRESQL: "postgres",
    DatastoreEngine.MYSQL: "mysql",
    DatastoreEngine.MARIADB: "mysql",
    DatastoreEngine.SQLITE: "sqlite",
    DatastoreEngine.CLICKHOUSE: "clickhouse",
}
_SQL_ENGINES = frozenset(_DIALECTS)
_ENGINE_TITLES = {
    DatastoreEngine.POSTGRESQL: "PostgreSQL",
    DatastoreEngine.MYSQL: "MySQL",
    DatastoreEngine.MARIADB: "MariaDB",
    DatastoreEngine.SQLITE: "SQLite",
    DatastoreEngine.CLICKHOUSE: "ClickHouse",
    DatastoreEngine.REDIS: "Redis",
    DatastoreEngine.ELASTICSEARCH: "Elasticsearch",
    DatastoreEngine.MONGODB: "MongoDB",
    DatastoreEngine.CASSANDRA: "Cassandra",
    DatastoreEngine.DYNAMODB: "DynamoDB",
    DatastoreEngine.S3: "S3",
}


class StepKind(str, Enum):
    """Arrow kinds of a flow step: ``->`` request, ``-->`` reply, ``=>`` async message."""

    REQUEST = "->"
    REPLY = "-->"
    MESSAGE = "=>"


# --------------------------------------------------------------------------- design metadata


@dataclass(frozen=True, slots=True)
class Load:
    """Expected load now and at peak."""

    COMPACT: ClassVar[bool] = True

    current: Rate | None = doc_field("Sustained load today.", default=None, example="10K/h")
    peak: Rate | None = doc_field("Peak load to design for.", default=None, example="100K/h")
    unit: str = doc_field(
        "What is counted (orders, events, requests).", default="requests", example="orders"
    )


@dataclass(frozen=True, slots=True)
class Requirements:
    """Functional and non-functional requirements."""

    functional: tuple[str, ...] = doc_field(
        "Business capabilities the system provides.",
        factory=tuple,
        example=["Customers place orders"],
    )
    load: Load | None = doc_field("Expected load now and at peak.", default=None)
    latency: Sla | None = doc_field(
        "Latency and availability targets for the system.", default=None
    )
    data: str = doc_field(
        "Data volume, velocity and retention.",
        default="",
        example="2 TB/year of order history, kept 7 years",
    )


@dataclass(frozen=True, slots=True)
class StackChoice:
    """One technology choice with its rationale."""

    choice: str = doc_field("The technology.", default="", example="Go + Gin")
    rationale: str = doc_field(
        "Why it was chosen; tradeoffs.", default="", example="High throughput, small footprint"
    )


@dataclass(frozen=True, slots=True)
class Growth:
    """Growth projections, free text per horizon."""

    months_6: str = doc_field(
        "Expected load/data in 6 months.", default="", key="6-months", example="20K orders/h"
    )
    year_1: str = doc_field(
        "Expected load/data in 1 year.", default="", key="1-year", example="40K orders/h"
    )
    year_2: str = doc_field(
        "Expected load/data in 2 years.", default="", key="2-years", example="100K orders/h"
    )


@dataclass(frozen=True, slots=True)
class DesignInfo:
    """What the design is: the header of the design document."""

    name: str = doc_field(
        "Title of the design.", default="Untitled design", example="E-commerce Order Management"
    )
    version: str = doc_field(
        "Version of the design (not of the file format).", default="0.1", example="1.0"
    )
    summary: str = doc_field("Executive summary: 2-3 sentences.", default="")
    requirements: Requirements = doc_field("Requirements.", factory=Requirements)
    constraints: tuple[str, ...] = doc_field(
        "Budget, team, existing technology.", factory=tuple, example=["Team knows Go"]
    )
    stack: dict[str, StackChoice] = doc_field(
        "Technology stack by layer (languages, databases, messaging, caching).", factory=dict
    )
    growth: Growth = doc_field("Growth projections.", factory=Growth)
    scaling_strategy: str = doc_field(
        "Horizontal/vertical scaling and auto-scaling rules.", default=""
    )
    bottlenecks: tuple[str, ...] = doc_field(
        "Known constraints and their mitigations.", factory=tuple
    )


# --------------------------------------------------------------------------- service facts


@dataclass(frozen=True, slots=True)
class Sla:
    """Service level objectives."""

    COMPACT: ClassVar[bool] = True

    availability: Percent | None = doc_field("Availability target.", default=None, example="99.95%")
    p99: Duration | None = doc_field("99th percentile latency.", default=None, example="200ms")
    p95: Duration | None = doc_field("95th percentile latency.", default=None, example="120ms")
    p50: Duration | None = doc_field("Median latency.", default=None)


@dataclass(frozen=True, slots=True)
class Scaling:
    """How a service scales."""

    COMPACT: ClassVar[bool] = True

    min: int = doc_field("Minimum number of instances.", always=True, default=1, example=10)
    max: int = doc_field("Maximum number of instances.", always=True, default=1, example=100)
    capacity: Rate | None = doc_field(
        "Throughput one instance sustains.", default=None, example="1K/s"
    )
    trigger: str = doc_field("What triggers scaling.", default="", example="CPU > 70%")


@dataclass(frozen=True, slots=True)
class Pool:
    """A connection pool held by each instance of a service."""

    COMPACT: ClassVar[bool] = True

    size: int = doc_field("Connections per instance.", always=True, default=10, example=100)
    timeout: Duration | None = doc_field(
        "How long a request queues for a connection.", default=None, example="2s"
    )


@dataclass(frozen=True, slots=True)
class Alert:
    """An alert on a service or on the system."""

    COMPACT: ClassVar[bool] = True

    condition: str = doc_field("When it fires.", default="", example="p99_latency > 200ms")
    action: str = doc_field("What the on-call does.", default="", example="page on-call")
    severity: str = doc_field("Severity label.", default="", example="critical")


@dataclass(frozen=True, slots=True)
class Monitoring:
    """Observability of a service."""

    metrics: tuple[str, ...] = doc_field(
        "Metrics exported.", factory=tuple, example=["request_rate", "error_rate", "latency"]
    )
    tracing: str = doc_field("Distributed tracing system.", default="", example="Jaeger")
    logs: str = doc_field("Where structured logs go.", default="", example="ELK")
    alerts: dict[str, Alert] = doc_field("Alerts by name.", factory=dict)


@dataclass(frozen=True, slots=True)
class Security:
    """Authentication and authorisation of a service."""

    authn: str = doc_field("Authentication method.", default="", example="OAuth2 / OIDC")
    authz: str = doc_field("Authorisation model.", default="", example="RBAC")


@dataclass(frozen=True, slots=True)
class FailureMode:
    """A way the service fails and what mitigates it."""

    mitigation: str = doc_field(
        "How the failure is mitigated.",
        default="",
        example="Circuit breaker, fall back to cached stock",
    )


@dataclass(frozen=True, slots=True)
class ApiVersioning:
    """How a service versions its API."""

    COMPACT: ClassVar[bool] = True

    scheme: str = doc_field(
        "`path` (/v1/) or `header`.", always=True, default="path", example="header"
    )
    header: str = doc_field(
        "Version header name when the scheme is `header`.", default="", example="Api-Version"
    )


# --------------------------------------------------------------------------- endpoints


@dataclass(frozen=True, slots=True)
class Parameter:
    """A path, query or header parameter."""

    COMPACT: ClassVar[bool] = True

    location: str = doc_field(
        "`path`, `query` or `header`.", always=True, default="query", key="in", example="query"
    )
    type: str = doc_field("Type name.", default="string", example="uuid")
    required: bool = doc_field("Whether the parameter is required.", default=False)
    description: str = doc_field("What it means.", default="")


@dataclass(frozen=True, slots=True)
class Response:
    """One response of an endpoint."""

    description: str = doc_field("What the response means.", default="", example="Order accepted")
    body: Shape = doc_field(
        "Body shape: `{field: type}`, `[item]` or a type name.",
        default=None,
        example={"order_id": "uuid", "status": "string"},
    )
    headers: tuple[str, ...] = doc_field(
        "Headers the response sets.", factory=tuple, example=["Retry-After"]
    )


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An API operation of a service."""

    method: HttpMethod = doc_field(
        "HTTP method.", always=True, default=HttpMethod.GET, example="POST"
    )
    path: str = doc_field(
        "URL path template.", always=True, default="/", example="/api/v1/orders/{id}"
    )
    summary: str = doc_field("One line on what it does.", default="")
    auth: str = doc_field(
        "Authentication required (`none` for public).", default="", example="bearer"
    )
    parameters: dict[str, Parameter] = doc_field("Parameters by name.", factory=dict)
    request: Shape = doc_field(
        "Request body shape.",
        default=None,
        example={"user_id": "uuid", "items": [{"product_id": "uuid"}]},
    )
    responses: dict[str, Response] = doc_field(
        "Responses by status code, errors included.", factory=dict
    )
    pagination: Pagination | None = doc_field(
        "Paging of a collection result.", default=None, example="cursor"
    )
    rate_limit: Rate | None = doc_field("Per-client rate limit.", default=None, example="100/min")
    idempotency: str = doc_field(
        "Idempotency key header, if any.", default="", example="Idempotency-Key"
    )
    mode: str = doc_field(
        "`sync`, or `async` (202 + status resource).", default="sync", example="async"
    )
    status_path: str = doc_field(
        "Status resource of an async operation.", default="", example="/api/v1/orders/{id}/status"
    )
    long_running: bool = doc_field(
        "Whether the work takes longer than a request should.", default=False
    )
    public: bool | None = doc_field(
        "Reachable from outside (defaults to the service's `public`).", default=None
    )
    tags: tuple[str, ...] = doc_field("OpenAPI tags.", factory=tuple, compact=True)


# --------------------------------------------------------------------------- SQL schema


@dataclass(frozen=True, slots=True)
class Column:
    """A table column. Written as just its type when nothing else is set (`id: uuid`)."""

    COMPACT: ClassVar[bool] = True

    type: str = doc_field("SQL type.", default="text", example="VARCHAR(255)")
    nullable: bool = doc_field("Whether NULL is allowed.", default=True)
    default: str | None = doc_field("Default expression (SQL).", default=None, example="now()")
    comment: str = doc_field("Column comment.", default="")
    distinct: Count | None = doc_field(
        "Estimated number of distinct values.", default=None, example="12"
    )
    personal: bool = doc_field("Holds personal data (PII).", default=False)

    @classmethod
    def from_scalar(cls, value: str) -> Column:
        """``email: VARCHAR(255)`` shorthand."""
        return cls(type=value)

    def to_scalar(self) -> str | None:
        """The shorthand when only the type is set."""
        return self.type if self == Column(type=self.type) else None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A foreign key constraint."""

    COMPACT: ClassVar[bool] = True

    columns: tuple[str, ...] = doc_field(
        "Referencing columns.", factory=tuple, compact=True, example=["user_id"]
    )
    table: str = doc_field("Referenced table.", default="", example="users")
    references: tuple[str, ...] = doc_field(
        "Referenced columns.", factory=tuple, compact=True, example=["id"]
    )
    on_delete: str = doc_field("ON DELETE action.", default="", example="cascade")


@dataclass(frozen=True, slots=True)
class Index:
    """An index: composite, unique, partial (`where`) or on expressions."""

    COMPACT: ClassVar[bool] = True

    columns: tuple[str, ...] = doc_field(
        "Columns or SQL expressions, in order.",
        factory=tuple,
        compact=True,
        example=["user_id", "created_at DESC"],
    )
    unique: bool = doc_field("Unique index.", default=False)
    where: str = doc_field(
        "Predicate of a partial index.", default="", example="status <> 'completed'"
    )
    method: str = doc_field(
        "Access method (btree, hash, gin, gist, brin).", default="", example="btree"
    )
    include: tuple[str, ...] = doc_field("Covering (INCLUDE) columns.", factory=tuple, compact=True)


@dataclass(frozen=True, slots=True)
class Partitioning:
    """Declarative partitioning of a table."""

    COMPACT: ClassVar[bool] = True

    by: str = doc_field("`range`, `list` or `hash`.", default="range", example="range")
    key: str = doc_field("Partition key column or expression.", default="", example="created_at")
    interval: str = doc_field(
        "Partition size for range partitioning.", default="", example="monthly"
    )
    retention: Duration | None = doc_field(
        "How long partitions are kept.", default=None, example="730d"
    )


@dataclass(frozen=True, slots=True)
class Table:
    """A table of a SQL datastore."""

    columns: dict[str, Column] = doc_field("Columns by name, in order.", factory=dict)
    primary_key: tuple[str, ...] = doc_field(
        "Primary key columns.", factory=tuple, compact=True, example=["id", "created_at"]
    )
    unique: dict[str, tuple[str, ...]] = doc_field(
        "Unique constraints by name.",
        factory=dict,
        compact=True,
        example={"users_email_key": ["email"]},
    )
    foreign_keys: dict[str, ForeignKey] = doc_field("Foreign keys by name.", factory=dict)
    checks: dict[str, str] = doc_field(
        "Check constraints by name (SQL).", factory=dict, example={"total_positive": "total >= 0"}
    )
    indexes: dict[str, Index] = doc_field("Indexes by name.", factory=dict)
    partitioning: Partitioning | None = doc_field("Partitioning.", default=None)
    rows: Count | None = doc_field("Estimated rows today.", default=None, example="50M")
    growth: Rate | None = doc_field("Rows added over time.", default=None, example="2.4M/month")
    retention: Duration | None = doc_field("How long rows are kept.", default=None, example="2555d")
    archival: str = doc_field(
        "Archival plan for old rows.",
        default="",
        example="Detach partitions older than 2 years to S3",
    )
    engine: str = doc_field(
        "Engine clause (ClickHouse, MySQL).", default="", example="ReplicatedMergeTree()"
    )
    order_by: tuple[str, ...] = doc_field("Sort key (ClickHouse).", factory=tuple, compact=True)
    ttl: str = doc_field(
        "Row TTL expression (ClickHouse).", default="", example="timestamp + INTERVAL 90 DAY"
    )
    comment: str = doc_field("Why the table looks the way it does.", default="")


@dataclass(frozen=True, slots=True)
class View:
    """A view or materialized view."""

    query: str = doc_field("The defining SELECT.", default="")
    materialized: bool = doc_field("Materialized view.", default=False)
    engine: str = doc_field("Engine clause (ClickHouse).", default="")
    order_by: tuple[str, ...] = doc_field("Sort key (ClickHouse).", factory=tuple, compact=True)
    comment: str = doc_field("What it is for.", default="")


@dataclass(frozen=True, slots=True)
class Query:
    """A named SQL query run against a datastore."""

    sql: str = doc_field(
        "The statement.", default="", example="SELECT * FROM orders WHERE user_id = $1"
    )
    service: str = doc_field(
        "Id of the service that issues it.", default="", example="order-service"
    )
    rate: Rate | None = doc_field("How often it runs.", default=None, example="200/s")
    description: str = doc_field("What it is for.", default="")


@dataclass(frozen=True, slots=True)
class Encryption:
    """Encryption of a datastore."""

    COMPACT: ClassVar[bool] = True

    at_rest: bool = doc_field("Encrypted at rest.", default=False)
    in_transit: bool = doc_field("TLS to clients.", default=False)


# --------------------------------------------------------------------------- relations


@dataclass(frozen=True, slots=True)
class Retry:
    """Retry policy of a call."""

    COMPACT: ClassVar[bool] = True

    attempts: int = doc_field("Maximum attempts including the first.", always=True, default=3)
    backoff: str = doc_field(
        "`exponential`, `linear`, `fixed` or `none`.", default="none", example="exponential"
    )
    base: Duration | None = doc_field("First delay.", default=None, example="100ms")
    jitter: bool = doc_field("Randomised delays (avoids thundering herds).", default=False)


@dataclass(frozen=True, slots=True)
class CircuitBreaker:
    """Circuit breaker on a call. `circuit_breaker: true` enables one with defaults."""

    enabled: bool = doc_field("Whether it is on.", default=True)
    failure_threshold: Percent | None = doc_field(
        "Error rate that opens it.", default=None, example="50%"
    )
    reset_after: Duration | None = doc_field(
        "Time before a half-open probe.", default=None, example="30s"
    )
    fallback: str = doc_field(
        "What callers get while open.", default="", example="cached stock levels"
    )

    @classmethod
    def from_scalar(cls, value: bool) -> CircuitBreaker:
        """``circuit_breaker: true`` shorthand."""
        return cls(enabled=bool(value))

    def to_scalar(self) -> bool | None:
        """The shorthand when only ``enabled`` is set."""
        return self.enabled if self == CircuitBreaker(enabled=self.enabled) else None


@dataclass(frozen=True, slots=True)
class Relation:
    """A dependency edge: ``source`` initiates ``kind`` towards ``target``.

    Written in YAML under the source element, e.g.
    ``calls: {inventory-service: {protocol: grpc, timeout: 300ms}}``.
    """

    kind: RelationKind
    source: str
    target: str
    protocol: str = doc_field("Wire protocol.", default="", example="gRPC")
    description: str = doc_field(
        "What flows over it.", default="", example="reserve stock for an order"
    )
    rate: Rate | None = doc_field("Expected rate.", default=None, example="300/s")
    timeout: Duration | None = doc_field(
        "Client-side timeout (sync).", default=None, example="300ms"
    )
    retries: Retry | None = doc_field("Retry policy (sync).", default=None)
    circuit_breaker: CircuitBreaker | None = doc_field(
        "Circuit breaker (sync).", default=None, example=True
    )
    tls: bool | None = doc_field("Encrypted in transit.", default=None)
    data: tuple[str, ...] = doc_field(
        "Data classes carried (e.g. `pii`, `payment`).",
        factory=tuple,
        compact=True,
        example=["pii"],
    )
    fallback: str = doc_field("What happens when the target is down.", default="")

    @property
    def key(self) -> tuple[str, str, RelationKind]:
        """The relation's identity: (source, target, kind)."""
        return (self.source, self.target, self.kind)

    @property
    def id(self) -> str:
        """A user-visible id for findings: ``source.kind.target``."""
        return f"{self.source}.{self.kind.value}.{self.target}"


# --------------------------------------------------------------------------- elements


@dataclass(frozen=True, slots=True)
class Service:
    """A deployable service."""

    name: str = doc_field("Display name.", default="", example="Order Service")
    purpose: str = doc_field(
        "Its single responsibility.",
        default="",
        example="Manage order lifecycle from creation to fulfilment",
    )
    owner: str = doc_field("Owning team.", default="", example="team-orders")
    technology: str = doc_field("Language and framework.", default="", example="Go + Gin")
    group: str = doc_field("Bounded context it belongs to.", default="", example="ordering")
    tags: tuple[str, ...] = doc_field("Free tags.", factory=tuple, compact=True)
    public: bool = doc_field("Reachable from outside the system's network.", default=False)
    zone: str = doc_field("Trust zone (e.g. `dmz`, `internal`).", default="", example="internal")
    sla: Sla | None = doc_field("Service level objectives.", default=None)
    scaling: Scaling | None = doc_field("Instances and capacity.", default=None)
    pools: dict[str, Pool] = doc_field("Connection pools by datastore id.", factory=dict)
    versioning: ApiVersioning | None = doc_field("API versioning scheme.", default=None)
    monitoring: Monitoring | None = doc_field("Metrics, tracing, logs and alerts.", default=None)
    security: Security | None = doc_field("Authentication and authorisation.", default=None)
    failure_modes: dict[str, FailureMode] = doc_field(
        "Failure scenarios and their mitigations.", factory=dict
    )
    endpoints: dict[str, Endpoint] = doc_field("API endpoints by id.", factory=dict)
    caching: str = doc_field("Caching strategy and invalidation.", default="")


@dataclass(frozen=True, slots=True)
class Datastore:
    """A database, cache or search index."""

    engine: DatastoreEngine = doc_field(
        "Storage engine.", always=True, default=DatastoreEngine.POSTGRESQL, example="postgresql"
    )
    name: str = doc_field("Display name.", default="", example="Orders DB")
    purpose: str = doc_field("What it stores and why this engine.", default="")
    version: str = doc_field("Engine version.", default="", example="16")
    group: str = doc_field("Bounded context.", default="")
    zone: str = doc_field("Trust zone.", default="")
    replicas: int = doc_field("Read replicas (0 = primary only).", default=0, example=2)
    max_connections: int | None = doc_field(
        "Server connection limit (PostgreSQL's default is 100).", default=None, example=500
    )
    encryption: Encryption | None = doc_field("Encryption at rest and in transit.", default=None)
    personal_data: bool = doc_field("Holds personal data.", default=False)
    backup: str = doc_field("Backup and restore plan.", default="")
    tables: dict[str, Table] = doc_field("Tables by name (SQL engines).", factory=dict)
    views: dict[str, View] = doc_field("Views by name (SQL engines).", factory=dict)
    queries: dict[str, Query] = doc_field("Named queries run against it.", factory=dict)
    monitoring: Monitoring | None = doc_field("Monitoring of the store.", default=None)


@dataclass(frozen=True, slots=True)
class Queue:
    """A queue or topic."""

    technology: str = doc_field("Broker.", default="kafka", example="kafka")
    name: str = doc_field("Display name.", default="")
    purpose: str = doc_field("What it carries.", default="")
    group: str = doc_field("Bounded context.", default="")
    zone: str = doc_field("Trust zone.", default="")
    partitions: int | None = doc_field("Partitions.", default=None, example=100)
    replication: int | None = doc_field("Replication factor.", default=None, example=3)
    retention: Duration | None = doc_field("Retention.", default=None, example="168h")
    delivery: DeliveryGuarantee | None = doc_field(
        "Delivery guarantee.", default=None, example="at-least-once"
    )
    partition_key: str = doc_field(
        "Message key used for partitioning.", default="", example="user_id"
    )
    events: dict[str, Shape] = doc_field(
        "Event payloads by event name.",
        factory=dict,
        example={"OrderCreated": {"order_id": "uuid"}},
    )
    monitoring: Monitoring | None = doc_field("Monitoring (lag alerts...).", default=None)


@dataclass(frozen=True, slots=True)
class External:
    """A system outside the design's control (payment provider, e-mail gateway)."""

    name: str = doc_field("Display name.", default="", example="Stripe")
    purpose: str = doc_field("What it provides.", default="")
    technology: str = doc_field("Protocol or product.", default="")
    zone: str = doc_field("Trust zone.", default="external")
    sla: Sla | None = doc_field("The provider's published SLA.", default=None)


@dataclass(frozen=True, slots=True)
class Client:
    """Something that uses the system: a web app, mobile app, SDK, partner."""

    name: str = doc_field("Display name.", default="", example="Web shop")
    purpose: str = doc_field("Who uses it for what.", default="")
    technology: str = doc_field("Platform.", default="", example="React SPA")
    zone: str = doc_field("Trust zone.", default="public")


#: Any top-level element.
Element = Service | Datastore | Queue | External | Client


# --------------------------------------------------------------------------- flows, decisions


@dataclass(frozen=True, slots=True)
class Step:
    """One arrow of a flow, written as ``source -> target: message``.

    ``->`` is a request, ``-->`` a reply and ``=>`` an asynchronous message.
    """

    source: str
    target: str
    message: str = ""
    kind: StepKind = StepKind.REQUEST

    @classmethod
    def from_scalar(cls, value: str) -> Step:
        """Read ``a -> b`` (``-->`` reply, ``=>`` async message)."""
        return cls.from_pair(value, "")

    @classmethod
    def from_pair(cls, arrow: str, message: str) -> Step:
        """Read ``a -> b: message``, which YAML hands over as a one-entry mapping."""
        match = _STEP_RE.match(arrow)
        if not match:
            raise ValueError(
                f"'{arrow}' is not a step; write 'source -> target: message' "
                "('-->' for a reply, '=>' for an async message)"
            )
        return cls(match["source"], match["target"], message.strip(), StepKind(match["arrow"]))

    def to_scalar(self) -> str | dict[str, str]:
        """The step as written in YAML."""
        arrow = f"{self.source} {self.kind.value} {self.target}"
        return {arrow: self.message} if self.message else arrow


_STEP_RE = re.compile(
    r"^\s*(?P<source>[A-Za-z0-9][A-Za-z0-9_-]*)\s*(?P<arrow>-->|->|=>)\s*"
    r"(?P<target>[A-Za-z0-9][A-Za-z0-9_-]*)\s*$"
)


@dataclass(frozen=True, slots=True)
class Flow:
    """A named sequence of steps between elements (a sequence diagram)."""

    name: str = doc_field("Title.", default="", example="Order placement")
    description: str = doc_field("What the flow shows.", default="")
    steps: tuple[Step, ...] = doc_field(
        "Steps, each `source -> target: message` (`-->` reply, `=>` async).",
        factory=tuple,
        example=[
            "web -> order-service: POST /api/v1/orders",
            "order-service => orders: OrderCreated",
        ],
    )


@dataclass(frozen=True, slots=True)
class Alternative:
    """An option considered in a decision."""

    pros: tuple[str, ...] = doc_field("Arguments for.", factory=tuple)
    cons: tuple[str, ...] = doc_field("Arguments against.", factory=tuple)


@dataclass(frozen=True, slots=True)
class Decision:
    """An architecture decision record."""

    title: str = doc_field("Short title.", default="", example="Use Kafka as the event bus")
    status: DecisionStatus = doc_field(
        "Life-cycle status.", always=True, default=DecisionStatus.PROPOSED, example="accepted"
    )
    date: dt.date | None = doc_field("When it was decided.", default=None, example="2024-01-15")
    deciders: tuple[str, ...] = doc_field("Who decided.", factory=tuple, compact=True)
    context: str = doc_field("The problem and forces.", default="")
    decision: str = doc_field("What was chosen.", default="")
    alternatives: dict[str, Alternative] = doc_field("Options considered.", factory=dict)
    consequences: tuple[str, ...] = doc_field("Tradeoffs accepted.", factory=tuple)
    review: dt.date | None = doc_field("When to revisit it.", default=None, example="2025-01-15")
    supersedes: tuple[str, ...] = doc_field(
        "Decisions this one replaces.", factory=tuple, compact=True
    )
    superseded_by: str = doc_field("The decision that replaced this one.", default="")
    concerns: tuple[str, ...] = doc_field(
        "Ids of the elements it is about.", factory=tuple, compact=True, example=["order-service"]
    )


@dataclass(frozen=True, slots=True)
class Suppression:
    """An accepted finding, with the reason (and optionally the ADR that justifies it)."""

    reason: str = doc_field("Why the finding is accepted.", default="")
    decision: str = doc_field("Id of the decision that justifies it.", default="")


@dataclass(frozen=True, slots=True)
class ChecksConfig:
    """Configuration of the review: which rules run, at what severity, what is accepted."""

    select: tuple[str, ...] = doc_field(
        "Rules or groups to run (codes, names or groups).", factory=tuple, compact=True
    )
    ignore: tuple[str, ...] = doc_field("Rules or groups to skip.", factory=tuple, compact=True)
    severity: dict[str, str] = doc_field(
        "Severity overrides by rule code or name.", factory=dict, example={"ARC010": "error"}
    )
    suppress: dict[str, Suppression] = doc_field("Accepted findings by finding id.", factory=dict)
    options: dict[str, Any] = doc_field(
        "Rule thresholds by option name.", factory=dict, example={"god-service.max-endpoints": 25}
    )
