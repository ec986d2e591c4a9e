"""Headless rendering: ``archstudio render FILE -o OUT.svg|png [--view VIEW]``.

Draws the very scene the studio shows (the architecture :class:`DiagramScene` with the design's
layout, laid out first when it has none, and the review's badges; or a SQL datastore's
:class:`~studio.editors.er.ErScene`) without a display: Qt runs on its ``offscreen`` platform,
SVG comes from QtSvg's :class:`QSvgGenerator` and PNG from a :class:`QImage`. Neither needs
Graphviz. :mod:`studio.cli` imports this module by name, so the CLI itself stays Qt-free.

The picture uses the light palette of the Fusion style whatever the desktop's scheme, so the
same design always gives the same picture.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt starts: no display needed

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsScene

import studio  # noqa: F401 - guards the interpreter before any Qt call
from models.design import Design
from models.elements import Datastore
from models.io import LoadError, load_design, write_atomic

__all__ = ["FORMATS", "MARGIN", "MAX_PIXELS", "RenderError", "View", "parse_view", "render",
           "run"]

#: Output formats, by file suffix.
FORMATS = (".svg", ".png")
#: Blank border around the diagram, in scene units.
MARGIN = 24.0
#: The longest side of a PNG; a larger diagram is rendered at a smaller scale to fit.
MAX_PIXELS = 16384


class RenderError(Exception):
    """The request cannot be rendered (bad view, unknown datastore, bad output name)."""


@dataclass(frozen=True, slots=True)
class View:
    """What to draw: ``architecture``, or the ER diagram of datastore ``datastore``."""

    kind: str
    datastore: str = ""


def parse_view(text: str, design: Design) -> View:
    """``architecture`` or ``er:DATASTORE`` (a SQL datastore of ``design``)."""
    if text == "architecture":
        return View("architecture")
    kind, _, name = text.partition(":")
    if kind != "er" or not name:
        raise RenderError(f"unknown view '{text}': use 'architecture' or 'er:DATASTORE'"
                          f"{_did_you_mean(kind, ['architecture', 'er'])}")
    stores = {sid: store for sid, store in design.elements() if isinstance(store, Datastore)}
    if name not in stores:
        known = ", ".join(sorted(stores)) or "none"
        raise RenderError(f"no datastore '{name}'{_did_you_mean(name, list(stores))} "
                          f"(datastores: {known})")
    if not stores[name].engine.is_sql:
        raise RenderError(f"datastore '{name}' ({stores[name].engine.value}) has no SQL schema "
                          "to draw as an ER diagram")
    return View("er", name)


def _did_you_mean(word: str, names: list[str]) -> str:
    close = difflib.get_close_matches(word, sorted(names), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0] if sys.argv else "archstudio"])
    app.setStyle("Fusion")
    app.setPalette(app.style().standardPalette())
    return app


def _architecture_scene(design: Design) -> tuple[QGraphicsScene, Callable[[], None]]:
    from studio.canvas.scene import DiagramScene
    from studio.document import Document

    document = Document(design, read_only=True)  # lays out a design without positions
    scene = DiagramScene(document)
    scene.set_detail(1.0)
    scene.tidy()

    def close() -> None:
        scene.detach()
        document.close()

    return scene, close


def _er_scene(design: Design, datastore: str) -> tuple[QGraphicsScene, Callable[[], None]]:
    from studio.editors.er import ErScene

    scene = ErScene(design, datastore)
    return scene, scene.detach


def render(design: Design, output: Path, view: View = View("architecture"),
           scale: float = 2.0) -> tuple[int, int]:
    """Draw ``view`` of ``design`` into ``output`` (``.svg`` or ``.png``, written atomically).

    Returns the picture's size: in SVG user units (scene units) or in PNG pixels (scene units
    times ``scale``, reduced so that no side exceeds :data:`MAX_PIXELS`).
    """
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise RenderError(f"cannot tell the format of '{output}': name it .svg or .png")
    _application()
    build = _er_scene if view.kind == "er" else _architecture_scene
    scene, close = build(design, view.datastore) if view.kind == "er" else build(design)
    try:
        bounds = scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        source = QRectF(bounds.toAlignedRect())  # whole units: the picture maps 1:1
        if suffix == ".svg":
            data, size = _svg(scene, source, design.info.name or output.stem)
        else:
            data, size = _png(scene, source, scale)
    finally:
        close()
    write_atomic(output, data)
    return size


def _paint(scene: QGraphicsScene, painter: QPainter, target: QRectF, source: QRectF) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing
                           | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(target, QApplication.palette().base())
    scene.render(painter, target, source)
    painter.end()


def _dpi() -> int:
    screen = QApplication.primaryScreen()
    return round(screen.logicalDotsPerInchY()) if screen is not None else 96


def _svg(scene: QGraphicsScene, source: QRectF, title: str) -> tuple[bytes, tuple[int, int]]:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    size = QSize(round(source.width()), round(source.height()))
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setResolution(_dpi())  # texts measure as on the screen the items laid out for
    generator.setTitle(title)
    generator.setDescription("Drawn by archstudio render")
    _paint(scene, QPainter(generator), QRectF(0, 0, size.width(), size.height()), source)
    return bytes(buffer.data().data()), (size.width(), size.height())


def _png(scene: QGraphicsScene, source: QRectF, scale: float) -> tuple[bytes, tuple[int, int]]:
    scale = min(scale, MAX_PIXELS / max(source.width(), source.height(), 1.0))
    image = QImage(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    _paint(scene, QPainter(image), QRectF(image.rect()), source)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RenderError("the PNG encoder failed")
    buffer.close()
    return bytes(data.data()), (image.width(), image.height())


def run(args: object) -> int:
    """The ``render`` command behind :mod:`studio.cli` (``args`` as its parser made them)."""
    file, output = Path(args.file), Path(args.output)  # type: ignore[attr-defined]
    try:
        design = load_design(file)
    except LoadError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        view = parse_view(args.view, design)  # type: ignore[attr-defined]
        width, height = render(design, output, view, args.scale)  # type: ignore[attr-defined]
    except (RenderError, OSError) as exc:
        print(f"archstudio render: {exc}", file=sys.stderr)
        return 2
    print(f"{output} ({width}x{height})")
    return 0
