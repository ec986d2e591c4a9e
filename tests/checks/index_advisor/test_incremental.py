"""Incremental re-checking: the advisor's cache, and the check engine's live review over it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from bench.bench_index_advisor import generate_queries, generate_schema, main
from bench.generate import SIZES, generate
from checks.engine import Engine
from checks.incremental import IncrementalChecker
from checks.index_advisor import Advisor, Index, Query, load_schema
from checks.rules import sql as sql_rules
from models.design import Design
from models.elements import Datastore
from models.elements import Index as ModelIndex
from models.elements import Table as ModelTable


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
    main(["--queries", "300", "--tables", "40", "--runs", "1", "--size", "rm-100"])
    out = capsys.readouterr().out
    assert "compiled extension in use: True" in out
    assert "\nrm-100: 1000 queries" in out and "\nvaried: 300 queries" in out
    assert out.count("verdicts digest") == 2 and out.count("queries analysed again") == 2


# ---- through the check engine: the live review of a design ---------------------------


@pytest.fixture
def fresh_advisors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The SQL rules' per-datastore advisors, empty (no verdicts cached by other tests)."""
    monkeypatch.setattr(sql_rules, "_ADVISORS", sql_rules._Advisors())


def _touching(store: Datastore, table: str) -> list[str]:
    """Ids of the store's queries that read ``table`` (by sqlglot, not by the advisor)."""
    dialect = store.engine.dialect or "postgres"
    return [
        qid
        for qid, q in store.queries.items()
        if table in {t.name for t in sqlglot.parse_one(q.sql, read=dialect).find_all(exp.Table)}
    ]


def _edit(design: Design, store_id: str, table: str, change: Callable[[ModelTable], Any]) -> None:
    store = design.element(store_id)
    assert isinstance(store, Datastore)
    tables = dict(store.tables)
    edited = change(tables[table])
    if edited is None:
        del tables[table]
    else:
        tables[table] = edited
    design.replace_element(store_id, replace(store, tables=tables))


def _with_index(table: ModelTable) -> ModelTable:
    column = next(c for c in table.columns if c not in ("id", "created_at"))
    return replace(table, indexes={**table.indexes, "added_idx": ModelIndex((column, "id"))})


@pytest.mark.parametrize("change", [_with_index, lambda table: None], ids=["add-index", "drop"])
def test_engine_recheck_reanalyses_only_queries_touching_the_edited_table(
    fresh_advisors: None, change: Callable[[ModelTable], Any]
) -> None:
    size = SIZES["rm-100"]
    design = generate(size.services, size.endpoints_per_service, size.tables, size.queries)
    engine = Engine(select=["sql"])
    checker = IncrementalChecker(design, engine)
    checker.report  # noqa: B018 - the first full review fills the advisors' caches
    store_id, store = next(design.datastores())
    assert len(store.queries) >= 50
    table = max(store.tables, key=lambda t: len(_touching(store, t)))
    touching = _touching(store, table)
    assert 0 < len(touching) < len(store.queries)
    advisor = sql_rules.advisor_for(store_id, store)
    before = replace(advisor.stats)
    _edit(design, store_id, table, change)
    after = checker.report
    texts = {store.queries[q].sql.strip() for q in touching}  # a repeated text is analysed once
    assert advisor.stats.analysed - before.analysed == len(texts)
    assert advisor.stats.reused - before.reused == len(store.queries) - len(texts)
    assert after.findings == Engine(select=["sql"]).run(design).findings
