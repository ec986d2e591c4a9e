"""Every rule's YAML cases: ``cases/<rule-name>.yaml`` holds small designs that must pass or
fail it.

A case file::

    rule: connection-exhaustion        # the rule's name (also the file's name)
    select: [...]                      # optional: rules to run (default: just this one)
    today: 2025-01-01                  # optional: the review date (file- or case-level)
    cases:
      - name: what the case shows
        design: |                      # a whole design, as text
          archstudio: 1
          ...
        expect: [ARC202@orders-db]     # exactly the ids of this rule's findings ([] = passes)
        message: 10,000 connections    # optional: text one of those findings' messages holds

Drop a file in ``cases/`` and its cases run; nothing else to register.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from checks.engine import Engine
from checks.registry import RULES, by_name
from models.io import loads_design

CASES = Path(__file__).parent / "cases"
#: Engine rules that no design can trigger (tested in test_engine.py).
_NO_CASES = {"engine.rule-error"}


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        spec = _load(path)
        for case in spec["cases"]:
            params.append(pytest.param(path, spec, case, id=f"{path.stem}: {case['name']}"))
    return params


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


@pytest.mark.parametrize(("path", "spec", "case"), _cases())
def test_case(path: Path, spec: dict[str, Any], case: dict[str, Any]) -> None:
    rule = by_name(path.stem)
    assert rule is not None, f"{path.name}: no rule named '{path.stem}' in the registry"
    assert spec.get("rule", path.stem) == path.stem
    select = case.get("select", spec.get("select", [rule.code]))
    today = _date(case.get("today", spec.get("today"))) or dt.date(2025, 1, 1)
    design = loads_design(case["design"], f"{path.name}: {case['name']}")
    report = Engine(select=select, today=today).run(design)
    found = [f for f in report.findings if f.code == rule.code]
    assert sorted(f.id for f in found) == sorted(case["expect"]), [f.message for f in found]
    if "message" in case:
        assert any(case["message"] in f.message for f in found), [f.message for f in found]
    for finding in found:
        assert finding.message and finding.hint, finding
        # the loader records no position for lists such as checks.select
        if not finding.element.startswith("checks.select"):
            assert finding.location is not None, f"{finding.id} has no source location"


def test_every_rule_has_passing_and_failing_cases() -> None:
    missing = []
    for rule in RULES:
        path = CASES / f"{rule.name}.yaml"
        if rule.name in _NO_CASES:
            continue
        if not path.exists():
            missing.append(f"{rule.code} {rule.name}: no {path.name}")
            continue
        expects = [bool(c["expect"]) for c in _load(path)["cases"]]
        if not (True in expects and False in expects):
            missing.append(f"{rule.code} {rule.name}: needs a passing and a failing case")
    assert not missing, "\n".join(missing)


def test_case_files_name_registered_rules() -> None:
    names = {rule.name for rule in RULES}
    assert not [p.name for p in CASES.glob("*.yaml") if p.stem not in names]
