"""Structural references inside a design that must resolve for the design to load.

Relations and flow steps are checked as they are added; this module checks the references held
inside element values: connection pools, the service issuing a query, and table-level keys.
Decisions may mention elements that no longer exist: that is a review finding, not a load error.
"""

from __future__ import annotations

from collections.abc import Iterator

from models.design import Design, did_you_mean
from models.elements import Datastore, ElementKind, ForeignKey, Table

__all__ = ["dangling_references", "plain_column", "unique_keys"]

Problem = tuple[str, str, str]  # (source path, message, hint)


def plain_column(item: str) -> str | None:
    """The column name of an index item (``created_at DESC`` -> ``created_at``), or None
    when the item is an expression."""
    words = item.split()
    if len(words) == 2 and words[1].upper() in ("ASC", "DESC"):
        words = words[:1]
    name = words[0].strip('"`') if len(words) == 1 else ""
    return name if name.replace("_", "").isalnum() else None


def unique_keys(table: Table) -> list[tuple[str, ...]]:
    """The column sets a foreign key may reference: the primary key, the unique constraints and
    the unique indexes on plain columns without ``WHERE`` (in that order, each set once)."""
    keys = [table.primary_key] if table.primary_key else []
    keys += [columns for columns in table.unique.values() if columns]
    for index in table.indexes.values():
        if index.unique and not index.where and index.columns:
            columns = tuple(plain_column(item) for item in index.columns)
            if all(columns):
                keys.append(columns)  # type: ignore[arg-type]
    seen: set[frozenset[str]] = set()
    return [key for key in keys if not (frozenset(key) in seen or seen.add(frozenset(key)))]


def dangling_references(design: Design) -> Iterator[Problem]:
    """Every reference inside element values that names nothing."""
    ids = [element_id for element_id, _ in design.elements()]
    for service_id, service in design.services():
        for store_id in service.pools:
            if store_id not in design or design.kind(store_id) is not ElementKind.DATASTORE:
                yield (
                    f"services.{service_id}.pools.{store_id}",
                    f"connection pool for unknown datastore '{store_id}'",
                    did_you_mean(store_id, ids) or "name a datastore id",
                )
    for store_id, store in design.datastores():
        yield from _datastore_references(design, store_id, store)


def _datastore_references(design: Design, store_id: str, store: Datastore) -> Iterator[Problem]:
    services = [sid for sid, _ in design.services()]
    for query_id, query in store.queries.items():
        if query.service and query.service not in services:
            yield (
                f"datastores.{store_id}.queries.{query_id}",
                f"query '{query_id}' is issued by unknown service '{query.service}'",
                did_you_mean(query.service, services) or "name a service id",
            )
    for table_name, table in store.tables.items():
        yield from _table_references(store, f"datastores.{store_id}.tables.{table_name}", table)


def _table_references(store: Datastore, path: str, table: Table) -> Iterator[Problem]:
    columns = list(table.columns)
    for column in table.primary_key:
        if column not in table.columns:
            yield (
                path,
                f"primary key column '{column}' is not a column of the table",
                did_you_mean(column, columns) or "add the column",
            )
    for name, index in table.indexes.items():
        for item in index.columns:
            column = plain_column(item)
            if column is not None and column not in table.columns:
                yield (
                    f"{path}.indexes.{name}",
                    f"index '{name}' uses unknown column '{column}'",
                    did_you_mean(column, columns) or "add the column or fix the name",
                )
    for name, fk in table.foreign_keys.items():
        yield from _fk_references(store, f"{path}.foreign_keys.{name}", table, fk)


def _fk_references(store: Datastore, path: str, table: Table, fk: ForeignKey) -> Iterator[Problem]:
    for column in fk.columns:
        if column not in table.columns:
            yield (
                path,
                f"foreign key column '{column}' is not a column of the table",
                did_you_mean(column, list(table.columns)) or "add the column",
            )
    target = store.tables.get(fk.table)
    if target is None:
        yield (
            path,
            f"foreign key references unknown table '{fk.table}'",
            did_you_mean(fk.table, list(store.tables)) or "add the table to this datastore",
        )
        return
    for column in fk.references:
        if column not in target.columns:
            yield (
                path,
                f"foreign key references unknown column '{fk.table}.{column}'",
                did_you_mean(column, list(target.columns)) or "fix the column name",
            )
    if len(fk.references) not in (0, len(fk.columns)):
        yield (
            path,
            f"foreign key has {len(fk.columns)} columns but references {len(fk.references)}",
            "list as many referenced columns as columns",
        )
