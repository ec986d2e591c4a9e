"""Observability rules on the shipped samples, and live re-checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from checks.engine import Engine
from checks.incremental import IncrementalChecker
from models.elements import Monitoring, RelationKind
from models.io import load_design

SAMPLES = Path(__file__).parents[2] / "samples"
TODAY = dt.date(2025, 1, 1)


def _ids(name: str, select: str) -> set[str]:
    design = load_design(SAMPLES / name)
    return {f.id for f in Engine(select=[select], today=TODAY).run(design).findings}


def test_legacy_sample_reports_its_observability_flaws() -> None:
    assert _ids("legacy-migration-review.yaml", "observability") >= {
        "ARC601@pricing-service",  # no metrics, tracing or logs
        "ARC601@legacy-erp",  # no tracing
        "ARC601@loyalty-service",  # no tracing
        "ARC602@pricing-service",  # an SLA nothing watches
    }


def test_observability_edits_are_rechecked_incrementally() -> None:
    design = load_design(SAMPLES / "ecommerce-order-management.yaml")
    engine = Engine(select=["observability"], today=TODAY)
    checker = IncrementalChecker(design, engine)
    edits = [
        lambda d: d.replace_element(
            "payments-db", dataclasses.replace(d.element("payments-db"), monitoring=None)
        ),
        lambda d: d.replace_element(
            "payment-service",
            dataclasses.replace(
                d.element("payment-service"), monitoring=Monitoring(metrics=("rate",))
            ),
        ),
        lambda d: d.remove_relation("payment-provider", "payment-service", RelationKind.CALLS),
    ]
    for edit in edits:
        edit(design)
        assert checker.findings == engine.run(design).findings
