"""Index advisor speed: analysing 10,000 queries, next to the time sqlglot takes to parse them.

Two workloads, both seeded (every run analyses the same input):

- ``rm-1k``: the reference design RM-1k (``bench/generate.py``): 10,000 queries over its
  2,000 tables in 100 PostgreSQL and MySQL datastores, analysed the way the check engine
  does (one advisor per datastore over the design's tables). This is the issue's measure.
- ``varied``: 10,000 queries over 2,000 generated tables in more varied shapes (point
  and range look-ups, composite, expression and partial indexes, ORs, two- and
  three-table joins, EXISTS / IN subqueries, CTEs, UPDATE, DELETE): a harder workload,
  with more joins, subqueries and explained full scans than RM-1k.

Printed per workload, in CPU time from the same run (median of ``--runs``; the contenders
take turns chunk by chunk, so a change of load on the machine hits them alike):

- the floor: sqlglot parsing every query with ``sqlglot.parse_one`` (its compiled
  extension checked to be in use), trees dropped as they are made, as the advisor does
  (keeping 10,000 trees alive makes the garbage collector's passes several times dearer
  than the parse itself, which would flatter the ratio);
- a leaner floor: the same parse with one tokenizer and parser reused (what the advisor
  does; making them is a third of a short statement's parse), for a stricter ratio;
- the advisor: parse, analyse, reasons and ``CREATE INDEX`` suggestions, from an empty
  cache (goal: <= 2x the ``parse_one`` floor);
- a digest of every verdict, to compare before and after a change (it must not move
  unless the rules do);
- the re-check after one table gained an index, and how many queries were analysed
  again (only those touching the table): through the check engine's incremental
  checker for ``rm-1k``, through the advisor for ``varied``.

    python bench/bench_index_advisor.py                    # both workloads
    python bench/bench_index_advisor.py --workload varied --queries 2000 --tables 400
    python bench/bench_index_advisor.py --workload rm-1k --size rm-100
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlglot
import sqlglot.parser
from sqlglot.dialects.dialect import Dialect

from bench.generate import SIZES, generate
from checks.engine import Engine
from checks.incremental import IncrementalChecker
from checks.index_advisor import Advisor, Index, Query, QueryVerdict, load_schema
from checks.index_advisor.explain import clear_caches
from checks.rules import sql as sql_rules
from models.design import Design
from models.elements import Datastore
from models.elements import Index as ModelIndex

GOAL = 2.0
COLUMNS = ("a", "b", "c", "status", "email", "created_at")


def generate_schema(tables: int, rng: random.Random) -> str:
    """DDL for ``tables`` tables, each pointing at an earlier one, with varied indexes."""
    statements = []
    for t in range(tables):
        parent = f"t{rng.randrange(t):04d}" if t else None
        fk = f", parent_id int REFERENCES {parent} (id)" if parent else ", parent_id int"
        statements.append(
            f"CREATE TABLE t{t:04d} (id int PRIMARY KEY, a int, b int, c text, status text, "
            f"email text, created_at timestamp{fk});"
        )
        statements.extend(_indexes(t, rng))
    return "\n".join(statements)


def _indexes(t: int, rng: random.Random) -> list[str]:
    name = f"t{t:04d}"
    options = [
        f"CREATE INDEX {name}_parent_idx ON {name} (parent_id);",
        f"CREATE INDEX {name}_ab_idx ON {name} (a, b);",
        f"CREATE INDEX {name}_lower_email_idx ON {name} (lower(email));",
        f"CREATE INDEX {name}_open_idx ON {name} (created_at) WHERE status = 'open';",
        f"CREATE INDEX {name}_c_idx ON {name} (c);",
    ]
    return [o for o in options if rng.random() < 0.5]


def generate_queries(count: int, tables: int, rng: random.Random) -> list[str]:
    """``count`` queries of varied shapes over the generated tables."""
    shapes = (_point, _column, _range, _expression, _partial, _or, _join, _join3, _exists,
              _in_subquery, _cte, _update, _delete, _like)  # fmt: skip
    return [rng.choice(shapes)(rng, tables) for _ in range(count)]


def _t(rng: random.Random, tables: int) -> str:
    return f"t{rng.randrange(tables):04d}"


def _point(rng: random.Random, n: int) -> str:
    return f"SELECT * FROM {_t(rng, n)} WHERE id = {rng.randrange(1000)}"


def _column(rng: random.Random, n: int) -> str:
    return f"SELECT id, c FROM {_t(rng, n)} WHERE {rng.choice(COLUMNS[:4])} = {rng.randrange(99)}"


def _range(rng: random.Random, n: int) -> str:
    return f"SELECT * FROM {_t(rng, n)} WHERE a = 3 AND b BETWEEN 1 AND {rng.randrange(9, 99)}"


def _expression(rng: random.Random, n: int) -> str:
    return f"SELECT * FROM {_t(rng, n)} WHERE lower(email) = 'u{rng.randrange(99)}@x.org'"


def _partial(rng: random.Random, n: int) -> str:
    return f"SELECT * FROM {_t(rng, n)} WHERE status = 'open' AND created_at > '2024-01-01'"


def _or(rng: random.Random, n: int) -> str:
    return f"SELECT * FROM {_t(rng, n)} WHERE id = 1 OR {rng.choice(('a', 'c', 'status'))} = 2"


def _join(rng: random.Random, n: int) -> str:
    t = _t(rng, n)
    return (
        f"SELECT x.id, y.c FROM {t} x JOIN {_t(rng, n)} y ON y.parent_id = x.id "
        f"WHERE x.{rng.choice(('id', 'a', 'c'))} = {rng.randrange(50)} ORDER BY y.created_at"
    )


def _join3(rng: random.Random, n: int) -> str:
    return (
        f"SELECT * FROM {_t(rng, n)} x JOIN {_t(rng, n)} y ON y.id = x.parent_id "
        f"LEFT JOIN {_t(rng, n)} z ON z.parent_id = y.id WHERE x.a = 1 AND x.b > 4"
    )


def _exists(rng: random.Random, n: int) -> str:
    return (
        f"SELECT * FROM {_t(rng, n)} x WHERE x.id = {rng.randrange(9)} AND EXISTS "
        f"(SELECT 1 FROM {_t(rng, n)} y WHERE y.parent_id = x.id AND y.status <> 'done')"
    )


def _in_subquery(rng: random.Random, n: int) -> str:
    return (
        f"SELECT * FROM {_t(rng, n)} WHERE parent_id IN "
        f"(SELECT id FROM {_t(rng, n)} WHERE c = 'k{rng.randrange(9)}')"
    )


def _cte(rng: random.Random, n: int) -> str:
    return (
        f"WITH recent AS (SELECT parent_id, count(*) AS n FROM {_t(rng, n)} "
        f"WHERE created_at > '2024-06-01' GROUP BY parent_id) "
        f"SELECT p.*, r.n FROM recent r JOIN {_t(rng, n)} p ON p.id = r.parent_id"
    )


def _update(rng: random.Random, n: int) -> str:
    return f"UPDATE {_t(rng, n)} SET status = 'done' WHERE parent_id = {rng.randrange(99)}"


def _delete(rng: random.Random, n: int) -> str:
    return f"DELETE FROM {_t(rng, n)} WHERE created_at < '2020-01-01' AND abs(a) = 3"


def _like(rng: random.Random, n: int) -> str:
    return f"SELECT * FROM {_t(rng, n)} WHERE c LIKE '{rng.choice(('ab%', '%ab'))}'"


def parse_all(texts: Sequence[tuple[str, str]]) -> int:
    """The floor: parse every (dialect, query) with sqlglot, keeping none of the trees."""
    count = 0
    for dialect, text in texts:
        count += sqlglot.parse_one(text, read=dialect) is not None
    return count


def parse_all_reusing(texts: Sequence[tuple[str, str]]) -> int:
    """The leaner floor: one tokenizer and parser per dialect, reused for every query."""
    tools: dict[str, Any] = {}
    count = 0
    for dialect, text in texts:
        if dialect not in tools:
            found = Dialect.get_or_raise(dialect)
            tools[dialect] = (found.tokenizer(), found.parser())
        tokenizer, parser = tools[dialect]
        count += len(parser.parse(tokenizer.tokenize(text), text))
    return count


def compiled_sqlglot() -> bool:
    """Whether sqlglot's parser is the compiled (mypyc) extension."""
    return not sqlglot.parser.__file__.endswith(".py")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn``; return (CPU seconds of this process, result).

    CPU time, not wall time: the figures stay comparable on a busy machine (CI runners,
    parallel test jobs), and both sides of the ratio are measured the same way.
    """
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def verdicts_digest(verdicts: Sequence[QueryVerdict]) -> str:
    """A digest of everything every verdict says (equal before and after a speed change)."""
    digest = hashlib.sha1()
    for verdict in verdicts:
        data = verdict.to_json()
        data["used"] = sorted(map(list, verdict.used_indexes))
        digest.update(json.dumps(data, sort_keys=True).encode())
    return digest.hexdigest()[:16]


@dataclass
class Chunk:
    """A slice of a workload: its (dialect, SQL) texts and how the advisor checks them."""

    texts: list[tuple[str, str]]
    check: Callable[[], list[QueryVerdict]]


@dataclass
class Workload:
    """Queries to time in chunks (with fresh advisors each run), and a re-check to time."""

    name: str
    chunks: Callable[[], list[Chunk]]
    recheck: Callable[[], str]


def rm1k_workload(seed: int, size_name: str = "rm-1k") -> Workload:
    """RM-1k's queries, checked per datastore as the SQL rules do (one chunk per store)."""
    size = SIZES[size_name]
    design = generate(size.services, size.endpoints_per_service, size.tables, size.queries, seed)
    stores = [(sid, s) for sid, s in design.datastores() if s.engine.is_sql and s.queries]

    def chunk(store: Datastore) -> Chunk:
        dialect = store.engine.dialect or "postgres"
        queries = [Query(qid, q.sql) for qid, q in store.queries.items()]

        def check() -> list[QueryVerdict]:  # the schema adaptation is timed too
            return Advisor(sql_rules.schema_of(store), dialect).check_all(queries)

        return Chunk([(dialect, q.text) for q in queries], check)

    return Workload(
        size_name,
        lambda: [chunk(store) for _, store in stores],
        lambda: _engine_recheck(design, stores[0][0]),
    )


def _engine_recheck(design: Design, store_id: str) -> str:
    """Time the incremental checker's re-check after one table of ``store_id`` gains an index."""
    sql_rules._ADVISORS = sql_rules._Advisors()  # cold, as when a design is opened
    checker = IncrementalChecker(design, Engine(select=["sql"]))
    first, _ = timed(lambda: checker.findings)
    store = design.element(store_id)
    assert isinstance(store, Datastore)
    name = next(iter(store.tables))
    table = store.tables[name]
    column = next(c for c in table.columns if c not in ("id", "created_at"))
    edited = replace(table, indexes={**table.indexes, "bench_idx": ModelIndex((column, "id"))})
    advisor = sql_rules.advisor_for(store_id, store)
    before = advisor.stats.analysed
    design.replace_element(store_id, replace(store, tables={**store.tables, name: edited}))
    again, _ = timed(lambda: checker.findings)
    dialect = store.engine.dialect or "postgres"
    touching = sum(
        name in {t.name for t in sqlglot.parse_one(q.sql, read=dialect).find_all(sqlglot.exp.Table)}
        for q in store.queries.values()
    )
    return (
        f"check engine, SQL rules: first review {first:.2f} s; re-check after `{store_id}`."
        f"`{name}` gained an index: {again * 1000:.0f} ms, "
        f"{advisor.stats.analysed - before} queries analysed again ({touching} touch it)"
    )


def varied_workload(queries: int, tables: int, seed: int) -> Workload:
    """The varied synthetic workload, checked by one advisor (in chunks of 500 queries)."""
    rng = random.Random(seed)
    schema = load_schema(generate_schema(tables, rng))
    texts = generate_queries(queries, tables, rng)
    items = [Query(f"q{i:05d}", text) for i, text in enumerate(texts)]
    advisors: list[Advisor] = []

    def chunks() -> list[Chunk]:
        advisors[:] = [Advisor(schema)]
        check = advisors[0].check_all
        return [
            Chunk([("postgres", q.text) for q in part], partial(check, part))
            for part in (items[i : i + 500] for i in range(0, len(items), 500))
        ]

    def recheck() -> str:
        advisor, edited = advisors[0], schema.tables["t0007"]
        advisor.replace_table(replace(edited, indexes=(*edited.indexes, Index("t0007_b", ("b",)))))
        before = advisor.stats.analysed
        again, _ = timed(lambda: advisor.check_all(items))
        touching = sum("t0007" in t for t in texts)
        return (
            f"advisor re-check of all {len(items)} after t0007 gained an index: "
            f"{again * 1000:.0f} ms, {advisor.stats.analysed - before} queries analysed again "
            f"({touching} touch t0007)"
        )

    return Workload("varied", chunks, recheck)


def run(workload: Workload, runs: int) -> float:
    """Time and print one workload; return the advisor's ratio to the parse_one floor."""
    floors, leans, checks = [], [], []
    verdicts: list[QueryVerdict] = []
    for _ in range(runs):
        clear_caches()
        floor = lean = check = 0.0
        verdicts = []
        for chunk in workload.chunks():  # interleaved, so load on the machine hits all alike
            floor += timed(lambda: parse_all(chunk.texts))[0]  # noqa: B023
            lean += timed(lambda: parse_all_reusing(chunk.texts))[0]  # noqa: B023
            spent, found = timed(chunk.check)
            check += spent
            verdicts += found
        floors.append(floor)
        leans.append(lean)
        checks.append(check)
    floor, lean, check = (statistics.median(x) for x in (floors, leans, checks))
    served = sum(v.indexed for v in verdicts)
    print(
        f"\n{workload.name}: {len(verdicts)} queries ({served} served, "
        f"{len(verdicts) - served} not); CPU time, median of {runs} runs"
    )
    print(f"  sqlglot.parse_one only (floor):     {floor:6.2f} s")
    print(f"  sqlglot parse, reused parser:       {lean:6.2f} s")
    print(
        f"  advisor parse + analyse (cold):     {check:6.2f} s   "
        f"ratio {check / floor:.2f}x (goal <= {GOAL}x), {check / lean:.2f}x the leaner floor"
    )
    print(f"  verdicts digest: {verdicts_digest(verdicts)}")
    print(f"  {workload.recheck()}")
    return check / floor


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures; exit 1 if a ratio misses the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", choices=("rm-1k", "varied", "both"), default="both")
    parser.add_argument("--size", choices=sorted(SIZES), default="rm-1k", help="of the RM design")
    parser.add_argument("--queries", type=int, default=10_000, help="varied workload only")
    parser.add_argument("--tables", type=int, default=2_000, help="varied workload only")
    parser.add_argument("--seed", type=int, default=20240601, help="varied workload only")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (median)")
    args = parser.parse_args(argv)
    print(f"sqlglot {sqlglot.__version__}, compiled extension in use: {compiled_sqlglot()}")
    workloads = []
    if args.workload in ("rm-1k", "both"):
        workloads.append(rm1k_workload(seed=1, size_name=args.size))
    if args.workload in ("varied", "both"):
        workloads.append(varied_workload(args.queries, args.tables, args.seed))
    ratios = [run(w, args.runs) for w in workloads]
    return 0 if all(r <= GOAL for r in ratios) else 1


if __name__ == "__main__":
    sys.exit(main())
