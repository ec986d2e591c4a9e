"""Schema-level index findings: unindexed foreign keys, redundant and unused indexes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from checks.index_advisor.analyzer import QueryVerdict
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


def unindexed_foreign_keys(schema: Schema) -> list[IndexFinding]:
    """Foreign keys whose columns no index leads with (slow deletes/joins on the parent)."""
    findings = []
    for table in sorted(schema.tables.values(), key=lambda t: t.name):
        for fk in table.foreign_keys:
            if not any(leads_with(i, fk.columns) for i in table.access_paths()):
                findings.append(_fk_finding(table, fk))
    return findings


def _fk_finding(table: Table, fk: ForeignKey) -> IndexFinding:
    cols = ", ".join(f"`{c}`" for c in fk.columns)
    return IndexFinding(
        IndexProblem.UNINDEXED_FOREIGN_KEY,
        table.name,
        ",".join(fk.columns),
        f"`{table.name}`: foreign key ({cols}) -> `{fk.ref_table}` has no index leading with it; "
        f"joins from `{fk.ref_table}` and deletes of its rows scan `{table.name}`",
        f"CREATE INDEX ON {table.name} ({', '.join(fk.columns)})",
    )


def redundant_indexes(schema: Schema) -> list[IndexFinding]:
    """Duplicate indexes and non-unique indexes that are a prefix of another index."""
    findings = []
    for table in sorted(schema.tables.values(), key=lambda t: t.name):
        paths = table.access_paths()
        for index in table.indexes:
            finding = _redundancy(table, index, [p for p in paths if p is not index])
            if finding is not None:
                findings.append(finding)
    return findings


def _redundancy(table: Table, index: Index, others: list[Index]) -> IndexFinding | None:
    for other in others:
        if (other.method, other.where) != (index.method, index.where) or not index.ordered:
            continue
        same = other.columns == index.columns
        if same and _keeps(table, other, index):
            return _redundant(table, index, other, IndexProblem.DUPLICATE_INDEX, "duplicates")
        prefix = other.columns[: len(index.columns)] == index.columns and not same
        if prefix and not index.unique:
            return _redundant(table, index, other, IndexProblem.REDUNDANT_INDEX, "is a prefix of")
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
    table: Table, index: Index, other: Index, kind: IndexProblem, verb: str
) -> IndexFinding:
    return IndexFinding(
        kind,
        table.name,
        index.name,
        f"`{table.name}`: {index.describe()} {verb} {other.describe()}",
        f"DROP INDEX {index.name}",
    )


def unused_indexes(schema: Schema, verdicts: Iterable[QueryVerdict]) -> list[IndexFinding]:
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
                    f"drop it if no other workload needs it: DROP INDEX {index.name}",
                )
            )
    return findings
