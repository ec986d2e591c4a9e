"""The private database servers really start, store and answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg
    import pymysql

    from tests.support.mariadb import MariaDBServer
    from tests.support.postgres import PostgresServer


def test_pg_server_creates_queries_and_isolates_databases(pg_server: PostgresServer) -> None:
    first, second = pg_server.create_database(), pg_server.create_database()
    assert first != second
    with pg_server.connect(first) as conn:
        conn.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10, 2) NOT NULL)")
        conn.execute("INSERT INTO orders VALUES (1, 9.50), (2, 20.25)")
        assert conn.execute("SELECT sum(total) FROM orders").fetchone()[0] == 29.75
    with pg_server.connect(second) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'")
        assert tables.fetchone()[0] == 0
    assert int(pg_server.version.split(".")[0]) >= 13


def test_pg_server_is_private_and_fast(pg_server: PostgresServer) -> None:
    with pg_server.connect() as conn:
        settings = dict(conn.execute("SELECT name, setting FROM pg_settings").fetchall())
    assert settings["fsync"] == "off"
    assert settings["unix_socket_directories"] == str(pg_server.socket_dir)
    assert settings["listen_addresses"] == "127.0.0.1"


def test_pg_server_answers_over_tcp(pg_server: PostgresServer) -> None:
    import psycopg

    with psycopg.connect(pg_server.url()) as conn:
        assert conn.execute("SELECT 40 + 2").fetchone()[0] == 42


def test_pg_connection_is_a_fresh_database(pg_connection: psycopg.Connection) -> None:
    pg_connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
    pg_connection.execute("CREATE INDEX t_id ON t (id) WHERE id > 0")
    count = pg_connection.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 't'")
    assert count.fetchone()[0] == 2


def test_mariadb_server_creates_queries_and_isolates_databases(
    mariadb_server: MariaDBServer,
) -> None:
    first, second = mariadb_server.create_database(), mariadb_server.create_database()
    with mariadb_server.connect(first) as conn, conn.cursor() as cursor:
        cursor.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, total DECIMAL(10, 2))")
        cursor.execute("INSERT INTO orders VALUES (1, 9.50), (2, 20.25)")
        cursor.execute("SELECT SUM(total) FROM orders")
        assert float(cursor.fetchone()[0]) == 29.75
    with mariadb_server.connect(second) as conn, conn.cursor() as cursor:
        cursor.execute("SHOW TABLES")
        assert cursor.fetchall() == ()
    assert "MariaDB" in mariadb_server.version


def test_mariadb_server_answers_over_tcp(mariadb_server: MariaDBServer) -> None:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", port=mariadb_server.port, user="root")
    with conn, conn.cursor() as cursor:
        cursor.execute("SELECT 40 + 2")
        assert cursor.fetchone()[0] == 42


def test_mariadb_connection_is_a_fresh_database(
    mariadb_connection: pymysql.Connection,
) -> None:
    with mariadb_connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), KEY name_idx (name))")
        cursor.execute("SHOW INDEX FROM t")
        assert len(cursor.fetchall()) == 2
