"""ADR exporter: golden files, MADR layout, numbering, links, hostile text rendered by marked."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from exporters.adr import AdrExporter, adr_numbers
from exporters.base import ExportOptions
from exporters.files import check_relative_path
from models.design import Design
from models.elements import Alternative, Decision, DecisionStatus
from models.io import load_design
from tests.exporters.golden_files import DESIGNS, check_golden, design_paths
from tests.support.tools import require_node_tool

DESIGN_PATHS = design_paths()
ADR_FILE = re.compile(r"^\d{4}-[a-z0-9]+(-[a-z0-9]+)*\.md$")


def _export(design: Design) -> dict[str, str]:
    return AdrExporter().export(design, ExportOptions())  # type: ignore[return-value]


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    check_golden(path.stem, "adr", AdrExporter().export(load_design(path), ExportOptions()))


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=lambda p: p.stem)
def test_file_names_are_safe(path: Path) -> None:
    files = _export(load_design(path))
    assert "README.md" in files
    for name in files:
        check_relative_path(name)
        assert name == "README.md" or ADR_FILE.match(name), name


def test_madr_layout_and_links() -> None:
    files = _export(load_design(DESIGNS / "shop.yaml"))
    assert sorted(files) == [
        "0001-use-postgresql-for-orders.md", "0002-use-cockroachdb-for-orders.md", "README.md",
    ]
    first = files["0001-use-postgresql-for-orders.md"]
    headings = re.findall(r"^#+ .*$", first, flags=re.MULTILINE)
    assert headings == [
        "# 1. Use PostgreSQL for orders",
        "## Context and Problem Statement",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "## Pros and Cons of the Options",
        "### PostgreSQL",
        "### MongoDB",
        "## Links",
    ]
    for line in ("* Status: superseded", "* Date: 2024-01-15", "* Deciders: alice, bob",
                 "* Review date: 2025-01-15", "* Good, because ACID",
                 "* Bad, because Weaker transactions",
                 "* Superseded by [ADR-0002: Use CockroachDB for orders]"
                 "(0002-use-cockroachdb-for-orders.md)"):
        assert line in first
    assert "* Supersedes [ADR-0001: Use PostgreSQL for orders](0001-use-postgresql-for-orders.md)" \
        in files["0002-use-cockroachdb-for-orders.md"]
    readme = files["README.md"]
    assert "| [0001](0001-use-postgresql-for-orders.md) | Use PostgreSQL for orders | superseded " \
           "| 2024-01-15 | 2025-01-15 |" in readme
    assert "| [0002](0002-use-cockroachdb-for-orders.md) | Use CockroachDB for orders | accepted" \
        in readme


def _design(*ids: str) -> Design:
    design = Design()
    for did in ids:
        design.set_decision(did, Decision(title=f"Decision {did}", date=dt.date(2024, 1, 1)))
    return design


def test_numbers_come_from_ids_when_they_allow_it() -> None:
    assert adr_numbers(_design("ADR-007", "ADR-003")) == {"ADR-007": 7, "ADR-003": 3}
    assert adr_numbers(_design("adr-12-kafka", "adr-2-pg")) == {"adr-12-kafka": 12, "adr-2-pg": 2}


@pytest.mark.parametrize("ids", [("ADR-1", "use-kafka"), ("a-1", "b-1"), ("x-0", "y-2")])
def test_numbers_come_from_order_otherwise(ids: tuple[str, str]) -> None:
    assert adr_numbers(_design(*ids)) == {ids[0]: 1, ids[1]: 2}


def test_unknown_superseded_decision_is_not_a_link() -> None:
    design = Design()
    design.set_decision("ADR-2", Decision(title="New", supersedes=("ADR-1",),
                                          status=DecisionStatus.ACCEPTED))
    text = _export(design)["0002-new.md"]
    assert "* Supersedes ADR-1 (not in this design)" in text


# --------------------------------------------------------------------------- hostile text

EVIL = "# H <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png) `c` *e* | p"


def _hostile() -> Design:
    design = Design()
    design.set_decision("ADR-1", Decision(
        title=EVIL,
        context="# not a heading\n## nor this\n- not a list\n1. not ordered\nSetext\n===\n"
                "```\nfence\n```\n<div onclick=x>html</div>\n> not a quote\n    indented code",
        decision="<b>bold</b> &lt; entity",
        alternatives={EVIL: Alternative(pros=(EVIL,), cons=("# h", "<img src=x onerror=1>"))},
        consequences=(EVIL, "line\n# heading"),
        deciders=("<script>", "`x`"),
        supersedes=("ADR-2",),
    ))
    design.set_decision("ADR-2", Decision(title="../../etc/passwd", superseded_by="ADR-1"))
    return design


def _html(markdown: str) -> str:
    marked = require_node_tool("marked")
    done = subprocess.run([marked], input=markdown.encode(), capture_output=True, timeout=60,
                          check=True)
    return done.stdout.decode()


@pytest.mark.needs_tool
def test_hostile_text_cannot_inject_html_links_or_headings() -> None:
    files = _export(_hostile())
    for name, markdown in files.items():
        html = _html(markdown)
        tags = set(re.findall(r"<([a-z0-9]+)", html))
        assert tags <= {"h1", "h2", "h3", "p", "ul", "li", "a", "table", "thead", "tbody", "tr",
                        "th", "td"}, (name, tags)
        for href in re.findall(r'href="([^"]*)"', html):
            # Our links, or a bare URL that GFM auto-links (only ever http(s), never javascript:).
            assert ADR_FILE.match(href) or href.startswith("http://e/"), (name, href)
        assert "javascript:alert" not in "".join(re.findall(r'href="([^"]*)"', html))
        assert len(re.findall(r"<h1", html)) == 1, name
    record = _html(files["0001-h-script-alert-1-script-x-javascript-alert-1-i.md"])
    h2 = re.findall(r"<h2[^>]*>(.*?)</h2>", record)
    assert h2 == ["Context and Problem Statement", "Considered Options", "Decision Outcome",
                  "Pros and Cons of the Options", "Links"]
    assert len(re.findall(r"<h3", record)) == 2  # Consequences and the one option
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in record  # shown, not run


def test_hostile_file_names_stay_plain() -> None:
    names = sorted(_export(_hostile()))
    assert names == ["0001-h-script-alert-1-script-x-javascript-alert-1-i.md",
                     "0002-etc-passwd.md", "README.md"]
