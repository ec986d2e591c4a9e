"""Graphviz exporter: golden DOT, parsed by ``dot -Tcanon``, no file-reading attributes, images."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from exporters import dot as dot_module
from exporters.base import ExportError, ExportOptions
from exporters.dot import (
    FORBIDDEN_ATTRIBUTES,
    DotExporter,
    PngExporter,
    SvgExporter,
    architecture_graph,
)
from models.io import load_design
from tests.exporters.golden_files import DESIGNS, check_golden, design_paths
from tests.support.tools import require_tool

DESIGN_PATHS = design_paths()
GRAPHVIZ = "make system  (apt-get install graphviz)"


def _dot(path: Path) -> str:
    return DotExporter().export(load_design(path), ExportOptions())["architecture.dot"]  # type: ignore[return-value]


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    check_golden(path.stem, "dot", DotExporter().export(load_design(path), ExportOptions()))


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=lambda p: p.stem)
def test_byte_stable(path: Path) -> None:
    assert _dot(path) == _dot(path)


def _canon(source: str) -> str:
    dot = require_tool("dot", GRAPHVIZ)
    done = subprocess.run([dot, "-Tcanon"], input=source.encode(), capture_output=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


@pytest.mark.needs_tool
@pytest.mark.parametrize("path", DESIGN_PATHS, ids=lambda p: p.stem)
def test_dot_parses_and_reads_no_files(path: Path) -> None:
    canon = _canon(_dot(path))
    attributes = set(re.findall(r"[\[,\s](\w+)=", canon))
    assert attributes, "canonical DOT lists attributes"
    assert not attributes & FORBIDDEN_ATTRIBUTES


def test_hostile_labels_stay_plain_text() -> None:
    source = _dot(DESIGNS / "hostile.yaml")
    assert "label=<" not in source  # never an HTML-like label
    assert '"<img src=x onerror=alert(1)>\\n[service]"' in source
    assert "&amp;amp;d" in source  # '&' kept literal (Graphviz decodes entities)


@pytest.mark.needs_tool
def test_hostile_node_count_survives_dot() -> None:
    design = load_design(DESIGNS / "hostile.yaml")
    canon = _canon(architecture_graph(design).source)
    nodes = re.findall(r"^\s*(\"[^\"]+\"|\w+)\s+\[", canon, flags=re.MULTILINE)
    names = {n.strip('"') for n in nodes} - {"graph", "node", "edge"}
    assert names == {eid for eid, _ in design.elements()}


@pytest.mark.needs_tool
@pytest.mark.parametrize(
    ("exporter", "magic"), [(SvgExporter(), b"<svg"), (PngExporter(), b"\x89PNG")]
)
def test_images_are_rendered_by_dot(exporter: object, magic: bytes) -> None:
    require_tool("dot", GRAPHVIZ)
    files = exporter.export(load_design(DESIGNS / "shop.yaml"), ExportOptions())  # type: ignore[attr-defined]
    (content,) = files.values()
    assert isinstance(content, bytes) and magic in content[:400]


def test_missing_dot_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dot_module.shutil, "which", lambda name: None)
    with pytest.raises(ExportError, match="Graphviz's 'dot' program, which is missing"):
        SvgExporter().export(load_design(DESIGNS / "shop.yaml"), ExportOptions())


def test_dot_timeout_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired("dot", 1)

    monkeypatch.setattr(dot_module.shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(dot_module.subprocess, "run", slow)
    with pytest.raises(ExportError, match="took more than"):
        dot_module.render("digraph {}", "png", timeout=1)
