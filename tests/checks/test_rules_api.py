"""API rules beyond the YAML cases: who counts as outside, and live re-checks after edits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from checks.engine import Engine
from checks.incremental import IncrementalChecker
from checks.rules.topology import critical_paths, exposed_endpoints, exposure
from models.design import Design
from models.elements import Endpoint, Relation, RelationKind, Service
from models.io import load_design, loads_design

SAMPLES = Path(__file__).parents[2] / "samples"
TODAY = dt.date(2025, 1, 1)

DESIGN = """\
archstudio: 1
services:
  gateway:
    public: true
    calls: {orders: {timeout: 1s}}
  orders:
    endpoints:
      create: {method: POST, path: /v1/orders, public: true}
      admin: {method: GET, path: /v1/admin}
  payments:
    endpoints:
      webhook: {method: POST, path: /v1/webhooks, public: true}
      get: {method: GET, path: "/v1/payments/{id}"}
  stock:
    endpoints:
      get: {method: GET, path: "/v1/stock/{id}"}
externals:
  psp: {calls: [payments]}
clients:
  web: {calls: [stock]}
"""


def _exposed(design: Design) -> set[str]:
    return {f"{sid}.{eid}" for sid, _, eid, _, _ in exposed_endpoints(design)}


def test_explicit_public_endpoints_are_the_complete_list() -> None:
    design = loads_design(DESIGN)
    # payments is called from outside (a webhook) but says which endpoint is public
    assert _exposed(design) == {"orders.create", "payments.webhook", "stock.get"}
    assert exposure(design, "stock", design.element("stock")) == "called by web (client)"
    assert exposure(design, "orders", design.element("orders")) == ""


def test_critical_paths_start_where_outside_traffic_comes_from() -> None:
    design = loads_design(DESIGN)
    paths = critical_paths(design)
    assert paths["payments"] == ("psp", "payments")
    assert paths["stock"] == ("web", "stock")
    assert paths["orders"] == ("gateway", "orders")


def _matches_full_review(design: Design, *edits: object) -> None:
    checker = IncrementalChecker(design, Engine(select=["api"], today=TODAY))
    for edit in edits:
        edit(design)  # type: ignore[operator]
        assert checker.findings == Engine(select=["api"], today=TODAY).run(design).findings


def test_exposure_edits_are_rechecked_incrementally() -> None:
    design = load_design(SAMPLES / "legacy-migration-review.yaml")
    erp = design.element("legacy-erp")
    assert isinstance(erp, Service)
    lookup = erp.endpoints["customer-lookup"]
    _matches_full_review(
        design,
        lambda d: d.replace_element("legacy-erp", dataclasses.replace(erp, public=False)),
        lambda d: d.add_element("pos", design.element("storefront-web")),
        lambda d: d.add_relation(Relation(RelationKind.CALLS, "pos", "legacy-erp")),
        lambda d: d.replace_element(
            "legacy-erp",
            dataclasses.replace(
                erp,
                endpoints={
                    **erp.endpoints,
                    "customer-lookup": dataclasses.replace(lookup, auth="bearer", rate_limit=None),
                },
            ),
        ),
        lambda d: d.remove_element("pos"),
        lambda d: d.replace_element(
            "order-service",
            dataclasses.replace(
                d.element("order-service"), endpoints={"new": Endpoint(path="/orders")}
            ),
        ),
    )


def test_legacy_sample_reports_its_api_flaws() -> None:
    design = load_design(SAMPLES / "legacy-migration-review.yaml")
    found = {f.id for f in Engine(select=["api"], today=TODAY).run(design).findings}
    assert found >= {
        "ARC301@legacy-erp",  # unversioned public paths
        "ARC302@legacy-erp.list-customer-orders",  # list GET without pagination
        "ARC305@legacy-erp.customer-lookup",  # public endpoint without auth
        "ARC306@legacy-erp.customer-lookup",  # ... and without a rate limit
        "ARC307@order-service.create-order",  # retried POST without an idempotency key
    }
