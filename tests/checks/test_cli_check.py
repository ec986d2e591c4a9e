"""``archstudio check`` and ``archstudio rules``: exit codes, formats, flags, docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from checks.output import rules_markdown
from checks.registry import RULES
from studio.cli import EXIT_FINDINGS, EXIT_INVALID, EXIT_OK, main

ROOT = Path(__file__).parents[2]

BAD = """\
archstudio: 1
services:
  order-service:
    purpose: Manage orders
    sla: {availability: 99.9%, p99: 200ms}
    scaling: {max: 100}
    pools: {orders-db: {size: 100}}
    owns: [orders-db]
datastores:
  orders-db: {engine: postgresql}
"""

WARN_ONLY = """\
archstudio: 1
services:
  a: {purpose: Do one thing, sla: {availability: 99.9%, p99: 100ms}}
"""


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    return path


@pytest.fixture
def warn(tmp_path: Path) -> Path:
    path = tmp_path / "warn.yaml"
    path.write_text(WARN_ONLY, encoding="utf-8")
    return path


def test_exit_codes_follow_fail_on(bad: Path, warn: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(bad)]) == EXIT_FINDINGS
    assert "100 x 100 = 10,000" in capsys.readouterr().out
    assert main(["check", str(warn), "--select", "structure,sla"]) == EXIT_OK
    assert main(["check", str(warn), "--select", "structure", "--select", "sla",
                 "--fail-on", "warning"]) == EXIT_FINDINGS
    assert main(["check", str(bad), "--select", "structure,sla", "--ignore", "ARC202"]) == EXIT_OK


def test_invalid_input_and_bad_usage_exit_2(tmp_path: Path, bad: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("archstudio: 1\nservices:\n  a: {calls: [nowhere]}\n", encoding="utf-8")
    assert main(["check", str(broken), str(bad)]) == EXIT_INVALID
    captured = capsys.readouterr()
    assert f"{broken}:3:" in captured.err
    assert "ARC202" in captured.out  # the readable file is still reviewed
    assert main(["check", str(bad), "--select", "conection-exhaustion"]) == EXIT_INVALID
    assert "did you mean 'sla.connection-exhaustion'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["check", str(bad), "--today", "tomorrow"])
    assert exc.value.code == EXIT_INVALID
    assert main(["check", str(tmp_path / "missing.yaml")]) == EXIT_INVALID


def test_json_and_sarif_on_stdout_only(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(bad), "--format", "json"])
    captured = capsys.readouterr()
    items = json.loads(captured.out)
    assert {i["id"] for i in items} >= {"ARC202@orders-db"}
    assert captured.err == ""
    main(["check", str(bad), "--format", "sarif", "--today", "2025-01-01"])
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0"


def test_text_has_no_colour_when_piped(bad: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(bad)])
    assert "\x1b[" not in capsys.readouterr().out


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == EXIT_OK
    out = capsys.readouterr().out
    assert len(out.splitlines()) == len(RULES)
    assert main(["rules", "--verbose"]) == EXIT_OK
    assert "Best practice:" in capsys.readouterr().out


def test_docs_rules_md_is_up_to_date() -> None:
    expected = rules_markdown(RULES)
    actual = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "regenerate: archstudio rules --format markdown > docs/rules.md"


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "archstudio-check")
    assert hook["entry"] == "archstudio check"
    assert hook["files"] == r"\.ya?ml$"
