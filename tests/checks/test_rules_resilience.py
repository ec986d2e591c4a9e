"""Resilience rules beyond the YAML cases: the dominator tree, fallbacks, live re-checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from checks.base import Context
from checks.engine import Engine
from checks.incremental import IncrementalChecker
from checks.rules.resilience import CalleeTimeoutExceedsCaller, SinglePointOfFailure
from models.design import Design
from models.elements import Relation, RelationKind, Scaling, Service
from models.io import load_design, loads_design
from models.units import Duration

SAMPLES = Path(__file__).parents[2] / "samples"
TODAY = dt.date(2025, 1, 1)

DIAMOND = """\
archstudio: 1
services:
  edge:
    public: true
    scaling: {min: 1, max: 1}
    calls: {left: {timeout: 1s}, right: {timeout: 1s}}
  left: {scaling: {min: 2, max: 4}, writes: [db]}
  right: {scaling: {min: 2, max: 4}, writes: [db]}
datastores:
  db: {engine: postgresql, replicas: 1}
"""


def _spof(design: Design) -> dict[str, str]:
    return {f.element: f.message for f in SinglePointOfFailure().check(design, Context())}


def test_dominator_tree_names_everything_behind_a_single_instance() -> None:
    found = _spof(loads_design(DIAMOND))
    assert list(found) == ["edge"]
    assert "cuts off left, right, db" in found["edge"]


def test_a_node_reached_two_ways_is_not_cut_off_by_either() -> None:
    design = loads_design(DIAMOND)
    left = design.element("left")
    assert isinstance(left, Service)
    design.replace_element("left", dataclasses.replace(left, scaling=Scaling(min=1, max=1)))
    found = _spof(design)
    assert "cuts off" not in found["left"]  # db is still reachable through right


def test_fallback_on_every_caller_removes_the_finding() -> None:
    design = loads_design(DIAMOND)
    edge = design.element("edge")
    design.replace_element("edge", dataclasses.replace(edge, scaling=Scaling(min=2, max=4)))
    design.replace_element("db", dataclasses.replace(design.element("db"), replicas=0))
    assert list(_spof(design)) == ["db"]
    for source in ("left", "right"):
        rel = design.relation(source, "db", RelationKind.WRITES)
        assert rel is not None
        design.replace_relation(dataclasses.replace(rel, fallback="queue the write"))
    assert _spof(design) == {}


def test_timeout_budget_follows_the_callers_edit() -> None:
    design = loads_design(DIAMOND)
    rule = CalleeTimeoutExceedsCaller()
    assert not list(rule.check(design, Context()))
    edge_left = design.relation("edge", "left", RelationKind.CALLS)
    assert edge_left is not None
    design.replace_relation(dataclasses.replace(edge_left, timeout=Duration(50, "ms")))
    design.replace_relation(Relation(RelationKind.WRITES, "left", "db", timeout=Duration(1, "s")))
    [finding] = rule.check(design, Context())
    assert finding.id == "ARC404@left.writes.db"
    assert "longer than the 50ms edge waits for left" in finding.message


def test_resilience_edits_are_rechecked_incrementally() -> None:
    design = load_design(SAMPLES / "legacy-migration-review.yaml")
    engine = Engine(select=["resilience"], today=TODAY)
    checker = IncrementalChecker(design, engine)
    rel = design.relation("pricing-service", "loyalty-service", RelationKind.CALLS)
    assert rel is not None
    edits = [
        lambda d: d.replace_relation(dataclasses.replace(rel, timeout=Duration(10, "ms"))),
        lambda d: d.replace_element(
            "loyalty-service",
            dataclasses.replace(d.element("loyalty-service"), scaling=Scaling(min=1, max=1)),
        ),
        lambda d: d.remove_relation("order-service", "legacy-erp", RelationKind.CALLS),
        lambda d: d.replace_element(
            "legacy-erp", dataclasses.replace(d.element("legacy-erp"), public=False)
        ),
    ]
    for edit in edits:
        edit(design)
        assert checker.findings == engine.run(design).findings


def test_legacy_sample_reports_its_resilience_flaws() -> None:
    design = load_design(SAMPLES / "legacy-migration-review.yaml")
    found = {f.id for f in Engine(select=["resilience"], today=TODAY).run(design).findings}
    assert found >= {
        "ARC401@loyalty-service.calls.order-service",  # no timeout
        "ARC402@pricing-service.calls.loyalty-service",  # no circuit breaker
        "ARC403@order-service.calls.legacy-erp",  # 4 attempts, no backoff, no jitter
    }
