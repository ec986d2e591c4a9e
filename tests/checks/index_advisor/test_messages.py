"""What the advisor says to people: predicates quoted as written, suggestions that help,
parse errors without sqlglot internals, identifiers spelled as the schema spells them."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from checks.index_advisor import Advisor, Query, load_schema
from checks.index_advisor.advise import run

DDL = """
CREATE TABLE track (track_id int PRIMARY KEY, name text, milliseconds int);
"""
SCHEMA = load_schema(DDL)


def check(sql: str, ddl: str = DDL, dialect: str = "postgres"):  # type: ignore[no-untyped-def]
    return Advisor(load_schema(ddl, dialect) if ddl != DDL else SCHEMA, dialect).check(
        Query("q", sql)
    )


def test_cast_around_an_indexed_column_is_quoted_and_rewriting_is_advised() -> None:
    for sql in (
        "SELECT * FROM track WHERE CAST(track_id AS TEXT) = '1'",
        "SELECT * FROM track WHERE track_id::text = '1'",
    ):
        verdict = check(sql)
        assert not verdict.indexed
        assert verdict.reasons == (
            "`track`: `CAST(track_id AS TEXT) = '1'` is not sargable (a cast around "
            "`track_id`); without the cast, the unique index `track_pkey` on (`track_id`) "
            "would serve it",
        )
        assert verdict.suggestions == ()  # no index duplicating the primary key


def test_cast_around_an_unindexed_column_suggests_an_index_on_the_cast() -> None:
    verdict = check("SELECT * FROM track WHERE CAST(name AS VARCHAR(10)) = 'x'")
    assert verdict.reasons == (
        "`track`: `CAST(name AS VARCHAR(10)) = 'x'` is not sargable (a cast around `name`)",
    )
    (suggestion,) = verdict.suggestions
    assert suggestion.endswith("ON track((CAST(name AS VARCHAR(10))))")
    # the suggested index serves the query once it exists (and not a plain `name = 'x'`)
    ddl = f"{DDL}\n{suggestion};"
    assert check("SELECT * FROM track WHERE CAST(name AS VARCHAR(10)) = 'x'", ddl).indexed
    assert check("SELECT * FROM track WHERE name::varchar(10) = 'x'", ddl).indexed
    assert not check("SELECT * FROM track WHERE name = 'x'", ddl).indexed


def test_not_in_reads_as_written() -> None:
    verdict = check("SELECT * FROM track WHERE track_id NOT IN (1, 2)")
    assert verdict.reasons == ("`track`: `track_id NOT IN (1, 2)` is not sargable (a negation)",)
    between = check("SELECT * FROM track WHERE track_id NOT BETWEEN 1 AND 2")
    assert "`track_id NOT BETWEEN 1 AND 2`" in between.reasons[0]


PARSE_ERRORS = {
    "SELECT * FROM WHERE x = 1": ("expected a table name, found WHERE", 1, 15),
    "SELECT *\n  FROM WHERE x = 1": ("expected a table name, found WHERE", 2, 8),
    "SELECT * FROM": ("expected a table name, found the end of the statement", 1, 14),
    "SELECT * FROM track WHERE (track_id = 1 AND )": ("incomplete expression near )", 1, 45),
    "SELECT name FROM track WHERE": ("incomplete expression near WHERE", 1, 24),
    "SELECT * FROM track WHERE a IN (1,": ("expected ), found the end of the statement", 1, 35),
    "SELECT * FROM track t u": ("unexpected u", 1, 23),
    "SELECT * FROM track\n WHERE name = 'open": ("unterminated string (no closing ')", 2, 15),
    'SELECT * FROM track WHERE "name = 1': ('unterminated quoted name (no closing ")', 1, 27),
    "SELECT 1 /* forever": ("unterminated comment (no closing */)", 1, 10),
}  # fmt: skip


def test_parse_errors_are_plain_and_placed_in_the_file() -> None:
    advisor = Advisor(SCHEMA)
    for sql, (message, line, col) in PARSE_ERRORS.items():
        # the query starts on line 3, column 5 of its file
        verdict = advisor.check(Query("q", sql, line=3, col=5))
        assert verdict.error == f"cannot parse SQL: {message}", sql
        assert (verdict.line, verdict.col) == (line + 2, col + 4 if line == 1 else col), sql
        assert "Token" not in verdict.error and "<class" not in verdict.error


def test_unparseable_query_makes_advise_exit_2(tmp_path: Path) -> None:
    schema = tmp_path / "schema.sql"
    schema.write_text(DDL, encoding="utf-8")
    queries = tmp_path / "queries.sql"
    queries.write_text("-- name: ok\nSELECT 1;\n-- name: bad\nSELECT *\nFROM WHERE x;\n")
    err = io.StringIO()
    code = run(
        argparse.Namespace(schema=schema, queries=queries, dialect="postgres", format="text"),
        io.StringIO(),
        err,
    )
    assert code == 2
    assert err.getvalue() == (
        f"{queries}:5:6: error: bad: cannot parse SQL: expected a table name, found WHERE\n"
    )


def test_schema_notes_are_plain() -> None:
    schema = load_schema(DDL + "CREATE TABLE FROM x;\n")
    (note,) = schema.notes
    assert note.message.endswith("expected a table name, found FROM")


def test_a_repeated_bad_query_is_placed_where_each_copy_is() -> None:
    advisor = Advisor(SCHEMA)
    first, again = advisor.check_all(
        [Query("a", "SELECT *\nFROM WHERE", 2, 3), Query("b", "SELECT *\nFROM WHERE", 20, 1)]
    )
    assert (first.line, first.col, again.line, again.col) == (3, 6, 21, 6)
    assert first.error == again.error
