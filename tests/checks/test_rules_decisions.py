"""Decision rules beyond the YAML cases: the injectable clock and live re-checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from checks.base import Context
from checks.engine import Engine
from checks.incremental import IncrementalChecker
from checks.rules.decisions import OverdueReview
from models.elements import Decision, DecisionStatus, Endpoint, Service
from models.io import load_design, loads_design

DESIGN = """\
archstudio: 1
services:
  orders:
    endpoints:
      create: {method: POST, path: /v1/orders}
decisions:
  ADR-1:
    title: Orders API
    status: accepted
    review: 2025-03-01
    concerns: [orders, orders.create]
  ADR-2: {title: Monolith, status: superseded}
  ADR-3: {title: Strangler, status: accepted, supersedes: [ADR-2]}
"""


def _overdue(today: dt.date | None) -> list[str]:
    return [f.id for f in OverdueReview().check(loads_design(DESIGN), Context(today=today))]


def test_review_date_is_compared_with_the_injected_clock() -> None:
    assert _overdue(dt.date(2025, 3, 1)) == []
    assert _overdue(dt.date(2025, 3, 2)) == ["ARC702@ADR-1"]


def test_without_a_clock_the_rule_uses_todays_date() -> None:
    assert _overdue(None) == (["ARC702@ADR-1"] if dt.date.today() > dt.date(2025, 3, 1) else [])


def test_decision_edits_are_rechecked_incrementally() -> None:
    design = loads_design(DESIGN)
    engine = Engine(select=["decisions"], today=dt.date(2025, 1, 1))
    checker = IncrementalChecker(design, engine)
    orders = design.element("orders")
    assert isinstance(orders, Service)
    adr3 = design.decisions["ADR-3"]
    edits = [
        # ADR-2 loses its successor when ADR-3 stops listing it
        lambda d: d.set_decision("ADR-3", dataclasses.replace(adr3, supersedes=())),
        lambda d: d.set_decision("ADR-3", adr3),
        # ADR-1's concerns stop resolving when the endpoint or the service goes
        lambda d: d.replace_element(
            "orders", dataclasses.replace(orders, endpoints={"place": Endpoint(path="/v1/orders")})
        ),
        lambda d: d.remove_element("orders"),
        lambda d: d.add_element("orders", orders),
        lambda d: d.set_decision("ADR-3", None),
        lambda d: d.set_decision(
            "ADR-4", Decision(title="x", status=DecisionStatus.SUPERSEDED, superseded_by="ADR-3")
        ),
    ]
    for edit in edits:
        edit(design)
        assert checker.findings == engine.run(design).findings


def test_legacy_sample_reports_its_decision_flaws() -> None:
    design = load_design(Path(__file__).parents[2] / "samples" / "legacy-migration-review.yaml")
    found = {
        f.id for f in Engine(select=["decisions"], today=dt.date(2026, 1, 1)).run(design).findings
    }
    assert found >= {
        "ARC702@adr-003-shared-erp-database",  # review date 2023-06-30 passed
        "ARC703@adr-002-big-bang-rewrite",  # superseded without a successor
    }
