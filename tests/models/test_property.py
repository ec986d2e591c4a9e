"""Property: any valid design survives dumps -> loads unchanged, and saves canonically.

Designs are built the way the studio builds them, through the mutators, from random values of
every kind of field: texts that look like other YAML types, quantities with units, tables with
columns, keys and indexes, relations of every allowed kind, decisions with dates, flows, layout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.design import ALLOWED, Design, kind_of
from models.elements import (
    Alert,
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
    ElementKind,
    Endpoint,
    External,
    Flow,
    ForeignKey,
    HttpMethod,
    Index,
    Load,
    Monitoring,
    Pagination,
    Parameter,
    Pool,
    Query,
    Queue,
    Relation,
    Requirements,
    Response,
    Retry,
    Scaling,
    Service,
    Sla,
    Step,
    StepKind,
    Table,
)
from models.io import dumps_design, loads_design
from models.units import Count, Duration, Percent, Rate

# --------------------------------------------------------------------------- values

ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,11}\Z")
tricky = st.sampled_from(
    ["no", "on", "off", "yes", "1e3", "0x10", "0o17", "1.0", "null", "~", "true", "-", "@x",
     "a: b", "#c", "- d", "'q'", '"q"', "  lead", "trail ", "12:30", "2024-01-15", "*x", "&y"]
)  # fmt: skip
words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(" :#-'\"\t"),
    max_size=30,
)
lines = st.lists(words.filter(lambda s: s.strip() == s), min_size=2, max_size=4).map("\n".join)
text = st.one_of(words, tricky, lines)
short_text = st.one_of(words, tricky)
amounts = st.one_of(st.integers(0, 10**7).map(float), st.decimals("0", "1000", places=2).map(float))

durations = st.builds(Duration, amounts, st.sampled_from(["ms", "s", "min", "m", "h", "d", "w"]))
rates = st.builds(
    Rate,
    st.one_of(st.integers(0, 10**10).map(float), st.decimals("0", "999", places=3).map(float)),
    st.sampled_from(["s", "min", "h", "d", "month", "y"]),
)
percents = st.decimals("0", "100", places=3).map(lambda d: Percent(float(d)))
counts = st.integers(0, 10**12).map(Count)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
tags = st.lists(short_text, max_size=3).map(tuple)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def keyed(values: st.SearchStrategy[Any], max_size: int = 3) -> st.SearchStrategy[Any]:
    return st.dictionaries(ids, values, max_size=max_size)


shapes = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), short_text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short_text, inner, max_size=3),
    max_leaves=6,
)
slas = st.builds(
    Sla, optional(percents), optional(durations), optional(durations), optional(durations)
)

endpoints = st.builds(
    Endpoint,
    method=st.sampled_from(HttpMethod),
    path=short_text,
    summary=text,
    auth=short_text,
    parameters=keyed(
        st.builds(
            Parameter,
            st.sampled_from(["path", "query", "header"]),
            short_text,
            st.booleans(),
            short_text,
        )
    ),
    request=shapes,
    responses=keyed(st.builds(Response, short_text, shapes, tags), max_size=2),
    pagination=optional(st.sampled_from(Pagination)),
    rate_limit=optional(rates),
    mode=st.sampled_from(["sync", "async"]),
    public=optional(st.booleans()),
    tags=tags,
)

services = st.builds(
    Service,
    name=short_text,
    purpose=text,
    owner=short_text,
    technology=short_text,
    tags=tags,
    public=st.booleans(),
    sla=optional(slas),
    scaling=optional(
        st.builds(Scaling, st.integers(0, 50), st.integers(0, 500), optional(rates), short_text)
    ),
    monitoring=optional(
        st.builds(
            Monitoring,
            tags,
            short_text,
            short_text,
            keyed(st.builds(Alert, short_text, short_text, short_text)),
        )
    ),
    endpoints=keyed(endpoints),
    caching=text,
)


@st.composite
def tables(draw: st.DrawFn, others: tuple[str, ...] = ()) -> Table:
    columns = draw(st.dictionaries(
        ids,
        st.builds(Column, short_text, st.booleans(), optional(short_text), short_text,
                  optional(counts), st.booleans()),
        min_size=1, max_size=5,
    ))  # fmt: skip
    names = sorted(columns)
    some = st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True).map(tuple)
    fks = {}
    if others:
        fks = draw(
            keyed(
                st.builds(
                    ForeignKey,
                    some,
                    st.sampled_from(others),
                    st.just(()),
                    st.sampled_from(["", "cascade", "restrict"]),
                )
            )
        )
    return Table(
        columns=columns,
        primary_key=draw(some),
        unique=draw(keyed(some, max_size=2)),
        foreign_keys=fks,
        checks=draw(keyed(short_text, max_size=2)),
        indexes=draw(
            keyed(
                st.builds(
                    Index,
                    some,
                    st.booleans(),
                    short_text,
                    st.sampled_from(["", "btree", "gin"]),
                    st.just(()),
                )
            )
        ),
        rows=draw(optional(counts)),
        growth=draw(optional(rates)),
        retention=draw(optional(durations)),
        comment=draw(text),
    )


@st.composite
def datastores(draw: st.DrawFn) -> Datastore:
    engine = draw(st.sampled_from(DatastoreEngine))
    names = draw(st.lists(ids, max_size=3, unique=True))
    built: dict[str, Table] = {}
    for name in names:
        built[name] = draw(tables(tuple(built)))
    return Datastore(
        engine=engine,
        name=draw(short_text),
        purpose=draw(text),
        replicas=draw(st.integers(0, 5)),
        max_connections=draw(optional(st.integers(1, 10_000))),
        tables=built,
    )


queues = st.builds(
    Queue,
    technology=short_text,
    partitions=optional(st.integers(1, 1000)),
    retention=optional(durations),
    delivery=optional(st.sampled_from(DeliveryGuarantee)),
    events=keyed(shapes),
)
externals = st.builds(External, name=short_text, purpose=text, sla=optional(slas))
clients = st.builds(Client, name=short_text, technology=short_text)
elements = st.one_of(services, datastores(), queues, externals, clients)

relation_attrs = st.fixed_dictionaries(
    {},
    optional={
        "protocol": short_text,
        "description": text,
        "rate": optional(rates),
        "timeout": optional(durations),
        "retries": optional(st.builds(Retry, st.integers(1, 9),
                                      st.sampled_from(["none", "exponential"]),
                                      optional(durations), st.booleans())),
        "circuit_breaker": optional(st.one_of(
            st.builds(CircuitBreaker, st.booleans()),
            st.builds(CircuitBreaker, st.booleans(), optional(percents), optional(durations),
                      short_text),
        )),
        "tls": optional(st.booleans()),
        "data": tags,
    },
)  # fmt: skip

decisions = st.builds(
    Decision,
    title=short_text,
    status=st.sampled_from(DecisionStatus),
    date=optional(dates),
    deciders=tags,
    context=text,
    alternatives=keyed(st.builds(Alternative, tags, tags)),
    review=optional(dates),
    concerns=tags,
)
infos = st.builds(
    DesignInfo,
    name=short_text,
    version=short_text,
    summary=text,
    requirements=st.builds(Requirements, tags,
                           optional(st.builds(Load, optional(rates), optional(rates), short_text)),
                           optional(slas), text),
    constraints=tags,
)  # fmt: skip
coordinates = st.integers(-5000, 5000).map(float) | st.decimals("-999", "999", places=2).map(float)


@st.composite
def designs(draw: st.DrawFn) -> Design:
    design = Design(draw(infos))
    for element_id, element in draw(st.dictionaries(ids, elements, max_size=8)).items():
        design.add_element(element_id, element)
    element_ids = [i for i, _ in design.elements()]
    _add_services_references(design, draw)
    if len(element_ids) >= 2:
        _add_relations(design, draw, element_ids)
        steps = st.builds(
            Step,
            st.sampled_from(element_ids),
            st.sampled_from(element_ids),
            st.one_of(st.just(""), words.map(str.strip)),
            st.sampled_from(StepKind),
        )
        for flow_id, (name, flow_steps) in draw(keyed(st.tuples(short_text, st.lists(
                steps, max_size=4)))).items():  # fmt: skip
            design.set_flow(flow_id, Flow(name=name, steps=tuple(flow_steps)))
    for decision_id, decision in draw(keyed(decisions)).items():
        design.set_decision(decision_id, decision)
    if element_ids:
        chosen = draw(st.lists(st.sampled_from(element_ids), unique=True))
        design.set_positions({i: (draw(coordinates), draw(coordinates)) for i in chosen})
    return design


def _add_services_references(design: Design, draw: st.DrawFn) -> None:
    """Pools and queries must name real datastores and services."""
    stores = [i for i, e in design.elements() if isinstance(e, Datastore)]
    service_ids = [i for i, e in design.elements() if isinstance(e, Service)]
    if not stores or not service_ids:
        return
    for service_id in service_ids:
        service = design.element(service_id)
        pools = draw(st.dictionaries(st.sampled_from(stores),
                                     st.builds(Pool, st.integers(1, 500), optional(durations)),
                                     max_size=2))  # fmt: skip
        design.replace_element(service_id, _replace(service, pools=pools))
    for store_id in stores:
        store = design.element(store_id)
        queries = draw(keyed(st.builds(Query, text, st.sampled_from(service_ids),
                                       optional(rates), short_text)))  # fmt: skip
        design.replace_element(store_id, _replace(store, queries=queries))


def _add_relations(design: Design, draw: st.DrawFn, element_ids: list[str]) -> None:
    for _ in range(draw(st.integers(0, 10))):
        source, target = draw(st.lists(st.sampled_from(element_ids), min_size=2, max_size=2,
                                       unique=True))  # fmt: skip
        source_kind, target_kind = kind_of(design.element(source)), kind_of(design.element(target))
        allowed = [k for k, (s, t) in ALLOWED.items() if source_kind in s and target_kind in t]
        if not allowed:
            continue
        kind = draw(st.sampled_from(allowed))
        if design.relation(source, target, kind) is None:
            design.add_relation(Relation(kind, source, target, **draw(relation_attrs)))


def _replace(value: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(value, **changes)


def _snapshot(design: Design) -> dict[str, Any]:
    return {
        "info": design.info,
        "checks": design.checks,
        # the file groups elements by kind, in insertion order within each kind
        "elements": {kind: list(design.elements(kind)) for kind in ElementKind},
        "relations": sorted(design.relations(), key=lambda r: (r.source, r.target, r.kind.value)),
        "decisions": dict(design.decisions),
        "flows": dict(design.flows),
        "layout": dict(design.layout),
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_dumps_loads_dumps_is_identical_and_loses_nothing(design: Design) -> None:
    text = dumps_design(design)
    loaded = loads_design(text)
    assert dumps_design(loaded) == text
    assert _snapshot(loaded) == _snapshot(design)
