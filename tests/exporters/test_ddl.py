"""The DDL exporter: golden files, and the real consumers' catalogs match the design.

Every SQL datastore of every sample (and of the exporter test designs, one of which is the
Chinook schema) is exported to PostgreSQL, MySQL and SQLite; each script is loaded into a real
server (the private PostgreSQL and MariaDB fixtures) or into ``sqlite3``, and the catalog is
compared with the design: tables, columns (order and NULL-ability) and indexes.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from exporters.base import ExportError, ExportOptions
from exporters.ddl import DdlExporter, datastore_ddl, ddl_datastores
from models.design import Design
from models.elements import (
    Column,
    Datastore,
    DatastoreEngine,
    DesignInfo,
    ForeignKey,
    Index,
    Partitioning,
    Table,
)
from models.io import load_design
from tests.exporters.golden_files import DATA, check_golden, design_paths

CASES = [
    pytest.param(path, store_id, id=f"{path.stem}.{store_id}")
    for path in design_paths()
    for store_id, store in ddl_datastores(load_design(path))
    if store.engine is not DatastoreEngine.CLICKHOUSE
]
#: The hostile design's foreign key joins an INT to a VARCHAR on purpose: PostgreSQL and
#: MariaDB rightly refuse it, so it is loaded into SQLite only (it is there for escaping).
SERVER_CASES = [case for case in CASES if case.values[0].stem != "hostile"]
#: ``--dialect postgres`` applies to every SQL store, ClickHouse's too: each one must load.
PG_CASES = [
    pytest.param(path, store_id, id=f"{path.stem}.{store_id}")
    for path in design_paths()
    if path.stem != "hostile"
    for store_id, _ in ddl_datastores(load_design(path))
]


def _store(path: Path, store_id: str) -> tuple[Design, Datastore]:
    design = load_design(path)
    store = design.element(store_id)
    assert isinstance(store, Datastore)
    return design, store


def _is_plain(key: str, table: Table) -> bool:
    return re.sub(r"\s+(ASC|DESC)$", "", key.strip(), flags=re.I) in table.columns


def _columns(table: Table) -> list[tuple[str, bool]]:
    return [(n, c.nullable and n not in table.primary_key) for n, c in table.columns.items()]


# --------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("path", design_paths(), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    check_golden(path.stem, "ddl", DdlExporter().export(load_design(path), ExportOptions()))


# --------------------------------------------------------------------------- real consumers


@pytest.mark.needs_tool
@pytest.mark.parametrize(("path", "store_id"), PG_CASES)
def test_postgres_catalog_matches_design(path: Path, store_id: str, pg_connection) -> None:
    design, store = _store(path, store_id)
    pg_connection.execute(datastore_ddl(design, store_id, "postgres"))
    tables = {
        name
        for (name,) in pg_connection.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
        )
    }
    assert tables == set(store.tables)
    for name, table in store.tables.items():
        columns = pg_connection.execute(
            "SELECT column_name, is_nullable = 'YES' FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            (name,),
        ).fetchall()
        assert columns == _columns(table), name
        indexes = {
            row[0]
            for row in pg_connection.execute(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = %s AND NOT x.indisprimary",
                (name,),
            )
        }
        assert indexes == set(table.indexes) | set(table.unique), name
        partitioned = pg_connection.execute(
            "SELECT relkind = 'p' FROM pg_class WHERE relname = %s", (name,)
        ).fetchone()[0]
        assert partitioned == (table.partitioning is not None and _pg_can_partition(table))


def _pg_can_partition(table: Table) -> bool:
    key = table.partitioning.key if table.partitioning else ""
    keys = [table.primary_key, *table.unique.values()]
    return not (key in table.columns and any(k and key not in k for k in keys))


@pytest.mark.needs_tool
@pytest.mark.parametrize(("path", "store_id"), SERVER_CASES)
def test_mariadb_catalog_matches_design(path: Path, store_id: str, mariadb_connection) -> None:
    design, store = _store(path, store_id)
    script = datastore_ddl(design, store_id, "mysql")
    with mariadb_connection.cursor() as cursor:
        for statement in _statements(script):
            cursor.execute(statement)
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
        )
        assert {row[0] for row in cursor.fetchall()} == set(store.tables)
        for name, table in store.tables.items():
            cursor.execute(
                "SELECT column_name, is_nullable = 'YES' FROM information_schema.columns "
                "WHERE table_schema = DATABASE() AND table_name = %s ORDER BY ordinal_position",
                (name,),
            )
            assert [(c, bool(n)) for c, n in cursor.fetchall()] == _columns(table), name
            cursor.execute(
                "SELECT DISTINCT index_name FROM information_schema.statistics "
                "WHERE table_schema = DATABASE() AND table_name = %s",
                (name,),
            )
            indexes = {row[0] for row in cursor.fetchall()} - {"PRIMARY"}
            expected = {
                n
                for n, index in table.indexes.items()
                if not index.where and all(_is_plain(k, table) for k in index.columns)
            } | set(table.unique)
            # InnoDB adds an index named after a foreign key when no other index serves it.
            assert expected <= indexes <= expected | set(table.foreign_keys), name


def _statements(script: str) -> list[str]:
    """pymysql runs one statement per call; our scripts end each statement with ';\\n'."""
    body = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    return [s.strip() for s in body.split(";\n") if s.strip()]


@pytest.mark.parametrize(("path", "store_id"), CASES)
def test_sqlite_catalog_matches_design(path: Path, store_id: str) -> None:
    design, store = _store(path, store_id)
    db = sqlite3.connect(":memory:")
    db.executescript(datastore_ddl(design, store_id, "sqlite"))
    tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert {t for (t,) in tables} == set(store.tables)
    for name, table in store.tables.items():
        info = db.execute(f'PRAGMA table_info("{name}")').fetchall()
        assert [(row[1], not row[3]) for row in info] == _columns(table), name
        index_list = db.execute(f'PRAGMA index_list("{name}")').fetchall()
        created = {row[1] for row in index_list if row[3] == "c"}
        assert created == set(table.indexes), name
        unique = {
            tuple(r[2] for r in db.execute(f'PRAGMA index_info("{row[1]}")'))
            for row in index_list
            if row[3] == "u"
        }
        assert unique == {tuple(cols) for cols in table.unique.values()}, name
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


# --------------------------------------------------------------------------- behaviour


def _design(
    *tables: tuple[str, Table], engine: DatastoreEngine = DatastoreEngine.POSTGRESQL
) -> Design:
    design = Design(DesignInfo(name="t"))
    design.add_element("db", Datastore(engine=engine, tables=dict(tables)))
    return design


def test_a_foreign_key_cycle_becomes_alter_table(pg_connection) -> None:
    a = Table(
        columns={"id": Column("int", nullable=False), "b_id": Column("int")},
        primary_key=("id",),
        foreign_keys={"a_b": ForeignKey(("b_id",), "b", ("id",))},
    )
    b = Table(
        columns={"id": Column("int", nullable=False), "a_id": Column("int")},
        primary_key=("id",),
        foreign_keys={"b_a": ForeignKey(("a_id",), "a", ("id",))},
    )
    script = datastore_ddl(_design(("a", a), ("b", b)), "db", "postgres")
    assert 'ALTER TABLE "a" ADD CONSTRAINT "a_b" FOREIGN KEY' in " ".join(script.split())
    pg_connection.execute(script)
    count = pg_connection.execute(
        "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
    ).fetchone()[0]
    assert count == 2


def test_tables_are_ordered_so_foreign_keys_resolve() -> None:
    child = Table(
        columns={"parent_id": Column("int")},
        foreign_keys={"fk": ForeignKey(("parent_id",), "parent", ("id",))},
    )
    parent = Table(columns={"id": Column("int", nullable=False)}, primary_key=("id",))
    script = datastore_ddl(_design(("child", child), ("parent", parent)), "db", "sqlite")
    assert script.index('CREATE TABLE "parent"') < script.index('CREATE TABLE "child"')


def test_a_type_that_is_not_sql_never_reaches_the_script() -> None:
    table = Table(columns={"a": Column("int); DROP TABLE t; --"), "b": Column("citext")})
    script = datastore_ddl(_design(("t", table)), "db", "postgres")
    assert '"a" TEXT, /* type int); DROP TABLE t; -- is not a SQL type' in script
    assert '"b" CITEXT' in script or '"b" citext' in script


def test_types_and_defaults_per_dialect() -> None:
    table = Table(
        columns={
            "id": Column("uuid", nullable=False, default="gen_random_uuid()"),
            "at": Column("timestamptz", default="now()"),
            "note": Column("text"),
        },
        primary_key=("id",),
        indexes={"by_note": Index(("note",))},
    )
    design = _design(("t", table))
    pg = datastore_ddl(design, "db", "postgres")
    assert '"id" UUID NOT NULL DEFAULT GEN_RANDOM_UUID()' in pg
    mysql = datastore_ddl(design, "db", "mysql")
    assert "`id` CHAR(36) NOT NULL" in mysql and "UUID()" in mysql
    assert "`note` VARCHAR(255)" in mysql  # indexed TEXT needs a length in MySQL
    sqlite = datastore_ddl(design, "db", "sqlite")
    assert '"id" TEXT NOT NULL' in sqlite and "gen_random_uuid() dropped" in sqlite
    assert '"at" TIMESTAMP DEFAULT CURRENT_TIMESTAMP' in sqlite


def test_what_a_dialect_cannot_express_is_a_comment() -> None:
    script = datastore_ddl(load_design(DATA / "storefront.yaml"), "orders-db", "mysql")
    assert "-- index idx_orders_status on (status) WHERE status <> 'completed' skipped" in script
    assert "-- range partitioning on created_at not emitted" in script
    assert "PARTITION" not in script.replace("partitioning", "")


def test_postgres_partitions_follow_the_interval() -> None:
    script = datastore_ddl(
        load_design(DATA / "storefront.yaml"),
        "orders-db",
        "postgres",
        {"partition_start": "2025-11-20"},
    )
    assert 'PARTITION BY RANGE("created_at")' in script
    assert "FOR VALUES FROM ('2025-11-01') TO ('2025-12-01')" in script
    assert "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')" in script
    assert 'CREATE TABLE "orders_default"\nPARTITION OF "orders" DEFAULT;' in script


def _clickhouse_design(key: str, by: str = "range") -> Design:
    table = Table(
        columns={"ts": Column("DateTime", nullable=False), "user_id": Column("UInt64")},
        partitioning=Partitioning(by=by, key=key, interval="monthly"),
        engine="MergeTree()",
        order_by=("ts",),
    )
    return _design(("events", table), engine=DatastoreEngine.CLICKHOUSE)


def test_a_clickhouse_store_is_written_in_clickhouse_by_default() -> None:
    files = DdlExporter().export(_clickhouse_design("toYYYYMM(ts)"), ExportOptions())
    assert list(files) == ["db.clickhouse.sql"]
    script = files["db.clickhouse.sql"]
    assert 'ENGINE=MergeTree()\nPARTITION BY toYYYYMM("ts")\nORDER BY "ts"' in script


@pytest.mark.needs_tool
def test_a_clickhouse_date_bucket_becomes_a_postgres_range(pg_connection) -> None:
    script = datastore_ddl(_clickhouse_design("toYYYYMM(ts)"), "db", "postgres")
    assert "toyyyymm" not in script.lower().replace("partition key toyyyymm", "")
    assert 'PARTITION BY RANGE("ts")' in script
    assert "-- partition key toYYYYMM(ts) is ClickHouse SQL: PostgreSQL partitions ts" in script
    pg_connection.execute(script)
    kind = pg_connection.execute("SELECT relkind FROM pg_class WHERE relname = 'events'")
    assert kind.fetchone() == ("p",)


@pytest.mark.needs_tool
@pytest.mark.parametrize(("key", "by"), [("intHash32(user_id)", "hash"),
                                         ("toYYYYMM(user_id)", "range"),
                                         ("toYYYYMM(ts)", "list")])
def test_clickhouse_only_partition_keys_are_left_out_with_a_note(
    key: str, by: str, pg_connection
) -> None:
    script = datastore_ddl(_clickhouse_design(key, by), "db", "postgres")
    assert "PARTITION BY" not in script
    name = key.split("(")[0]
    assert (f"-- partitioning on {key} not emitted: {name}() is ClickHouse SQL that sqlglot "
            "cannot translate for PostgreSQL") in script
    pg_connection.execute(script)
    kind = pg_connection.execute("SELECT relkind FROM pg_class WHERE relname = 'events'")
    assert kind.fetchone() == ("r",)


HOSTILE = "x */ DROP TABLE t; --\nDROP TABLE t; '); DROP TABLE t; --"


def _hostile_design() -> Design:
    table = Table(columns={"id": Column("int", comment=HOSTILE)}, comment=HOSTILE)
    design = _design(("t", table))
    design.replace_element("db", Datastore(purpose=HOSTILE, tables={"t": table}))
    return design


def test_user_text_cannot_break_out_of_comments_in_sqlite() -> None:
    db = sqlite3.connect(":memory:")
    db.executescript(datastore_ddl(_hostile_design(), "db", "sqlite"))
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]


@pytest.mark.needs_tool
def test_user_text_is_a_literal_in_postgres_comments(pg_connection) -> None:
    pg_connection.execute(datastore_ddl(_hostile_design(), "db", "postgres"))
    row = pg_connection.execute(
        "SELECT obj_description('t'::regclass), col_description('t'::regclass, 1)"
    )
    assert row.fetchone() == (HOSTILE, HOSTILE)


@pytest.mark.needs_tool
def test_user_text_is_a_literal_in_mariadb_comments(mariadb_connection) -> None:
    with mariadb_connection.cursor() as cursor:
        for statement in _statements(datastore_ddl(_hostile_design(), "db", "mysql")):
            cursor.execute(statement)
        cursor.execute(
            "SELECT column_comment FROM information_schema.columns WHERE table_name = 't'"
        )
        assert cursor.fetchone() == (HOSTILE,)


def test_dialect_option_overrides_the_engine_and_unknown_ones_fail() -> None:
    design = load_design(DATA / "chinook.yaml")
    assert list(DdlExporter().export(design, ExportOptions())) == ["chinook.mysql.sql"]
    files = DdlExporter().export(design, ExportOptions(dialect="sqlite"))
    assert list(files) == ["chinook.sqlite.sql"]
    with pytest.raises(ExportError, match="did you mean 'postgres'"):
        DdlExporter().export(design, ExportOptions(dialect="postgre"))


def test_output_is_byte_stable() -> None:
    first = DdlExporter().export(load_design(DATA / "storefront.yaml"), ExportOptions())
    second = DdlExporter().export(load_design(DATA / "storefront.yaml"), ExportOptions())
    assert first == second
