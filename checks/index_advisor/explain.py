"""Human reasons for full scans, and the ``CREATE INDEX`` that would fix them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, NormalizationStrategy
from sqlglot.dialects.mysql import MySQL
from sqlglot.expressions import SAFE_IDENTIFIER_RE
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
from checks.index_advisor.schema import Index, Name, Table

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


def create_index_sql(table: Table, keys: Sequence[str], dialect: str) -> str:
    """``CREATE INDEX`` for ``table(keys)`` in ``dialect``, built as a sqlglot tree.

    The table and its columns are named as the schema spells them (quoted when the
    dialect needs it); the new index's name is made of the folded names.
    """
    return _create_index_sql(table.name, table.sql_name(), tuple(keys), table.respelled, dialect)


@lru_cache(maxsize=65536)
def _create_index_sql(
    name: str,
    spelled: Name,
    keys: tuple[str, ...],
    respelled: tuple[tuple[str, Name], ...],
    dialect: str,
) -> str:
    spelling = dict(respelled)
    columns = [_key_expression(k, spelling, dialect) for k in keys]
    slug = "_".join(re.sub(r"\W+", "_", k).strip("_") for k in keys)
    create = exp.Create(
        kind="INDEX",
        this=exp.Index(
            this=exp.to_identifier(f"idx_{name}_{slug}"[:MAX_IDENTIFIER]),
            table=exp.Table(this=identifier(spelled, dialect)),
            params=exp.IndexParameters(columns=columns),
        ),
    )
    return _generator(dialect).generate(create, copy=False)


def drop_index_sql(table: Table, index: Index, dialect: str) -> str:
    """``DROP INDEX`` of ``index`` in ``dialect`` (MySQL's names the table: ``ON t``)."""
    name = exp.Table(this=identifier(index.sql_name(), dialect))
    drop = exp.Drop(kind="INDEX", tables=[name])
    if isinstance(_dialect(dialect), MySQL):  # MariaDB, Doris, StarRocks too
        on = exp.Table(this=identifier(table.sql_name(), dialect))
        drop.set("cluster", exp.OnProperty(this=on))
    return _generator(dialect).generate(drop, copy=False)


def identifier(name: Name, dialect: str) -> exp.Identifier:
    """``name`` as an identifier of ``dialect``, quoted only when it must be.

    A name that is no plain word is quoted. A name the DDL quoted stays quoted when it is
    a keyword of the dialect (``"order"``), or mixed-case in a dialect that folds unquoted
    names (PostgreSQL: ``"Invoice"`` is not ``Invoice``); MySQL's names keep their case
    unquoted, SQLite compares them case-insensitively.
    """
    return _identifier(name.text, name.quoted, dialect).copy()


@lru_cache(maxsize=4096)
def _identifier(text: str, declared_quoted: bool, dialect: str) -> exp.Identifier:
    found = _dialect(dialect)
    folds = found.normalization_strategy in (
        NormalizationStrategy.LOWERCASE,
        NormalizationStrategy.UPPERCASE,
    )
    quoted = not SAFE_IDENTIFIER_RE.match(text) or (
        declared_quoted and ((folds and found.case_sensitive(text)) or not _plain_word(text))
    )
    return exp.Identifier(this=text, quoted=quoted)


def _plain_word(text: str) -> bool:
    """Whether ``text`` may be written unquoted: it is no reserved word of PostgreSQL,
    MySQL or SQLite (sqlglot's generators know MySQL's only)."""
    lower = text.lower()
    return lower not in MySQL.Generator.RESERVED_KEYWORDS and lower not in _RESERVED


#: PostgreSQL's reserved key words (its manual's appendix C, "reserved" and "reserved
#: (can be function or type)"), with SQLite's that are not among them or MySQL's.
_RESERVED_WORDS = """
    all analyse analyze and any array as asc asymmetric authorization binary both case
    cast check collate collation column concurrently constraint create cross current_catalog
    current_date current_role current_schema current_time current_timestamp current_user
    default deferrable desc distinct do else end except false fetch for foreign freeze from
    full grant group having ilike in initially inner intersect into is isnull join lateral
    leading left like limit localtime localtimestamp natural not notnull null offset on only
    or order outer overlaps placing primary references returning right select session_user
    similar some symmetric system_user table tablesample then to trailing true union unique
    user using variadic verbose when where window with autoincrement glob index indexed
    regexp transaction vacuum"""
_RESERVED = frozenset(_RESERVED_WORDS.split())


@lru_cache(maxsize=8)
def _dialect(dialect: str) -> Dialect:
    return Dialect.get_or_raise(dialect)


@lru_cache(maxsize=8)
def _generator(dialect: str) -> Generator:
    """One generator per dialect (creating one per statement costs more than generating)."""
    return Dialect.get_or_raise(dialect).generator()


def clear_caches() -> None:
    """Forget memoised suggestions (benchmarks start every timed run cold)."""
    _create_index_sql.cache_clear()
    _parsed_key.cache_clear()


def _key_expression(key: str, spelling: dict[str, Name], dialect: str) -> exp.Expression:
    if key.isidentifier() or key in spelling:
        return exp.Column(this=identifier(spelling.get(key) or Name(key), dialect))
    tree = _parsed_key(key).copy()
    for column in tree.find_all(exp.Column):
        spelled = spelling.get(column.name.lower())
        if spelled is not None:
            column.set("this", identifier(spelled, dialect))
    return exp.Paren(this=tree)


@lru_cache(maxsize=1024)
def _parsed_key(key: str) -> exp.Expression:
    return sqlglot.parse_one(key, read="postgres")
