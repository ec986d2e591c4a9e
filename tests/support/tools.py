"""Finding external tools, with one policy for when they are missing.

A test that needs an external program (Graphviz, PostgreSQL, mermaid-cli, ...) asks for it
with :func:`require_tool`. Locally a missing tool *skips* the test with a loud reason
("NOT TESTED: ..."), shown by pytest's ``-ra`` summary. In CI (``CI=true``) a missing tool
*fails* the test: a skip there would hide a broken set-up behind a green run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = REPO_ROOT / "node_modules" / ".bin"
PUPPETEER_CONFIG = Path(__file__).resolve().with_name("puppeteer-config.json")


def in_ci() -> bool:
    """Tell whether we run in CI, where a missing tool is a failure."""
    return os.environ.get("CI", "").lower() == "true"


def tool_missing(name: str, how_to_install: str) -> NoReturn:
    """Skip (locally) or fail (in CI) the current test because ``name`` is missing."""
    message = f"NOT TESTED: {name} missing; install with: {how_to_install}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing tool is a failure)", pytrace=False)
    pytest.skip(message)


def require_tool(name: str, how_to_install: str) -> str:
    """Return the path of executable ``name`` on PATH, or skip/fail the test.

    Args:
        name: the executable, e.g. ``"dot"``.
        how_to_install: a command or hint shown when it is missing, e.g. ``"make system"``.
    """
    path = shutil.which(name)
    if path is None:
        tool_missing(name, how_to_install)
    return path


def require_node_tool(name: str) -> str:
    """Return the path of ``node_modules/.bin/<name>`` (installed by ``make node``)."""
    path = NODE_BIN / name
    if not os.access(path, os.X_OK):
        tool_missing(f"{name} (node_modules/.bin)", "make node")
    return str(path)


def require_mmdc() -> list[str]:
    """Return the mermaid-cli command line, with our puppeteer config (Debian's Chromium).

    Append ``-i in.mmd -o out.svg`` to it.
    """
    require_tool("chromium", "make system  (apt-get install chromium)")
    return [require_node_tool("mmdc"), "-p", str(PUPPETEER_CONFIG)]


def require_redocly() -> str:
    """Return the path of the redocly CLI; run it with :func:`redocly_env`."""
    return require_node_tool("redocly")


def redocly_env() -> dict[str, str]:
    """Return an environment in which redocly works offline (no telemetry, no update check)."""
    return {
        **os.environ,
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
        "NO_UPDATE_NOTIFIER": "1",
    }
