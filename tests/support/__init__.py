"""Test infrastructure: external-tool policy and private database servers.

- :mod:`tests.support.tools`: ``require_tool`` and friends (skip locally, fail in CI).
- :mod:`tests.support.postgres`: the session-scoped ``pg_server`` fixture.
- :mod:`tests.support.mariadb`: the session-scoped ``mariadb_server`` fixture.

The fixtures are made available to every test by ``tests/conftest.py``.
"""
