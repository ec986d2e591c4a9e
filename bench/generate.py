"""A deterministic generator of large, realistic designs for benchmarks and scale tests.

Everything is built through the model's mutators, so a generated design is as valid as a loaded
one. The same ``seed`` always gives the same design (and so the same file, byte for byte).

Sizes: ``rm-1k`` (the reference size: 1,000 services, 10,000 endpoints, 2,000 tables, 10,000
queries) and ``rm-100`` (a tenth of it)::

    python bench/generate.py --size rm-1k -o /tmp/rm-1k.yaml
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.design import Design
from models.elements import (
    Alternative,
    CircuitBreaker,
    Client,
    Column,
    Datastore,
    DatastoreEngine,
    Decision,
    DecisionStatus,
    DeliveryGuarantee,
    DesignInfo,
    Endpoint,
    External,
    Flow,
    ForeignKey,
    HttpMethod,
    Index,
    Load,
    Monitoring,
    Pool,
    Query,
    Queue,
    Relation,
    RelationKind,
    Requirements,
    Response,
    Retry,
    Scaling,
    Security,
    Service,
    Sla,
    Step,
    StepKind,
    Table,
)
from models.units import Count, Duration, Percent, Rate

__all__ = ["SIZES", "Size", "generate"]


@dataclass(frozen=True, slots=True)
class Size:
    """How big a generated design is."""

    services: int
    endpoints_per_service: int
    tables: int
    queries: int


SIZES: dict[str, Size] = {
    "rm-1k": Size(services=1000, endpoints_per_service=10, tables=2000, queries=10_000),
    "rm-100": Size(services=100, endpoints_per_service=10, tables=200, queries=1000),
}

_DOMAINS = (
    "orders",
    "inventory",
    "payments",
    "shipping",
    "catalog",
    "pricing",
    "accounts",
    "billing",
    "search",
    "reviews",
    "loyalty",
    "fraud",
    "notifications",
    "returns",
    "analytics",
    "support",
)
_ROLES = ("api", "worker", "projector", "scheduler", "gateway", "sync", "reporter", "importer")
_TECH = ("Go + Gin", "Java + Spring Boot", "Kotlin + Ktor", "Python + FastAPI", "Node.js + NestJS")
_NOUNS = (
    "order",
    "item",
    "user",
    "product",
    "payment",
    "shipment",
    "invoice",
    "address",
    "review",
    "coupon",
    "cart",
    "refund",
    "ticket",
    "account",
    "price",
    "stock",
    "event",
    "session",
)
_COLUMN_TYPES = (
    ("status", "VARCHAR(32)"),
    ("amount", "NUMERIC(12,2)"),
    ("currency", "CHAR(3)"),
    ("email", "VARCHAR(255)"),
    ("name", "VARCHAR(200)"),
    ("quantity", "INTEGER"),
    ("note", "TEXT"),
    ("sku", "VARCHAR(64)"),
    ("country", "CHAR(2)"),
    ("score", "REAL"),
    ("external_ref", "VARCHAR(128)"),
    ("is_active", "BOOLEAN"),
    ("payload", "JSONB"),
    ("expires_at", "TIMESTAMPTZ"),
    ("version", "INTEGER"),
    ("region", "VARCHAR(16)"),
)
_STORES = 100


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith("s") else "s")


_TOPICS = 50


def generate(
    services: int = 1000,
    endpoints_per_service: int = 10,
    tables: int = 2000,
    queries: int = 10_000,
    seed: int = 1,
) -> Design:
    """Build a design of the given size; the same arguments always give the same design."""
    rng = random.Random(seed)
    design = Design(_info(services))
    stores = max(1, min(_STORES, tables // 20))
    store_ids = [
        _add_store(design, rng, i, tables // stores + (i < tables % stores)) for i in range(stores)
    ]
    topic_ids = [_add_topic(design, rng, i) for i in range(min(_TOPICS, max(1, services // 20)))]
    service_ids = [
        f"{_DOMAINS[i % len(_DOMAINS)]}-{_ROLES[(i // 16) % 8]}-{i:04d}" for i in range(services)
    ]
    for i, service_id in enumerate(service_ids):
        home = store_ids[i % stores]
        design.add_element(service_id, _service(rng, i, home, endpoints_per_service))
    _add_queries(design, rng, store_ids, service_ids, queries)
    _add_relations(design, rng, service_ids, store_ids, topic_ids)
    _add_edges_and_clients(design, service_ids)
    _add_decisions(design, rng, service_ids, max(5, services // 20))
    _add_flows(design, service_ids, topic_ids)
    _add_layout(design)
    return design


def _info(services: int) -> DesignInfo:
    return DesignInfo(
        name=f"Synthetic marketplace ({services} services)",
        version="1.0",
        summary="A generated design used to measure loading, saving and checking at scale.",
        requirements=Requirements(
            functional=("Customers browse, order and pay", "Sellers manage stock and prices"),
            load=Load(Rate.parse("100K/h"), Rate.parse("1M/h"), "orders"),
            latency=Sla(Percent(99.95), Duration(200, "ms"), Duration(120, "ms")),
        ),
        constraints=("Team knows Go and Java", "Runs on Kubernetes"),
    )


# --------------------------------------------------------------------------- datastores


def _add_store(design: Design, rng: random.Random, index: int, table_count: int) -> str:
    engine = DatastoreEngine.POSTGRESQL if index % 3 else DatastoreEngine.MYSQL
    store_id = f"{_DOMAINS[index % len(_DOMAINS)]}-db-{index:03d}"
    tables: dict[str, Table] = {}
    for t in range(table_count):
        round_ = t // len(_NOUNS)
        name = _plural(_NOUNS[t % len(_NOUNS)]) + (f"_{round_}" if round_ else "")
        tables[name] = _table(rng, name, tables)
    design.add_element(
        store_id,
        Datastore(
            engine=engine,
            name=f"{store_id.replace('-', ' ').title()}",
            purpose="Transactional data of one bounded context.",
            version="16" if engine is DatastoreEngine.POSTGRESQL else "8.0",
            group=_DOMAINS[index % len(_DOMAINS)],
            replicas=rng.randint(0, 3),
            max_connections=rng.choice((100, 200, 500)),
            tables=tables,
        ),
    )
    return store_id


def _table(rng: random.Random, name: str, earlier: dict[str, Table]) -> Table:
    columns = {"id": Column("BIGINT", nullable=False)}
    foreign_keys: dict[str, ForeignKey] = {}
    for parent in rng.sample(sorted(earlier), min(len(earlier), rng.randint(0, 2))):
        column = f"{parent}_id"
        columns[column] = Column("BIGINT", nullable=False)
        foreign_keys[f"{name}_{column}_fkey"] = ForeignKey((column,), parent, ("id",), "cascade")
    for column, sql_type in rng.sample(_COLUMN_TYPES, rng.randint(3, 9)):
        columns[column] = Column(
            sql_type, nullable=rng.random() < 0.4, default="'new'" if column == "status" else None
        )
    columns["created_at"] = Column("TIMESTAMPTZ", nullable=False, default="now()")
    indexes = {f"{name}_{fk.columns[0]}_idx": Index(fk.columns) for fk in foreign_keys.values()}
    plain = [c for c in columns if c not in ("id", "created_at") and not c.endswith("_id")]
    if plain and rng.random() < 0.6:
        column = rng.choice(plain)
        indexes[f"{name}_{column}_created_idx"] = Index((column, "created_at DESC"))
    if "email" in columns:
        indexes[f"{name}_email_key"] = Index(("email",), unique=True)
    return Table(
        columns=columns,
        primary_key=("id",),
        foreign_keys=foreign_keys,
        indexes=indexes,
        rows=Count(rng.choice((10_000, 250_000, 5_000_000, 50_000_000))),
        growth=Rate(float(rng.choice((1000, 50_000, 2_400_000))), "month"),
    )


def _add_queries(
    design: Design, rng: random.Random, store_ids: list[str], service_ids: list[str], count: int
) -> None:
    per_store: dict[str, dict[str, Query]] = {s: {} for s in store_ids}
    users: dict[str, list[str]] = {s: [] for s in store_ids}  # services whose home it is
    for i, service_id in enumerate(service_ids):
        users[store_ids[i % len(store_ids)]].append(service_id)
    for q in range(count):
        store_id = store_ids[q % len(store_ids)]
        store = design.element(store_id)
        assert isinstance(store, Datastore)
        per_store[store_id][f"q{q:05d}"] = Query(
            sql=_sql(rng, store.tables),
            service=rng.choice(users[store_id] or service_ids),
            rate=Rate(float(rng.choice((1, 5, 20, 200, 1500))), "s"),
        )
    for store_id, queries in per_store.items():
        store = design.element(store_id)
        design.replace_element(store_id, _with_queries(store, queries))


def _with_queries(store: object, queries: dict[str, Query]) -> Datastore:
    from dataclasses import replace

    assert isinstance(store, Datastore)
    return replace(store, queries=queries)


def _sql(rng: random.Random, tables: dict[str, Table]) -> str:
    name = rng.choice(sorted(tables))
    table = tables[name]
    plain = [c for c in table.columns if c != "id"]
    column = rng.choice(plain)  # indexed or not: the index advisor has work to do
    shape = rng.random()
    if shape < 0.2:
        return f"UPDATE {name} SET {rng.choice(plain)} = $1 WHERE {column} = $2"
    if shape < 0.3:
        return f"DELETE FROM {name} WHERE {column} < $1"
    if table.foreign_keys and shape < 0.7:
        fk = rng.choice(sorted(table.foreign_keys.values(), key=lambda f: f.table))
        return (
            f"SELECT t.*, p.created_at AS parent_created_at FROM {name} t "
            f"JOIN {fk.table} p ON p.id = t.{fk.columns[0]} "
            f"WHERE t.{column} = $1 ORDER BY t.created_at DESC LIMIT 50"
        )
    return f"SELECT id, {column} FROM {name} WHERE {column} = $1 ORDER BY created_at DESC"


# --------------------------------------------------------------------------- services


def _service(rng: random.Random, index: int, home: str, endpoint_count: int) -> Service:
    domain = _DOMAINS[index % len(_DOMAINS)]
    return Service(
        name=f"{domain.title()} {_ROLES[(index // 16) % 8]} {index}",
        purpose=f"Own the {domain} {_ROLES[(index // 16) % 8]} capability.",
        owner=f"team-{domain}",
        technology=_TECH[index % len(_TECH)],
        group=domain,
        public=index % 50 == 0,
        sla=Sla(Percent(rng.choice((99.9, 99.95, 99.99))), Duration(rng.choice((100, 200, 500)))),
        scaling=Scaling(
            min=rng.randint(2, 10),
            max=rng.randint(10, 100),
            capacity=Rate(float(rng.choice((500, 1000, 2000))), "s"),
        ),
        pools={home: Pool(size=rng.choice((20, 50, 100)), timeout=Duration(2, "s"))},
        monitoring=Monitoring(
            metrics=("request_rate", "error_rate", "latency"), tracing="Jaeger", logs="ELK"
        ),
        security=Security(authn="OAuth2 / OIDC", authz="RBAC"),
        endpoints={f"e{e:02d}": _endpoint(rng, domain, e) for e in range(endpoint_count)},
    )


def _endpoint(rng: random.Random, domain: str, index: int) -> Endpoint:
    noun = _NOUNS[index % len(_NOUNS)]
    method = (HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE)[index % 4]
    path = f"/api/v1/{domain}/{_plural(noun)}" + ("" if method is HttpMethod.POST else "/{id}")
    responses = {"200": Response(f"The {noun}", {"id": "uuid", "status": "string"})}
    if method is HttpMethod.POST:
        responses = {
            "201": Response(f"{noun.title()} created", {"id": "uuid"}),
            "400": Response("Invalid request"),
        }
    return Endpoint(
        method=method,
        path=path,
        summary=f"{method.value.title()} one {noun}",
        auth="bearer",
        request={"name": "string", "quantity": "integer"} if method is HttpMethod.POST else None,
        responses=responses,
        rate_limit=Rate(float(rng.choice((100, 1000))), "min"),
        idempotency="Idempotency-Key" if method is HttpMethod.POST else "",
    )


def _add_topic(design: Design, rng: random.Random, index: int) -> str:
    topic_id = f"{_NOUNS[index % len(_NOUNS)]}-events-{index:02d}"
    design.add_element(
        topic_id,
        Queue(
            technology="kafka",
            purpose=f"{_NOUNS[index % len(_NOUNS)].title()} domain events.",
            partitions=rng.choice((12, 50, 100)),
            replication=3,
            retention=Duration(168, "h"),
            delivery=DeliveryGuarantee.AT_LEAST_ONCE,
            partition_key=f"{_NOUNS[index % len(_NOUNS)]}_id",
            events={
                f"{_NOUNS[index % len(_NOUNS)].title()}Changed": {"id": "uuid", "at": "timestamp"}
            },
        ),
    )
    return topic_id


def _add_relations(
    design: Design,
    rng: random.Random,
    service_ids: list[str],
    store_ids: list[str],
    topic_ids: list[str],
) -> None:
    for i, source in enumerate(service_ids):
        for target in rng.sample(service_ids[:i], min(i, rng.randint(1, 3))):
            design.add_relation(
                Relation(
                    RelationKind.CALLS,
                    source,
                    target,
                    protocol=rng.choice(("HTTP", "gRPC")),
                    timeout=Duration(rng.choice((300, 500, 1000))),
                    retries=Retry(3, "exponential", Duration(100), jitter=True) if i % 3 else None,
                    circuit_breaker=CircuitBreaker() if i % 4 == 0 else None,
                    rate=Rate(float(rng.choice((10, 100, 500))), "s"),
                )
            )
        home = store_ids[i % len(store_ids)]
        design.add_relation(Relation(RelationKind.READS, source, home))
        if i % 2 == 0:
            design.add_relation(Relation(RelationKind.WRITES, source, home))
        topic = topic_ids[i % len(topic_ids)]
        kind = RelationKind.PUBLISHES if i % 3 else RelationKind.SUBSCRIBES
        design.add_relation(Relation(kind, source, topic, description="domain events"))


def _add_edges_and_clients(design: Design, service_ids: list[str]) -> None:
    design.add_element("web", Client(name="Web shop", technology="React SPA"))
    design.add_element("mobile", Client(name="Mobile app", technology="Kotlin / Swift"))
    design.add_element(
        "stripe", External(name="Stripe", purpose="Card payments", sla=Sla(Percent(99.99)))
    )
    for client in ("web", "mobile"):
        design.add_relation(Relation(RelationKind.CALLS, client, service_ids[0], protocol="HTTPS"))
    design.add_relation(
        Relation(RelationKind.CALLS, service_ids[-1], "stripe", timeout=Duration(2, "s"))
    )


def _add_decisions(design: Design, rng: random.Random, service_ids: list[str], count: int) -> None:
    start = dt.date(2023, 1, 2)
    for d in range(count):
        design.set_decision(
            f"ADR-{d + 1:03d}",
            Decision(
                title=f"Decision {d + 1} on the {_DOMAINS[d % len(_DOMAINS)]} context",
                status=(DecisionStatus.ACCEPTED, DecisionStatus.PROPOSED)[d % 5 == 4],
                date=start + dt.timedelta(days=7 * d),
                deciders=("architecture board",),
                context="Load grows tenfold within two years.",
                decision="Split the context and talk over Kafka.",
                alternatives={"shared database": Alternative(("simple",), ("coupling",))},
                consequences=("More moving parts",),
                concerns=tuple(rng.sample(service_ids, 2)),
            ),
        )


def _add_flows(design: Design, service_ids: list[str], topic_ids: list[str]) -> None:
    for f in range(5):
        a, b, c = service_ids[f * 3 + 3], service_ids[f * 3 + 2], service_ids[f]
        design.set_flow(
            f"flow-{f + 1}",
            Flow(
                name=f"Flow {f + 1}",
                steps=(
                    Step("web", service_ids[0], "POST /api/v1/orders"),
                    Step(a, b, "reserve"),
                    Step(b, a, "reserved", StepKind.REPLY),
                    Step(a, topic_ids[0], "OrderCreated", StepKind.MESSAGE),
                    Step(c, topic_ids[0], "consume", StepKind.REQUEST),
                ),
            ),
        )


def _add_layout(design: Design) -> None:
    ids = [element_id for element_id, _ in design.elements()]
    design.set_positions({i: (n % 40 * 220.0, n // 40 * 140.0) for n, i in enumerate(ids)})


def main(argv: list[str] | None = None) -> int:
    """``python bench/generate.py --size rm-1k -o FILE``."""
    from models.io import save_design

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="rm-1k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    save_design(
        generate(
            size.services, size.endpoints_per_service, size.tables, size.queries, seed=args.seed
        ),
        args.output,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
