"""Speed work must not change a single verdict: every verdict is pinned by a digest.

``verdicts.golden`` holds, per workload and query, whether it is served and a digest of
its whole verdict (full scans, reasons, suggestions, the indexes the plan uses). The
workloads: the planner corpus (PostgreSQL and SQLite schemas), the benchmark's varied
synthetic workload in three dialects, and RM-100's queries through the check engine's
schema adapter. A failure lists each changed query with its SQL and new verdict.

A deliberate change of the rules regenerates the file, and the commit says why::

    .venv/bin/python -m tests.checks.index_advisor.test_verdict_stability --write
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from bench.bench_index_advisor import generate_queries, generate_schema
from bench.generate import SIZES, generate
from checks.index_advisor import Advisor, Query, QueryVerdict, load_schema
from checks.rules.sql import schema_of
from tests.checks.index_advisor import planner
from tests.checks.index_advisor.test_planner_agreement import to_sqlite

GOLDEN = Path(__file__).with_name("verdicts.golden")
CORPUS_SCHEMAS = {
    "postgres": {
        "chinook": ("chinook/schema-postgresql.sql", "chinook/extra-postgresql.sql"),
        "tpch": ("tpch/schema.sql",),
    },
    "sqlite": {
        "chinook": ("chinook/schema-sqlite.sql", "chinook/extra-sqlite.sql"),
        "tpch": ("tpch/schema.sql",),
    },
}


def digest(verdict: QueryVerdict) -> str:
    """A short digest of everything a verdict says."""
    data = verdict.to_json()
    data["used"] = sorted(map(list, verdict.used_indexes))
    return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]


def workloads() -> Iterator[tuple[str, str, str, QueryVerdict]]:
    """(workload, query name, SQL, verdict) of every pinned query."""
    yield from _corpus()
    yield from _varied()
    yield from _rm100()


def _corpus() -> Iterator[tuple[str, str, str, QueryVerdict]]:
    for dialect, schemas in CORPUS_SCHEMAS.items():
        for name, files in schemas.items():
            ddl = "\n".join((planner.CORPUS / f).read_text(encoding="utf-8") for f in files)
            advisor = Advisor(load_schema(ddl, dialect), dialect)
            for query in planner.load_corpus(name):
                if dialect == "sqlite" and "$" in query.sql:
                    continue  # as in the SQLite planner test
                sql = to_sqlite(query) if dialect == "sqlite" else query.sql
                verdict = advisor.check(Query(query.name, sql))
                yield f"corpus-{dialect}", f"{name}/{query.name}", sql, verdict


def _varied() -> Iterator[tuple[str, str, str, QueryVerdict]]:
    rng = random.Random(11)
    schema = load_schema(generate_schema(300, rng))
    texts = generate_queries(2000, 300, rng)
    for dialect, count in (("postgres", 2000), ("mysql", 300), ("sqlite", 300)):
        advisor = Advisor(schema, dialect)
        for i, text in enumerate(texts[:count]):
            yield f"varied-{dialect}", f"q{i:04d}", text, advisor.check(Query(f"q{i:04d}", text))


def _rm100() -> Iterator[tuple[str, str, str, QueryVerdict]]:
    size = SIZES["rm-100"]
    design = generate(size.services, size.endpoints_per_service, size.tables, size.queries)
    for store_id, store in design.datastores():
        advisor = Advisor(schema_of(store), store.engine.dialect or "postgres")
        for query_id, query in store.queries.items():
            name = f"{store_id}/{query_id}"
            yield "rm-100", name, query.sql, advisor.check(Query(query_id, query.sql))


def _line(workload: str, name: str, verdict: QueryVerdict) -> str:
    return f"{workload} {name} {'served' if verdict.indexed else 'full'} {digest(verdict)}"


def test_no_verdict_changed() -> None:
    golden = GOLDEN.read_text(encoding="utf-8").splitlines()
    expected = {line.rsplit(" ", 2)[0]: line for line in golden}
    changed, seen = [], set()
    for workload, name, sql, verdict in workloads():
        line = _line(workload, name, verdict)
        key = f"{workload} {name}"
        seen.add(key)
        if expected.get(key) != line:
            changed.append(f"{line}\n    sql: {sql}\n    now: {json.dumps(verdict.to_json())}")
    assert not changed, f"{len(changed)} verdicts changed:\n" + "\n".join(changed[:20])
    assert seen == set(expected), "the workloads no longer match the golden file"
    assert len(seen) > 4000


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(f"usage: python -m {__spec__.name if __spec__ else 'this'} --write")
    GOLDEN.write_text(
        "".join(_line(w, n, v) + "\n" for w, n, _sql, v in workloads()), encoding="utf-8"
    )
