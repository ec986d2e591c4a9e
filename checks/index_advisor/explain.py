"""Human reasons for full scans, and the ``CREATE INDEX`` that would fix them."""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.generator import Generator

from checks.index_advisor.graph import (
    Graph,
    Rel,
    Sarg,
    SargKind,
    serves,
    usable_indexes,
    usable_sargs,
)

MAX_IDENTIFIER = 63
_NO_TEXTS: frozenset[str] = frozenset()


def label(rel: Rel) -> str:
    """`table`, or `table` (as `alias`) when aliased."""
    return f"`{rel.label}`" if rel.label == rel.id else f"`{rel.label}` (as `{rel.id}`)"


def explain_rel(graph: Graph, rel: Rel, depends_on_others: bool) -> list[str]:
    """Why ``rel`` is read in full, as sentences that start with the table's name.

    A relation with constant predicates is explained by them (it could be an entry
    point); one reachable only through joins is explained by what it waits for.
    """
    name = label(rel)
    if rel.table is None:
        return [f"{name}: not in the schema, so no index is known for it"]
    sargs = usable_sargs(graph, rel, None)
    constant = [s for s in sargs if not s.deps]
    notes = graph.notes.get(rel.id, [])
    if depends_on_others and not constant and not notes:
        deps = sorted({d for s in sargs for d in s.deps if d in graph.rels})
        via = ", ".join(f"`{graph.rels[d].label}`" for d in deps) or "another table"
        return [f"{name}: its indexed join keys need {via} first, which is itself read in full"]
    reasons = [f"{name}: {text}" for text in _key_reasons(graph, rel, constant or sargs)]
    reasons += [f"{name}: {note}" for note in notes]
    if not reasons:
        reasons.append(
            f"{name}: no condition restricts it (no WHERE predicate or join key on it), "
            "so every row is read"
        )
    return reasons


def _key_reasons(graph: Graph, rel: Rel, sargs: list[Sarg]) -> list[str]:
    table = rel.table
    assert table is not None
    usable = usable_indexes(table, graph.texts.get(rel.id, _NO_TEXTS), sargs)
    reasons: list[str] = []
    for key in dict.fromkeys(s.key for s in sargs if s.key is not None):
        leading = table.leading.get(key, ())
        if not leading:
            paths = table.access_paths()
            reasons.append(_no_index(key, [i for i in paths if key in i.columns[1:]]))
        for index in (i for i in leading if i.where is not None and i not in usable):
            reasons.append(
                f"{index.describe()} does not apply: the query does not imply `{index.where}`"
            )
    for sarg in (s for s in sargs if s.kind == SargKind.OR):
        bad = [b for b in sarg.branches if not any(serves(i, b) for i in usable)]
        if bad:
            keys = ", ".join(f"`{k}`" for b in bad for k in dict.fromkeys(s.key for s in b) if k)
            reasons.append(
                f"`{sarg.text}`: an OR branch (on {keys}) has no index, so the OR cannot use one"
            )
    return reasons


def _no_index(key: str, containing: list) -> str:  # type: ignore[type-arg]
    text = f"`{key}` has no index"
    for index in containing:
        text += f"; {index.describe()} does not lead with it"
    return text


def suggestion_keys(graph: Graph, rel: Rel) -> list[list[str]]:
    """Key lists for indexes that would let ``rel`` be read through an index.

    Equality columns come first, then one range column. Constant predicates are
    preferred (they make the table an entry point); without them, its join keys. An OR
    whose branches lack an index gives one key list per unserved branch.
    """
    sargs = usable_sargs(graph, rel, None)
    constant = [s for s in sargs if not s.deps]
    chosen = constant or sargs
    keys = _ordered_keys([s for s in chosen if s.kind != SargKind.OR])
    if keys:
        return [keys]
    assert rel.table is not None
    usable = usable_indexes(rel.table, graph.texts.get(rel.id, _NO_TEXTS), sargs)
    branches = [b for s in chosen if s.kind == SargKind.OR for b in s.branches]
    result = [_ordered_keys(list(b)) for b in branches if not any(serves(i, b) for i in usable)]
    result = [k for k in result if k]
    if result:
        return result
    return [[key] for key, _kind, _const in graph.candidates.get(rel.id, [])[:1]]


def _ordered_keys(sargs: list[Sarg]) -> list[str]:
    by_priority = sorted(sargs, key=lambda s: (s.kind != SargKind.EQ, bool(s.deps)))
    eq = [s.key for s in by_priority if s.kind == SargKind.EQ and s.key]
    ranges = [s.key for s in by_priority if s.kind == SargKind.RANGE and s.key and s.key not in eq]
    return list(dict.fromkeys(eq)) + ranges[:1]


def create_index_sql(table: str, keys: list[str], dialect: str) -> str:
    """``CREATE INDEX`` for ``table(keys)`` in ``dialect``, built as a sqlglot tree."""
    return _create_index_sql(table, tuple(keys), dialect)


@lru_cache(maxsize=65536)
def _create_index_sql(table: str, keys: tuple[str, ...], dialect: str) -> str:
    columns = [_key_expression(k) for k in keys]
    slug = "_".join(re.sub(r"\W+", "_", k).strip("_") for k in keys)
    name = f"idx_{table}_{slug}"[:MAX_IDENTIFIER]
    create = exp.Create(
        kind="INDEX",
        this=exp.Index(
            this=exp.to_identifier(name),
            table=exp.Table(this=exp.to_identifier(table)),
            params=exp.IndexParameters(columns=columns),
        ),
    )
    return _generator(dialect).generate(create, copy=False)


@lru_cache(maxsize=8)
def _generator(dialect: str) -> Generator:
    """One generator per dialect (creating one per statement costs more than generating)."""
    return Dialect.get_or_raise(dialect).generator()


def clear_caches() -> None:
    """Forget memoised suggestions (benchmarks start every timed run cold)."""
    _create_index_sql.cache_clear()
    _parsed_key.cache_clear()


def _key_expression(key: str) -> exp.Expression:
    if key.isidentifier():
        return exp.column(key)
    return exp.Paren(this=_parsed_key(key).copy())


@lru_cache(maxsize=1024)
def _parsed_key(key: str) -> exp.Expression:
    return sqlglot.parse_one(key, read="postgres")
