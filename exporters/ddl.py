"""SQL DDL: one script per SQL datastore, built as sqlglot expression trees.

Every statement is an :mod:`sqlglot.expressions` tree rendered by the target dialect's own
generator with every identifier quoted; SQL written by the user in the design (defaults,
checks, partial-index predicates, index expressions, view queries) is parsed with the
datastore's own dialect and re-generated, never pasted. Whatever a dialect cannot express (a
partial index in MySQL, ``gen_random_uuid()`` in SQLite, partitioning outside PostgreSQL) is
left out with a ``--`` comment saying why, so the script always loads.

Files are ``<datastore-id>.<dialect>.sql`` (in ``DIR/ddl/`` when several formats are written).
The dialect is the datastore engine's unless
:attr:`ExportOptions.dialect <exporters.base.ExportOptions.dialect>` names another one.
Tables are ordered so that foreign keys resolve (a foreign key to a table created later, as in
a cycle, becomes an ``ALTER TABLE`` at the end), ties keep the design's order: the output is
byte-stable.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.generator import Generator

from exporters import memo
from exporters.base import ExportError, ExportOptions, Files
from exporters.files import safe_name, unique_names
from models.design import Design, did_you_mean
from models.elements import Column, Datastore, Index, Table, View
from models.io import gc_paused

__all__ = [
    "DIALECTS",
    "DdlExporter",
    "DialectTraits",
    "datastore_ddl",
    "ddl_datastores",
    "engine_label",
    "parse_type",
    "target_dialect",
    "type_problem",
]

logging.getLogger("sqlglot").setLevel(logging.ERROR)

DType = exp.DataType.Type


@dataclass(frozen=True, slots=True)
class DialectTraits:
    """What a target dialect can express in DDL.

    Attributes:
        name: The sqlglot dialect (also the file-name suffix).
        label: The product name used in comments.
        partial_indexes: ``CREATE INDEX ... WHERE``.
        expression_indexes: Index keys that are expressions (``lower(email)``).
        include: Covering ``INCLUDE`` columns.
        methods: Index access methods it accepts (``USING ...``).
        comments: ``statement`` (``COMMENT ON``), ``inline`` (``COMMENT '...'``) or ``block``.
        constraints: Foreign keys, unique and check constraints.
        partitioning: Declarative partitioning (``PARTITION BY`` + ``PARTITION OF``).
        alter_constraints: ``ALTER TABLE ... ADD CONSTRAINT`` (for foreign keys in cycles).
    """

    name: str
    label: str
    partial_indexes: bool
    expression_indexes: bool
    include: bool
    methods: frozenset[str]
    comments: str
    constraints: bool = True
    partitioning: bool = False
    alter_constraints: bool = True


DIALECTS: dict[str, DialectTraits] = {
    "postgres": DialectTraits(
        "postgres",
        "PostgreSQL",
        partial_indexes=True,
        expression_indexes=True,
        include=True,
        methods=frozenset({"btree", "hash", "gin", "gist", "brin", "spgist"}),
        comments="statement",
        partitioning=True,
    ),
    "mysql": DialectTraits(
        "mysql",
        "MySQL/MariaDB",
        partial_indexes=False,
        expression_indexes=False,
        include=False,
        methods=frozenset({"btree"}),
        comments="inline",
    ),
    "sqlite": DialectTraits(
        "sqlite",
        "SQLite",
        partial_indexes=True,
        expression_indexes=True,
        include=False,
        methods=frozenset({"btree"}),
        comments="block",
        alter_constraints=False,
    ),
    "clickhouse": DialectTraits(
        "clickhouse",
        "ClickHouse",
        partial_indexes=False,
        expression_indexes=False,
        include=False,
        methods=frozenset(),
        comments="inline",
        constraints=False,
        alter_constraints=False,
    ),
}

#: ``--dialect`` spellings accepted besides the sqlglot names.
_ALIASES = {
    "postgresql": "postgres",
    "pg": "postgres",
    "mariadb": "mysql",
    "sqlite3": "sqlite",
}


class DdlExporter:
    """``ddl``: one SQL script per SQL datastore."""

    name = "ddl"
    title = "SQL DDL"
    description = "CREATE TABLE/INDEX scripts per SQL datastore (PostgreSQL, MySQL, SQLite)"

    def export(self, design: Design, options: ExportOptions) -> Files:
        """Return ``<datastore-id>.<dialect>.sql`` for every SQL datastore.

        The caller puts them in ``DIR/ddl/`` when several formats are exported at once.
        """
        stores = dict(ddl_datastores(design))
        names = unique_names({store_id: safe_name(store_id) for store_id in stores})
        files: Files = {}
        with gc_paused():  # sqlglot trees: a million short-lived objects
            for store_id, store in stores.items():
                dialect = target_dialect(store, options.dialect)
                files[f"{names[store_id]}.{dialect}.sql"] = datastore_ddl(
                    design, store_id, dialect, options.extra
                )
        return files


def ddl_datastores(design: Design) -> Iterator[tuple[str, Datastore]]:
    """The datastores that get DDL: SQL engines with tables or views, in design order."""
    for store_id, store in design.datastores():
        if store.engine.is_sql and (store.tables or store.views):
            yield store_id, store


def target_dialect(store: Datastore, requested: str | None = None) -> str:
    """The dialect to write: ``requested`` (``--dialect``) if given, else the store's engine."""
    if not requested:
        return store.engine.dialect or "postgres"
    name = _ALIASES.get(requested.lower(), requested.lower())
    if name not in DIALECTS:
        hint = did_you_mean(requested, [*DIALECTS, *_ALIASES])
        raise ExportError(
            f"unknown SQL dialect '{requested}'"
            + (f"; {hint}" if hint else f" (use one of: {', '.join(DIALECTS)})")
        )
    return name


def datastore_ddl(
    design: Design,
    store_id: str,
    dialect: str | None = None,
    extra: Mapping[str, object] | None = None,
) -> str:
    """The DDL script of datastore ``store_id`` in ``dialect`` (default: its engine's).

    ``extra["partition_start"]`` (an ISO date) sets the first example partition; by default
    it is the month of the newest dated decision, else 2024-01-01, so output stays byte-stable.
    """
    store = design.element(store_id)
    if not isinstance(store, Datastore):
        raise ExportError(f"'{store_id}' is not a datastore")
    start = _partition_start(design, extra or {})
    key = (store_id, target_dialect(store, dialect), design.info.name, design.info.version, start)
    # The doc exporter shows the same scripts: built once per export (see exporters.memo).
    return memo.DDL.get((store,), key, lambda: _script_text(store, *key))


def _script_text(
    store: Datastore,
    store_id: str,
    dialect: str,
    design_name: str,
    design_version: str,
    start: dt.date,
) -> str:
    """The script itself; reads nothing but its arguments (they are the memo's key)."""
    traits = DIALECTS[dialect]
    script = _Script(traits, store.engine.dialect or traits.name, start)
    script.header(f"{design_name}, version {design_version}", store_id, store)
    script.tables(store.tables)
    script.views(store.views)
    return script.render()


# --------------------------------------------------------------------------- the script


@dataclass(slots=True)
class _Statement:
    """One statement and the ``--`` notes printed above it (a note alone has no statement)."""

    notes: list[str] = field(default_factory=list)
    expression: exp.Expression | None = None


@dataclass(slots=True)
class _Script:
    """Builds the statements of one datastore for one dialect."""

    traits: DialectTraits
    source: str  # the dialect user-written SQL is parsed with
    partition_start: dt.date
    statements: list[_Statement] = field(default_factory=list)
    deferred: list[_Statement] = field(default_factory=list)

    def note(self, *lines: str) -> None:
        self.statements.append(_Statement([_one_line(line) for line in lines]))

    def add(self, expression: exp.Expression, notes: list[str] | None = None) -> None:
        self.statements.append(_Statement([_one_line(n) for n in notes or []], expression))

    def header(self, design: str, store_id: str, store: Datastore) -> None:
        title = store.name or store_id
        version = f" {store.version}" if store.version else ""
        self.note(
            f"{title} ({store_id}, {engine_label(store)}{version}): DDL for {self.traits.label}.",
            f"Design: {design}. Generated by archstudio.",
        )
        if store.purpose:
            self.note(store.purpose)

    def tables(self, tables: Mapping[str, Table]) -> None:
        created: set[str] = set()
        for name in _fk_order(tables):
            self.table(name, tables[name], tables, created)
            created.add(name)
        self.statements.extend(self.deferred)

    def table(
        self, name: str, table: Table, tables: Mapping[str, Table], created: set[str]
    ) -> None:
        builder = _TableBuilder(self, name, table, tables, created)
        self.statements.extend(builder.sequences())
        create, notes = builder.create()
        self.add(create, [*_comment_lines(table.comment, self.traits), *notes])
        self.statements.extend(builder.after)

    def views(self, views: Mapping[str, View]) -> None:
        for name, view in views.items():
            self.view(name, view)

    def view(self, name: str, view: View) -> None:
        notes = _comment_lines(view.comment, self.traits)
        query = _parse(view.query, self.source)
        if not isinstance(query, exp.Query):
            self.note(*notes, f"view {name} skipped: its query is not a SELECT sqlglot can read")
            return
        properties: list[exp.Expression] = []
        if view.materialized and self.traits.name in ("postgres", "clickhouse"):
            properties.append(exp.MaterializedProperty())
            if self.traits.name == "clickhouse":
                properties.extend(_clickhouse_properties(view.engine, view.order_by, "", "", None))
        elif view.materialized:
            notes.append(f"{self.traits.label} has no materialized views: {name} is a plain view")
        create = exp.Create(
            this=_table(name),
            kind="VIEW",
            expression=query,
            properties=exp.Properties(expressions=properties) if properties else None,
        )
        self.add(create, notes)

    def render(self) -> str:
        generator = _generator(self.traits.name)
        parts = []
        for statement in self.statements:
            lines = [f"-- {note}" if note else "--" for note in statement.notes]
            if statement.expression is not None:
                # No copy: every statement tree is built for this script and rendered once.
                lines.append(generator.generate(statement.expression, copy=False) + ";")
            parts.append("\n".join(lines))
        return "\n\n".join(parts) + "\n"


def engine_label(store: Datastore) -> str:
    """The engine's product name (``PostgreSQL``) for prose and comments."""
    return store.engine.title


def _generator(dialect: str) -> Generator:
    """A generator for one script (one per script: generators keep state while they work)."""
    return sqlglot.Dialect.get_or_raise(dialect).generator(
        identify=True, pretty=True, unsupported_level=ErrorLevel.RAISE
    )


# --------------------------------------------------------------------------- one table


@dataclass(slots=True)
class _TableBuilder:
    """Builds ``CREATE TABLE`` and the statements that follow it (indexes, comments, partitions)."""

    script: _Script
    name: str
    table: Table
    tables: Mapping[str, Table]
    created: set[str]
    after: list[_Statement] = field(default_factory=list)
    keyed: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.keyed = self.keyed_columns()

    @property
    def traits(self) -> DialectTraits:
        return self.script.traits

    def create(self) -> tuple[exp.Create, list[str]]:
        notes: list[str] = []
        elements: list[exp.Expression] = [self.column(n, c) for n, c in self.table.columns.items()]
        elements += self.constraints(notes)
        properties = self.properties(notes)
        create = exp.Create(
            this=exp.Schema(this=_table(self.name), expressions=elements),
            kind="TABLE",
            properties=exp.Properties(expressions=properties) if properties else None,
        )
        self.comments()
        self.indexes()
        return create, notes

    # ----------------------------------------------------------------- columns

    def column(self, name: str, column: Column) -> exp.ColumnDef:
        keyed = name in self.keyed
        kind = convert_type(column.type, self.script.source, self.traits.name, keyed=keyed)
        not_null = not column.nullable or name in self.table.primary_key
        constraints = []
        if self.traits.name == "clickhouse":  # columns are NOT NULL unless typed Nullable(...)
            kind.set("nullable", kind.args.get("nullable") is True)
        elif not_null:
            constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
        default, note = (None, "") if column.default is None else self.default(column.default)
        sequence = _sequence_of(_parsed(column.default or "", self.script.source))
        if self.auto_increment(name, column, sequence):
            default, note = None, ""
            constraints.append(exp.ColumnConstraint(kind=exp.AutoIncrementColumnConstraint()))
        elif sequence and self.traits.name != "postgres":
            default, note = None, self.sequence_note(name)
        if default is not None:
            constraints.append(exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=default)))
        if column.comment and self.traits.comments == "inline":
            constraints.append(
                exp.ColumnConstraint(
                    kind=exp.CommentColumnConstraint(this=exp.Literal.string(column.comment))
                )
            )
        definition = exp.ColumnDef(this=_ident(name), kind=kind, constraints=constraints)
        note = " ".join(filter(None, [type_problem(column.type, self.script.source), note]))
        block = [column.comment] if column.comment and self.traits.comments == "block" else []
        if note or block:
            definition.add_comments([_one_line(text) for text in [*block, note] if text])
        return definition

    def keyed_columns(self) -> set[str]:
        """Columns in a key or index (MySQL cannot index TEXT without a prefix length)."""
        table = self.table
        names = set(table.primary_key)
        for columns in table.unique.values():
            names.update(columns)
        for fk in table.foreign_keys.values():
            names.update(fk.columns)
        for index in table.indexes.values():
            names.update(_split_order(c)[0] for c in index.columns)
        for other in self.tables.values():
            for fk in other.foreign_keys.values():
                if fk.table == self.name:
                    names.update(fk.references)
        return names

    def auto_increment(self, name: str, column: Column, sequence: str | None) -> bool:
        """MySQL numbers rows with AUTO_INCREMENT on the first key column (SERIAL, nextval)."""
        if self.traits.name != "mysql":
            return False
        serial = _build_type(column.type, self.script.source).this in _SERIALS
        first = self.table.primary_key[:1] == (name,)
        return (serial or sequence is not None) and first

    def sequence_note(self, name: str) -> str:
        if self.traits.name == "sqlite" and self.table.primary_key == (name,):
            return "sequence default dropped: an INTEGER PRIMARY KEY numbers rows by itself"
        return f"sequence default dropped: {self.traits.label} has no sequences; the app sets it"

    def sequences(self) -> list[_Statement]:
        """``CREATE SEQUENCE`` for every ``nextval('name')`` default (PostgreSQL)."""
        if self.traits.name != "postgres":
            return []
        result = []
        for column in self.table.columns.values():
            sequence = _sequence_of(_parsed(column.default or "", self.script.source))
            if sequence:
                create = exp.Create(this=_table(sequence), kind="SEQUENCE", exists=True)
                result.append(_Statement(expression=create))
        return result

    def default(self, text: str) -> tuple[exp.Expression | None, str]:
        parsed = _parse(text, self.script.source)
        if parsed is None:
            return None, f"default {text} dropped: sqlglot cannot read it"
        return convert_default(parsed, self.traits.name)

    # ----------------------------------------------------------------- constraints

    def constraints(self, notes: list[str]) -> list[exp.Expression]:
        table = self.table
        result: list[exp.Expression] = []
        if table.primary_key and self.explicit_primary_key:
            result.append(exp.PrimaryKey(expressions=[_ident(c) for c in table.primary_key]))
        if not self.traits.constraints:
            if table.unique or table.foreign_keys or table.checks:
                notes.append(
                    f"{self.traits.label} has no unique, foreign key or check constraints: "
                    "they are enforced by the application"
                )
            return result
        for name, columns in table.unique.items():
            # A tuple, not a schema: sqlglot's pretty mode would spread a schema over lines.
            unique = exp.UniqueColumnConstraint(this=exp.Tuple(expressions=_idents(columns)))
            result.append(_constraint(name, unique))
        result += self.foreign_keys(notes)
        result += self.checks(notes)
        return result

    @property
    def explicit_primary_key(self) -> bool:
        """ClickHouse takes the primary key from ORDER BY unless a different prefix is set."""
        if self.traits.name != "clickhouse":
            return True
        order = self.table.order_by
        key = self.table.primary_key
        return bool(order) and order != key and order[: len(key)] == key

    def foreign_keys(self, notes: list[str]) -> list[exp.Expression]:
        result: list[exp.Expression] = []
        for name, fk in self.table.foreign_keys.items():
            if fk.table not in self.tables:
                notes.append(
                    f"foreign key {name} skipped: table {fk.table} is not in this datastore"
                )
                continue
            options = [f"ON DELETE {_on_delete(fk.on_delete)}"] if fk.on_delete else []
            reference = exp.Reference(
                this=exp.Schema(this=_table(fk.table), expressions=_idents(fk.references)),
                options=options or None,
            )
            key = exp.ForeignKey(expressions=_idents(fk.columns), reference=reference)
            later = fk.table != self.name and fk.table not in self.created
            if later and self.traits.alter_constraints:
                self.script.deferred.append(
                    _Statement(
                        [f"{self.name}.{name}: {fk.table} is created after {self.name} (a cycle)"],
                        exp.Alter(
                            this=_table(self.name),
                            kind="TABLE",
                            actions=[exp.AddConstraint(expressions=[_constraint(name, key)])],
                        ),
                    )
                )
            else:
                result.append(_constraint(name, key))
        return result

    def checks(self, notes: list[str]) -> list[exp.Expression]:
        result: list[exp.Expression] = []
        for name, text in self.table.checks.items():
            condition = _parse(text, self.script.source)
            if condition is None:
                notes.append(f"check {name} skipped: sqlglot cannot read {text}")
                continue
            result.append(_constraint(name, exp.CheckColumnConstraint(this=condition)))
        return result

    # ----------------------------------------------------------------- table options

    def properties(self, notes: list[str]) -> list[exp.Expression]:
        table, traits = self.table, self.traits
        if traits.name == "clickhouse":
            key = _partition_key(table, self.script.source, clickhouse=True)
            order = table.order_by or table.primary_key
            dropped = table.primary_key and not self.explicit_primary_key
            if dropped and table.order_by and table.order_by != table.primary_key:
                notes.append("primary key dropped: ClickHouse needs it to prefix ORDER BY")
            return _clickhouse_properties(
                table.engine, order, table.ttl, table.comment, key, self.script.source
            )
        properties: list[exp.Expression] = []
        if traits.name == "mysql" and table.engine and not _is_clickhouse_engine(table.engine):
            properties.append(exp.EngineProperty(this=exp.var(table.engine)))
        if traits.name == "mysql" and table.comment:
            properties.append(exp.SchemaCommentProperty(this=exp.Literal.string(table.comment)))
        if table.partitioning is not None:
            properties += self.partitioning(notes)
        return properties

    def partitioning(self, notes: list[str]) -> list[exp.Expression]:
        part = self.table.partitioning
        assert part is not None
        if not self.traits.partitioning:
            notes.append(
                f"{part.by} partitioning on {part.key} not emitted: "
                f"{self.traits.label} gets a plain table"
            )
            return []
        key = _partition_key(self.table, self.script.source)
        if key is None:
            notes.append(f"partitioning skipped: sqlglot cannot read the key {part.key}")
            return []
        key, column = self.portable_key(key, notes)
        if key is None:
            return []
        missing = _missing_key_columns(self.table, column)
        if missing:
            notes.append(
                f"partitioning on {part.key} not emitted: PostgreSQL needs the partition key "
                f"({', '.join(missing)}) in the primary key and every unique constraint"
            )
            return []
        strategy = part.by.lower()
        method: exp.Expression
        if strategy == "list":
            method = exp.List(expressions=[key])
        else:
            method = exp.Anonymous(this=strategy.upper(), expressions=[key])
        self.after.extend(_partitions(self.name, self.table, self.script.partition_start, column))
        return [exp.PartitionedByProperty(this=method)]

    def portable_key(
        self, key: exp.Expression, notes: list[str]
    ) -> tuple[exp.Expression | None, str]:
        """The partition key as the target runs it (``None``: leave it out), and its column.

        A key written for another engine is translated where sqlglot knows its functions. A
        date bucket (ClickHouse's ``toYYYYMM(ts)``) with a range interval becomes a range on
        the column itself: the interval's partitions bucket it the same way. A function only
        the source engine has is never passed on as if the target had it.
        """
        part, source = self.table.partitioning, self.script.source
        assert part is not None
        if part.key in self.table.columns or source == self.traits.name:
            return key, part.key
        inner = key.this if isinstance(key, exp.Paren) else key
        source_label = DIALECTS[source].label if source in DIALECTS else source
        column = _bucketed_column(inner, self.table)
        if column:
            notes.append(
                f"partition key {part.key} is {source_label} SQL: {self.traits.label} "
                f"partitions {column} by range, {part.interval}"
            )
            return exp.column(_ident(column)), column
        foreign = next(inner.find_all(exp.Anonymous), None)
        if foreign is not None:
            notes.append(
                f"partitioning on {part.key} not emitted: {foreign.name}() is {source_label} "
                f"SQL that sqlglot cannot translate for {self.traits.label}"
            )
            return None, ""
        return key, part.key

    # ----------------------------------------------------------------- after the table

    def comments(self) -> None:
        if self.traits.comments != "statement":
            return
        if self.table.comment:
            self.after.append(
                _Statement(expression=_comment_on("TABLE", _table(self.name), self.table.comment))
            )
        for column_name, column in self.table.columns.items():
            if column.comment:
                target = exp.column(_ident(column_name), table=_ident(self.name))
                self.after.append(
                    _Statement(expression=_comment_on("COLUMN", target, column.comment))
                )

    def indexes(self) -> None:
        if self.table.indexes and self.traits.name == "clickhouse":
            names = ", ".join(self.table.indexes)
            self.after.append(
                _Statement(
                    [
                        f"indexes {names} not emitted: ClickHouse reads by the ORDER BY key "
                        "(add data-skipping indexes by hand where they pay off)"
                    ]
                )
            )
            return
        for name, index in self.table.indexes.items():
            self.after.append(self.index(name, index))

    def index(self, name: str, index: Index) -> _Statement:
        traits, notes = self.traits, []
        columns: list[exp.Expression] = []
        for spec in index.columns:
            key = self.index_key(spec)
            if key is None:
                return _Statement([f"index {name} skipped: sqlglot cannot read the key {spec}"])
            if not isinstance(key.this, exp.Column) and not traits.expression_indexes:
                return _Statement(
                    [
                        f"index {name} on ({', '.join(index.columns)}) skipped: {traits.label} has "
                        "no expression indexes here (index a generated column instead)"
                    ]
                )
            columns.append(key)
        where = None
        if index.where:
            if not traits.partial_indexes:
                return _Statement(
                    [
                        f"index {name} on ({', '.join(index.columns)}) WHERE {index.where} "
                        f"skipped: {traits.label} has no partial indexes"
                    ]
                )
            condition = _parse(index.where, self.script.source)
            if condition is None:
                return _Statement([f"index {name} skipped: sqlglot cannot read {index.where}"])
            where = exp.Where(this=condition)
        using = None
        if index.method and index.method.lower() != "btree":
            if index.method.lower() in traits.methods:
                using = exp.var(index.method.lower())
            else:
                notes.append(f"index {name}: {traits.label} has no {index.method} indexes; btree")
        include = None
        if index.include:
            if traits.include:
                include = _idents(index.include)
            else:
                notes.append(
                    f"index {name}: {traits.label} has no INCLUDE; "
                    f"covering columns {', '.join(index.include)} left out"
                )
        params = exp.IndexParameters(columns=columns, where=where, using=using, include=include)
        node = exp.Index(this=_ident(name), table=_table(self.name), params=params)
        return _Statement(notes, exp.Create(kind="INDEX", this=node, unique=index.unique))

    def index_key(self, spec: str) -> exp.Ordered | None:
        text, desc = _split_order(spec)
        if text in self.table.columns:
            key: exp.Expression | None = exp.column(_ident(text))
        else:
            key = _parse(text, self.script.source)
        if key is None:
            return None
        return _ordered(key, desc, self.traits.name)


# --------------------------------------------------------------------------- types


_TEXTS = {DType.TEXT, DType.MEDIUMTEXT, DType.LONGTEXT, DType.TINYTEXT}
_BLOBS = {DType.VARBINARY, DType.BLOB, DType.MEDIUMBLOB, DType.LONGBLOB, DType.TINYBLOB}
_INTEGERS = {
    DType.TINYINT,
    DType.SMALLINT,
    DType.MEDIUMINT,
    DType.INT,
    DType.BIGINT,
    DType.UTINYINT,
    DType.USMALLINT,
    DType.UMEDIUMINT,
    DType.UINT,
    DType.UBIGINT,
}

_POSTGRES_TYPES: dict[DType, str] = {
    DType.UTINYINT: "SMALLINT",
    DType.TINYINT: "SMALLINT",
    DType.USMALLINT: "INT",
    DType.MEDIUMINT: "INT",
    DType.UMEDIUMINT: "INT",
    DType.UINT: "BIGINT",
    DType.UBIGINT: "NUMERIC(20, 0)",
    DType.ENUM: "TEXT",
    DType.SET: "TEXT",
    DType.OBJECT: "JSONB",
    DType.STRUCT: "JSONB",
    DType.MAP: "JSONB",
    DType.YEAR: "SMALLINT",
    DType.DATETIME64: "TIMESTAMP",
    DType.LOWCARDINALITY: "TEXT",
}
_MYSQL_TYPES: dict[DType, str] = {
    DType.UUID: "CHAR(36)",
    DType.JSONB: "JSON",
    DType.OBJECT: "JSON",
    DType.STRUCT: "JSON",
    DType.MAP: "JSON",
    DType.ARRAY: "JSON",
    DType.INET: "VARCHAR(45)",
    DType.MONEY: "DECIMAL(19, 4)",
    DType.INTERVAL: "VARCHAR(64)",
    DType.TIMESTAMPTZ: "DATETIME(6)",
    DType.TIMESTAMPLTZ: "DATETIME(6)",
    DType.TIMETZ: "TIME",
    DType.SERIAL: "INT",
    DType.SMALLSERIAL: "SMALLINT",
    DType.BIGSERIAL: "BIGINT",
    DType.USERDEFINED: "TEXT",
    DType.XML: "TEXT",
    DType.DATETIME64: "DATETIME(6)",
    DType.LOWCARDINALITY: "TEXT",
}
_SQLITE_TYPES: dict[DType, str] = {
    DType.UUID: "TEXT",
    DType.DECIMAL: "NUMERIC",
    DType.MONEY: "NUMERIC",
    DType.JSON: "TEXT",
    DType.JSONB: "TEXT",
    DType.OBJECT: "TEXT",
    DType.STRUCT: "TEXT",
    DType.MAP: "TEXT",
    DType.ARRAY: "TEXT",
    DType.INET: "TEXT",
    DType.INTERVAL: "TEXT",
    DType.ENUM: "TEXT",
    DType.SET: "TEXT",
    DType.USERDEFINED: "TEXT",
    DType.XML: "TEXT",
    DType.SERIAL: "INTEGER",
    DType.SMALLSERIAL: "INTEGER",
    DType.BIGSERIAL: "INTEGER",
    DType.TIMESTAMPTZ: "TIMESTAMP",
    DType.TIMESTAMPLTZ: "TIMESTAMP",
    DType.TIMETZ: "TIME",
    DType.DATETIME64: "DATETIME",
    DType.LOWCARDINALITY: "TEXT",
}
_CLICKHOUSE_TYPES: dict[DType, str] = {
    DType.SERIAL: "UInt32",
    DType.BIGSERIAL: "UInt64",
    DType.JSONB: "String",
    DType.OBJECT: "String",
    DType.INET: "String",
    DType.USERDEFINED: "String",
    DType.MONEY: "Decimal(19, 4)",
    DType.TIMESTAMPTZ: "DateTime64(6)",
}
_SQLITE_AFFINITY = {
    **dict.fromkeys(_INTEGERS | {DType.BOOLEAN, DType.BIT}, "INTEGER"),
    **dict.fromkeys(_BLOBS | {DType.BINARY}, "BLOB"),
    **dict.fromkeys({DType.FLOAT, DType.DOUBLE}, "REAL"),
}

#: Shape-style type names architects also write for columns.
_TYPE_ALIASES = {"string": "TEXT", "object": "JSON", "array": "JSON", "int": "INT"}


_UDT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_type(text: str, dialect: str) -> exp.DataType:
    """Read a column type as written for ``dialect``.

    An unknown single-word name (``citext``) stays a user-defined type; anything else sqlglot
    cannot read becomes TEXT (see :func:`type_problem`), so no type text reaches the script raw.
    """
    return _build_type(text, dialect).copy()  # a copy: callers may modify it


@functools.lru_cache(maxsize=4096)
def _build_type(text: str, dialect: str) -> exp.DataType:
    text = _TYPE_ALIASES.get(text.strip().lower(), text.strip())
    try:
        return exp.DataType.build(text, dialect=dialect)
    except Exception:  # sqlglot raises several error types for what is not a type
        if _UDT_RE.match(text):
            return exp.DataType.build(text, dialect=dialect, udt=True)
        return exp.DataType.build("TEXT")


@functools.lru_cache(maxsize=4096)
def type_problem(text: str, dialect: str) -> str:
    """Why ``text`` was written as TEXT, or an empty string when it is a type."""
    cleaned = _TYPE_ALIASES.get(text.strip().lower(), text.strip())
    try:
        exp.DataType.build(cleaned, dialect=dialect)
    except Exception:
        if not _UDT_RE.match(cleaned):
            return f"type {text} is not a SQL type sqlglot can read: TEXT"
    return ""


def _type(text: str, dialect: str) -> exp.DataType:
    """A type we name ourselves (``JSONB``), built once per dialect; a copy to modify."""
    return _fixed_type(text, dialect).copy()


@functools.lru_cache(maxsize=256)
def _fixed_type(text: str, dialect: str) -> exp.DataType:
    return exp.DataType.build(text, dialect=dialect)


def convert_type(text: str, source: str, target: str, *, keyed: bool = False) -> exp.DataType:
    """The column type ``text`` (written for ``source``) as ``target`` can declare it.

    ``keyed`` columns (in a key or index) get a bounded type in MySQL, which cannot index TEXT.
    """
    dtype = parse_type(text, source)
    if target == "postgres":
        return _to_postgres(dtype)
    if target == "mysql":
        return _to_mysql(dtype, keyed)
    if target == "sqlite":
        return _to_sqlite(dtype)
    replacement = _CLICKHOUSE_TYPES.get(dtype.this)
    return _type(replacement, target) if replacement else dtype


def _to_postgres(dtype: exp.DataType) -> exp.DataType:
    if dtype.this is DType.USERDEFINED:
        return dtype
    replacement = _POSTGRES_TYPES.get(dtype.this)
    if replacement is None and dtype.this is DType.ARRAY and not dtype.expressions:
        replacement = "JSONB"
    if replacement:
        return _type(replacement, "postgres")
    if dtype.this in _INTEGERS:
        return exp.DataType(this=dtype.this)  # no display widths: INT(11) is MySQL-only
    return dtype


def _to_mysql(dtype: exp.DataType, keyed: bool) -> exp.DataType:
    if dtype.this in _TEXTS | {DType.USERDEFINED} and keyed:
        return _type("VARCHAR(255)", "mysql")
    if dtype.this in _BLOBS and keyed:
        return _type("VARBINARY(255)", "mysql")
    replacement = _MYSQL_TYPES.get(dtype.this)
    if replacement:
        return _type(replacement, "mysql")
    if dtype.this in (DType.VARCHAR, DType.NVARCHAR, DType.VARBINARY) and not dtype.expressions:
        size = "VARCHAR(255)" if keyed else "TEXT"
        return _type(size if dtype.this != DType.VARBINARY else "LONGBLOB", "mysql")
    return dtype


def _to_sqlite(dtype: exp.DataType) -> exp.DataType:
    replacement = _SQLITE_TYPES.get(dtype.this) or _SQLITE_AFFINITY.get(dtype.this)
    if replacement:  # an affinity name, written as is (sqlglot would turn NUMERIC into REAL)
        return exp.DataType(this=DType.USERDEFINED, kind=replacement)
    if dtype.this in _TEXTS | {DType.VARCHAR, DType.NVARCHAR, DType.CHAR, DType.NCHAR}:
        return _type("TEXT", "sqlite")
    return dtype


# --------------------------------------------------------------------------- defaults

_UUID_FUNCTIONS = {"gen_random_uuid", "uuid_generate_v4", "uuid", "newid", "generateuuidv4"}
_NOW_FUNCTIONS = {"now", "current_timestamp", "localtimestamp", "getdate", "sysdate"}


def convert_default(default: exp.Expression, target: str) -> tuple[exp.Expression | None, str]:
    """``default`` as ``target`` accepts it, or ``None`` and the reason it was dropped."""
    name = _function_name(default)
    if isinstance(default, exp.Uuid) or name in _UUID_FUNCTIONS:
        return _uuid_default(target)
    if isinstance(default, exp.CurrentTimestamp) or name in _NOW_FUNCTIONS:
        return (exp.Anonymous(this="now") if target == "clickhouse" else exp.CurrentTimestamp()), ""
    if _is_constant(default) or target in ("postgres", "clickhouse"):
        return default, ""
    return exp.Paren(this=default), ""  # MySQL 8 and SQLite want expression defaults in ()


def _uuid_default(target: str) -> tuple[exp.Expression | None, str]:
    if target == "postgres":
        return exp.Uuid(), ""
    if target == "mysql":
        return exp.Paren(this=exp.Uuid()), ""
    if target == "clickhouse":
        return exp.Anonymous(this="generateUUIDv4"), ""
    return None, "default gen_random_uuid() dropped: SQLite has no UUID function, the app sets it"


_SERIALS = {DType.SERIAL, DType.SMALLSERIAL, DType.BIGSERIAL}


def _sequence_of(node: exp.Expression | None) -> str | None:
    """The sequence of a ``nextval('name')`` default, else ``None``."""
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "nextval":
        args = node.expressions
        if len(args) == 1 and isinstance(args[0], exp.Literal) and args[0].is_string:
            return args[0].name
    return None


def _function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func) and not node.args.get("expressions") and not node.this:
        return node.sql_name().lower()
    return ""


def _is_constant(node: exp.Expression) -> bool:
    if isinstance(node, exp.Neg):
        return _is_constant(node.this)
    return isinstance(node, exp.Literal | exp.Null | exp.Boolean)


# --------------------------------------------------------------------------- partitions


_INTERVALS = {
    "daily": "day",
    "day": "day",
    "1d": "day",
    "weekly": "week",
    "week": "week",
    "7d": "week",
    "monthly": "month",
    "month": "month",
    "quarterly": "quarter",
    "quarter": "quarter",
    "yearly": "year",
    "year": "year",
    "annual": "year",
    "annually": "year",
}
_EXAMPLE_PARTITIONS = 3
_HASH_PARTITIONS = 4


def _partition_start(design: Design, extra: Mapping[str, object]) -> dt.date:
    given = extra.get("partition_start")
    if isinstance(given, dt.date):
        return given
    if isinstance(given, str) and given:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            raise ExportError(
                f"partition_start '{given}' is not a date; write it as YYYY-MM-DD"
            ) from None
    dates = [d.date for d in design.decisions.values() if d.date is not None]
    return max(dates) if dates else dt.date(2024, 1, 1)


def _partitions(name: str, table: Table, start: dt.date, column: str) -> list[_Statement]:
    part = table.partitioning
    assert part is not None
    strategy = part.by.lower()
    result: list[_Statement] = []
    if strategy == "hash":
        for remainder in range(_HASH_PARTITIONS):
            bound = exp.PartitionBoundSpec(
                this=exp.Literal.number(_HASH_PARTITIONS),
                expression=exp.Literal.number(remainder),
            )
            result.append(_partition(f"{name}_p{remainder}", name, bound))
        return result
    step = _INTERVALS.get(part.interval.lower().strip()) if strategy == "range" else None
    key_type = table.columns.get(column)
    temporal = key_type is not None and _is_temporal(key_type.type)
    if step and temporal:
        bounds = list(_range_bounds(start, step, _EXAMPLE_PARTITIONS))
        result.append(
            _Statement(
                [
                    f"Example {part.interval} partitions: create the next ones ahead of time "
                    "(a scheduled job or pg_partman)."
                ]
            )
        )
        for suffix, low, high in bounds:
            bound = exp.PartitionBoundSpec(
                from_expressions=[exp.Literal.string(low.isoformat())],
                to_expressions=[exp.Literal.string(high.isoformat())],
            )
            result.append(_partition(f"{name}_{suffix}", name, bound))
    notes = ["Rows outside every partition land here instead of failing."]
    result.append(_partition(f"{name}_default", name, exp.var("DEFAULT"), notes))
    return result


def _partition(
    name: str, parent: str, bound: exp.Expression, notes: list[str] | None = None
) -> _Statement:
    prop = exp.PartitionedOfProperty(this=_table(parent), expression=bound)
    create = exp.Create(
        this=_table(name), kind="TABLE", properties=exp.Properties(expressions=[prop])
    )
    return _Statement(list(notes or []), create)


def _range_bounds(start: dt.date, step: str, count: int) -> Iterator[tuple[str, dt.date, dt.date]]:
    low = _align(start, step)
    for _ in range(count):
        high = _advance(low, step)
        yield _suffix(low, step), low, high
        low = high


def _align(day: dt.date, step: str) -> dt.date:
    if step == "day":
        return day
    if step == "week":
        return day - dt.timedelta(days=day.weekday())
    if step == "month":
        return day.replace(day=1)
    if step == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def _advance(day: dt.date, step: str) -> dt.date:
    if step == "day":
        return day + dt.timedelta(days=1)
    if step == "week":
        return day + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[step]
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def _suffix(day: dt.date, step: str) -> str:
    if step in ("day", "week"):
        return day.strftime("%Y_%m_%d")
    if step == "month":
        return day.strftime("%Y_%m")
    if step == "quarter":
        return f"{day.year}_q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def _is_temporal(type_text: str) -> bool:
    return _build_type(type_text, "postgres").this in exp.DataType.TEMPORAL_TYPES


def _missing_key_columns(table: Table, column: str) -> list[str]:
    """The partition column, if absent from the primary key or a unique constraint (PostgreSQL)."""
    if column not in table.columns:
        return []
    keys = [table.primary_key, *table.unique.values()]
    return [column] if any(k and column not in k for k in keys) else []


#: ClickHouse functions that truncate a date or time to a day, week, month, quarter or year.
_DATE_BUCKETS = frozenset(
    {
        "todate",
        "tomonday",
        "toyear",
        "toyyyymm",
        "toyyyymmdd",
        "tostartofday",
        "tostartofweek",
        "tostartofmonth",
        "tostartofquarter",
        "tostartofyear",
    }
)


def _bucketed_column(key: exp.Expression, table: Table) -> str:
    """The temporal column a range key buckets by date (``toYYYYMM(ts)``), else ``""``."""
    part = table.partitioning
    if part is None or part.by.lower() != "range":
        return ""
    if part.interval.lower().strip() not in _INTERVALS:
        return ""
    if isinstance(key, exp.Anonymous) and key.name.lower() in _DATE_BUCKETS:
        args = key.expressions
    elif isinstance(key, (exp.TimestampTrunc, exp.DateTrunc, exp.TsOrDsToDate, exp.Date)):
        args = [key.this]
    else:
        return ""
    arg = args[0] if len(args) == 1 else None
    column = arg.name if isinstance(arg, exp.Column) else ""
    return column if column in table.columns and _is_temporal(table.columns[column].type) else ""


def _partition_key(table: Table, source: str, clickhouse: bool = False) -> exp.Expression | None:
    part = table.partitioning
    if part is None or not part.key:
        return None
    if part.key in table.columns:
        key: exp.Expression = exp.column(_ident(part.key))
        if clickhouse:
            step = _INTERVALS.get(part.interval.lower().strip(), "")
            function = {"day": "toYYYYMMDD", "month": "toYYYYMM", "year": "toYear"}.get(step)
            return exp.Anonymous(this=function, expressions=[key]) if function else key
        return key
    parsed = _parse(part.key, source)
    if parsed is None or clickhouse:
        return parsed
    return exp.Paren(this=parsed)  # PostgreSQL: PARTITION BY RANGE ((expression))


# --------------------------------------------------------------------------- ClickHouse


def _is_clickhouse_engine(engine: str) -> bool:
    return "MergeTree" in engine or engine.startswith(("Log", "Memory", "Distributed"))


def _clickhouse_properties(
    engine: str,
    order_by: tuple[str, ...],
    ttl: str,
    comment: str,
    partition: exp.Expression | None,
    source: str = "clickhouse",
) -> list[exp.Expression]:
    engine_call = _parse(engine or "MergeTree()", "clickhouse")
    if not isinstance(engine_call, exp.Func):
        engine_call = exp.Anonymous(this="MergeTree")
    properties: list[exp.Expression] = [exp.EngineProperty(this=engine_call)]
    if partition is not None:
        properties.append(exp.PartitionedByProperty(this=partition))
    keys = [exp.column(_ident(c)) for c in order_by]
    if keys:
        order = keys[0] if len(keys) == 1 else exp.Tuple(expressions=keys)
    else:
        order = exp.Tuple(expressions=[])
    properties.append(exp.Order(expressions=[exp.Ordered(this=order, nulls_first=False)]))
    ttl_expression = _parse(ttl, source) if ttl else None
    if ttl_expression is not None:
        properties.append(exp.MergeTreeTTL(expressions=[ttl_expression]))
    if comment:
        properties.append(exp.SchemaCommentProperty(this=exp.Literal.string(comment)))
    return properties


# --------------------------------------------------------------------------- helpers


def _fk_order(tables: Mapping[str, Table]) -> list[str]:
    """Table names so that referenced tables come first; design order breaks ties and cycles."""
    order = list(tables)
    remaining = dict.fromkeys(order)
    result: list[str] = []
    while remaining:
        ready = next(
            (t for t in remaining if not (_references(tables[t], tables) & set(remaining) - {t})),
            next(iter(remaining)),  # a cycle: the first table waits for nothing
        )
        result.append(ready)
        del remaining[ready]
    return result


def _references(table: Table, tables: Mapping[str, Table]) -> set[str]:
    return {fk.table for fk in table.foreign_keys.values() if fk.table in tables}


def _parse(text: str, dialect: str) -> exp.Expression | None:
    """Parse user-written SQL (an expression or a query), or ``None`` if sqlglot cannot.

    The tree is the caller's own (a copy of the memoised parse): it may be put in a statement.
    """
    tree = _parsed(text, dialect)
    return None if tree is None else tree.copy()


@functools.lru_cache(maxsize=8192)
def _parsed(text: str, dialect: str) -> exp.Expression | None:
    """The memoised parse of :func:`_parse`; shared, so only for reading (never modify it)."""
    if not text or not text.strip():
        return None
    try:
        return sqlglot.parse_one(text, read=dialect, error_level=ErrorLevel.RAISE)
    except (ParseError, TokenError, ValueError):
        return None


_ORDER_RE = re.compile(r"^(?P<key>.*?)\s+(?P<dir>ASC|DESC)\s*$", re.IGNORECASE | re.DOTALL)


def _split_order(spec: str) -> tuple[str, bool]:
    """``created_at DESC`` -> (``created_at``, True)."""
    match = _ORDER_RE.match(spec.strip())
    if not match:
        return spec.strip(), False
    return match["key"].strip(), match["dir"].upper() == "DESC"


def _on_delete(action: str) -> str:
    words = action.replace("_", " ").replace("-", " ").upper().split()
    known = {"CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION"}
    text = " ".join(words)
    if text not in known:
        raise ExportError(
            f"ON DELETE '{action}' is not an action; use one of: "
            + ", ".join(sorted(k.lower() for k in known))
        )
    return text


def _ordered(key: exp.Expression, desc: bool, dialect: str) -> exp.Ordered:
    """An index key in the dialect's default NULL order (so no NULLS FIRST/LAST is written)."""
    nulls_large = _nulls_are_large(dialect)
    return exp.Ordered(this=key, desc=desc or None, nulls_first=desc if nulls_large else not desc)


@functools.lru_cache(maxsize=8)
def _nulls_are_large(dialect: str) -> bool:
    return bool(sqlglot.Dialect.get_or_raise(dialect).NULL_ORDERING == "nulls_are_large")


def _ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _idents(names: tuple[str, ...] | list[str]) -> list[exp.Identifier]:
    return [_ident(n) for n in names]


def _table(name: str) -> exp.Table:
    return exp.Table(this=_ident(name))


def _constraint(name: str, body: exp.Expression) -> exp.Constraint:
    return exp.Constraint(this=_ident(name), expressions=[body])


def _comment_on(kind: str, target: exp.Expression, text: str) -> exp.Comment:
    return exp.Comment(this=target, kind=kind, expression=exp.Literal.string(text))


def _comment_lines(text: str, traits: DialectTraits) -> list[str]:
    """Table/view comments as ``--`` lines where the dialect has no COMMENT of its own."""
    return [text] if text and traits.comments == "block" else []


def _one_line(text: str) -> str:
    """User text made safe for a ``--`` comment: one line, no control characters."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
