"""The index advisor's own light schema, and loading it from real-world DDL.

The advisor only needs what decides index access: tables with their columns, primary key,
unique constraints, foreign keys and indexes (ordered keys, uniqueness, partial ``WHERE``,
method). The types are frozen dataclasses built from plain Python data so the design
model can be adapted to them without SQL::

    Table("rental", columns=("rental_id", "customer_id"), primary_key=("rental_id",),
          indexes=(Index("rental_customer_idx", ("customer_id",)),))

Names are folded to lower case (PostgreSQL's rule for unquoted identifiers, and what
MySQL and SQLite compare case-insensitively in practice) for matching; each table,
column and index also keeps its :class:`Name` as the DDL spells it, so the statements
the advisor suggests name them exactly (MySQL's table names are case-sensitive on Linux,
PostgreSQL's quoted names too).

:func:`load_schema` reads a DDL file: ``CREATE TABLE``, ``CREATE INDEX`` and
``ALTER TABLE ... ADD CONSTRAINT`` are modelled; everything sqlglot cannot model
(functions, triggers, grants, ``ALTER ... OWNER``, ``SET``, comments, psql meta-commands)
is skipped with a :class:`Note`, never fatal.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from checks.index_advisor.canon import canonical, key_text
from checks.index_advisor.sqltext import (
    blank_meta_commands,
    check_nesting,
    parse_error_message,
    split_statements,
    token_error_message,
)

logging.getLogger("sqlglot").setLevel(logging.ERROR)


class Name(NamedTuple):
    """An identifier as the DDL spells it: ``Name("InvoiceDate")``, ``Name("Order", True)``."""

    text: str
    quoted: bool = False


@dataclass(frozen=True)
class Index:
    """An index (or the index behind a primary key / unique constraint).

    Attributes:
        name: Index name.
        columns: Ordered keys: a column name, or the SQL text of an expression key
            (for example ``lower(email)``), normalised by :func:`normalise_expression`.
        unique: Whether the index enforces uniqueness.
        where: SQL text of a partial index predicate, or ``None``.
        method: Access method (``btree``, ``hash``, ``gin``...).
        spelled: The name as the DDL spells it (``None``: ``name`` itself). Spellings
            take no part in comparisons (an index is the same whichever way it is
            written) but do in :meth:`Table.fingerprint` (suggestions show them).
    """

    name: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str | None = None
    method: str = "btree"
    spelled: Name | None = field(default=None, compare=False)

    def sql_name(self) -> Name:
        """The index's name as the DDL spells it."""
        return self.spelled or Name(self.name)

    @property
    def ordered(self) -> bool:
        """Whether the index is a B-tree (ordered, serves ranges and prefixes)."""
        return self.method == "btree"

    def describe(self) -> str:
        """Human description, e.g. "the unique index on (`a`, `b`)"."""
        keys = ", ".join(f"`{column}`" for column in self.columns)
        kind = "unique index" if self.unique else "index"
        partial = " (partial)" if self.where else ""
        return f"the {kind} `{self.name}` on ({keys}){partial}"


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key from ``columns`` to ``ref_table(ref_columns)``."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...] = ()
    name: str | None = None


@dataclass(frozen=True)
class Table:
    """A table as the advisor sees it.

    Attributes:
        name: Table name (lower case).
        columns: Column names in declaration order.
        primary_key: Primary key columns (an index).
        uniques: Unique constraints (each an index).
        indexes: Declared indexes.
        foreign_keys: Foreign keys.
        spelled: The table's name as the DDL spells it (``None``: ``name`` itself).
        spelled_columns: The columns' names as spelled, in ``columns`` order (or empty).
    """

    name: str
    columns: tuple[str, ...] = ()
    primary_key: tuple[str, ...] = ()
    uniques: tuple[tuple[str, ...], ...] = ()
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    spelled: Name | None = field(default=None, compare=False)
    spelled_columns: tuple[Name, ...] = field(default=(), compare=False)

    def sql_name(self) -> Name:
        """The table's name as the DDL spells it."""
        return self.spelled or Name(self.name)

    @cached_property
    def respelled(self) -> tuple[tuple[str, Name], ...]:
        """(column, its spelling) for the columns not spelled as their folded name."""
        pairs = zip(self.columns, self.spelled_columns, strict=False)
        return tuple((c, n) for c, n in pairs if n != (c, False))

    def access_paths(self) -> tuple[Index, ...]:
        """Every index usable for access: the primary key, unique constraints, indexes."""
        return self._paths

    @cached_property
    def leading(self) -> dict[str, tuple[Index, ...]]:
        """Access paths by their leading key (for the analyzer's fast path)."""
        found: dict[str, list[Index]] = {}
        for index in self.access_paths():
            if index.columns:
                found.setdefault(index.columns[0], []).append(index)
        return {k: tuple(v) for k, v in found.items()}

    @cached_property
    def has_partial(self) -> bool:
        """Whether any index of the table is partial."""
        return any(i.where for i in self.indexes)

    @cached_property
    def _paths(self) -> tuple[Index, ...]:
        paths: list[Index] = []
        if self.primary_key:
            paths.append(Index(f"{self.name}_pkey", self.primary_key, unique=True))
        paths.extend(
            Index(f"{self.name}_{'_'.join(cols)}_key", cols, unique=True) for cols in self.uniques
        )
        paths.extend(self.indexes)
        return tuple(paths)

    def fingerprint(self) -> str:
        """A stable digest of everything that decides index access on this table."""
        return hashlib.blake2b(repr(self).encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Note:
    """A DDL statement that was skipped or only partly understood."""

    line: int
    col: int
    message: str


@dataclass(frozen=True)
class Schema:
    """Tables by name plus the notes gathered while loading them."""

    tables: Mapping[str, Table] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[Note, ...] = ()

    @classmethod
    def of(cls, tables: Iterable[Table], notes: Iterable[Note] = ()) -> Schema:
        """Build a schema from tables (later tables with the same name win)."""
        return cls(MappingProxyType({t.name: t for t in tables}), tuple(notes))

    def get(self, name: str) -> Table | None:
        """Return the table called ``name`` (case-insensitive), if any."""
        return self.tables.get(name.lower())

    def with_table(self, table: Table) -> Schema:
        """Return a copy with ``table`` added or replaced."""
        tables = dict(self.tables)
        tables[table.name] = table
        return replace(self, tables=MappingProxyType(tables))

    def without_table(self, name: str) -> Schema:
        """Return a copy without the table called ``name`` (case-insensitive)."""
        tables = dict(self.tables)
        tables.pop(name.lower(), None)
        return replace(self, tables=MappingProxyType(tables))


def normalise_expression(expression: exp.Expression) -> str:
    """Canonical text of an index key or predicate: unqualified, no casts.

    Used both for expression-index keys and for matching query expressions against
    them, so the two sides are normalised the same way (see :mod:`.canon`).
    """
    return canonical(expression)


def _spelled(node: exp.Expression | None) -> Name | None:
    """The :class:`Name` of an identifier (or of a table/column node), as written."""
    node = node.this if isinstance(node, exp.Table | exp.Column) else node
    return Name(node.this, bool(node.quoted)) if isinstance(node, exp.Identifier) else None


def _name(node: exp.Expression | None) -> str:
    return node.name.lower() if node is not None else ""


def _identifiers(nodes: Iterable[exp.Expression]) -> tuple[str, ...]:
    return tuple(_name(n.this if isinstance(n, exp.Ordered) else n) for n in nodes)


class _Builder:
    """Mutable accumulator used while reading DDL; produces an immutable Schema."""

    def __init__(self) -> None:
        self.columns: dict[str, list[str]] = {}
        self.pks: dict[str, tuple[str, ...]] = {}
        self.uniques: dict[str, list[tuple[str, ...]]] = {}
        self.indexes: dict[str, list[Index]] = {}
        self.fks: dict[str, list[ForeignKey]] = {}
        self.notes: list[Note] = []
        self.spelled: dict[str, Name | None] = {}
        self.spelled_columns: dict[str, list[Name]] = {}

    def add_table(self, name: str) -> None:
        for store in (self.columns, self.uniques, self.indexes, self.fks):
            store.setdefault(name, [])  # type: ignore[attr-defined]

    def build(self) -> Schema:
        tables = [
            Table(
                name,
                tuple(self.columns[name]),
                self.pks.get(name, ()),
                tuple(dict.fromkeys(self.uniques[name])),
                tuple(self.indexes[name]),
                tuple(self.fks[name]),
                self.spelled.get(name),
                tuple(self.spelled_columns.get(name, ())),
            )
            for name in sorted(self.columns)
        ]
        return Schema.of(tables, self.notes)


def load_schema(text: str, dialect: str = "postgres") -> Schema:
    """Read a DDL script into a :class:`Schema`.

    Args:
        text: The DDL file's content.
        dialect: sqlglot dialect (``postgres``, ``mysql``, ``sqlite``...).

    Raises:
        SqlTextError: When the file cannot be tokenized at all or nests absurdly deep.
    """
    cleaned, meta = blank_meta_commands(text)
    check_nesting(cleaned)
    builder = _Builder()
    builder.notes.extend(Note(line, 1, f"skipped psql meta-command `{cmd}`") for line, cmd in meta)
    for chunk in split_statements(cleaned, dialect):
        note = _apply_statement(builder, chunk.text, dialect)
        if note:
            builder.notes.append(Note(chunk.line, chunk.col, note))
    builder.notes.sort(key=lambda n: (n.line, n.col))
    for table, fks in builder.fks.items():
        if dialect == "mysql":
            builder.indexes[table].extend(_innodb_fk_indexes(table, fks, builder))
    return builder.build()


def _apply_statement(builder: _Builder, text: str, dialect: str) -> str | None:
    """Apply one DDL statement; return a note when it is skipped."""
    head = " ".join(text.split()[:3])
    try:
        statement = sqlglot.parse_one(text, read=dialect)
    except ParseError as error:
        why = parse_error_message(error, text)[0]
        return f"skipped statement sqlglot cannot parse (`{head}`...): {why}"
    except TokenError as error:
        why = token_error_message(error, text)[0]
        return f"skipped statement sqlglot cannot parse (`{head}`...): {why}"
    if isinstance(statement, exp.Create) and statement.kind == "TABLE":
        return _create_table(builder, statement)
    if isinstance(statement, exp.Create) and statement.kind == "INDEX":
        return _create_index(builder, statement)
    if isinstance(statement, exp.Alter) and statement.args.get("kind") == "TABLE":
        return _alter_table(builder, statement, head)
    if isinstance(statement, exp.Drop | exp.Insert | exp.Use | exp.Transaction | exp.Commit):
        return None
    return f"skipped `{head}`...: not a table or index definition"


def _create_table(builder: _Builder, create: exp.Create) -> str | None:
    schema = create.this
    if not isinstance(schema, exp.Schema):
        return "skipped CREATE TABLE without a column list (CREATE TABLE AS / LIKE)"
    table = _name(schema.this)
    builder.add_table(table)
    builder.spelled[table] = _spelled(schema.this)
    builder.spelled_columns[table] = []
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            _column_def(builder, table, item)
        else:
            _table_constraint(builder, table, item)
    return None


def _column_def(builder: _Builder, table: str, column: exp.ColumnDef) -> None:
    name = _name(column.this)
    builder.columns[table].append(name)
    builder.spelled_columns[table].append(_spelled(column.this) or Name(name))
    for constraint in column.constraints:
        kind = constraint.kind
        if isinstance(kind, exp.PrimaryKeyColumnConstraint):
            builder.pks[table] = (name,)
        elif isinstance(kind, exp.UniqueColumnConstraint):
            builder.uniques[table].append((name,))
        elif isinstance(kind, exp.Reference):
            builder.fks[table].append(_reference((name,), kind, None))


def _reference(columns: tuple[str, ...], ref: exp.Reference, name: str | None) -> ForeignKey:
    target = ref.this
    if isinstance(target, exp.Schema):
        return ForeignKey(columns, _name(target.this), _identifiers(target.expressions), name)
    return ForeignKey(columns, _name(target), (), name)


def _table_constraint(builder: _Builder, table: str, item: exp.Expression) -> None:
    name = _name(item.this) if isinstance(item, exp.Constraint) else None
    parts = item.expressions if isinstance(item, exp.Constraint) else [item]
    for part in parts:
        _constraint_part(builder, table, part, name)


def _constraint_part(builder: _Builder, table: str, part: exp.Expression, name: str | None) -> None:
    if isinstance(part, exp.PrimaryKey):
        builder.pks[table] = _identifiers(part.expressions)
    elif isinstance(part, exp.PrimaryKeyColumnConstraint | exp.UniqueColumnConstraint):
        target = part.this
        cols = _identifiers(target.expressions) if isinstance(target, exp.Schema) else ()
        if isinstance(part, exp.PrimaryKeyColumnConstraint) and cols:
            builder.pks[table] = cols
        elif cols:
            builder.uniques[table].append(cols)
    elif isinstance(part, exp.ForeignKey):
        ref = part.args.get("reference")
        if isinstance(ref, exp.Reference):
            builder.fks[table].append(_reference(_identifiers(part.expressions), ref, name))
    elif isinstance(part, exp.IndexColumnConstraint):
        keys = tuple(_key(e) for e in part.expressions)
        index_name = _name(part.this) or f"{table}_{'_'.join(keys)}_idx"
        builder.indexes[table].append(Index(index_name, keys, spelled=_spelled(part.this)))


def _key(node: exp.Expression) -> str:
    node = node.this if isinstance(node, exp.Ordered) else node
    if isinstance(node, exp.Column | exp.Identifier):
        return node.name.lower()
    if isinstance(node, exp.Paren):
        node = node.this
    return key_text(node)


def _create_index(builder: _Builder, create: exp.Create) -> str | None:
    index = create.this
    table_node = index.args.get("table") if isinstance(index, exp.Index) else None
    params = index.args.get("params") if isinstance(index, exp.Index) else None
    if table_node is None or params is None:
        return "skipped CREATE INDEX sqlglot could not model"
    table = _name(table_node)
    if table not in builder.columns:
        builder.add_table(table)
        builder.notes.append(Note(0, 0, f"index on `{table}`, a table the DDL never creates"))
        builder.spelled[table] = _spelled(table_node)
    where = params.args.get("where")
    using = params.args.get("using")
    builder.indexes[table].append(
        Index(
            _name(index.this) or f"{table}_idx{len(builder.indexes[table]) + 1}",
            tuple(_key(e) for e in params.args.get("columns") or ()),
            unique=bool(create.args.get("unique")),
            where=normalise_expression(where.this) if isinstance(where, exp.Where) else None,
            method=(using.name.lower() if using is not None else "btree"),
            spelled=_spelled(index.this),
        )
    )
    return None


def _alter_table(builder: _Builder, alter: exp.Alter, head: str) -> str | None:
    table = _name(alter.this)
    modelled = False
    for action in alter.args.get("actions") or ():
        if isinstance(action, exp.AddConstraint) and table in builder.columns:
            for constraint in action.expressions:
                _table_constraint(builder, table, constraint)
            modelled = True
    return None if modelled else f"skipped `{head}`...: only ADD CONSTRAINT is modelled"


def _innodb_fk_indexes(table: str, fks: list[ForeignKey], builder: _Builder) -> Iterator[Index]:
    """InnoDB creates an index for a foreign key that no index leads with."""
    leading = {p[0] for p in builder.uniques[table]} | {
        i.columns[0] for i in builder.indexes[table] if i.columns
    }
    if table in builder.pks:
        leading.add(builder.pks[table][0])
    for fk in fks:
        if fk.columns and fk.columns[0] not in leading:
            leading.add(fk.columns[0])
            yield Index(fk.name or f"{table}_{'_'.join(fk.columns)}_fk", fk.columns)
