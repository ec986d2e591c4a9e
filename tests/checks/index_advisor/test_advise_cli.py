"""``sql advise``: exit codes, JSON shape, errors with file:line:col, dialects."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from checks.index_advisor.advise import main, run

CORPUS = Path(__file__).with_name("corpus")
CHINOOK_PG = CORPUS / "chinook" / "schema-postgresql.sql"


def advise(
    tmp_path: Path, queries: str, *extra: str, schema: Path = CHINOOK_PG
) -> tuple[int, str, str]:
    qfile = tmp_path / "queries.sql"
    qfile.write_text(queries, encoding="utf-8")
    import argparse

    from checks.index_advisor.advise import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    code = run(
        parser.parse_args(["--schema", str(schema), "--queries", str(qfile), *extra]), out, err
    )
    return code, out.getvalue(), err.getvalue()


def test_all_served_exits_0(tmp_path: Path) -> None:
    code, out, err = advise(tmp_path, "-- name: one\nSELECT * FROM track WHERE track_id = 1;\n")
    assert code == 0
    assert "ok      one" in out and "1/1 queries served" in out
    assert "note: skipped psql meta-command" in err


def test_unserved_exits_1_with_json_shape(tmp_path: Path) -> None:
    queries = (
        "-- name: ok\nSELECT * FROM track WHERE track_id = 1;\n"
        "SELECT * FROM track WHERE name = 'x';\n"
    )
    code, out, _err = advise(tmp_path, queries, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert [d["name"] for d in data] == ["ok", "query-1"]
    assert set(data[1]) == {"name", "indexed", "full_scans", "reasons", "suggestions"}
    assert data[1]["indexed"] is False and data[1]["full_scans"] == ["track"]
    assert data[1]["suggestions"] == ["CREATE INDEX idx_track_name ON track(name)"]


def test_unparseable_query_exits_2_with_position(tmp_path: Path) -> None:
    code, _out, err = advise(
        tmp_path, "-- name: ok\nSELECT 1;\n\n-- name: bad\nSELECT * FROM track WHERE (;\n"
    )
    assert code == 2
    assert f"{tmp_path / 'queries.sql'}:5:" in err and "bad: cannot parse SQL" in err
    assert "Traceback" not in err


def test_deep_nesting_refused_with_position(tmp_path: Path) -> None:
    deep = "(" * 5000 + "1" + ")" * 5000
    code, _out, err = advise(tmp_path, f"-- name: deep\nSELECT {deep};\n")
    assert code == 2 and ":2:" in err and "nesting depth 5000 exceeds the limit" in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _out, err = advise(tmp_path, "SELECT 1;", schema=tmp_path / "absent.sql")
    assert code == 2 and "absent.sql:1:1: error: cannot read" in err


@pytest.mark.parametrize(
    ("dialect", "schema", "sql"),
    [
        ("mysql", "schema-mysql.sql", "SELECT * FROM `Track` WHERE `AlbumId` = 3"),
        ("sqlite", "schema-sqlite.sql", "SELECT * FROM [Track] WHERE [AlbumId] = 3"),
    ],
)
def test_other_dialects(tmp_path: Path, dialect: str, schema: str, sql: str) -> None:
    served = f"{sql};\n"
    code, _out, _err = advise(
        tmp_path, served, "--dialect", dialect, schema=CORPUS / "chinook" / schema
    )
    assert code == 0
    unserved = sql.replace("AlbumId` = 3", "Composer` = 'x'").replace(
        "AlbumId] = 3", "Composer] = 'x'"
    )
    code, out, _err = advise(
        tmp_path,
        f"{unserved};\n",
        "--dialect",
        dialect,
        "--format",
        "json",
        schema=CORPUS / "chinook" / schema,
    )
    assert code == 1 and json.loads(out)[0]["full_scans"] == ["track"]


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--schema", "x.sql"])
    assert raised.value.code == 2


def test_module_runs_as_a_program(tmp_path: Path) -> None:
    queries = tmp_path / "q.sql"
    queries.write_text("SELECT * FROM invoice WHERE total > 5;", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "checks.index_advisor.advise",
            "--schema",
            str(CHINOOK_PG),
            "--queries",
            str(queries),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "UNSERVED query-1" in done.stdout
    assert "redundant-index" in done.stdout  # playlist_track (playlist_id) prefixes its primary key
