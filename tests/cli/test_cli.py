"""The headless ``archstudio`` command: start-up time, imports, validate, fmt, schema, help."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
ARCHSTUDIO = Path(sys.executable).with_name("archstudio")
BAD = "archstudio: 1\nservices:\n  a:\n    purpse: x\n    scaling: {min: lots}\n"
NOT_CANONICAL = "archstudio: 1\nservices:\n  a: {purpose: x, sla: {p99: 200 ms}}\n"
CANONICAL = "archstudio: 1\n\nservices:\n  a:\n    purpose: x\n    sla: {p99: 200ms}\n"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ARCHSTUDIO), *args], capture_output=True, text=True, timeout=60, cwd=ROOT
    )


# --------------------------------------------------------------------------- start-up


def test_version_takes_under_300_ms() -> None:
    assert ARCHSTUDIO.exists(), "the archstudio console script is not installed in the venv"
    times = []
    for _ in range(5):
        start = time.perf_counter()
        done = _run("--version")
        times.append(time.perf_counter() - start)
        assert done.returncode == 0
        assert done.stdout.startswith("archstudio ")
    assert statistics.median(times) < 0.3, f"median {statistics.median(times):.3f} s of {times}"


@pytest.mark.parametrize(
    "code",
    [
        "import studio.cli",
        "from studio.cli import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass",
        "from studio.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    ],
    ids=["import", "--version", "--help"],
)
def test_the_fast_path_imports_no_heavy_library(code: str) -> None:
    probe = (
        f"{code}\nimport sys\n"
        "heavy = ('PySide6', 'sqlglot.optimizer', 'openapi_spec_validator', 'networkx', "
        "'exporters', 'checks')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --------------------------------------------------------------------------- validate


def test_validate_samples_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert SAMPLES
    assert main(["validate", *map(str, SAMPLES)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert [line.split(": ")[0] for line in out.splitlines()] == [str(p) for p in SAMPLES]
    assert all(": valid (" in line for line in out.splitlines())


def test_validate_invalid_exit_2_with_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{path}:4:5: unknown key 'purpse' in 'services.a' (did you mean 'purpose'?)",
        f"{path}:5:20: 'lots' is not a whole number (e.g. min: 10)",
    ]


def test_validate_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    good = SAMPLES[0]
    assert main(["validate", "--format", "json", str(good), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert err == ""
    report = json.loads(out)
    assert report[0] == {"file": str(good), "valid": True, "problems": []}
    assert report[1]["valid"] is False
    assert report[1]["problems"][0] == {
        "file": str(bad),
        "line": 4,
        "column": 5,
        "message": "unknown key 'purpse' in 'services.a'",
        "hint": "did you mean 'purpose'?",
    }
    assert len(report[1]["problems"]) == 2


def test_validate_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read the file" in capsys.readouterr().err


def test_check_of_no_readable_file_prints_no_clean_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "missing.yaml")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "cannot read the file" in err
    assert "no design checked" in err


def test_check_with_one_unreadable_file_still_reports_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "missing.yaml"), str(SAMPLES[0])]) == 2
    out = capsys.readouterr().out
    assert str(SAMPLES[0]) in out and "in 1 file" in out


def test_validate_in_a_subprocess() -> None:
    done = _run("validate", *map(str, SAMPLES))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": valid (") == len(SAMPLES)


# --------------------------------------------------------------------------- fmt


def test_fmt_check_exit_1_when_not_canonical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(NOT_CANONICAL)
    assert main(["fmt", "--check", str(path)]) == 1
    assert capsys.readouterr().out == f"{path}: would reformat\n"
    assert path.read_text() == NOT_CANONICAL


def test_fmt_check_exit_0_on_the_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--check", *map(str, SAMPLES)]) == 0
    assert capsys.readouterr().out == ""


def test_fmt_rewrites_in_canonical_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(NOT_CANONICAL)
    assert main(["fmt", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: reformatted\n"
    assert path.read_text() == CANONICAL
    assert main(["fmt", "--check", str(path)]) == 0


def test_fmt_diff_prints_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(NOT_CANONICAL)
    assert main(["fmt", "--diff", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"--- {path}\n+++ {path} (formatted)\n")
    assert "-  a: {purpose: x, sla: {p99: 200 ms}}\n" in out
    assert "+    sla: {p99: 200ms}\n" in out
    assert path.read_text() == NOT_CANONICAL


def test_fmt_invalid_exit_2_and_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(BAD)
    assert main(["fmt", str(path)]) == 2
    assert "did you mean 'purpose'?" in capsys.readouterr().err
    assert path.read_text() == BAD


def test_fmt_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(NOT_CANONICAL)
    path.chmod(0o600)
    assert main(["fmt", str(path)]) == 0
    assert path.stat().st_mode & 0o777 == 0o600


# --------------------------------------------------------------------------- schema


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "services" in schema["properties"]


def test_schema_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text() == (ROOT / "resources" / "design.schema.json").read_text()


# --------------------------------------------------------------------------- help, mistakes


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"    {command.name} " in out
    assert "Exit codes" in out


@pytest.mark.parametrize("command", [c.name for c in COMMANDS])
def test_each_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: archstudio {command}" in capsys.readouterr().out


def test_unknown_command_suggests_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["valdate", "x.yaml"])
    assert exit_info.value.code == 2
    assert "unknown command 'valdate'; did you mean 'validate'?" in capsys.readouterr().err


def test_unknown_command_without_a_close_match(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["frobnicate"])
    err = capsys.readouterr().err
    assert "unknown command 'frobnicate'" in err
    assert "did you mean" not in err


def test_missing_arguments_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate"])
    assert exit_info.value.code == 2
    assert "usage: archstudio validate" in capsys.readouterr().err


def test_the_console_script_is_on_the_path_of_the_venv() -> None:
    assert shutil.which("archstudio", path=str(ARCHSTUDIO.parent)) == str(ARCHSTUDIO)
