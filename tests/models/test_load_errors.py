"""One test per class of bad input: a clear LoadError at the right place, never a traceback.

Each case is checked twice: through the API (``LoadError.problems``: line, column, message and
hint) and through ``archstudio validate`` (exit 2, ``file:line:col: message (hint)`` on stderr).
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from models.io import MAX_BYTES, LoadError, LoadProblem, load_design, loads_design
from studio.cli import main


@dataclass(frozen=True)
class Case:
    """Bad input and the problems expected: ``(line, column, part of the message)``."""

    name: str
    data: bytes
    expected: tuple[tuple[int, int, str], ...]


def _case(name: str, text: str | bytes, *expected: tuple[int, int, str]) -> Case:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return Case(name, data, expected)


V1 = "archstudio: 1\n"

CASES = [
    _case(
        "python-object-tag",
        V1 + "services:\n  a: !!python/object/apply:os.system [echo pwned]\n",
        (3, 6, "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ),
    _case(
        "python-name-tag-on-a-text-field",
        V1 + "services:\n  a:\n    name: !!python/name:os.system x\n",
        (4, 11, "tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"),
    ),
    _case("custom-tag", V1 + "services:\n  a: !Service {name: x}\n", (3, 6, "tag '!Service'")),
    _case(
        "duplicate-service-id",
        V1 + "services:\n  order-service: {}\n  other: {}\n  order-service: {name: x}\n",
        (5, 3, "duplicate key 'order-service' (first at line 3)"),
    ),
    _case(
        "duplicate-field",
        V1 + "services:\n  a:\n    name: x\n    name: y\n",
        (5, 5, "duplicate key 'name' (first at line 4)"),
    ),
    _case(
        "list-where-a-mapping-is-expected",
        V1 + "services:\n  - order-service\n  - inventory-service\n",
        (3, 3, "expected a mapping at 'services'"),
    ),
    _case(
        "text-where-a-number-is-expected",
        V1 + "services:\n  a:\n    scaling: {min: ten, max: 5}\n",
        (4, 20, "'ten' is not a whole number"),
    ),
    _case(
        "mapping-where-text-is-expected",
        V1 + "services:\n  a:\n    purpose: {what: x}\n",
        (4, 14, "expected text, found a mapping"),
    ),
    _case(
        "bad-unit",
        V1 + "services:\n  a:\n    sla: {p99: fast}\n",
        (4, 16, "'fast' is not a duration"),
    ),
    _case(
        "bad-enum",
        V1 + "queues:\n  q: {delivery: exactly-twice}\n",
        (3, 17, "'exactly-twice' is not one of: at-most-once, at-least-once, exactly-once"),
    ),
    _case(
        "unknown-key",
        V1 + "services:\n  a:\n    purpse: x\n",
        (4, 5, "unknown key 'purpse' in 'services.a'"),
    ),
    _case("unknown-section", V1 + "servces: {}\n", (2, 1, "unknown section 'servces'")),
    _case(
        "missing-version-key",
        "services:\n  a: {}\n",
        (1, 1, "the 'archstudio' version key is missing"),
    ),
    _case(
        "newer-version",
        "archstudio: 2\nservices: {}\n",
        (1, 13, "format version 2, written by a newer archstudio"),
    ),
    _case("version-not-a-number", "archstudio: one\n", (1, 13, "must be the format version")),
    _case(
        "yaml-syntax-error",
        V1 + "services:\n  a: {name: x\n  b: {}\n",
        (4, 4, "while parsing a flow mapping"),
    ),
    _case("bad-indentation", V1 + "services:\n  a:\n    name: x\n   purpose: y\n", (5, 4, "")),
    _case("empty-file", "", (1, 1, "the file is empty")),
    _case("only-comments", "# nothing yet\n\n", (1, 1, "the file is empty")),
    _case("not-a-mapping", "- archstudio\n", (1, 1, "expected a mapping at 'top level'")),
    _case(
        "invalid-utf8",
        b"archstudio: 1\ndesign:\n  name: caf\xe9 au lait\n",
        (3, 12, "invalid UTF-8 (byte 0xe9)"),
    ),
    _case(
        "git-conflict-markers",
        V1
        + "services:\n<<<<<<< HEAD\n  a: {name: ours}\n=======\n  a: {name: theirs}\n"
        + ">>>>>>> feature/rename\n",
        (3, 1, "git conflict marker '<<<<<<<'"),
        (5, 1, "git conflict marker '======='"),
        (7, 1, "git conflict marker '>>>>>>>'"),
    ),
    _case(
        "dangling-relation-target",
        V1 + "services:\n  order-service:\n    calls: [inventory-servce]\n"
        "  inventory-service: {}\n",
        (4, 13, "no element with id 'inventory-servce'; did you mean 'inventory-service'?"),
    ),
    _case(
        "dangling-relation-target-with-attributes",
        V1 + "services:\n  a:\n    calls:\n      b: {timeout: 1s}\n",
        (5, 7, "no element with id 'b'"),
    ),
    _case(
        "dangling-pool-datastore",
        V1 + "services:\n  a:\n    pools: {orders-bd: {size: 5}}\n"
        "datastores:\n  orders-db: {engine: postgresql}\n",
        (4, 13, "connection pool for unknown datastore 'orders-bd'"),
    ),
    _case(
        "dangling-query-service",
        V1 + "services:\n  order-service: {}\n"
        "datastores:\n  db:\n    engine: postgresql\n"
        "    queries:\n      q1: {sql: SELECT 1, service: order-servise}\n",
        (8, 7, "query 'q1' is issued by unknown service 'order-servise'"),
    ),
    _case(
        "dangling-foreign-key-table",
        V1 + "datastores:\n  db:\n    engine: postgresql\n    tables:\n"
        "      orders:\n        columns: {id: uuid, user_id: uuid}\n"
        "        foreign_keys:\n"
        "          fk_user: {columns: [user_id], table: user, references: [id]}\n"
        "      users:\n        columns: {id: uuid}\n",
        (9, 11, "foreign key references unknown table 'user'"),
    ),
    _case(
        "dangling-flow-step",
        V1 + "services:\n  a: {}\n  b: {}\n"
        "flows:\n  f:\n    steps:\n    - a -> b: hello\n    - b -> c: oops\n",
        (6, 3, "flow step refers to unknown element 'c'"),
    ),
    _case(
        "bad-flow-step",
        V1 + "services:\n  a: {}\nflows:\n  f:\n    steps: [a ~> b]\n",
        (6, 13, "'a ~> b' is not a step"),
    ),
]

HINTED = {c.name for c in CASES} - {"bad-indentation"}  # PyYAML's message is the whole story


def problems_of(data: bytes) -> list[LoadProblem]:
    with pytest.raises(LoadError) as info:
        loads_design(data, "design.yaml")
    return info.value.problems


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_is_reported_where_it_is(case: Case) -> None:
    problems = problems_of(case.data)
    found = [(p.line, p.column, p.message) for p in problems]
    for line, column, message in case.expected:
        assert any((line, column) == (pl, pc) and message in pm for pl, pc, pm in found), (
            f"expected {line}:{column} '{message}' in {found}"
        )
    assert len(problems) == len(case.expected), found
    for problem in problems:
        assert problem.file == "design.yaml"
        assert problem.message
        if case.name in HINTED:
            assert problem.hint, f"no hint for {problem}"
        assert str(problem).startswith(f"design.yaml:{problem.line}:{problem.column}: ")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_reports_without_traceback(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "design.yaml"
    path.write_bytes(case.data)
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.splitlines()
    assert len(lines) == len(case.expected)
    for (line, column, message), text in zip(case.expected, lines, strict=True):
        assert text.startswith(f"{path}:{line}:{column}: ")
        assert message in text


def test_validate_in_a_subprocess_prints_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(V1 + "services:\n  a: !!python/object/apply:os.system [echo pwned]\n")
    done = subprocess.run(
        [sys.executable, "-m", "studio.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 2
    assert "pwned" not in done.stdout
    assert "Traceback" not in done.stderr
    assert f"{path}:3:6: tag 'tag:yaml.org,2002:python/object/apply:os.system'" in done.stderr


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    text = (
        V1
        + "design:\n  nmae: Shop\n"  # 3
        + "services:\n"
        + "  a:\n"
        + "    purpse: x\n"  # 6
        + "    scaling: {min: lots}\n"  # 7
        + "    calls: [nowhere]\n"  # 8
        + "  b:\n"
        + "    sla: {availability: 120%}\n"  # 10
        + "queues:\n  q: {delivery: sometimes}\n"  # 12
        + "layout:\n  ghost: [1, 2]\n  a: [1]\n"  # 14, 15
    )
    problems = problems_of(text.encode())
    assert [(p.line, p.column) for p in problems] == [
        (3, 3), (6, 5), (7, 20), (8, 13), (10, 25), (12, 17), (14, 3), (15, 6),
    ]  # fmt: skip
    assert "did you mean 'name'?" in problems[0].hint
    assert "did you mean 'purpose'?" in problems[1].hint
    assert "outside 0%..100%" in problems[4].message


def test_the_alias_bomb_fails_fast() -> None:
    levels = ["    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, 10):
        refs = ", ".join([f"*l{n - 1}"] * 10)
        levels.append(f"    l{n}: &l{n} [{refs}]")
    text = V1 + "checks:\n  options:\n" + "\n".join(levels) + "\n"
    start = time.perf_counter()
    problems = problems_of(text.encode())
    assert time.perf_counter() - start < 2.0
    assert problems[0].message.startswith("the document expands to too many values")
    assert "aliases" in problems[0].hint


def test_a_few_aliases_are_fine() -> None:
    text = V1 + "checks:\n  options:\n    base: &b [x, y]\n    copy: *b\n"
    assert loads_design(text).checks.options == {"base": ["x", "y"], "copy": ["x", "y"]}


@pytest.mark.parametrize("style", ["flow", "block"])
def test_ten_thousand_deep_nesting_is_refused(style: str) -> None:
    depth = 10_000
    if style == "flow":
        body = "  x: " + "[" * depth + "]" * depth + "\n"
    else:  # a block sequence per level: `- - - ... y`
        body = "  x:\n  " + "- " * depth + "y\n"
    start = time.perf_counter()
    problems = problems_of((V1 + "design:\n" + body).encode())
    assert time.perf_counter() - start < 5.0
    assert len(problems) == 1
    assert "exceeded maximum nesting depth" in problems[0].message
    assert "nested more than 1000 levels" in problems[0].hint
    assert problems[0].line == (3 if style == "flow" else 4)


def test_deep_free_form_values_are_refused() -> None:
    shape = "[" * 80 + "]" * 80
    problems = problems_of(f"{V1}checks:\n  options:\n    deep: {shape}\n".encode())
    assert problems[0].message == "nested more than 64 levels deep"


def test_a_50_mb_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(V1.encode())
        line = b"# " + b"x" * 1022 + b"\n"
        handle.write(line * (50 * 1024))
    start = time.perf_counter()
    with pytest.raises(LoadError) as info:
        load_design(path)
    assert time.perf_counter() - start < 0.5
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message == "the file is 50.0 MB; the limit is 32 MB"
    assert problem.hint
    assert MAX_BYTES == 32 * 1024 * 1024


def test_too_many_bytes_are_refused_by_loads_too() -> None:
    with pytest.raises(LoadError, match="the limit is 1 MB"):
        loads_design(b"#" * (1024 * 1024 + 1), max_bytes=1024 * 1024)


def test_a_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read the file: No such file"):
        load_design(tmp_path / "nope.yaml")


def test_standard_tags_and_a_bom_are_accepted() -> None:
    design = loads_design("\ufeffarchstudio: 1\ndesign: {name: !!str 123, version: !!str 2}\n")
    assert (design.info.name, design.info.version) == ("123", "2")


def test_load_error_lists_problems_in_file_order() -> None:
    error = LoadError([LoadProblem("f", 9, 1, "late"), LoadProblem("f", 2, 5, "early", "fix")])
    assert str(error) == "f:2:5: early (fix)\nf:9:1: late"
