"""Suite-wide set-up: Qt runs offscreen, and the shared fixtures are available everywhere.

``tests`` and each folder in it are packages (they have an ``__init__.py``: add one to any new
folder), so pytest puts the repository root on ``sys.path``, test modules of the same name in
different folders do not clash, and helpers are imported as ``tests.support.<module>``.

Fixtures offered to every test (see ``tests/support/``):

- ``pg_server`` (session), ``pg_connection`` (function): a private PostgreSQL.
- ``mariadb_server`` (session), ``mariadb_connection`` (function): a private MariaDB.

External tools: ``tests.support.tools.require_tool(name, how_to_install)`` skips locally and
fails when ``CI=true``.
"""

from __future__ import annotations

import os

# Before anything imports Qt: tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from tests.support.mariadb import mariadb_connection, mariadb_server
from tests.support.postgres import pg_connection, pg_server

__all__ = ["mariadb_connection", "mariadb_server", "pg_connection", "pg_server"]
