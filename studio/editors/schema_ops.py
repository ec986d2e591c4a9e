"""What the schema editor does to a datastore, without Qt: edits, the type vocabulary, problems.

Every edit takes the datastore (or a table) as it is in the design and returns a new frozen
value; the editor wraps the result in one :class:`~studio.commands.EditElement`. Edits that
cannot make sense (a duplicate name, a reference that is not ``table.column``) raise
:class:`SchemaError`; :func:`schema_problems` lists what is wrong in a whole datastore so that
an edit which *adds* a problem (a foreign key to a missing table, an index on a missing column,
an unknown type) is refused before it reaches the undo stack. Renames and deletes carry through
keys, indexes and foreign keys, in this table and in the tables that reference it.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel
from sqlglot.tokens import Tokenizer

from models.elements import (
    Column,
    Datastore,
    ForeignKey,
    Index,
    Partitioning,
    Table,
)
from models.references import unique_keys
from models.units import Count, Duration, Rate, UnitError

__all__ = [
    "ON_DELETE",
    "RECORDS",
    "Problem",
    "SchemaError",
    "add_check",
    "add_column",
    "add_foreign_key",
    "add_index",
    "add_table",
    "check_type",
    "delete_column",
    "delete_record",
    "delete_table",
    "dialect_of",
    "move_key",
    "reference_of",
    "rename_column",
    "rename_record",
    "rename_table",
    "schema_problems",
    "set_check",
    "set_column",
    "set_foreign_key",
    "set_index",
    "set_partitioning",
    "set_primary",
    "set_reference",
    "set_table_field",
    "set_unique",
    "split_list",
    "type_vocabulary",
    "unique_keys",
    "with_changes",
    "with_table",
]

DType = exp.DataType.Type
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
_ORDER = re.compile(r"\s+(ASC|DESC)\s*$", re.IGNORECASE)

#: The types offered first in every dialect, as that dialect writes them.
_CORE_TYPES = (
    "BIGINT", "INTEGER", "SMALLINT", "DECIMAL(10,2)", "NUMERIC", "REAL", "DOUBLE PRECISION",
    "BOOLEAN", "VARCHAR(255)", "CHAR(1)", "TEXT", "UUID", "DATE", "TIME", "TIMESTAMP",
    "TIMESTAMPTZ", "DATETIME", "INTERVAL", "JSON", "JSONB", "BYTEA", "BLOB", "BINARY(16)",
)
_NOT_COLUMN_TYPES = {DType.USERDEFINED, DType.NULL, DType.UNKNOWN}
#: PostgreSQL's catalogue types (and its ``REG*`` object-id aliases): not for table columns.
_SYSTEM_TYPES = {"CSTRING", "NAME", "OID"}


class SchemaError(ValueError):
    """An edit that cannot be made; the message says why."""


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """Something wrong in a table: ``where`` is ``column x``, ``index i``, ``foreign key f``..."""

    table: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}: {self.message}"


def dialect_of(store: Datastore) -> str:
    """The sqlglot dialect the datastore's SQL is written in."""
    return store.engine.dialect or "postgres"


# --------------------------------------------------------------------------- types


@functools.cache
def type_vocabulary(dialect: str) -> tuple[str, ...]:
    """The column types of ``dialect``, as it writes them: common ones first, then its own.

    Built from sqlglot: the common SQL types and the type keywords the dialect's tokenizer adds
    to the generic one, each kept under the name the dialect's generator writes when that name
    reads back as the same :class:`sqlglot.exp.DataType` type.
    """
    dialect_class = Dialect.get_or_raise(dialect)
    type_tokens = dialect_class.parser_class.TYPE_TOKENS
    own = sorted(word for word, token in dialect_class.tokenizer_class.KEYWORDS.items()
                 if token in type_tokens and Tokenizer.KEYWORDS.get(word) != token)
    names: dict[str, None] = {}
    for word in (*_CORE_TYPES, *own):
        name = _canonical_type(word, dialect)
        if name:
            names.setdefault(name)
    return tuple(names)


@functools.cache
def _type_words(dialect: str) -> tuple[str, ...]:
    """Every type keyword the dialect reads (``INTEGER`` as well as ``INT``), for "did you mean"."""
    dialect_class = Dialect.get_or_raise(dialect)
    type_tokens = dialect_class.parser_class.TYPE_TOKENS
    words = {w for w, t in dialect_class.tokenizer_class.KEYWORDS.items() if t in type_tokens}
    return tuple(sorted(words | {n.split("(")[0].upper() for n in type_vocabulary(dialect)}))


def _canonical_type(word: str, dialect: str) -> str:
    try:
        dtype = exp.DataType.build(word, dialect=dialect)
        name = dtype.sql(dialect)
        same = exp.DataType.build(name, dialect=dialect).this == dtype.this
    except Exception:  # sqlglot raises several error types for what is not a type
        return ""
    usable = same and dtype.this not in _NOT_COLUMN_TYPES and name not in _SYSTEM_TYPES
    return name if usable and not name.startswith("REG") else ""


@functools.lru_cache(maxsize=8192)
def check_type(text: str, dialect: str) -> tuple[str, str]:
    """``(error, warning)`` about a column type written for ``dialect``.

    A name sqlglot does not know is taken as a user-defined type (``citext``, an enum) with a
    warning, unless it is a near miss of a known type (``INTEGR``): then it is an error.
    """
    text = text.strip()
    if not text:
        return "a column needs a type", ""
    try:
        dtype = exp.DataType.build(text, dialect=dialect)
    except Exception:
        dtype = None
    if dtype is not None and dtype.this is not DType.USERDEFINED:
        return "", ""
    if not _IDENT.match(text):
        return f"unknown type {text}: sqlglot cannot read it as a {dialect} type", ""
    close = difflib.get_close_matches(text.upper(), _type_words(dialect), n=1, cutoff=0.85)
    if close:
        return f"unknown type {text}; did you mean {close[0]}?", ""
    return "", f"{text} is not a built-in {dialect} type: taken as a user-defined type"


# --------------------------------------------------------------------------- small helpers


def split_list(text: str) -> tuple[str, ...]:
    """``a, lower(b), coalesce(c, d) DESC`` -> its three items (commas inside brackets stay)."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return tuple(item.strip() for item in items if item.strip())


def move_key(records: Mapping[str, Any], key: str, step: int) -> dict[str, Any]:
    """``records`` with ``key`` moved ``step`` places (clamped to the ends)."""
    keys = list(records)
    at = keys.index(key)
    keys.insert(max(0, min(len(keys) - 1, at + step)), keys.pop(at))
    return {k: records[k] for k in keys}


def _renamed(records: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
    return {(new if k == old else k): v for k, v in records.items()}


def _fresh(existing: Iterable[str], stem: str) -> str:
    taken = set(existing)
    if stem not in taken:
        return stem
    return next(f"{stem}_{n}" for n in range(2, len(taken) + 3) if f"{stem}_{n}" not in taken)


def _check_name(name: str, what: str, taken: Iterable[str]) -> str:
    name = name.strip()
    article = "an" if what[0] in "aeiou" else "a"
    if not name:
        raise SchemaError(f"{article} {what} needs a name")
    if not _IDENT.match(name):
        raise SchemaError(f"{what} name '{name}' must be letters, digits and _ (not first digit)")
    if name in taken:
        raise SchemaError(f"there is already {article} {what} named '{name}'")
    return name


def with_changes(value: Any, **changes: Any) -> Any:
    """:func:`dataclasses.replace` for fields named at run time (``**{field: value}``)."""
    return replace(value, **changes)


def with_table(store: Datastore, name: str, table: Table) -> Datastore:
    """``store`` with table ``name`` replaced by ``table`` (order kept)."""
    return replace(store, tables={**store.tables, name: table})


# --------------------------------------------------------------------------- tables


def add_table(store: Datastore, name: str = "") -> tuple[Datastore, str]:
    """A new table keyed by a ``BIGINT`` ``id``; returns the store and the table's name."""
    name = _check_name(name, "table", store.tables) if name else _fresh(store.tables, "new_table")
    id_type = "Int64" if dialect_of(store) == "clickhouse" else "BIGINT"
    table = Table(columns={"id": Column(type=id_type, nullable=False)}, primary_key=("id",))
    return with_table(store, name, table), name


def rename_table(store: Datastore, old: str, new: str) -> Datastore:
    """Rename a table; foreign keys that reference it follow."""
    new = _check_name(new, "table", set(store.tables) - {old})
    tables = _renamed(store.tables, old, new)
    for name, table in tables.items():
        fks = {k: replace(fk, table=new) if fk.table == old else fk
               for k, fk in table.foreign_keys.items()}
        tables[name] = replace(table, foreign_keys=fks)
    return replace(store, tables=tables)


def delete_table(store: Datastore, name: str) -> tuple[Datastore, list[str]]:
    """Delete a table and the foreign keys of other tables that reference it (listed)."""
    tables = {k: t for k, t in store.tables.items() if k != name}
    dropped = []
    for other, table in tables.items():
        keep = {k: fk for k, fk in table.foreign_keys.items() if fk.table != name}
        dropped += [f"{other}.{k}" for k in table.foreign_keys if k not in keep]
        tables[other] = replace(table, foreign_keys=keep)
    return replace(store, tables=tables), dropped


_TABLE_PARSERS: dict[str, Callable[[str], Any]] = {
    "rows": Count.parse, "growth": Rate.parse, "retention": Duration.parse,
}


def set_table_field(table: Table, field: str, text: str) -> Table:
    """Set ``rows``, ``growth``, ``retention`` (empty clears), ``archival`` or ``comment``."""
    parse = _TABLE_PARSERS.get(field)
    if parse is None:
        return with_changes(table, **{field: text})
    return with_changes(table, **{field: _parse_unit(parse, text)})


def _parse_unit(parse: Callable[[str], Any], text: str) -> Any:
    if not text.strip():
        return None
    try:
        return parse(text.strip())
    except UnitError as exc:
        raise SchemaError(str(exc)) from None


def set_partitioning(table: Table, field: str, text: str) -> Table:
    """Set a partitioning field (``by`` empty or ``none`` removes the partitioning)."""
    if field == "by" and text.strip().lower() in ("", "none"):
        return replace(table, partitioning=None)
    part = table.partitioning or Partitioning()
    if field == "retention":
        value: Any = _parse_unit(Duration.parse, text)
    else:
        value = text.strip().lower() if field == "by" else text.strip()
    return replace(table, partitioning=with_changes(part, **{field: value}))


# --------------------------------------------------------------------------- columns


def add_column(table: Table, type_: str, after: str | None = None) -> tuple[Table, str]:
    """A new nullable column (after column ``after``, else last); returns it and its name."""
    name = _fresh(table.columns, "new_column")
    items = list(table.columns.items())
    at = [k for k, _ in items].index(after) + 1 if after in table.columns else len(items)
    items.insert(at, (name, Column(type=type_)))
    return replace(table, columns=dict(items)), name


def set_column(table: Table, column: str, field: str, value: Any) -> Table:
    """Set ``type``, ``nullable``, ``default`` (empty clears) or ``comment`` of a column."""
    if field == "default":
        value = value.strip() or None if isinstance(value, str) else value
    elif field == "type":
        value = str(value).strip()
    updated = with_changes(table.columns[column], **{field: value})
    return replace(table, columns={**table.columns, column: updated})


def rename_column(store: Datastore, table_name: str, old: str, new: str) -> Datastore:
    """Rename a column; keys, indexes, partitioning and referencing foreign keys follow."""
    table = store.tables[table_name]
    new = _check_name(new, "column", set(table.columns) - {old})
    swap = _swapper(old, new)
    sql = functools.partial(_rename_in_sql, old=old, new=new, dialect=dialect_of(store))
    table = replace(
        table,
        columns=_renamed(table.columns, old, new),
        primary_key=swap(table.primary_key),
        unique={k: swap(v) for k, v in table.unique.items()},
        foreign_keys={k: replace(fk, columns=swap(fk.columns))
                      for k, fk in table.foreign_keys.items()},
        checks={k: sql(v) for k, v in table.checks.items()},
        indexes={k: replace(ix, columns=tuple(_rename_in_spec(c, sql) for c in ix.columns),
                            include=swap(ix.include), where=sql(ix.where))
                 for k, ix in table.indexes.items()},
        partitioning=_rename_partition(table.partitioning, sql),
        order_by=swap(table.order_by),
    )
    store = with_table(store, table_name, table)
    return replace(store, tables={name: _retarget(t, table_name, swap)
                                  for name, t in store.tables.items()})


def _swapper(old: str, new: str) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    return lambda names: tuple(new if n == old else n for n in names)


def _rename_in_spec(spec: str, sql: Callable[[str], str]) -> str:
    key, order = _split_order(spec)
    return sql(key) + order


def _rename_partition(part: Partitioning | None,
                      sql: Callable[[str], str]) -> Partitioning | None:
    return replace(part, key=sql(part.key)) if part is not None else part


def _rename_in_sql(text: str, old: str, new: str, dialect: str) -> str:
    """``text`` (a column name or SQL expression) with column ``old`` called ``new``.

    Text that does not mention the column comes back as written; text that does is parsed and
    regenerated in ``dialect`` (a bare name is simply replaced).
    """
    if text == old:
        return new
    if not text or not re.search(rf"\b{re.escape(old)}\b", text) or _IDENT.match(text):
        return text
    try:
        tree = sqlglot.parse_one(text, read=dialect, error_level=ErrorLevel.RAISE)
    except Exception:  # unreadable SQL stays as the user wrote it
        return text
    for column in tree.find_all(exp.Column):
        if column.name == old:
            column.set("this", exp.to_identifier(new))
    return tree.sql(dialect=dialect)


def _retarget(table: Table, target: str, swap: Callable[..., tuple[str, ...]]) -> Table:
    fks = {k: replace(fk, references=swap(fk.references)) if fk.table == target else fk
           for k, fk in table.foreign_keys.items()}
    return replace(table, foreign_keys=fks)


def delete_column(store: Datastore, table_name: str, column: str) -> tuple[Datastore, list[str]]:
    """Delete a column with the keys, indexes and foreign keys built on it (those are listed)."""
    table = store.tables[table_name]
    dropped: list[str] = []
    uniques = _keep(table.unique, lambda cols: column not in cols, "unique", dropped)
    fks = _keep(table.foreign_keys, lambda fk: column not in fk.columns, "foreign key", dropped)
    indexes = _keep(table.indexes, lambda ix: column not in _index_keys(ix), "index", dropped)
    part = table.partitioning
    if part is not None and part.key == column:
        part = None
        dropped.append("the partitioning")
    table = replace(table, columns={k: v for k, v in table.columns.items() if k != column},
                    primary_key=tuple(c for c in table.primary_key if c != column),
                    unique=uniques, foreign_keys=fks, indexes=indexes, partitioning=part,
                    order_by=tuple(c for c in table.order_by if c != column))
    tables = {}
    for name, other in with_table(store, table_name, table).tables.items():
        keep = _keep(other.foreign_keys, lambda fk: not (fk.table == table_name
                                                         and column in fk.references),
                     f"foreign key of {name}", dropped)
        tables[name] = replace(other, foreign_keys=keep)
    return replace(store, tables=tables), dropped


def _keep(records: Mapping[str, Any], test: Callable[[Any], bool], what: str,
          dropped: list[str]) -> dict[str, Any]:
    kept = {k: v for k, v in records.items() if test(v)}
    dropped += [f"{what} {k}" for k in records if k not in kept]
    return kept


def set_primary(table: Table, column: str, on: bool) -> Table:
    """Add ``column`` to the primary key (in column order; it becomes NOT NULL) or take it out."""
    keys = set(table.primary_key) - {column} | ({column} if on else set())
    ordered = tuple(c for c in table.columns if c in keys)
    extra = tuple(c for c in table.primary_key if c in keys and c not in table.columns)
    table = replace(table, primary_key=ordered + extra)
    return set_column(table, column, "nullable", False) if on else table


def set_unique(table: Table, table_name: str, column: str, on: bool) -> Table:
    """Add a one-column unique constraint ``<table>_<column>_key``, or drop those on it."""
    unique = {k: v for k, v in table.unique.items() if v != (column,)}
    if on:
        unique[_fresh(unique, f"{table_name}_{column}_key")] = (column,)
    return replace(table, unique=unique)


def reference_of(table: Table, column: str) -> str:
    """``table.column`` the column references through a foreign key, else ``''``."""
    for fk in table.foreign_keys.values():
        if column in fk.columns:
            at = fk.columns.index(column)
            ref = fk.references[at] if at < len(fk.references) else "?"
            return f"{fk.table}.{ref}"
    return ""


def set_reference(store: Datastore, table_name: str, column: str, text: str) -> Datastore:
    """Point ``column`` at ``table.column`` (a foreign key), or at nothing (``''``).

    In a composite foreign key to the same table only this column's reference changes;
    otherwise the column leaves its foreign key and gets one of its own, ``fk_<table>_<col>``.
    """
    table = store.tables[table_name]
    target = _parse_reference(text)
    fks = dict(table.foreign_keys)
    current = next((k for k, fk in fks.items() if column in fk.columns), None)
    if current is not None:
        fk = fks.pop(current)
        if target is not None and len(fk.columns) > 1 and fk.table == target[0]:
            refs = list(fk.references)
            refs[fk.columns.index(column)] = target[1]
            fks[current] = replace(fk, references=tuple(refs))
            return with_table(store, table_name, replace(table, foreign_keys=fks))
        rest = _without(fk, column)
        if rest is not None:
            fks[current] = rest
    if target is not None:
        name = _fresh(fks, f"fk_{table_name}_{column}")
        fks[name] = ForeignKey(columns=(column,), table=target[0], references=(target[1],))
    return with_table(store, table_name, replace(table, foreign_keys=fks))


def _parse_reference(text: str) -> tuple[str, str] | None:
    text = text.strip()
    if not text:
        return None
    table, dot, column = text.rpartition(".")
    if not dot or not table.strip() or not column.strip():
        raise SchemaError(f"write a reference as table.column, not '{text}'")
    return table.strip(), column.strip()


def _without(fk: ForeignKey, column: str) -> ForeignKey | None:
    at = fk.columns.index(column)
    columns = fk.columns[:at] + fk.columns[at + 1:]
    refs = fk.references[:at] + fk.references[at + 1:]
    return replace(fk, columns=columns, references=refs) if columns else None


# --------------------------------------------------------------------------- indexes


def add_index(table: Table, table_name: str, column: str | None) -> tuple[Table, str]:
    """A new index on ``column`` (else the first column); returns it and its name."""
    column = column or next(iter(table.columns), "")
    name = _fresh(table.indexes, f"idx_{table_name}_{column}" if column else f"idx_{table_name}")
    index = Index(columns=(column,) if column else ())
    return replace(table, indexes={**table.indexes, name: index}), name


#: The named records of a table the editor lists, and what one of them is called.
RECORDS = {"indexes": "index", "foreign_keys": "foreign key", "checks": "check"}


def rename_record(table: Table, kind: str, old: str, new: str) -> Table:
    """Rename an index, foreign key or check (``kind`` as in :data:`RECORDS`); order stays."""
    records = getattr(table, kind)
    new = _check_name(new, RECORDS[kind], set(records) - {old})
    return with_changes(table, **{kind: _renamed(records, old, new)})


def delete_record(table: Table, kind: str, name: str) -> Table:
    """Delete an index, foreign key or check."""
    kept = {k: v for k, v in getattr(table, kind).items() if k != name}
    return with_changes(table, **{kind: kept})


def set_index(table: Table, name: str, field: str, value: Any) -> Table:
    """Set ``columns``/``include`` (comma-separated text), ``unique``, ``where`` or ``method``."""
    if field in ("columns", "include"):
        value = split_list(value)
    elif isinstance(value, str):
        value = value.strip()
    updated = with_changes(table.indexes[name], **{field: value})
    return replace(table, indexes={**table.indexes, name: updated})


def add_foreign_key(store: Datastore, table_name: str, column: str | None) -> tuple[Table, str]:
    """A foreign key from ``column`` (else the first column) to another table's key.

    The target is the first other table with a one-column primary or unique key (so that the
    new key is sound), else the first other table.
    """
    table = store.tables[table_name]
    column = column or next(iter(table.columns), "")
    others = [n for n in store.tables if n != table_name] or [table_name]
    single = {n: next((k for k in unique_keys(store.tables[n]) if len(k) == 1), None)
              for n in others}
    target = next((n for n in others if single[n]), others[0])
    keys = single[target] or store.tables[target].primary_key or tuple(
        store.tables[target].columns)
    name = _fresh(table.foreign_keys, f"fk_{table_name}_{column or target}")
    fk = ForeignKey(columns=(column,) if column else (), table=target, references=keys[:1])
    return replace(table, foreign_keys={**table.foreign_keys, name: fk}), name


def set_foreign_key(table: Table, name: str, field: str, value: str,
                    target: Table | None = None) -> Table:
    """Set ``columns``/``references`` (comma-separated), ``table`` or ``on_delete``.

    Columns keep the referenced column they were paired with, so dropping a column from a
    composite key drops its reference too; a new column's reference is left to fill in. A new
    ``table`` (its definition given as ``target``) whose columns do not hold the references as
    a key gets its key of as many columns instead, the primary key first.
    """
    fk = table.foreign_keys[name]
    if field == "table" and target is not None:
        keys = unique_keys(target)
        refs = set(fk.references)
        if not any(set(key) == refs for key in keys):
            key = next((k for k in keys if len(k) == len(fk.columns)), None)
            fk = replace(fk, references=key) if key else fk
    parsed: Any = split_list(value) if field in ("columns", "references") else value.strip()
    if field == "on_delete":
        parsed = " ".join(parsed.lower().replace("_", " ").split())
    updated = with_changes(fk, **{field: parsed})
    if field == "columns" and len(fk.columns) == len(fk.references):
        pairs = dict(zip(fk.columns, fk.references, strict=True))
        updated = replace(updated, references=tuple(pairs.get(c, "") for c in parsed))
    return replace(table, foreign_keys={**table.foreign_keys, name: updated})


#: ``ON DELETE`` actions, as the DDL exporter accepts them.
ON_DELETE = ("cascade", "restrict", "set null", "set default", "no action")


def add_check(table: Table, table_name: str) -> tuple[Table, str]:
    """A new, still empty check constraint (an empty check is left out of the DDL)."""
    name = _fresh(table.checks, f"{table_name}_check")
    return replace(table, checks={**table.checks, name: ""}), name


def set_check(table: Table, name: str, text: str) -> Table:
    """Set a check constraint's SQL condition."""
    return replace(table, checks={**table.checks, name: text.strip()})


def _split_order(spec: str) -> tuple[str, str]:
    """``created_at DESC`` -> (``created_at``, `` DESC``)."""
    match = _ORDER.search(spec)
    return (spec[:match.start()].strip(), match.group(0)) if match else (spec.strip(), "")


def _index_keys(index: Index) -> set[str]:
    return {_split_order(c)[0] for c in index.columns} | set(index.include)


# --------------------------------------------------------------------------- problems


def schema_problems(store: Datastore) -> list[Problem]:
    """What is wrong in the datastore's tables, sorted (empty for a sound schema)."""
    dialect = dialect_of(store)
    problems: list[Problem] = []
    for name, table in store.tables.items():
        problems += (Problem(name, where, message)
                     for where, message in _table_problems(store, table, dialect))
    return sorted(problems)


def _table_problems(store: Datastore, table: Table, dialect: str) -> Iterator[tuple[str, str]]:
    for column, spec in table.columns.items():
        error, _ = check_type(spec.type, dialect)
        if error:
            yield f"column {column}", error
    for column in table.primary_key:
        if column not in table.columns:
            yield "primary key", f"primary key column {column} does not exist"
    for name, columns in table.unique.items():
        for column in columns:
            if column not in table.columns:
                yield f"unique {name}", f"unique {name}: no column {column}"
    for name, fk in table.foreign_keys.items():
        for message in _fk_problems(store, table, fk):
            yield f"foreign key {name}", f"foreign key {name}: {message}"
    for name, index in table.indexes.items():
        for message in _index_problems(table, index, dialect):
            yield f"index {name}", f"index {name}: {message}"
    for name, text in table.checks.items():
        for message in _expression_problems(text, table, dialect) if text else ():
            yield f"check {name}", f"check {name}: {message}"
    yield from _partition_problems(table, dialect)


def _fk_problems(store: Datastore, table: Table, fk: ForeignKey) -> Iterator[str]:
    for column in fk.columns:
        if column not in table.columns:
            yield f"no column {column} in this table"
    target = store.tables.get(fk.table)
    if target is None:
        yield f"references missing table {fk.table}"
        return
    for column in fk.references:
        if column not in target.columns:
            yield f"references missing column {fk.table}.{column}"
    for column, ref in zip(fk.columns, fk.references, strict=False):
        if column in table.columns and ref in target.columns:
            ours, theirs = table.columns[column].type, target.columns[ref].type
            families = {_family(ours, dialect_of(store)), _family(theirs, dialect_of(store))}
            if len(families - {"?"}) > 1:
                yield f"{column} is {ours} but {fk.table}.{ref} is {theirs}"
    if len(fk.references) != len(fk.columns):
        yield f"{len(fk.columns)} columns reference {len(fk.references)} columns"
    elif fk.columns and all(c in target.columns for c in fk.references):
        yield from _fk_target_problems(fk, target)
    if not fk.columns:
        yield "no columns"
    action = " ".join(fk.on_delete.lower().replace("_", " ").replace("-", " ").split())
    if action and action not in ON_DELETE:
        yield f"ON DELETE {fk.on_delete}: use one of {', '.join(ON_DELETE)}"


def _fk_target_problems(fk: ForeignKey, target: Table) -> Iterator[str]:
    """A foreign key must reference a whole primary or unique key (any order) of its target."""
    keys = unique_keys(target)
    if any(set(fk.references) == set(key) and len(fk.references) == len(key) for key in keys):
        return
    shown = f"{fk.table}({', '.join(fk.references)}) is not a primary or unique key"
    valid = [key for key in keys if len(key) == len(fk.columns)] or keys
    advice = (" or ".join(f"{fk.table}({', '.join(key)})" for key in valid)
              if valid else f"nothing: give {fk.table} a primary key or a unique constraint")
    yield f"{shown}; it can reference {advice}"


def _index_problems(table: Table, index: Index, dialect: str) -> Iterator[str]:
    if not index.columns:
        yield "no columns"
    for spec in index.columns:
        yield from _expression_problems(_split_order(spec)[0], table, dialect)
    for column in index.include:
        if column not in table.columns:
            yield f"no column {column} to include"
    if index.where:
        yield from (f"WHERE: {m}" for m in _expression_problems(index.where, table, dialect))


def _expression_problems(text: str, table: Table, dialect: str) -> Iterator[str]:
    """A column name or SQL expression over the table's columns."""
    if _IDENT.match(text):
        if text not in table.columns:
            yield f"no column {text}"
        return
    columns = _columns_in(text, dialect)
    if columns is None:
        yield f"cannot read '{text}' as SQL"
        return
    for column in columns:
        if column not in table.columns:
            yield f"no column {column}"


_SERIALS = {DType.SERIAL, DType.SMALLSERIAL, DType.BIGSERIAL}
_FAMILIES = (
    ("number", exp.DataType.NUMERIC_TYPES | _SERIALS),
    ("text", exp.DataType.TEXT_TYPES),
    ("time", exp.DataType.TEMPORAL_TYPES),
    ("binary", exp.DataType.BINARY_TYPES),
    ("uuid", {DType.UUID}),
)


@functools.lru_cache(maxsize=8192)
def _family(type_text: str, dialect: str) -> str:
    """Which kind of value a column type holds, as far as a foreign key cares: ``number``,
    ``text``, ``time``, ``binary``, ``uuid``, or the type itself (unknown ones match anything)."""
    try:
        kind = exp.DataType.build(type_text, dialect=dialect).this
    except Exception:  # an unreadable type is reported on its column
        return "?"
    if kind is DType.USERDEFINED:
        return "?"
    return next((name for name, kinds in _FAMILIES if kind in kinds), kind.value)


@functools.lru_cache(maxsize=8192)
def _columns_in(text: str, dialect: str) -> tuple[str, ...] | None:
    """The columns an SQL expression mentions (sorted), or None when sqlglot cannot read it."""
    try:
        tree = sqlglot.parse_one(text, read=dialect, error_level=ErrorLevel.RAISE)
    except Exception:  # sqlglot raises several error types for what it cannot read
        return None
    return tuple(sorted({c.name for c in tree.find_all(exp.Column)}))


def _partition_problems(table: Table, dialect: str) -> Iterator[tuple[str, str]]:
    part = table.partitioning
    if part is None:
        return
    if part.by not in ("range", "list", "hash"):
        yield "partitioning", f"partitioning by '{part.by}': use range, list or hash"
    if not part.key:
        yield "partitioning", "partitioning needs a key"
    for message in _expression_problems(part.key, table, dialect) if part.key else ():
        yield "partitioning", f"partition key: {message}"
