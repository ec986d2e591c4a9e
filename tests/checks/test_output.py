"""Text, JSON and SARIF reports; SARIF validates against the official 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from checks.engine import Engine, Report
from checks.output import describe, format_json, format_sarif, format_text, rules_text
from checks.registry import RULES
from models.io import loads_design

SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text("utf-8"))

DESIGN = """\
archstudio: 1
services:
  order-service:
    purpose: Manage orders
    scaling: {max: 100}
    pools: {orders-db: {size: 100}}
    writes: [orders-db]
  lonely: {}
datastores:
  orders-db: {engine: postgresql}
checks:
  suppress:
    ARC104@lonely: {reason: being retired}
"""


@pytest.fixture(scope="module")
def report() -> Report:
    return Engine(select=["structure", "sla"]).run(loads_design(DESIGN, "designs/shop.yaml"))


def test_sarif_validates_and_points_at_the_yaml(report: Report) -> None:
    log = json.loads(format_sarif([report], report.rules, version="1.2.3"))
    jsonschema.validate(log, SCHEMA)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "archstudio"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["ARC202"]["name"] == "sla.connection-exhaustion"
    assert "Best practice" in rules["ARC202"]["help"]["text"]
    assert rules["ARC202"]["defaultConfiguration"]["level"] == "error"
    results = {r["partialFingerprints"]["archstudioFindingId/v1"]: r for r in run["results"]}
    conn = results["ARC202@orders-db"]
    assert conn["level"] == "error"
    assert "10,000" in conn["message"]["text"]
    physical = conn["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "designs/shop.yaml"
    assert physical["region"] == {"startLine": 10, "startColumn": 3}
    assert run["tool"]["driver"]["rules"][conn["ruleIndex"]]["id"] == "ARC202"
    assert results["ARC104@lonely"]["suppressions"][0]["kind"] == "external"


def test_sarif_of_every_rule_validates() -> None:
    empty = Report(findings=())
    jsonschema.validate(json.loads(format_sarif([empty], RULES)), SCHEMA)


def test_json_lists_documented_fields(report: Report) -> None:
    items = json.loads(format_json([report]))
    conn = next(i for i in items if i["id"] == "ARC202@orders-db")
    assert conn == {
        "id": "ARC202@orders-db", "code": "ARC202", "rule": "sla.connection-exhaustion",
        "severity": "error", "element": "orders-db", "message": conn["message"],
        "hint": conn["hint"], "file": "designs/shop.yaml", "line": 10, "column": 3,
        "related": ["order-service"],
    }
    assert "100 x 100 = 10,000" in conn["message"]
    assert "ARC104@lonely" not in {i["id"] for i in items}


def test_text_groups_by_file_and_severity_without_colour(report: Report) -> None:
    text = format_text([report])
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert lines[0] == "designs/shop.yaml"
    assert lines.index("  error (1)") < lines.index("  warning (3)")
    assert "10:3  ARC202 sla.connection-exhaustion: order-service may open 100 x 100" in text
    assert lines[-1] == "1 error, 3 warnings, 0 info in 1 file (1 suppressed)"
    assert "\x1b[31m" in format_text([report], colour=True)


def test_rules_listing_and_descriptions() -> None:
    listing = rules_text(RULES)
    assert all(rule.code in listing for rule in RULES)
    verbose = rules_text(RULES, verbose=True)
    assert "Anti-pattern:" in verbose and "god-service.max-endpoints" in verbose
    doc = describe(RULES[[r.code for r in RULES].index("ARC202")])
    assert doc.anti_pattern and doc.best_practice and "``" not in doc.summary
