"""The external tools the exporter tests rely on really work here, and the missing-tool policy."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.tools import (
    redocly_env,
    require_mmdc,
    require_redocly,
    require_tool,
)

FLOWCHART = """flowchart LR
  gateway[API gateway] --> orders[Order service]
  orders --> db[(PostgreSQL)]
"""

OPENAPI = """openapi: 3.1.0
info:
  title: Orders
  version: 1.0.0
  description: Orders API.
  license: {name: MIT, identifier: MIT}
servers: [{url: "https://orders.internal.test"}]
security: []
paths:
  /api/v1/orders:
    post:
      operationId: createOrder
      summary: Create an order.
      description: Create an order.
      responses:
        "201": {description: Created.}
        "400": {description: Bad request.}
"""


def run(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_missing_tool_skips_loudly_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="NOT TESTED: no-such-tool-xyz missing"):
        require_tool("no-such-tool-xyz", "apt-get install xyz")


def test_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="install with: apt-get install xyz"):
        require_tool("no-such-tool-xyz", "apt-get install xyz")


def test_present_tool_is_found() -> None:
    assert Path(require_tool("sh", "apt-get install dash")).is_file()


def test_graphviz_lays_out_a_graph() -> None:
    dot = require_tool("dot", "make system  (apt-get install graphviz)")
    graph = 'digraph g { gateway -> orders [label="POST"]; orders -> db; }'
    done = subprocess.run(
        [dot, "-Tcanon"], input=graph, capture_output=True, text=True, timeout=60, check=True
    )
    assert "gateway -> orders" in done.stdout
    assert "orders -> db" in done.stdout
    broken = subprocess.run([dot, "-Tcanon"], input="digraph {", capture_output=True, text=True)
    assert broken.returncode != 0


def test_mermaid_cli_renders_a_flowchart(tmp_path: Path) -> None:
    (tmp_path / "x.mmd").write_text(FLOWCHART)
    done = run([*require_mmdc(), "-i", "x.mmd", "-o", "x.svg"], tmp_path)
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "x.svg").read_text()
    assert svg.startswith("<svg")
    assert "Order service" in svg
    assert "PostgreSQL" in svg


def test_mermaid_cli_rejects_a_broken_diagram(tmp_path: Path) -> None:
    (tmp_path / "bad.mmd").write_text("flowchart LR\n  a[[[ -->\n")
    done = run([*require_mmdc(), "-i", "bad.mmd", "-o", "bad.svg"], tmp_path)
    assert done.returncode != 0
    assert "Parse error" in done.stderr


def test_redocly_lints_openapi_offline(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(OPENAPI)
    done = run([require_redocly(), "lint", "api.yaml"], tmp_path, redocly_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stdout + done.stderr


def test_redocly_rejects_an_invalid_description(tmp_path: Path) -> None:
    broken = OPENAPI.replace("responses:", "response:")  # an operation without responses
    (tmp_path / "api.yaml").write_text(broken)
    done = run([require_redocly(), "lint", "api.yaml"], tmp_path, redocly_env())
    assert done.returncode != 0
    assert "responses" in done.stdout + done.stderr
