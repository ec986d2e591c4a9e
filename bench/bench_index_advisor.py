"""Index advisor speed: analysing 10,000 queries over 2,000 tables, next to sqlglot's parse.

The schema and the queries are generated here as SQL text (seeded, so every run analyses the
same input): point look-ups, ranges, composite and expression indexes, partial indexes, ORs,
two- and three-table joins, EXISTS / IN subqueries, CTEs, UPDATE and DELETE, about half of
them served by an index. Printed, from the same run:

- the time sqlglot takes just to *parse* the queries (the floor), with its compiled
  extension (``sqlglot[c]``) checked to be in use; trees are dropped as they are made,
  like the advisor does (keeping 10,000 trees alive makes the garbage collector's passes
  several times dearer than the parse itself, which would flatter the ratio);
- the time the advisor takes to parse *and* analyse them (goal: <= 2x the floor);
- the time to re-check all of them after one table gained an index, and how many queries
  were analysed again (only those touching that table).

    python bench/bench_index_advisor.py            # 10,000 queries, 2,000 tables
    python bench/bench_index_advisor.py --queries 2000 --tables 400
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlglot
import sqlglot.parser

from checks.index_advisor import Advisor, Index, Query, load_schema
from checks.index_advisor.explain import clear_caches

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


def parse_all(texts: list[str]) -> int:
    """The floor: parse every query with sqlglot, keeping none of the trees (as the advisor)."""
    count = 0
    for text in texts:
        count += sqlglot.parse_one(text, read="postgres") is not None
    return count


def compiled_sqlglot() -> bool:
    """Whether sqlglot's parser is the compiled (mypyc) extension."""
    return not sqlglot.parser.__file__.endswith(".py")


def timed(fn):  # type: ignore[no-untyped-def]
    """Run ``fn``; return (CPU seconds of this process, result).

    CPU time, not wall time: the figures stay comparable on a busy machine (CI runners,
    parallel test jobs), and both sides of the ratio are measured the same way.
    """
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures; exit 1 if the ratio goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--tables", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    ddl = generate_schema(args.tables, rng)
    texts = generate_queries(args.queries, args.tables, rng)
    queries = [Query(f"q{i:05d}", text) for i, text in enumerate(texts)]
    load_time, schema = timed(lambda: load_schema(ddl))
    print(f"sqlglot {sqlglot.__version__}, compiled extension in use: {compiled_sqlglot()}")
    print(f"schema: {len(schema.tables)} tables loaded from DDL in {load_time:.2f} s")
    parse_times, check_times = [], []
    for _ in range(args.runs):  # alternate, so load on the machine hits both alike
        parse_times.append(timed(lambda: parse_all(texts))[0])
        advisor = Advisor(schema)
        clear_caches()
        check_time, verdicts = timed(lambda: advisor.check_all(queries))  # noqa: B023
        check_times.append(check_time)
    parse_time, check_time = statistics.median(parse_times), statistics.median(check_times)
    served = sum(v.indexed for v in verdicts)
    ratio = check_time / parse_time
    print(f"queries: {len(queries)} ({served} served, {len(queries) - served} not)")
    print(f"CPU time, median of {args.runs} runs, each with a fresh advisor (empty cache):")
    print(f"sqlglot parse only:      {parse_time:6.2f} s")
    print(f"advisor parse + analyse: {check_time:6.2f} s  ratio {ratio:.2f}x (goal <= {GOAL}x)")
    edited = schema.tables["t0007"]
    advisor.replace_table(replace(edited, indexes=(*edited.indexes, Index("t0007_b", ("b",)))))
    before = advisor.stats.analysed
    recheck_time, _ = timed(lambda: advisor.check_all(queries))
    touching = sum("t0007" in t for t in texts)
    print(
        f"re-check after editing t0007: {recheck_time * 1000:.0f} ms, "
        f"{advisor.stats.analysed - before} queries analysed again ({touching} touch t0007)"
    )
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
