"""Mermaid exporter: golden files, escaping, Mermaid's limits on RM-1k, and mermaid-cli renders.

The render tests run the real consumer: every ``.mmd`` exported from every test design and from
RM-1k goes through mermaid-cli. Diagrams are batched into Markdown files (one ``mmdc`` run
renders every ``mermaid`` block of a file) and the batches run in parallel, one per CPU.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generate import generate
from exporters.base import ExportOptions
from exporters.mermaid import (
    MAX_EDGES,
    MAX_TEXT,
    MermaidExporter,
    architecture_diagrams,
    er_diagram,
    escape,
    sequence_diagram,
)
from models.design import Design
from models.elements import Datastore, Relation, RelationKind, Service
from models.io import load_design
from tests.exporters.golden_files import DESIGNS, check_golden, design_paths
from tests.support.tools import require_mmdc

DESIGN_PATHS = design_paths()


@pytest.fixture(scope="module")
def rm1k() -> Design:
    return generate()


@pytest.fixture(scope="module")
def rm1k_files(rm1k: Design) -> dict[str, str]:
    return MermaidExporter().export(rm1k, ExportOptions())  # type: ignore[return-value]


def _export(path: Path) -> dict[str, str]:
    return MermaidExporter().export(load_design(path), ExportOptions())  # type: ignore[return-value]


def _edges(text: str) -> int:
    """Edges as Mermaid counts them: every link statement of a flowchart."""
    return len(re.findall(r"^\s*\S+ (?:-->|-\.->|--o)\|", text, flags=re.MULTILINE))


# --------------------------------------------------------------------------- golden, stability


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    check_golden(path.stem, "mermaid", _export(path))


@pytest.mark.parametrize("path", DESIGN_PATHS, ids=lambda p: p.stem)
def test_output_is_byte_stable(path: Path) -> None:
    assert _export(path) == _export(path)


def test_shop_diagrams_show_shapes_arrows_and_groups() -> None:
    text = _export(DESIGNS / "shop.yaml")["architecture.mmd"]
    assert text.startswith("flowchart LR\n")
    assert 'subgraph g_ordering["ordering"]' in text
    assert 'n_orders_db[("Orders DB")]' in text  # datastore: cylinder
    assert 'n_order_events{{"Order events"}}' in text  # queue: hexagon
    assert 'n_payments[/"Stripe"/]' in text  # external: parallelogram
    assert 'n_web(["Web shop"])' in text  # client: stadium
    assert 'n_order_service -->|"gRPC"| n_inventory_service' in text  # sync: solid
    assert 'n_order_service -.->|"Kafka"| n_order_events' in text  # async: dashed
    assert 'n_order_events -.->|"subscribes"| n_inventory_service' in text  # towards consumer


def test_reads_and_writes_of_one_store_say_which_is_which() -> None:
    design = Design()
    design.add_element("api", Service())
    design.add_element("db", Datastore())
    design.add_relation(Relation(RelationKind.READS, "api", "db", protocol="PostgreSQL"))
    design.add_relation(Relation(RelationKind.WRITES, "api", "db", protocol='say "hi"'))
    [diagram] = architecture_diagrams(design)
    edges = [line.strip() for line in diagram.text.splitlines() if "-->" in line]
    assert edges == ['n_api -->|"reads (PostgreSQL)"| n_db',
                     'n_api -->|"writes (say #34;hi#34;)"| n_db']


def test_er_diagram_keys_types_and_cardinalities() -> None:
    text = er_diagram(load_design(DESIGNS / "shop.yaml"), "orders-db")
    assert "varchar_255 email UK" in text  # type sanitised for the ER grammar
    assert "uuid order_id PK, FK" in text
    assert "decimal_10_2 total" in text
    assert 'users ||--o{ orders : "user_id"' in text  # required FK, many children
    assert 'orders ||--o| invoices : "order_id"' in text  # FK that is the PK: one-to-one


def test_sequence_diagram_arrows() -> None:
    text = sequence_diagram(load_design(DESIGNS / "shop.yaml"), "place-order")
    assert "actor p_web as Web shop" in text
    assert "p_web->>p_order_service: POST /api/v1/orders" in text  # request
    assert "p_inventory_service-->>p_order_service: Reserved" in text  # reply
    assert "p_order_service-)p_order_events: OrderCreated" in text  # async


# --------------------------------------------------------------------------- escaping

HOSTILE = [
    '"]; click x callback',
    "%%{init: {'securityLevel':'loose'}}%%",
    "<script>alert(1)</script>",
    "line\nbreak\r\nclick a href",
    "a;b#c&amp;d|e`f`{g}[h]",
    "`markdown string`",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_leaves_no_syntax(text: str) -> None:
    out = escape(text)
    assert "\n" not in out and "\r" not in out
    assert not re.search(r'["<>%;`{}\[\]|&]', re.sub(r"#\d+;", "", out))
    assert re.fullmatch(r"([^#]|#\d+;)*", out), "every '#' starts an entity code"


def test_hostile_design_has_no_directives_click_or_html() -> None:
    files = _export(DESIGNS / "hostile.yaml")
    assert files, "the hostile design exports diagrams"
    for name, text in files.items():
        assert "%%" not in text, name
        assert "<" not in re.sub(r"-\.->|-->>|->>|-->", "", text), name
        assert ">" not in re.sub(r"-\.->|-->>|->>|-->", "", text), name
        for line in text.splitlines():
            assert not line.strip().startswith(("click", "%%", "style", "classDef")), (name, line)
            assert "href" not in line.split('"')[0], (name, line)


# --------------------------------------------------------------------------- limits, RM-1k


def test_rm1k_is_split_within_mermaid_limits(rm1k: Design, rm1k_files: dict[str, str]) -> None:
    parts = {k: v for k, v in rm1k_files.items() if k.startswith("architecture-") and
             k.endswith(".mmd")}
    assert len(parts) > 1 and "architecture-index.md" in rm1k_files
    assert "architecture.mmd" not in rm1k_files
    for name, text in rm1k_files.items():
        if name.endswith(".mmd"):
            assert len(text) <= MAX_TEXT, name
            assert _edges(text) <= MAX_EDGES, name
    index = rm1k_files["architecture-index.md"]
    for name in parts:
        assert f"[{name}]({name})" in index


def test_rm1k_parts_cover_every_element_and_relation(rm1k: Design) -> None:
    diagrams = architecture_diagrams(rm1k)
    text = "\n".join(d.text for d in diagrams)
    shown = set(re.findall(r"^\s*(n_\w+)[\[({]", text, flags=re.MULTILINE))
    assert len(shown) == len(rm1k)
    assert sum(d.relations for d in diagrams) >= sum(1 for _ in rm1k.relations())
    edges = {line.strip() for line in text.splitlines() if re.match(r"\s*n_\w+ -", line)}
    assert len(edges) == sum(1 for _ in rm1k.relations())


def test_hub_with_more_relations_than_a_diagram_holds_is_sliced() -> None:
    from models.elements import Relation, RelationKind, Service

    design = Design()
    design.add_element("hub", Service(name="Hub"))
    for i in range(1200):
        design.add_element(f"s{i:04d}", Service(group=f"g{i % 3}"))
        design.add_relation(Relation(RelationKind.CALLS, "hub", f"s{i:04d}", protocol="HTTP"))
    diagrams = architecture_diagrams(design)
    assert len(diagrams) > 3
    for diagram in diagrams:
        assert len(diagram.text) <= MAX_TEXT and _edges(diagram.text) <= MAX_EDGES
    assert sum(_edges(d.text) for d in diagrams) >= 1200


# --------------------------------------------------------------------------- mermaid-cli renders


def _render_all(diagrams: dict[str, str], folder: Path) -> float:
    """Render every diagram with mermaid-cli; fail with mmdc's message. Returns the seconds."""
    mmdc = require_mmdc()
    jobs = max(1, min(os.cpu_count() or 1, 4, len(diagrams)))
    names = sorted(diagrams)
    batches = [names[i::jobs] for i in range(jobs)]
    start = time.perf_counter()
    procs = []
    for n, batch in enumerate(batches):
        source = folder / f"batch{n}.md"
        source.write_text("".join(f"```mermaid\n{diagrams[k]}```\n\n" for k in batch), "utf-8")
        procs.append(subprocess.Popen(
            [*mmdc, "-q", "-i", str(source), "-o", str(folder / f"out{n}.md")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        ))
    for n, (proc, batch) in enumerate(zip(procs, batches, strict=True)):
        _, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, f"mmdc failed on one of {batch}:\n{err.decode()[-3000:]}"
        for i, name in enumerate(batch, 1):
            svg = (folder / f"out{n}-{i}.svg").read_text("utf-8")
            assert "<svg" in svg, name
            assert "Syntax error" not in svg and "Maximum text size" not in svg, name
    return time.perf_counter() - start


@pytest.mark.needs_tool
def test_every_design_renders_in_mermaid_cli(tmp_path: Path) -> None:
    diagrams = {
        f"{path.stem}/{name}": text
        for path in DESIGN_PATHS
        for name, text in _export(path).items()
        if name.endswith(".mmd")
    }
    seconds = _render_all(diagrams, tmp_path)
    print(f"mmdc rendered {len(diagrams)} diagrams of the test designs in {seconds:.1f} s",
          file=sys.stderr)


@pytest.mark.slow
@pytest.mark.needs_tool
def test_every_rm1k_diagram_renders_in_mermaid_cli(
    rm1k_files: dict[str, str], tmp_path: Path
) -> None:
    diagrams = {k: v for k, v in rm1k_files.items() if k.endswith(".mmd")}
    seconds = _render_all(diagrams, tmp_path)
    print(f"mmdc rendered {len(diagrams)} RM-1k diagrams in {seconds:.1f} s", file=sys.stderr)
