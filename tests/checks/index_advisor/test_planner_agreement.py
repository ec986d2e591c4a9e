"""The proof: the analyzer against PostgreSQL's and SQLite's planners on a real corpus.

Corpus: ``corpus/chinook`` (the Chinook sample database, plus a few indexes listed in
``extra-postgresql.sql``) and ``corpus/tpch`` (the TPC-H schema). Every query is labelled
by the planner (see ``planner.py`` for the exact rule) and by the analyzer; the test
prints the agreement and every disagreement, and holds the analyzer to the documented
thresholds (``docs/index-advisor.md``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from checks.index_advisor import Advisor, Query, load_schema
from checks.index_advisor.sqltext import blank_meta_commands, split_statements
from tests.checks.index_advisor import planner
from tests.checks.index_advisor.planner import CORPUS, CorpusQuery, PlanLabel

PG_THRESHOLD = 0.98
#: SQLite's planner is not PostgreSQL's (no semi-join reordering, its own OR and
#: IS NOT NULL costing); the analyzer models PostgreSQL. See docs/index-advisor.md.
SQLITE_THRESHOLD = 0.95
MIN_CORPUS = 150
#: The disagreements explained in docs/index-advisor.md. A new one fails the test even
#: while the agreement stays above the threshold: it is a regression until explained.
KNOWN_PG = {"tpch/q3-shipping-priority"}
KNOWN_SQLITE = {
    "chinook/fk-is-not-null",
    "chinook/partial-not-null-explicit",
    "chinook/right-join",
    "chinook/in-subquery-entered-outside",
    "chinook/exists-correlated-entered-inside",
    "chinook/min-max-on-indexed-column",
}

PG_SCHEMAS = {
    "chinook": ("chinook/schema-postgresql.sql", "chinook/extra-postgresql.sql"),
    "tpch": ("tpch/schema.sql",),
}
SQLITE_SCHEMAS = {
    "chinook": ("chinook/schema-sqlite.sql", "chinook/extra-sqlite.sql"),
    "tpch": ("tpch/schema.sql",),
}


def _ddl(files: tuple[str, ...]) -> str:
    return "\n".join((CORPUS / f).read_text(encoding="utf-8") for f in files)


def _corpus() -> list[CorpusQuery]:
    return [q for name in PG_SCHEMAS for q in planner.load_corpus(name)]


def _compare(
    queries: list[CorpusQuery],
    label: Callable[[CorpusQuery], PlanLabel | None],
    advisor_for: dict[str, Advisor],
    to_sql: Callable[[CorpusQuery], str],
    title: str,
) -> tuple[float, set[str]]:
    """Print and return the agreement of the analyzer with ``label``, and who disagrees.

    ``label`` returns ``None`` for a statement the database cannot run (SQLite lacks
    ``DELETE ... USING``, ``ILIKE``...): those are listed and left out of the figure.
    """
    disagreements, unrunnable, compared = [], [], 0
    for query in queries:
        sql = to_sql(query)
        verdict = advisor_for[query.corpus].check(Query(query.name, sql))
        assert verdict.error is None, f"{query.name}: {verdict.error}"
        planned = label(query)
        if planned is None:
            unrunnable.append(query.name)
            continue
        compared += 1
        if planned.served != verdict.indexed:
            disagreements.append((query, sql, planned, verdict.reasons))
    agreement = 1 - len(disagreements) / compared
    print(f"\n{title}: {compared - len(disagreements)}/{compared} agree ({agreement:.1%})")
    if unrunnable:
        print(f"  not runnable there, left out: {', '.join(unrunnable)}")
    for query, sql, planned, reasons in disagreements:
        head = f"  DISAGREE {query.corpus}/{query.name}"
        print(f"{head}: planner served={planned.served}, analyzer served={not reasons}")
        print(f"    sql: {sql}")
        print(f"    planner: {'; '.join(planned.problems) or 'every scan is an index search'}")
        print(f"    analyzer: {'; '.join(reasons) or 'served'}")
    return agreement, {f"{q.corpus}/{q.name}" for q, _sql, _p, _r in disagreements}


def test_corpus_is_large_and_covers_two_schemas() -> None:
    queries = _corpus()
    assert len(queries) >= MIN_CORPUS
    assert {q.corpus for q in queries} == {"chinook", "tpch"}
    assert len({(q.corpus, q.name) for q in queries}) == len(queries)


@pytest.mark.needs_tool
@pytest.mark.slow
def test_analyzer_agrees_with_postgresql(pg_server) -> None:  # type: ignore[no-untyped-def]
    queries = _corpus()
    connections, advisors, leading = {}, {}, {}
    try:
        for name, files in PG_SCHEMAS.items():
            ddl = _ddl(files)
            conn = pg_server.connect(pg_server.create_database(name))
            connections[name] = conn
            _load_pg(conn, ddl)
            leading[name] = planner.pg_prepare(conn)
            advisors[name] = Advisor(load_schema(ddl, "postgres"), "postgres")
        agreement, disagreeing = _compare(
            queries,
            lambda q: planner.pg_label(connections[q.corpus], q.sql, leading[q.corpus]),
            advisors,
            lambda q: q.sql,
            "PostgreSQL planner vs analyzer",
        )
    finally:
        for conn in connections.values():
            conn.close()
    assert agreement >= PG_THRESHOLD
    assert disagreeing <= KNOWN_PG, f"new disagreements: {sorted(disagreeing - KNOWN_PG)}"


def _load_pg(conn, ddl: str) -> None:  # type: ignore[no-untyped-def]
    """Run the DDL statement by statement, leaving out the database-level ones."""
    cleaned, _meta = blank_meta_commands(ddl)
    for chunk in split_statements(cleaned, "postgres"):
        if not re.match(r"(?is)\s*(CREATE|DROP)\s+DATABASE\b", chunk.text):
            conn.execute(chunk.text)


def to_sqlite(query: CorpusQuery) -> str:
    """The query in SQLite's dialect (and, for Chinook, SQLite's identifiers).

    Chinook's SQLite edition spells ``invoice_line.unit_price`` as
    ``InvoiceLine.UnitPrice``; SQLite compares names case-insensitively, so removing the
    underscores maps one onto the other.
    """
    tree = sqlglot.parse_one(query.sql, read="postgres")
    if query.corpus == "chinook":
        for ident in tree.find_all(exp.Identifier):
            ident.set("this", ident.name.replace("_", ""))
    for node in list(tree.find_all(exp.Substring)):
        # SQLite matches expression indexes by spelling: keep `substr` as written.
        args = [node.this, node.args.get("start"), node.args.get("length")]
        node.replace(exp.Anonymous(this="substr", expressions=[a for a in args if a]))
    return tree.sql(dialect="sqlite")


def cte_names(sql: str) -> frozenset[str]:
    """CTE names of ``sql`` and the aliases they are read under (neutral in SQLite plans)."""
    tree = sqlglot.parse_one(sql, read="sqlite")
    names = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    aliases = {t.alias_or_name.lower() for t in tree.find_all(exp.Table) if t.name.lower() in names}
    return frozenset(names | aliases)


def test_analyzer_agreement_with_sqlite() -> None:
    queries = [q for q in _corpus() if "$" not in q.sql]
    connections = {
        name: planner.sqlite_connect(_ddl(files)) for name, files in SQLITE_SCHEMAS.items()
    }
    advisors = {
        n: Advisor(load_schema(_ddl(f), "sqlite"), "sqlite") for n, f in SQLITE_SCHEMAS.items()
    }
    agreement, disagreeing = _compare(
        queries,
        lambda q: _sqlite_label(connections[q.corpus], to_sqlite(q)),
        advisors,
        to_sqlite,
        "SQLite planner vs analyzer",
    )
    assert agreement >= SQLITE_THRESHOLD
    assert disagreeing <= KNOWN_SQLITE, f"new disagreements: {sorted(disagreeing - KNOWN_SQLITE)}"


def _sqlite_label(conn: sqlite3.Connection, sql: str) -> PlanLabel | None:
    try:
        return planner.sqlite_label(conn, sql, cte_names(sql))
    except sqlite3.OperationalError:
        return None


def test_labeller_reads_leading_keys() -> None:
    assert planner.constrains_leading("(track_id = 5)", "track_id")
    assert planner.constrains_leading("((a.x = 1) AND (a.y = 2))", "x")
    assert planner.constrains_leading("(lower((email)::text) = 'x'::text)", "lower(email::text)")
    assert not planner.constrains_leading("(track_id = 5)", "playlist_id")
    assert not planner.constrains_leading("(track_id_x = 5)", "track_id")
    assert not planner.constrains_leading(None, "track_id")


def test_corpus_files_exist_with_licence() -> None:
    assert (CORPUS / "chinook" / "CHINOOK-LICENSE.md").is_file()
    assert Path(CORPUS / "tpch" / "README.md").is_file()
