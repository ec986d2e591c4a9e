"""What the advisor says to people: predicates quoted as written, suggestions that help,
parse errors without sqlglot internals, identifiers spelled as the schema spells them."""

from __future__ import annotations

from checks.index_advisor import Advisor, Query, load_schema

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
