"""Schema-level index findings: unindexed foreign keys, redundant and unused indexes.

Each finding's hint is a statement in the schema's dialect (``DROP INDEX x ON t`` for
MySQL), naming tables, columns and indexes as the DDL spells them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from checks.index_advisor.analyzer import QueryVerdict
from checks.index_advisor.explain import create_index_sql, drop_index_sql
from checks.index_advisor.schema import ForeignKey, Index, Schema, Table


class IndexProblem(str, Enum):
    """Kinds of schema-level index finding."""

    UNINDEXED_FOREIGN_KEY = "unindexed-foreign-key"
    DUPLICATE_INDEX = "duplicate-index"
    REDUNDANT_INDEX = "redundant-index"
    UNUSED_INDEX = "unused-index"


@dataclass(frozen=True)
class IndexFinding:
    """One schema-level finding.

    Attributes:
        kind: What is wrong.
        table: The table concerned.
        subject: The foreign key's columns or the index name.
        message: A sentence naming the elements involved.
        hint: A concrete fix.
    """

    kind: IndexProblem
    table: str
    subject: str
    message: str
    hint: str


def leads_with(index: Index, columns: tuple[str, ...]) -> bool:
    """Whether ``index`` starts with ``columns`` in any order (usable for an FK lookup)."""
    return index.ordered and set(index.columns[: len(columns)]) == set(columns)


def unindexed_foreign_keys(schema: Schema, dialect: str = "postgres") -> list[IndexFinding]:
    """Foreign keys whose columns no index leads with (slow deletes/joins on the parent)."""
    findings = []
    for table in sorted(schema.tables.values(), key=lambda t: t.name):
        for fk in table.foreign_keys:
            if not any(leads_with(i, fk.columns) for i in table.access_paths()):
                findings.append(_fk_finding(table, fk, dialect))
    return findings


def _fk_finding(table: Table, fk: ForeignKey, dialect: str) -> IndexFinding:
    cols = ", ".join(f"`{c}`" for c in fk.columns)
    return IndexFinding(
        IndexProblem.UNINDEXED_FOREIGN_KEY,
        table.name,
        ",".join(fk.columns),
        f"`{table.name}`: foreign key ({cols}) -> `{fk.ref_table}` has no index leading with it; "
        f"joins from `{fk.ref_table}` and deletes of its rows scan `{table.name}`",
        create_index_sql(table, fk.columns, dialect),
    )


def redundant_indexes(schema: Schema, dialect: str = "postgres") -> list[IndexFinding]:
    """Duplicate indexes and non-unique indexes that are a prefix of another index."""
    findings = []
    for table in sorted(schema.tables.values(), key=lambda t: t.name):
        paths = table.access_paths()
        for index in table.indexes:
            finding = _redundancy(table, index, [p for p in paths if p is not index], dialect)
            if finding is not None:
                findings.append(finding)
    return findings


def _redundancy(
    table: Table, index: Index, others: list[Index], dialect: str
) -> IndexFinding | None:
    for other in others:
        if (other.method, other.where) != (index.method, index.where) or not index.ordered:
            continue
        same = other.columns == index.columns
        if same and _keeps(table, other, index):
            kind = IndexProblem.DUPLICATE_INDEX
            return _redundant(table, index, other, kind, "duplicates", dialect)
        prefix = other.columns[: len(index.columns)] == index.columns and not same
        if prefix and not index.unique:
            kind = IndexProblem.REDUNDANT_INDEX
            return _redundant(table, index, other, kind, "is a prefix of", dialect)
    return None


def _keeps(table: Table, other: Index, index: Index) -> bool:
    """Whether ``other`` is the one to keep of two identical indexes.

    Constraint indexes (primary key, unique constraints) are always kept; otherwise the
    unique one, otherwise the one whose name sorts first.
    """
    if other not in table.indexes:
        return True
    if other.unique != index.unique:
        return other.unique
    return other.name < index.name


def _redundant(
    table: Table, index: Index, other: Index, kind: IndexProblem, verb: str, dialect: str
) -> IndexFinding:
    return IndexFinding(
        kind,
        table.name,
        index.name,
        f"`{table.name}`: {index.describe()} {verb} {other.describe()}",
        drop_index_sql(table, index, dialect),
    )


def unused_indexes(
    schema: Schema, verdicts: Iterable[QueryVerdict], dialect: str = "postgres"
) -> list[IndexFinding]:
    """Declared indexes that no analysed query uses (info).

    Indexes that lead with a foreign key's columns are not reported: they serve the
    foreign key's checks even when no query names them.
    """
    used = {pair for v in verdicts for pair in v.used_indexes}
    findings = []
    for table in sorted(schema.tables.values(), key=lambda t: t.name):
        for index in table.indexes:
            if (table.name, index.name) in used or index.unique:
                continue
            if any(leads_with(index, fk.columns) for fk in table.foreign_keys):
                continue
            findings.append(
                IndexFinding(
                    IndexProblem.UNUSED_INDEX,
                    table.name,
                    index.name,
                    f"`{table.name}`: {index.describe()} is used by none of the declared queries",
                    "drop it if no other workload needs it: "
                    + drop_index_sql(table, index, dialect),
                )
            )
    return findings
