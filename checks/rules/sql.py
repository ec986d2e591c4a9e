"""SQL rules (ARC8xx): the index advisor run over each SQL datastore of a design.

The design's tables are adapted to the advisor's light schema (:mod:`checks.index_advisor`),
and one :class:`~checks.index_advisor.Advisor` is kept per datastore so that, after an edit,
only the queries touching a changed table are analysed again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from checks.base import Context, Finding, Rule, Severity
from checks.index_advisor import (
    Advisor,
    ForeignKey,
    Index,
    Name,
    Query,
    QueryVerdict,
    Schema,
    Table,
    redundant_indexes,
    unindexed_foreign_keys,
)
from checks.index_advisor.canon import key_text
from checks.index_advisor.schema import normalise_expression
from models import elements as m
from models.design import Design
from models.references import unique_keys

__all__ = ["RedundantIndex", "UnindexedForeignKey", "UnindexedQuery", "advisor_for", "schema_of"]


# --------------------------------------------------------------------------- adapting the model


@lru_cache(maxsize=4096)
def _index_key(item: str, dialect: str) -> str:
    """An index item as the advisor names it: a lower-case column or a normalised expression.

    The item is read as what it is, an ``ORDER BY`` item: ``created_at DESC`` is the
    column ``created_at`` (read as a plain expression, it would be ``created_at AS DESC``).
    """
    node = _parsed_item(item, dialect)
    if node is None:
        return item.strip().lower()
    node = node.this if isinstance(node, exp.Paren) else node
    if isinstance(node, exp.Column | exp.Identifier):
        return node.name.lower()
    return key_text(node)


def _parsed_item(item: str, dialect: str) -> exp.Expression | None:
    for into in (exp.Ordered, None):
        try:
            node = sqlglot.parse_one(item, read=dialect, into=into)
        except (ParseError, TokenError):
            continue
        return cast(exp.Expression, node.this if isinstance(node, exp.Ordered) else node)
    return None


@lru_cache(maxsize=4096)
def _predicate(where: str, dialect: str) -> str | None:
    if not where:
        return None
    try:
        return normalise_expression(sqlglot.parse_one(where, read=dialect))
    except (ParseError, TokenError):
        return where


def _table(name: str, table: m.Table, dialect: str) -> Table:
    """The advisor's view of one model table.

    A ClickHouse ``ORDER BY`` key is the table's (sparse) primary index, so it serves
    predicates on its leading columns exactly like a primary key. Names keep the model's
    spelling, quoted as the DDL exporter writes them, for the suggested statements.
    """
    primary_key = table.primary_key or (table.order_by if dialect == "clickhouse" else ())
    return Table(
        name.lower(),
        columns=tuple(c.lower() for c in table.columns),
        primary_key=tuple(_index_key(c, dialect) for c in primary_key),
        uniques=tuple(tuple(c.lower() for c in cols) for cols in table.unique.values()),
        indexes=tuple(
            Index(index_name.lower(), tuple(_index_key(i, dialect) for i in index.columns),
                  unique=index.unique, where=_predicate(index.where, dialect),
                  method=(index.method or "btree").lower(), spelled=Name(index_name, True))
            for index_name, index in table.indexes.items()
        ),
        foreign_keys=tuple(
            ForeignKey(tuple(c.lower() for c in fk.columns), fk.table.lower(),
                       tuple(c.lower() for c in fk.references), fk_name)
            for fk_name, fk in table.foreign_keys.items()
        ),
        spelled=Name(name, True),
        spelled_columns=tuple(Name(c, True) for c in table.columns),
    )


def _view(name: str, view: m.View, dialect: str) -> Table | None:
    """A ClickHouse materialized view is stored like a table, keyed by its ``ORDER BY``."""
    if not (view.materialized and view.order_by):
        return None
    keys = tuple(_index_key(c, dialect) for c in view.order_by)
    try:
        select = sqlglot.parse_one(view.query, read=dialect)
        columns = tuple(dict.fromkeys(
            (*keys, *(s.alias_or_name.lower() for s in select.selects))))  # type: ignore[attr-defined]
    except (ParseError, TokenError, AttributeError):
        columns = keys
    return Table(name.lower(), columns=columns, primary_key=keys)


def schema_of(store: m.Datastore) -> Schema:
    """The advisor schema of a SQL datastore (tables, and materialized views with a key)."""
    dialect = store.engine.dialect or "postgres"
    views = (_view(name, view, dialect) for name, view in store.views.items())
    return Schema.of([*(_table(name, table, dialect) for name, table in store.tables.items()),
                      *(v for v in views if v is not None)])


@dataclass
class _Seen:
    """A datastore's advisor and the model tables and views its schema was made from."""

    advisor: Advisor
    tables: Mapping[str, m.Table]
    views: Mapping[str, m.View]


class _Advisors:
    """One advisor per datastore, updated table by table as the design changes.

    An edit replaces (or removes) only the tables that changed, so the advisor's cache
    keeps the verdicts of every query that touches none of them.
    """

    def __init__(self) -> None:
        self._by_store: dict[str, _Seen] = {}

    def get(self, store_id: str, store: m.Datastore) -> Advisor:
        dialect = store.engine.dialect or "postgres"
        seen = self._by_store.get(store_id)
        if seen is None or seen.advisor.dialect != dialect:
            seen = _Seen(Advisor(schema_of(store), dialect), dict(store.tables), dict(store.views))
            self._by_store[store_id] = seen
        elif seen.tables != store.tables or seen.views != store.views:
            _update(seen, store, dialect)
        return seen.advisor


def _update(seen: _Seen, store: m.Datastore, dialect: str) -> None:
    """Bring ``seen``'s advisor to ``store``'s tables and views, one changed table at a time."""
    advisor = seen.advisor
    for name, table in store.tables.items():
        if seen.tables.get(name) is not table:
            advisor.replace_table(_table(name, table, dialect))
    for name in seen.tables.keys() - store.tables.keys():
        advisor.remove_table(name)
    if seen.views != store.views:
        for name, view in seen.views.items():
            if store.views.get(name) is not view:
                advisor.remove_table(name)
                if name in store.tables:  # the view no longer shadows the table
                    advisor.replace_table(_table(name, store.tables[name], dialect))
        for name, view in store.views.items():
            made = _view(name, view, dialect) if seen.views.get(name) is not view else None
            if made is not None:
                advisor.replace_table(made)
    seen.tables, seen.views = dict(store.tables), dict(store.views)


_ADVISORS = _Advisors()


def advisor_for(store_id: str, store: m.Datastore) -> Advisor:
    """The (cached) advisor of a datastore."""
    return _ADVISORS.get(store_id, store)


def _sql_stores(design: Design, element_id: str) -> m.Datastore | None:
    store = design.element(element_id)
    if isinstance(store, m.Datastore) and store.engine.is_sql and store.tables:
        return store
    return None


# --------------------------------------------------------------------------- rules


class UnindexedQuery(Rule):
    """A named query that no index serves: some table it reads can only be read in full.

    *Anti-pattern*: a query whose predicates cannot use any index — a function or cast around
    the column (``lower(email) = $1``), a leading wildcard (``LIKE '%x'``), ``<>``/``NOT IN``,
    an ``OR`` with an unindexed branch, or a join on a column with no index. It is fast on a
    developer's laptop and a full scan in production.

    *Best practice*: an index that leads with the query's equality columns, then one range
    column; an expression index for computed predicates; partial indexes for hot subsets.
    The finding suggests the ``CREATE INDEX`` in the datastore's dialect. See
    ``docs/index-advisor.md`` for the exact rules and how they match PostgreSQL's planner.
    """

    code = "ARC801"
    name = "sql.unindexed-query"
    groups = ("sql",)
    default_severity = Severity.WARNING
    reads = frozenset({"datastore.tables", "datastore.queries", "datastore.engine"})
    scope = frozenset({"datastore"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per unserved or unparseable query of the datastore."""
        store = design.element(element_id)
        if not isinstance(store, m.Datastore) or not store.engine.is_sql or not store.queries:
            return
        advisor = advisor_for(element_id, store)
        for query_id, query in store.queries.items():
            verdict = advisor.check(Query(query_id, query.sql))
            if not verdict.indexed:
                yield self._finding(element_id, query_id, verdict)

    def _finding(self, store_id: str, query_id: str, verdict: QueryVerdict) -> Finding:
        path = f"datastores.{store_id}.queries.{query_id}"
        element = f"{store_id}.{query_id}"
        if verdict.error:
            return Finding(self.code, Severity.ERROR, element,
                           f"query '{query_id}' on {store_id} does not parse "
                           f"(line {verdict.line}, column {verdict.col} of the query): "
                           f"{verdict.error}", "fix the SQL", rule=self.name, path=path)
        tables = ", ".join(f"`{t}`" for t in verdict.full_scans)
        reasons = "; ".join(verdict.reasons)
        return self.finding(
            element,
            f"query '{query_id}' on {store_id} reads {tables} in full: {reasons}",
            " ".join(verdict.suggestions) or "add an index that serves the query's predicates",
            path=path,
        )


class UnindexedForeignKey(Rule):
    """A foreign key whose columns lead no index.

    *Anti-pattern*: ``order_lines.order_id REFERENCES orders`` with no index on ``order_id``:
    every join from the parent and every ``DELETE``/``UPDATE`` of a parent row scans the child
    table (and, in PostgreSQL, holds locks for the whole scan).

    *Best practice*: index the referencing columns (MySQL/InnoDB does it implicitly; PostgreSQL
    and SQLite do not).
    """

    code = "ARC802"
    name = "sql.unindexed-foreign-key"
    groups = ("sql",)
    default_severity = Severity.WARNING
    reads = frozenset({"datastore.tables", "datastore.engine"})
    scope = frozenset({"datastore"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per foreign key without a leading index."""
        store = _sql_stores(design, element_id)
        if store is None or store.engine in (m.DatastoreEngine.MYSQL, m.DatastoreEngine.MARIADB):
            return  # InnoDB creates the index itself
        yield from _table_findings(self, element_id, store, unindexed_foreign_keys)


class RedundantIndex(Rule):
    """An index that duplicates another, or is a prefix of another index.

    *Anti-pattern*: ``idx(a)`` next to ``idx(a, b)``, or two indexes on the same columns:
    every write maintains both, for no read the longer index cannot serve.

    *Best practice*: drop the redundant index (keep it only if it is unique, partial or
    smaller for a hot, index-only query — and say so in an ADR and a suppression).
    """

    code = "ARC803"
    name = "sql.redundant-index"
    groups = ("sql",)
    default_severity = Severity.INFO
    reads = frozenset({"datastore.tables", "datastore.engine"})
    scope = frozenset({"datastore"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per redundant or duplicate index."""
        store = _sql_stores(design, element_id)
        if store is None:
            return
        yield from _table_findings(self, element_id, store, redundant_indexes)


class ForeignKeyToNonKey(Rule):
    """A foreign key that references columns which are not a primary or unique key.

    *Anti-pattern*: ``order_lines (order_id) REFERENCES order_items (id)`` where
    ``order_items``'s key is ``(id, created_at)``: PostgreSQL refuses the constraint ("there is
    no unique constraint matching given keys"), SQLite fails every write with "foreign key
    mismatch", and MySQL 8.4 refuses it by default (older InnoDB accepts it as a non-standard
    extension whose cascades are ill-defined). The DDL cannot be loaded as designed.

    *Best practice*: reference the whole primary key, or a unique constraint (a unique index
    without ``WHERE``) of the target, in as many columns as the foreign key has; add the
    unique constraint when the referenced columns really are unique.
    """

    code = "ARC804"
    name = "sql.foreign-key-to-non-key"
    groups = ("sql",)
    default_severity = Severity.ERROR
    reads = frozenset({"datastore.tables", "datastore.engine"})
    scope = frozenset({"datastore"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per foreign key whose referenced columns are not a key of the target."""
        store = _sql_stores(design, element_id)
        if store is None:
            return
        for table_name, table in store.tables.items():
            for fk_name, fk in table.foreign_keys.items():
                target = store.tables.get(fk.table)
                if target is None or len(fk.references) not in (0, len(fk.columns)):
                    continue  # an unknown table or a count mismatch is a load error already
                refs = fk.references or target.primary_key
                keys = unique_keys(target)
                if refs and any(set(refs) == set(k) and len(refs) == len(k) for k in keys):
                    continue
                yield self._finding(element_id, table_name, fk_name, fk, refs, keys)

    def _finding(self, store_id: str, table: str, fk_name: str, fk: m.ForeignKey,
                 refs: tuple[str, ...], keys: list[tuple[str, ...]]) -> Finding:
        target = _columns_of(fk.table, refs) if refs else f"{fk.table} (no primary key)"
        fitting = [k for k in keys if len(k) == len(fk.columns)] or keys
        fix = ("reference " + " or ".join(_columns_of(fk.table, k) for k in fitting)
               if fitting else f"give {fk.table} a primary key or a unique constraint")
        return self.finding(
            f"{store_id}.{table}.{fk_name}",
            f"foreign key {fk_name} of {table} references {target}, which is not its primary "
            "key or a unique key: the database will refuse it",
            fix + ", or make the referenced columns unique",
            path=f"datastores.{store_id}.tables.{table}.foreign_keys.{fk_name}",
        )


def _table_findings(rule: Rule, store_id: str, store: m.Datastore,
                    lint: Callable[[Schema, str], Iterable[Any]]) -> Iterator[Finding]:
    """The findings of one of the advisor's schema lints, on the tables as the design names
    them (the advisor folds names)."""
    schema = advisor_for(store_id, store).schema
    names = {name.lower(): name for name in store.tables}
    for item in lint(schema, store.engine.dialect or "postgres"):
        table = names.get(item.table, item.table)
        yield rule.finding(f"{store_id}.{table}.{item.subject.replace(' ', '')}",
                           item.message, item.hint, path=f"datastores.{store_id}.tables.{table}")


def _columns_of(table: str, columns: tuple[str, ...]) -> str:
    return f"{table}({', '.join(columns)})"
