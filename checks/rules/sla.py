"""SLA and load rules (ARC2xx): service levels, connection budgets, growth and hot keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from checks.base import Context, Finding, Option, Rule, Severity
from models.design import Design
from models.elements import (
    Datastore,
    DatastoreEngine,
    ElementKind,
    Queue,
    Service,
    Table,
)
from models.units import Duration

__all__ = ["ConnectionExhaustion", "HotPartition", "MissingSla", "UnboundedTableGrowth"]


def _about(value: float) -> str:
    """A large number as people say it: ``604.8M``, ``1.2B``, ``950K``, ``12``."""
    for suffix, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(value) >= size:
            return f"{value / size:.4g}{suffix}"
    return f"{value:.4g}"


def _span(duration: Duration) -> str:
    """``2555d`` -> ``7 years``, ``730d`` -> ``2 years``, else as written."""
    years = duration.seconds / 31_536_000
    if years >= 1 and abs(years - round(years)) < 0.01:
        return f"{round(years)} year{'s' if round(years) != 1 else ''}"
    return str(duration)


def _public_endpoints(service: Service) -> list[str]:
    return [eid for eid, e in service.endpoints.items()
            if (service.public if e.public is None else e.public)]


class MissingSla(Rule):
    """A service has no SLA, or its SLA lacks an availability or a latency target.

    *Anti-pattern*: a service, especially one whose endpoints are reachable from outside,
    with no stated availability and latency objectives. Without them nobody can size it,
    alert on it, budget its dependencies' timeouts or say whether an incident breached
    anything.

    *Best practice*: an ``sla`` with ``availability`` (e.g. ``99.95%``) and at least one
    latency percentile (``p99: 200ms``), derived from the system's requirements and no
    stricter than the SLAs of what it calls synchronously.
    """

    code = "ARC201"
    name = "sla.missing-sla"
    groups = ("sla",)
    default_severity = Severity.WARNING
    reads = frozenset({"service.sla", "service.public", "service.endpoints"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding naming what is missing and the public endpoints exposed without it."""
        service = design.element(element_id)
        assert isinstance(service, Service)
        sla = service.sla
        missing = []
        if sla is None or sla.availability is None:
            missing.append("availability")
        if sla is None or (sla.p99, sla.p95, sla.p50) == (None, None, None):
            missing.append("latency")
        if not missing:
            return
        what = "no SLA" if sla is None else f"an SLA without a {' or '.join(missing)} target"
        public = _public_endpoints(service)
        exposed = (f"; it serves {len(public)} public endpoint(s): {', '.join(public)}"
                   if public else "")
        yield self.finding(
            element_id,
            f"service '{element_id}' has {what}{exposed}",
            "state availability (e.g. 99.95%) and a latency percentile (e.g. p99: 200ms) "
            "under 'sla', no stricter than what it calls synchronously",
            path=f"services.{element_id}.sla" if sla else "",
        )


#: ``max_connections`` out of the box, when the design does not state one.
DEFAULT_MAX_CONNECTIONS: dict[DatastoreEngine, int] = {
    DatastoreEngine.POSTGRESQL: 100,
    DatastoreEngine.MYSQL: 151,
    DatastoreEngine.MARIADB: 151,
}


class ConnectionExhaustion(Rule):
    """The services' connection pools can open more connections than the datastore accepts.

    *Anti-pattern*: each instance holds a pool of N connections and the service scales out
    to M instances, so at peak N x M connections (summed over every service) hit a server
    that accepts far fewer (PostgreSQL's ``max_connections`` is 100 by default). Scaling
    out under load then fails with "too many connections" exactly when it matters, and
    every idle connection costs server memory.

    *Best practice*: keep the sum of pool size x max instances below ``max_connections``
    with headroom for administration and replication: put a pooler (PgBouncer in
    transaction mode, RDS Proxy) in front of the database, shrink the per-instance pools,
    cap instances, or route reads to replicas.
    """

    code = "ARC202"
    name = "sla.connection-exhaustion"
    groups = ("sla", "load")
    default_severity = Severity.ERROR
    reads = frozenset({"service.pools", "service.scaling", "datastore"})
    scope = frozenset({"datastore"})

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        """Every datastore, with the pools indexed once (not one scan of services per store)."""
        shares: dict[str, list[tuple[str, int, int]]] = {}
        for sid, service in design.services():
            for store_id, pool in service.pools.items():
                shares.setdefault(store_id, []).append((sid, pool.size, _instances(service)))
        for store_id in self.scope_ids(design):
            yield from self._check(design, store_id, shares.get(store_id, []))

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding with every service's pool x instances and the total against the limit."""
        shares = [(sid, pool.size, _instances(service)) for sid, service in design.services()
                  if (pool := service.pools.get(element_id)) is not None]
        return self._check(design, element_id, shares)

    def _check(self, design: Design, element_id: str,
               shares: list[tuple[str, int, int]]) -> Iterator[Finding]:
        store = design.element(element_id)
        assert isinstance(store, Datastore)
        limit = store.max_connections or DEFAULT_MAX_CONNECTIONS.get(store.engine)
        if limit is None:
            return
        total = sum(size * instances for _, size, instances in shares)
        if total <= limit:
            return
        whose = "whose limit is" if store.max_connections else \
            f"whose limit is {store.engine.title}'s default of"
        terms = [f"{size} x {n} = {size * n:,}" for _, size, n in shares]
        if len(shares) == 1:
            who = f"{shares[0][0]} may open {terms[0]} connections"
        else:
            parts = ", ".join(f"{sid} {term}" for (sid, _, _), term in
                              sorted(zip(shares, terms, strict=True)))
            who = f"{len(shares)} services may open {total:,} connections ({parts})"
        yield self.finding(
            element_id,
            f"{who} to {element_id}, {whose} {limit:,}",
            f"put a pooler (e.g. PgBouncer in transaction mode) in front of {element_id}, "
            "or shrink the pools or cap instances so that pool size x max instances stays "
            "below the limit with headroom",
            related=tuple(sorted(sid for sid, _, _ in shares)),
        )

    def related(self, design: Design, element_id: str, element: Any) -> Iterable[str]:
        """A service's pools count against the datastores they connect to."""
        return list(element.pools) if isinstance(element, Service) else ()


def _instances(service: Service) -> int:
    return service.scaling.max if service.scaling else 1


class UnboundedTableGrowth(Rule):
    """A table is expected to grow past a size that needs a plan, and has none.

    *Anti-pattern*: a table that keeps growing (rows today, or growth x retention) with no
    partitioning and no archival plan. Indexes outgrow memory, vacuum and backups slow
    down, and deleting old rows later means a huge, locking ``DELETE``.

    *Best practice*: partition by time (monthly ranges) so old data can be detached and
    archived, or state an ``archival`` plan or a ``ttl``. The threshold is
    ``unbounded-table-growth.max-rows``; ``unbounded-table-growth.horizon`` is how far
    ahead growth is projected when the table states no retention.
    """

    code = "ARC203"
    name = "sla.unbounded-table-growth"
    groups = ("sla", "load")
    default_severity = Severity.WARNING
    reads = frozenset({"datastore"})
    scope = frozenset({"datastore"})
    options = {
        "max-rows": Option("100M", "Rows beyond which a table needs partitioning or archival."),
        "horizon": Option("730d", "How far growth is projected when no retention is stated."),
    }

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per table projected past ``max-rows`` without a plan."""
        from models.units import parse_count

        store = design.element(element_id)
        assert isinstance(store, Datastore)
        limit = parse_count(self.option(context, "max-rows"))
        horizon = Duration.parse(self.option(context, "horizon"))
        for name, table in store.tables.items():
            if table.partitioning or table.archival.strip() or table.ttl.strip():
                continue
            size, why = _projection(table, horizon)
            if size > limit:
                yield self.finding(
                    f"{element_id}.{name}",
                    f"table {element_id}.{name} may reach {_about(size)} rows ({why}), over "
                    f"{_about(limit)}, with no partitioning or archival plan",
                    "partition it by time (e.g. monthly ranges) so old partitions can be "
                    "detached and archived, or state an archival plan or a TTL",
                    path=f"datastores.{element_id}.tables.{name}",
                )


def _projection(table: Table, horizon: Duration) -> tuple[float, str]:
    """The largest size the table reaches, and how that was worked out."""
    rows = float(table.rows.value) if table.rows else 0.0
    if table.growth is None:
        return rows, "rows today"
    if table.retention is not None:
        kept = table.growth.over(table.retention)
        return max(rows, kept), f"{table.growth} kept {_span(table.retention)}"
    grown = rows + table.growth.over(horizon)
    return grown, f"{table.growth} with no retention, within {_span(horizon)}"


#: Engines whose first primary-key column is the partition (distribution) key.
_KEYED_ENGINES = (DatastoreEngine.CASSANDRA, DatastoreEngine.DYNAMODB)


class HotPartition(Rule):
    """Data is partitioned on a key with few distinct values.

    *Anti-pattern*: hash-partitioning a table, keying a Cassandra/DynamoDB table, or keying
    a topic on a column with a handful of values (a status, a country, a boolean). All the
    traffic for a popular value lands on one partition: one node or one consumer does the
    work while the others idle, and adding partitions does not help.

    *Best practice*: partition on a high-cardinality key (user id, order id), or add a
    suffix/bucket to spread a hot value. For a topic, the key needs at least as many
    distinct values as the topic has partitions. The threshold for tables is
    ``hot-partition.min-distinct``.
    """

    code = "ARC204"
    name = "sla.hot-partition"
    groups = ("sla", "load")
    default_severity = Severity.WARNING
    reads = frozenset({"datastore", "queue"})
    scope = frozenset({"datastore", "queue"})
    options = {
        "min-distinct": Option(100, "Distinct values a table's partition key needs."),
    }

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        """Every store and queue, with column cardinalities indexed once."""
        distinct = _cardinalities(design)
        for element_id in self.scope_ids(design):
            yield from self._check(design, element_id, context, distinct.get)

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """Findings for low-cardinality partition keys of a store's tables or of a queue."""
        return self._check(design, element_id, context, lambda key: _distinct_of(design, key))

    def _check(self, design: Design, element_id: str, context: Context,
               distinct: Callable[[str], int | None]) -> Iterator[Finding]:
        element = design.element(element_id)
        if isinstance(element, Queue):
            key = element.partition_key
            yield from self._check_queue(element_id, element, distinct(key) if key else None,
                                         context)
        elif isinstance(element, Datastore):
            yield from self._check_store(element_id, element, context)

    def _check_store(self, store_id: str, store: Datastore, context: Context) -> Iterator[Finding]:
        minimum = int(self.option(context, "min-distinct"))
        for name, table in store.tables.items():
            key, how = _partition_key(store, table)
            column = table.columns.get(key) if key else None
            if column is None or column.distinct is None or column.distinct.value >= minimum:
                continue
            yield self.finding(
                f"{store_id}.{name}",
                f"table {store_id}.{name} is {how} on '{key}', which has only about "
                f"{column.distinct.value:,} distinct values (fewer than {minimum:,}): "
                "the most common value makes a hot partition",
                "partition on a high-cardinality key (e.g. the entity or user id), or add a "
                "bucket suffix to spread hot values",
                path=f"datastores.{store_id}.tables.{name}",
            )

    def _check_queue(self, queue_id: str, queue: Queue, distinct: int | None,
                     context: Context) -> Iterator[Finding]:
        key = queue.partition_key
        if distinct is None:
            return
        if queue.partitions is not None:
            if distinct >= queue.partitions:
                return
            effect = (f"so at most {distinct:,} of its {queue.partitions:,} partitions receive "
                      "messages and consumers beyond that idle")
        elif distinct < int(self.option(context, "min-distinct")):
            effect = "so a popular value overloads one partition and its consumer"
        else:
            return
        yield self.finding(
            queue_id,
            f"queue '{queue_id}' is keyed on '{key}', which has only about {distinct:,} "
            f"distinct values, {effect}",
            "key messages on a high-cardinality id (e.g. the entity id) that still keeps the "
            "ordering you need",
        )

    def related(self, design: Design, element_id: str, element: Any) -> Iterable[str]:
        """A column's cardinality counts for the queues keyed on a column of that name."""
        if not isinstance(element, Datastore):
            return ()
        names = {c for table in element.tables.values() for c in table.columns}
        return [qid for qid, q in design.elements(ElementKind.QUEUE)
                if getattr(q, "partition_key", "") in names]


def _partition_key(store: Datastore, table: Table) -> tuple[str, str]:
    if table.partitioning is not None and table.partitioning.by == "hash":
        return table.partitioning.key, "hash-partitioned"
    if store.engine in _KEYED_ENGINES and table.primary_key:
        return table.primary_key[0], "partitioned (first primary-key column)"
    return "", ""


def _distinct_of(design: Design, column_name: str) -> int | None:
    """The smallest stated cardinality of any column named ``column_name``."""
    found = [column.distinct.value
             for _, store in design.datastores()
             for table in store.tables.values()
             if (column := table.columns.get(column_name)) is not None and column.distinct]
    return min(found) if found else None


def _cardinalities(design: Design) -> dict[str, int]:
    """The smallest stated cardinality of every column name, over all datastores."""
    found: dict[str, int] = {}
    for _, store in design.datastores():
        for table in store.tables.values():
            for name, column in table.columns.items():
                if column.distinct is not None:
                    found[name] = min(found.get(name, column.distinct.value),
                                      column.distinct.value)
    return found
