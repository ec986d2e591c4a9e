"""The design document: golden files, the card's sections, embedded exports, escaping."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from exporters.base import ExportOptions
from exporters.ddl import datastore_ddl, ddl_datastores
from exporters.doc import SECTIONS, DocExporter, design_document, fenced
from exporters.mermaid import architecture_flowchart, er_diagram, sequence_diagram
from models.io import load_design
from tests.exporters.golden_files import DESIGNS, check_golden, design_paths

_FENCE = re.compile(r"^(`{3,})(\w*)\n(.*?)\n\1$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class FakeFinding:
    """What the check engine hands over (exporters do not import it)."""

    code: str
    severity: str
    element: str
    message: str
    hint: str = ""

    @property
    def id(self) -> str:
        return f"{self.code}@{self.element}"


def _blocks(document: str, language: str) -> list[str]:
    return [m.group(3) + "\n" for m in _FENCE.finditer(document) if m.group(2) == language]


def _prose(document: str) -> str:
    """The document without its code blocks."""
    return _FENCE.sub("", document)


@pytest.mark.parametrize("path", design_paths(), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    check_golden(path.stem, "doc", DocExporter().export(load_design(path), ExportOptions()))


@pytest.mark.parametrize("path", design_paths(), ids=lambda p: p.stem)
def test_the_card_sections_in_order(path: Path) -> None:
    headings = re.findall(r"^## (.+)$", _prose(design_document(load_design(path))), re.M)
    assert headings == list(SECTIONS)


@pytest.mark.parametrize("path", design_paths(), ids=lambda p: p.stem)
def test_diagrams_and_schemas_are_the_other_exports(path: Path) -> None:
    """So the Mermaid render test and the DDL catalog tests cover what the document embeds."""
    design = load_design(path)
    document = design_document(design)
    expected = list(architecture_flowchart(design))
    expected += [er_diagram(design, sid) for sid, s in ddl_datastores(design) if s.tables]
    expected += [sequence_diagram(design, fid) for fid in design.flows]
    assert sorted(_blocks(document, "mermaid")) == sorted(expected)
    ddl = [datastore_ddl(design, sid) for sid, _ in ddl_datastores(design)]
    assert _blocks(document, "sql") == ddl


def test_review_findings_are_grouped_by_severity() -> None:
    findings = [
        FakeFinding("ARC010", "warning", "order-service", "No timeout", "Set a timeout"),
        FakeFinding("SEC001", "error", "orders-db", "Not encrypted <b>x</b> | y", "Encrypt"),
        FakeFinding("ARC020", "info", "web", "Consider a CDN"),
    ]
    design = load_design(DESIGNS / "shop.yaml")
    document = design_document(design, ExportOptions(review=findings))
    review = document.split("## Quality Review", 1)[1].split("## Decision Log", 1)[0]
    assert (
        review.index("### Error (1)") < review.index("### Warning (1)") < review.index("### Info")
    )
    assert (
        "| `SEC001@orders-db` | orders-db | Not encrypted &lt;b>x&lt;/b> \\| y | Encrypt |"
        in review
    )
    assert "found 3 issues: 1 error, 1 warning, 1 info" in review


def test_no_review_says_so() -> None:
    document = design_document(load_design(DESIGNS / "shop.yaml"))
    assert "_No review run" in document.split("## Quality Review", 1)[1]


def test_hostile_text_cannot_inject_html_links_or_headings() -> None:
    document = design_document(load_design(DESIGNS / "hostile.yaml"))
    prose = _prose(document)
    assert "<" not in prose.replace("`<", "").replace("<token>", "")
    assert not re.search(r"(?<!\\)\]\((?!#|\.\./adr/)", prose), "a link the design injected"
    ours = {f"# {load_design(DESIGNS / 'hostile.yaml').info.name}"}
    for line in prose.splitlines():
        if line.startswith("#"):
            assert re.match(r"^#{1,4} ", line) and line not in ours
    assert len(re.findall(r"^`{3,}", document, re.M)) % 2 == 0


def test_fences_outgrow_backticks_in_the_body() -> None:
    assert fenced("yaml", "a: ````x") == "`````yaml\na: ````x\n`````"


def test_output_is_byte_stable() -> None:
    path = design_paths()[0]
    assert design_document(load_design(path)) == design_document(load_design(path))
