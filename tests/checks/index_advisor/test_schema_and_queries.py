"""Loading real-world DDL, splitting queries files, the cache and the schema lints."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.index_advisor import (
    Advisor,
    ForeignKey,
    Index,
    IndexProblem,
    Query,
    Schema,
    Table,
    load_schema,
    redundant_indexes,
    split_queries,
    unindexed_foreign_keys,
    unused_indexes,
)
from checks.index_advisor.sqltext import MAX_NESTING, SqlTextError
from checks.rules import sql as sql_rules

CHINOOK = Path(__file__).with_name("corpus") / "chinook"


@pytest.mark.parametrize(
    ("dialect", "file"), [("postgres", "postgresql"), ("mysql", "mysql"), ("sqlite", "sqlite")]
)
def test_chinook_loads_in_each_dialect(dialect: str, file: str) -> None:
    schema = load_schema((CHINOOK / f"schema-{file}.sql").read_text(encoding="utf-8"), dialect)
    assert len(schema.tables) == 11
    track = schema.get("track") or schema.get("Track")
    assert track is not None and len(track.foreign_keys) == 3 and track.primary_key


def test_chinook_postgres_notes_the_statements_it_skips() -> None:
    schema = load_schema((CHINOOK / "schema-postgresql.sql").read_text(encoding="utf-8"))
    notes = {(n.line, n.message.split(":")[0]) for n in schema.notes}
    assert (25, "skipped `CREATE DATABASE chinook`...") in notes
    assert any("psql meta-command" in n.message and n.line == 28 for n in schema.notes)


def test_unmodellable_statements_are_skipped_not_fatal() -> None:
    ddl = """
    SET search_path = public;
    CREATE TABLE t (id int PRIMARY KEY, a int);
    CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql;
    CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
    ALTER TABLE t OWNER TO bob;
    GRANT SELECT ON t TO alice;
    COMMENT ON TABLE t IS 'x; y';
    CREATE INDEX t_a ON t USING hash (a);
    """
    schema = load_schema(ddl)
    assert schema.tables["t"].indexes == (Index("t_a", ("a",), method="hash"),)
    assert len(schema.notes) == 6
    assert all(n.line > 1 for n in schema.notes)


def test_ddl_nesting_is_refused() -> None:
    with pytest.raises(SqlTextError, match="nesting depth"):
        load_schema("SELECT " + "(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1))


def test_mysql_inline_keys_and_innodb_fk_indexes() -> None:
    schema = load_schema(
        "CREATE TABLE p (id INT PRIMARY KEY);"
        "CREATE TABLE c (id INT PRIMARY KEY, p_id INT, name VARCHAR(9), KEY c_name (name),"
        " FOREIGN KEY (p_id) REFERENCES p (id));",
        "mysql",
    )
    keys = {i.columns for i in schema.tables["c"].indexes}
    assert keys == {("name",), ("p_id",)}


def test_split_queries_names_positions_and_unnamed() -> None:
    text = (
        "SELECT 1;\n-- name: get-user^\nSELECT *\n  FROM u;\n"
        "-- name: GetAuthor :one\n  SELECT 2;\nSELECT 3;\n"
    )
    queries = split_queries(text)
    assert [(q.name, q.line, q.col) for q in queries] == [
        ("query-1", 1, 1),
        ("get-user", 3, 1),
        ("GetAuthor", 6, 3),
        ("query-2", 7, 1),
    ]
    assert queries[1].text == "SELECT *\n  FROM u"


def test_semicolons_in_strings_and_comments_do_not_split() -> None:
    queries = split_queries("SELECT 'a;b' -- c;d\n FROM t; SELECT 2")
    assert len(queries) == 2 and queries[0].text.startswith("SELECT 'a;b'")


def test_cache_reanalyses_only_queries_touching_the_edited_table() -> None:
    schema = load_schema(
        "CREATE TABLE a (id int PRIMARY KEY, x int); CREATE TABLE b (id int PRIMARY KEY, y int);"
    )
    advisor = Advisor(schema)
    queries = [
        Query("qa", "SELECT * FROM a WHERE x = 1"),
        Query("qb", "SELECT * FROM b WHERE y = 1"),
    ]
    assert [v.indexed for v in advisor.check_all(queries)] == [False, False]
    assert advisor.stats.analysed == 2
    advisor.replace_table(Table("a", ("id", "x"), ("id",), indexes=(Index("a_x", ("x",)),)))
    assert [v.indexed for v in advisor.check_all(queries)] == [True, False]
    assert (advisor.stats.analysed, advisor.stats.reused) == (3, 1)


def test_unparseable_query_reports_its_file_position() -> None:
    advisor = Advisor(Schema())
    (query,) = split_queries("\n\n-- name: bad\n  SELECT * FROM t WHERE (;")
    result = advisor.check(query)
    assert not result.indexed and result.error and "cannot parse" in result.error
    assert result.line == 4 and result.col > 3


def test_deep_nesting_is_refused_before_parsing() -> None:
    depth = MAX_NESTING * 50
    text = "SELECT * FROM t WHERE a = " + "(" * depth + "1" + ")" * depth
    result = Advisor(Schema()).check(Query("deep", text, 3, 1))
    assert result.error is not None and "nesting depth" in result.error and result.line == 3


def test_non_query_statement_is_an_error() -> None:
    result = Advisor(Schema()).check(Query("ddl", "CREATE TABLE x (a int)"))
    assert result.error is not None and "not a query" in result.error


def test_unindexed_foreign_key() -> None:
    schema = Schema.of(
        [
            Table("p", ("id",), ("id",)),
            Table(
                "c", ("id", "p_id"), ("id",), foreign_keys=(ForeignKey(("p_id",), "p", ("id",)),)
            ),
            Table(
                "d",
                ("p_id", "n"),
                ("p_id", "n"),
                foreign_keys=(ForeignKey(("p_id",), "p", ("id",)),),
            ),
        ]
    )
    findings = unindexed_foreign_keys(schema)
    assert [(f.kind, f.table, f.subject) for f in findings] == [
        (IndexProblem.UNINDEXED_FOREIGN_KEY, "c", "p_id")
    ]


def test_redundant_and_duplicate_indexes() -> None:
    table = Table(
        "t",
        ("a", "b", "c"),
        ("a",),
        indexes=(
            Index("t_ab", ("a", "b")),
            Index("t_ab_copy", ("a", "b")),
            Index("t_abc", ("a", "b", "c")),
            Index("t_b_unique", ("b",), unique=True),
            Index("t_b_partial", ("b",), where="c > 1"),
        ),
    )
    found = {(f.kind, f.subject) for f in redundant_indexes(Schema.of([table]))}
    assert found == {
        (IndexProblem.REDUNDANT_INDEX, "t_ab"),
        (IndexProblem.DUPLICATE_INDEX, "t_ab_copy"),
    }


def test_unused_indexes_are_reported_unless_they_serve_a_foreign_key() -> None:
    schema = load_schema(
        "CREATE TABLE p (id int PRIMARY KEY);"
        "CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id), x int, y int);"
        "CREATE INDEX c_p ON c (p_id); CREATE INDEX c_x ON c (x); CREATE INDEX c_y ON c (y);"
    )
    verdicts = Advisor(schema).check_all([Query("q", "SELECT * FROM c WHERE x = 1")])
    assert [f.subject for f in unused_indexes(schema, verdicts)] == ["c_y"]


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ("created_at DESC", "created_at"),
        ("a ASC NULLS LAST", "a"),
        ("Name", "name"),
        ("lower(email)", "LOWER(email)"),
        ("(a + b) DESC", "a + b"),
    ],
)
def test_model_index_items_are_read_as_order_by_items(item: str, key: str) -> None:
    """`created_at DESC` is the column `created_at`, not `created_at AS DESC`."""
    sql_rules._index_key.cache_clear()
    assert sql_rules._index_key(item, "postgres") == key
