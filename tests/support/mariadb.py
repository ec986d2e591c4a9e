"""A private MariaDB server for the test session.

``mariadb_server`` initialises a throw-away data dir with ``mariadb-install-db`` and runs
``mariadbd`` on it, listening on a unix socket in a temp dir and on 127.0.0.1 at a free port,
with durability turned off for speed. It never touches the machine's own server, and is
stopped and deleted at session end.

Usage::

    def test_ddl_runs(mariadb_server: MariaDBServer) -> None:
        with mariadb_server.connect(mariadb_server.create_database()) as conn:
            conn.cursor().execute("CREATE TABLE t (id int PRIMARY KEY)")

    def test_simpler(mariadb_connection: pymysql.connections.Connection) -> None:
        mariadb_connection.cursor().execute("SELECT 1")   # fresh database, autocommit
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support import process
from tests.support.postgres import free_port
from tests.support.tools import tool_missing

if TYPE_CHECKING:
    import pymysql

HOW_TO_INSTALL = "make system  (apt-get install mariadb-server)"
SERVICE_USER = "mysql"
SEARCH_PATH = "/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/libexec"


def find_program(*names: str) -> str | None:
    """Return the first of ``names`` found on PATH or in the sbin dirs (not on a user's PATH)."""
    for name in names:
        path = shutil.which(name) or shutil.which(name, path=SEARCH_PATH)
        if path:
            return path
    return None


@dataclass
class MariaDBServer:
    """A running private MariaDB server.

    Attributes:
        socket: the path of its unix socket.
        port: its TCP port on 127.0.0.1.
        user: the account to connect as (``root``, no password).
        version: the server version, e.g. ``"10.11.6-MariaDB-0+deb12u1"``.
    """

    socket: Path
    port: int
    user: str = "root"
    version: str = ""
    _names: Iterator[int] = field(default_factory=itertools.count, repr=False)

    def connect(self, database: str | None = None, autocommit: bool = True) -> pymysql.Connection:
        """Open a pymysql connection (through the unix socket); the caller closes it."""
        import pymysql

        return pymysql.connect(
            unix_socket=str(self.socket), user=self.user, database=database, autocommit=autocommit
        )

    def create_database(self, prefix: str = "test") -> str:
        """Create a new, empty database and return its name (unique in the session)."""
        name = f"{prefix}_{next(self._names)}"
        with self.connect() as conn, conn.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{name}`")
        return name

    def drop_database(self, name: str) -> None:
        """Drop database ``name``."""
        with self.connect() as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")


def _server_argv(mariadbd: str, root: Path, port: int) -> list[str]:
    """Return the command line of a private, non-durable server in ``root``."""
    argv = [mariadbd, "--no-defaults", f"--datadir={root / 'data'}", f"--socket={root / 'sock'}"]
    argv += [f"--port={port}", "--bind-address=127.0.0.1", f"--pid-file={root / 'pid'}"]
    argv += [f"--log-error={root / 'server.log'}", "--skip-log-bin", "--innodb-doublewrite=0"]
    argv += ["--innodb-flush-log-at-trx-commit=0", "--innodb-buffer-pool-size=64M"]
    argv += ["--skip-name-resolve", "--character-set-server=utf8mb4"]
    return [*argv, f"--user={SERVICE_USER}"] if process.is_root() else argv


def _ping(server: MariaDBServer) -> bool:
    """Tell whether the server accepts a connection yet."""
    import pymysql

    try:
        server.connect().close()
    except pymysql.MySQLError:
        return False
    return True


def _install(install_db: str, root: Path) -> None:
    """Initialise a data dir in ``root`` (root@localhost, no password)."""
    install = [install_db, "--no-defaults", f"--datadir={root / 'data'}", "--skip-test-db"]
    install += ["--auth-root-authentication-method=normal", "--skip-name-resolve"]
    if process.is_root():
        install.append(f"--user={SERVICE_USER}")
    process.run(process.as_service_user(install, SERVICE_USER), root, "mariadb-install-db")


def _launch(mariadbd: str, root: Path, port: int) -> subprocess.Popen[bytes]:
    """Start the server in ``root`` (as root it drops to ``--user=mysql`` by itself)."""
    return subprocess.Popen(
        _server_argv(mariadbd, root, port),
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _when_ready(server_process: subprocess.Popen[bytes], root: Path, port: int) -> MariaDBServer:
    """Wait until the server answers and return it (raise with its log if it died)."""
    server = MariaDBServer(socket=root / "sock", port=port)
    log = root / "server.log"
    process.wait_until(
        lambda: server_process.poll() is not None or _ping(server), 60, "mariadbd", log
    )
    if server_process.poll() is not None:
        raise RuntimeError(
            f"mariadbd exited with {server_process.returncode}:\n{process.tail(log)}"
        )
    with server.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        server.version = str(cursor.fetchone()[0])
    return server


def _stop(server_process: subprocess.Popen[bytes] | None, root: Path) -> None:
    """Stop the server (SIGTERM, then SIGKILL) and delete its directory."""
    try:
        if server_process is not None and server_process.poll() is None:
            server_process.terminate()
            try:
                server_process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server_process.kill()
                server_process.wait()
    finally:
        process.remove_tree(root)


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[MariaDBServer]:
    """A private MariaDB server for the whole session (skipped/failed when absent)."""
    install_db = find_program("mariadb-install-db", "mysql_install_db")
    mariadbd = find_program("mariadbd", "mysqld")
    if install_db is None or mariadbd is None:
        tool_missing("MariaDB server (mariadbd, mariadb-install-db)", HOW_TO_INSTALL)
    if process.is_root() and not process.service_user_exists(SERVICE_USER):
        tool_missing("the 'mysql' system user (running as root)", HOW_TO_INSTALL)
    root = process.private_dir("archstudio-my-", SERVICE_USER)
    server_process = None
    try:
        _install(install_db, root)
        port = free_port()
        server_process = _launch(mariadbd, root, port)
        yield _when_ready(server_process, root, port)
    finally:
        _stop(server_process, root)


@pytest.fixture
def mariadb_connection(mariadb_server: MariaDBServer) -> Iterator[pymysql.Connection]:
    """An autocommit connection to a fresh database, dropped after the test."""
    name = mariadb_server.create_database()
    with mariadb_server.connect(name) as conn:
        yield conn
    mariadb_server.drop_database(name)
