"""The incremental checker re-runs only what an edit touched and stays equal to a full review."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checks.base import Context, Finding, Rule
from checks.engine import Engine
from checks.incremental import IncrementalChecker
from checks.registry import RULES
from models.design import Design
from models.elements import (
    ChecksConfig,
    Datastore,
    Decision,
    Pool,
    Relation,
    RelationKind,
    Scaling,
    Service,
    Suppression,
    Table,
)
from models.io import load_design, loads_design
from models.units import Count

TODAY = dt.date(2025, 1, 1)
SAMPLES = Path(__file__).parents[2] / "samples"

SMALL = """\
archstudio: 1
services:
  orders:
    purpose: Manage orders
    group: ordering
    scaling: {max: 10}
    pools: {orders-db: {size: 5}}
    owns: [orders-db]
    calls: [stock]
  stock: {purpose: Track stock, group: stock, calls: [orders]}
  billing: {purpose: Bill, group: billing, reads: [orders-db]}
datastores:
  orders-db:
    engine: postgresql
    tables:
      orders: {columns: {id: uuid}, rows: 1M}
  cache: {engine: redis}
queues:
  events: {partitions: 10}
"""


def _counting(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, ...], Counter[tuple[str, str]]]:
    """Rules that count their invocations: ``(code, "*")`` per whole check,
    ``(code, id)`` per element check."""
    calls: Counter[tuple[str, str]] = Counter()

    def wrap(rule: Rule) -> Rule:
        base = type(rule)

        def check(self: Rule, design: Design, context: Context) -> Iterator[Finding]:
            calls[self.code, "*"] += 1
            return base.check(self, design, context)

        def check_element(self: Rule, design: Design, element_id: str,
                          context: Context) -> Iterator[Finding]:
            calls[self.code, element_id] += 1
            return base.check_element(self, design, element_id, context)

        cls = type(base.__name__, (base,), {"check": check, "check_element": check_element})
        return cls()

    return tuple(wrap(r) for r in rules), calls


def _full(design: Design) -> tuple[Finding, ...]:
    return Engine(today=TODAY).run(design).findings


def _ran(calls: Counter[tuple[str, str]], code: str) -> set[str]:
    return {what for (c, what) in calls if c == code}


def test_one_field_edit_reruns_only_affected_rules_and_elements() -> None:
    design = load_design(SAMPLES / "ecommerce-order-management.yaml")
    rules, calls = _counting(RULES)
    checker = IncrementalChecker(design, Engine(rules, today=TODAY))
    assert checker.findings == _full(design)
    calls.clear()

    service = design.element("order-service")
    assert isinstance(service, Service)
    design.replace_element("order-service", dataclasses.replace(service, purpose=""))
    findings = checker.findings

    assert "ARC104@order-service" in {f.id for f in findings}
    assert findings == _full(design)
    for rule in rules:
        reads = rule.reads or {"service"}
        if not {"service", "service.purpose"} & reads:
            assert not _ran(calls, rule.code), f"{rule.code} does not read services' purpose"
    assert _ran(calls, "ARC104") == {"order-service"}        # per element: just the one
    assert not _ran(calls, "ARC201")                         # reads only sla/public/endpoints
    assert not _ran(calls, "ARC101") and not _ran(calls, "ARC203")  # relations, datastores


def test_field_level_reads() -> None:
    design = load_design(SAMPLES / "ecommerce-order-management.yaml")
    rules, calls = _counting(RULES)
    checker = IncrementalChecker(design, Engine(rules, today=TODAY))
    _ = checker.findings
    calls.clear()
    service = design.element("order-service")
    assert isinstance(service, Service)
    design.replace_element("order-service", dataclasses.replace(
        service, pools={**service.pools, "orders-db": Pool(size=1)}))
    assert checker.findings == _full(design)
    assert _ran(calls, "ARC202") <= {"order-service", *service.pools}  # its pools' stores
    assert "orders-db" in _ran(calls, "ARC202")
    assert not _ran(calls, "ARC104") and not _ran(calls, "ARC201")
    whole = [code for code, what in calls if what == "*"]
    assert len(whole) < len(rules) // 2


def test_nothing_reruns_when_nothing_changed() -> None:
    design = loads_design(SMALL)
    rules, calls = _counting(RULES)
    checker = IncrementalChecker(design, Engine(rules, today=TODAY))
    before = checker.findings
    calls.clear()
    design.set_positions({"orders": (10.0, 20.0)})
    assert checker.findings is before
    assert not calls


def _edits() -> list[tuple[str, Any]]:
    return [
        ("add element", lambda d: d.add_element("audit", Service(purpose="Audit"))),
        ("add relation", lambda d: d.add_relation(Relation(RelationKind.WRITES, "audit",
                                                           "orders-db"))),
        ("change pool", lambda d: d.replace_element("orders", dataclasses.replace(
            d.element("orders"), pools={"orders-db": Pool(size=50)},
            scaling=Scaling(max=20)))),
        ("change group", lambda d: d.replace_element("billing", dataclasses.replace(
            d.element("billing"), group="ordering"))),
        ("change table", lambda d: d.replace_element("orders-db", Datastore(tables={
            "orders": Table(rows=Count(5_000_000_000))}))),
        ("break the cycle", lambda d: d.remove_relation("stock", "orders", RelationKind.CALLS)),
        ("remove element", lambda d: d.remove_element("billing")),
        ("relate the cache", lambda d: d.add_relation(Relation(RelationKind.READS, "orders",
                                                               "cache"))),
        ("add decision", lambda d: d.set_decision("ADR-001", Decision(title="Share the db"))),
        ("suppress", lambda d: d.set_checks(ChecksConfig(suppress={
            "ARC105@orders-db": Suppression("migration", "ADR-001")}))),
        ("remove store", lambda d: d.remove_element("orders-db")),
    ]


@pytest.mark.parametrize("source", ["small", "ecommerce"])
def test_every_edit_matches_a_full_review(source: str) -> None:
    if source == "small":
        design = loads_design(SMALL)
    else:
        design = load_design(SAMPLES / "ecommerce-order-management.yaml")
    checker = IncrementalChecker(design, Engine(today=TODAY))
    assert checker.findings == _full(design)
    for name, edit in _edits():
        try:
            edit(design)
        except Exception:  # an edit that does not apply to this design
            if source == "small":
                raise
            continue
        assert checker.findings == _full(design), name


def test_listeners_hear_about_changes_and_close_unsubscribes() -> None:
    design = loads_design(SMALL)
    checker = IncrementalChecker(design, Engine(today=TODAY))
    heard: list[int] = []
    checker.subscribe(lambda: heard.append(1))
    _ = checker.findings
    design.remove_relation("stock", "orders", RelationKind.CALLS)
    assert heard == [1]
    assert "ARC101@orders" not in {f.id for f in checker.findings}
    checker.close()
    design.add_relation(Relation(RelationKind.CALLS, "stock", "orders"))
    assert "ARC101@orders" not in {f.id for f in checker.findings}
