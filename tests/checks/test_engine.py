"""The engine: selection, severity overrides, suppressions, locations, rule errors, order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from checks.base import Context, Finding, Rule, Severity
from checks.engine import Engine, check_design, source_path
from checks.registry import RULES, UnknownRuleError, by_code, by_name, resolve
from models.design import Design
from models.io import loads_design

DESIGN = """\
archstudio: 1
services:
  orders:
    scaling: {max: 100}
    pools: {orders-db: {size: 100}}
    writes: [orders-db]
    endpoints:
      create: {method: POST, path: /v1/orders}
  billing: {group: billing, writes: [orders-db]}
datastores:
  orders-db:
    engine: postgresql
    tables:
      orders: {columns: {id: uuid}, rows: 1B}
"""


def _design(extra: str = "") -> Design:
    return loads_design(DESIGN + extra, "design.yaml")


def _ids(findings: tuple[Finding, ...]) -> list[str]:
    return [f.id for f in findings]


def test_select_by_code_name_and_group() -> None:
    for selector in ("ARC202", "arc202", "sla.connection-exhaustion", "connection-exhaustion"):
        report = Engine(select=[selector]).run(_design())
        assert _ids(report.findings) == ["ARC202@orders-db"], selector
    grouped = Engine(select=["structure"]).run(_design())
    assert {f.code for f in grouped.findings} == {"ARC104", "ARC105"}


def test_ignore_adds_to_the_designs_ignore() -> None:
    design = _design("checks: {ignore: [structure]}\n")
    codes = {f.code for f in Engine(ignore=["sla"]).run(design).findings}
    assert not codes & {"ARC104", "ARC105", "ARC201", "ARC202", "ARC203"}


def test_cli_select_replaces_the_designs_select() -> None:
    design = _design("checks: {select: [structure]}\n")
    assert {f.code for f in Engine().run(design).findings} <= {"ARC104", "ARC105", "ARC103"}
    assert {f.code for f in Engine(select=["ARC202"]).run(design).findings} == {"ARC202"}


def test_unknown_cli_selector_suggests_a_rule() -> None:
    with pytest.raises(UnknownRuleError, match=r"did you mean 'sla\.connection-exhaustion'"):
        Engine(select=["conection-exhaustion"])
    with pytest.raises(UnknownRuleError, match="did you mean"):
        resolve("structur")


def test_severity_override_by_name() -> None:
    design = _design("checks: {severity: {connection-exhaustion: info, structure: error}}\n")
    report = Engine().run(design)
    by_id = {f.id: f.severity for f in report.findings}
    assert by_id["ARC202@orders-db"] is Severity.INFO
    assert by_id["ARC104@orders"] is Severity.ERROR


def test_suppression_removes_the_finding_and_unused_ones_are_reported() -> None:
    design = _design(
        "checks:\n  suppress:\n"
        "    ARC202@orders-db: {reason: PgBouncer sits in front}\n"
        "    ARC105@nowhere: {reason: stale}\n"
    )
    report = Engine().run(design)
    assert "ARC202@orders-db" not in _ids(report.findings)
    assert _ids(report.suppressed) == ["ARC202@orders-db"]
    unused = [f for f in report.findings if f.code == "ARC000"]
    assert [f.element for f in unused] == ["ARC105@nowhere"]
    assert unused[0].severity is Severity.INFO
    assert unused[0].location is not None and unused[0].location.line > 1


def test_unused_suppression_only_for_rules_that_ran() -> None:
    design = _design("checks:\n  suppress:\n    ARC105@nowhere: {reason: stale}\n")
    report = Engine(select=["sla"]).run(design)
    assert not [f for f in report.findings if f.code == "ARC000"]


def test_findings_carry_locations_and_are_sorted() -> None:
    report = Engine().run(_design())
    assert list(report.findings) == sorted(report.findings, key=lambda f: f.sort_key)
    located = {f.id: f.location for f in report.findings}
    assert str(located["ARC202@orders-db"]) == "design.yaml:11:3"
    assert str(located["ARC203@orders-db.orders"]) == "design.yaml:14:7"
    assert report.file == "design.yaml"


def test_source_paths() -> None:
    design = _design()
    assert source_path(design, "orders") == "services.orders"
    assert source_path(design, "orders.create") == "services.orders.endpoints.create"
    assert source_path(design, "orders-db.orders") == "datastores.orders-db.tables.orders"
    assert source_path(design, "orders-db.orders.id") == \
        "datastores.orders-db.tables.orders.columns.id"
    assert source_path(design, "orders.writes.orders-db") == "services.orders.writes.orders-db"
    assert source_path(design, "checks.suppress.x") == "checks.suppress.x"


class _Broken(Rule):
    """Always fails.

    *Anti-pattern*: none. *Best practice*: none.
    """

    code = "ARC999"
    name = "test.broken"
    groups = ("test",)

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        yield self.finding("orders", "half a result")
        raise ZeroDivisionError("boom")


def test_a_rule_that_raises_becomes_a_rule_error_finding() -> None:
    report = Engine(rules=(*RULES, _Broken())).run(_design())
    errors = [f for f in report.findings if f.code == "ARC002" and f.element == "test.broken"]
    assert len(errors) == 1
    assert errors[0].element == "test.broken"
    assert "ARC999 test.broken failed (ZeroDivisionError: boom)" in errors[0].message
    assert errors[0].severity is Severity.ERROR
    assert "ARC202@orders-db" in _ids(report.findings)  # the rest of the review stands
    assert not [f for f in report.findings if f.code == "ARC999"]


def test_runs_are_deterministic() -> None:
    first = check_design(_design(), today=dt.date(2025, 1, 1))
    second = check_design(_design(), today=dt.date(2025, 1, 1))
    assert first.findings == second.findings


def test_registry_codes_names_and_docs() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    shorts = [r.short_name for r in RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    assert len(set(shorts)) == len(shorts), "short names must be unique too"
    prefixes = {"engine": "ARC0", "structure": "ARC1", "sla": "ARC2", "api": "ARC3",
                "resilience": "ARC4", "security": "ARC5", "observability": "ARC6",
                "decisions": "ARC7", "sql": "ARC8"}
    for rule in RULES:
        assert rule.code.startswith(prefixes[rule.groups[0]]), rule.code
        doc = type(rule).__doc__ or ""
        assert "*Anti-pattern*" in doc and "*Best practice*" in doc, rule.name
        assert isinstance(rule.default_severity, Severity)
    assert by_code("arc101") is by_name("sync-call-cycle") is by_name("structure.sync-call-cycle")
