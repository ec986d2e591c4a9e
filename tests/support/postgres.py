"""A private PostgreSQL server for the test session.

``pg_server`` starts a throw-away cluster in a temp dir (Debian's binaries, newest version),
listening on a unix socket in that dir and on 127.0.0.1 at a free port, with ``fsync=off``.
It never touches the machine's own cluster, and is stopped and deleted at session end.

Usage::

    def test_ddl_runs(pg_server: PostgresServer) -> None:
        with pg_server.connect(pg_server.create_database()) as conn:
            conn.execute("CREATE TABLE t (id int PRIMARY KEY)")

    def test_simpler(pg_connection: psycopg.Connection) -> None:   # fresh database, autocommit
        pg_connection.execute("SELECT 1")
"""

from __future__ import annotations

import itertools
import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import process
from tests.support.tools import tool_missing

if TYPE_CHECKING:
    import psycopg

HOW_TO_INSTALL = "make system  (apt-get install postgresql)"
SERVICE_USER = "postgres"
SUPERUSER = "postgres"


def find_pg_bin() -> Path | None:
    """Return the bin dir of the newest Debian PostgreSQL (else of ``pg_ctl`` on PATH)."""
    versions = []
    for pg_ctl in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"):
        version = pg_ctl.parts[-3]
        if re.fullmatch(r"\d+(\.\d+)?", version):
            versions.append((tuple(int(p) for p in version.split(".")), pg_ctl.parent))
    if versions:
        return max(versions)[1]
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running private PostgreSQL cluster.

    Attributes:
        bin_dir: where its programs (``psql``, ``pg_dump``, ...) are.
        socket_dir: the directory holding its unix socket (a libpq ``host``).
        port: its port, on 127.0.0.1 and in the socket's name.
        user: the superuser to connect as (no password).
        version: the server version, e.g. ``"15.18"``.
    """

    bin_dir: Path
    socket_dir: Path
    port: int
    user: str = SUPERUSER
    version: str = ""
    _names: Iterator[int] = field(default_factory=itertools.count, repr=False)

    def dsn(self, dbname: str = "postgres") -> str:
        """Return a libpq connection string for ``dbname`` (through the unix socket)."""
        return f"host={self.socket_dir} port={self.port} user={self.user} dbname={dbname}"

    def url(self, dbname: str = "postgres") -> str:
        """Return a ``postgresql://`` URL for ``dbname`` (over TCP on 127.0.0.1)."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", autocommit: bool = True) -> psycopg.Connection:
        """Open a psycopg connection to ``dbname``; the caller closes it (``with`` works)."""
        import psycopg

        return psycopg.connect(self.dsn(dbname), autocommit=autocommit)

    def create_database(self, prefix: str = "test") -> str:
        """Create a new, empty database and return its name (unique in the session)."""
        name = f"{prefix}_{next(self._names)}"
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, closing any connection still open on it."""
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start(bin_dir: Path, root: Path) -> PostgresServer:
    """Initialise and start a cluster in ``root``; return it (raise with its log on failure)."""
    data, log, port = root / "data", root / "server.log", free_port()
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust"]
    initdb += ["-E", "UTF8", "--locale=C", "--no-sync"]
    process.run(process.as_service_user(initdb, SERVICE_USER), root, "initdb")
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
    )
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options]
    try:
        start = process.as_service_user([*start, "-w", "-t", "60", "start"], SERVICE_USER)
        process.run(start, root, "pg_ctl start")
    except RuntimeError as error:
        raise RuntimeError(f"{error}\n--- server.log ---\n{process.tail(log)}") from None
    server = PostgresServer(bin_dir=bin_dir, socket_dir=root, port=port)
    with server.connect() as conn:
        server.version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]
    return server


def _stop(bin_dir: Path, root: Path) -> None:
    """Stop the cluster in ``root`` at once (nothing in it is worth a clean shutdown)."""
    data = root / "data"
    stop = [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
    try:
        if (data / "postmaster.pid").exists():
            process.run(process.as_service_user(stop, SERVICE_USER), root, "pg_ctl stop")
    finally:
        process.remove_tree(root)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server for the whole session (skipped/failed when absent)."""
    bin_dir = find_pg_bin()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        tool_missing("PostgreSQL server (initdb, pg_ctl)", HOW_TO_INSTALL)
    if process.is_root() and not process.service_user_exists(SERVICE_USER):
        tool_missing("the 'postgres' system user (running as root)", HOW_TO_INSTALL)
    root = process.private_dir("archstudio-pg-", SERVICE_USER)
    try:
        server = _start(bin_dir, root)
    except BaseException:
        _stop(bin_dir, root)
        raise
    yield server
    _stop(bin_dir, root)


@pytest.fixture
def pg_connection(pg_server: PostgresServer) -> Iterator[psycopg.Connection]:
    """An autocommit connection to a fresh database, dropped after the test."""
    name = pg_server.create_database()
    with pg_server.connect(name) as conn:
        yield conn
    pg_server.drop_database(name)
