"""Headless rendering: the studio's scene as SVG and PNG, well-formed and countable.

The countable markers: every element's title is one ``<text>`` of the SVG, and every relation
ends in one ``<polygon>`` (its arrowhead or, for ``owns``, its diamond).
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from models.design import Design
from models.elements import Datastore
from models.io import load_design
from studio.render import RenderError, View, parse_view, render
from tests.studio.conftest import SAMPLES

SVG = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ECOMMERCE = next(p for p in SAMPLES if p.stem == "ecommerce-order-management")


def _svg(path: Path) -> tuple[ET.Element, list[str]]:
    root = ET.parse(path).getroot()
    return root, ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def test_svg_has_one_title_per_element_and_one_arrowhead_per_relation(
        qapp: object, tmp_path: Path, design: Design) -> None:
    assert not design.layout, "the fixture has no positions: render lays it out first"
    out = tmp_path / "design.svg"
    width, height = render(design, out)
    root, texts = _svg(out)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == f"0 0 {width} {height}"
    for _, element in design.elements():
        assert texts.count(element.name) == 1, element.name
    arrowheads = sum(1 for _ in root.iter(f"{SVG}polygon"))
    assert arrowheads == sum(1 for _ in design.relations()) == 5
    assert "shop" in texts and "HTTPS" in texts  # the group frame and a protocol label


def test_each_sample_renders_every_element(qapp: object, tmp_path: Path) -> None:
    for sample in SAMPLES:
        design = load_design(sample)
        out = tmp_path / f"{sample.stem}.svg"
        render(design, out)
        root, texts = _svg(out)
        for _, element in design.elements():  # a long title is elided, never dropped
            assert any(t == element.name or (t.endswith("…") and element.name.startswith(t[:-1]))
                       for t in texts), (sample.stem, element.name)
        assert sum(1 for _ in root.iter(f"{SVG}polygon")) == sum(1 for _ in design.relations())


def test_png_is_the_svg_picture_at_the_scale(qapp: object, tmp_path: Path,
                                             design: Design) -> None:
    width, height = render(design, tmp_path / "design.svg")
    size = render(design, tmp_path / "design.png", scale=2.0)
    data = (tmp_path / "design.png").read_bytes()
    assert data[:8] == PNG_MAGIC
    assert struct.unpack(">II", data[16:24]) == size == (2 * width, 2 * height)
    image = QImage(str(tmp_path / "design.png"))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 8)
               for y in range(0, image.height(), 8)}
    assert len(colours) > 20, "the picture is not blank"


def test_output_is_byte_stable(qapp: object, tmp_path: Path) -> None:
    design = load_design(ECOMMERCE)
    render(design, tmp_path / "a.svg")
    render(load_design(ECOMMERCE), tmp_path / "b.svg")
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_er_view_draws_the_datastore_tables(qapp: object, tmp_path: Path) -> None:
    design = load_design(ECOMMERCE)
    store = design.element("orders-db")
    assert isinstance(store, Datastore) and store.tables
    out = tmp_path / "orders.svg"
    render(design, out, parse_view("er:orders-db", design))
    _, texts = _svg(out)
    assert all(name in texts for name in store.tables)
    assert not any(element.name in texts for _, element in design.elements())


@pytest.mark.parametrize(("view", "message"), [
    ("er:orders", "did you mean 'orders-db'?"),
    ("er:order-cache", "has no SQL schema"),
    ("architectur", "did you mean 'architecture'?"),
    ("er:", "use 'architecture' or 'er:DATASTORE'"),
])
def test_bad_views_are_refused_with_a_hint(view: str, message: str) -> None:
    with pytest.raises(RenderError, match=message.replace("?", r"\?")):
        parse_view(view, load_design(ECOMMERCE))


def test_unknown_format_is_refused(qapp: object, tmp_path: Path, design: Design) -> None:
    with pytest.raises(RenderError, match=r"\.svg or \.png"):
        render(design, tmp_path / "design.pdf", View("architecture"))
    assert not (tmp_path / "design.pdf").exists()
