"""Incremental re-checking on the benchmark's synthetic workload (small size)."""

from __future__ import annotations

import random
from dataclasses import replace

from bench.bench_index_advisor import generate_queries, generate_schema, main
from checks.index_advisor import Advisor, Index, Query, load_schema


def test_edit_reanalyses_exactly_the_queries_touching_the_table() -> None:
    rng = random.Random(7)
    schema = load_schema(generate_schema(60, rng))
    texts = generate_queries(600, 60, rng)
    advisor = Advisor(schema)
    first = advisor.check_all([Query(f"q{i}", t) for i, t in enumerate(texts)])
    table = schema.tables["t0005"]
    advisor.replace_table(replace(table, indexes=(*table.indexes, Index("t0005_b", ("b",)))))
    before = advisor.stats.analysed
    second = advisor.check_all([Query(f"q{i}", t) for i, t in enumerate(texts)])
    touching = [i for i, t in enumerate(texts) if "t0005 " in t + " "]
    assert advisor.stats.analysed - before == len(touching) > 0
    changed = {i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b}
    assert changed <= set(touching)


def test_benchmark_runs(capsys) -> None:  # type: ignore[no-untyped-def]
    main(["--queries", "300", "--tables", "40", "--runs", "1"])
    out = capsys.readouterr().out
    assert "compiled extension in use" in out and "queries analysed again" in out
