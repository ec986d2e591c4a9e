"""Shapes, glyphs and colours of the canvas, built once and shared by every item.

Paths are computed once per kind (items only translate them), so ``paint()`` just fills and
strokes ready-made paths. Colours derive from a fixed accent per kind blended into the
application palette, so the canvas follows the system's light or dark scheme.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)

from models.elements import ElementKind, RelationKind

__all__ = [
    "ELEMENT_HEIGHT",
    "ELEMENT_WIDTH",
    "KIND_LABELS",
    "accent",
    "blend",
    "body_path",
    "glyph_path",
    "is_dark",
    "kind_icon",
    "relation_color",
]

ELEMENT_WIDTH = 184.0
ELEMENT_HEIGHT = 60.0

KIND_LABELS = {
    ElementKind.SERVICE: "Service",
    ElementKind.DATASTORE: "Datastore",
    ElementKind.QUEUE: "Queue",
    ElementKind.EXTERNAL: "External system",
    ElementKind.CLIENT: "Client",
}

_ACCENTS = {
    ElementKind.SERVICE: "#2f6fde",
    ElementKind.DATASTORE: "#1f9e6e",
    ElementKind.QUEUE: "#d9822b",
    ElementKind.EXTERNAL: "#7a7f8a",
    ElementKind.CLIENT: "#8b5cf6",
}

_RELATION_ACCENTS = {
    RelationKind.CALLS: None,  # the text colour
    RelationKind.PUBLISHES: "#d9822b",
    RelationKind.SUBSCRIBES: "#d9822b",
    RelationKind.READS: "#1f9e6e",
    RelationKind.WRITES: "#1f9e6e",
    RelationKind.OWNS: None,
}


def palette() -> QPalette:
    """The application palette (follows the system's light/dark scheme)."""
    return QGuiApplication.palette()


def is_dark() -> bool:
    """Whether the palette is dark (window text lighter than the window)."""
    pal = palette()
    return pal.color(QPalette.ColorRole.WindowText).lightness() > pal.color(
        QPalette.ColorRole.Window).lightness()


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved towards ``b`` by ``t`` (0..1)."""
    return QColor.fromRgbF(*(x + (y - x) * t for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3],
                                                           strict=True)))


def accent(kind: ElementKind) -> QColor:
    """The accent colour of an element kind."""
    color = QColor(_ACCENTS[kind])
    return color.lighter(135) if is_dark() else color


def relation_color(kind: RelationKind) -> QColor:
    """The stroke colour of a relation kind."""
    text = palette().color(QPalette.ColorRole.Text)
    name = _RELATION_ACCENTS[kind]
    if name is None:
        base = palette().color(QPalette.ColorRole.Base)
        return blend(text, base, 0.55 if kind is RelationKind.OWNS else 0.25)
    color = QColor(name)
    return color.lighter(130) if is_dark() else color.darker(110)


@cache
def body_path(kind: ElementKind) -> QPainterPath:
    """The outline of an element of ``kind``, centred on the origin."""
    w, h = ELEMENT_WIDTH, ELEMENT_HEIGHT
    rect = QRectF(-w / 2, -h / 2, w, h)
    path = QPainterPath()
    if kind is ElementKind.DATASTORE:
        ry = 7.0
        path.moveTo(rect.left(), rect.top() + ry)
        path.arcTo(QRectF(rect.left(), rect.top(), w, 2 * ry), 180, -180)
        path.lineTo(rect.right(), rect.bottom() - ry)
        path.arcTo(QRectF(rect.left(), rect.bottom() - 2 * ry, w, 2 * ry), 0, -180)
        path.closeSubpath()
    elif kind is ElementKind.QUEUE:
        rx = 12.0
        path.moveTo(rect.left() + rx, rect.top())
        path.lineTo(rect.right() - rx, rect.top())
        path.arcTo(QRectF(rect.right() - 2 * rx, rect.top(), 2 * rx, h), 90, -180)
        path.lineTo(rect.left() + rx, rect.bottom())
        path.arcTo(QRectF(rect.left(), rect.top(), 2 * rx, h), 270, -180)
        path.closeSubpath()
    elif kind is ElementKind.CLIENT:
        path.addRoundedRect(rect, h / 2, h / 2)
    elif kind is ElementKind.EXTERNAL:
        path.addRect(rect)
    else:
        path.addRoundedRect(rect, 8, 8)
    return path


@cache
def detail_path(kind: ElementKind) -> QPainterPath:
    """Inner strokes that make a kind recognisable at a glance (cylinder rim, queue end)."""
    w, h = ELEMENT_WIDTH, ELEMENT_HEIGHT
    path = QPainterPath()
    if kind is ElementKind.DATASTORE:
        ry = 7.0
        path.moveTo(-w / 2, -h / 2 + ry)
        path.arcTo(QRectF(-w / 2, -h / 2, w, 2 * ry), 180, 180)
    elif kind is ElementKind.QUEUE:
        rx = 12.0
        path.moveTo(w / 2 - rx, -h / 2)
        path.arcTo(QRectF(w / 2 - 2 * rx, -h / 2, 2 * rx, h), 90, 180)
    return path


@cache
def glyph_path(kind: ElementKind) -> QPainterPath:
    """A small icon (20x20, origin at its top-left) drawn in the element's accent colour."""
    path = QPainterPath()
    if kind is ElementKind.SERVICE:  # a hexagon with a hub: a running component
        pts = [QPointF(10, 1), QPointF(18, 5.5), QPointF(18, 14.5), QPointF(10, 19),
               QPointF(2, 14.5), QPointF(2, 5.5)]
        path.moveTo(pts[0])
        for p in pts[1:]:
            path.lineTo(p)
        path.closeSubpath()
        path.addEllipse(QPointF(10, 10), 3.2, 3.2)
    elif kind is ElementKind.DATASTORE:  # a small cylinder
        path.addEllipse(QRectF(3, 2, 14, 5))
        path.moveTo(3, 4.5)
        path.lineTo(3, 15.5)
        path.arcTo(QRectF(3, 13, 14, 5), 180, 180)
        path.lineTo(17, 4.5)
        path.moveTo(3, 10)
        path.arcTo(QRectF(3, 7.5, 14, 5), 180, 180)
    elif kind is ElementKind.QUEUE:  # messages in a row
        for x in (2.0, 8.0, 14.0):
            path.addRoundedRect(QRectF(x, 5, 4.5, 10), 1.2, 1.2)
    elif kind is ElementKind.EXTERNAL:  # a globe
        path.addEllipse(QRectF(2, 2, 16, 16))
        path.addEllipse(QRectF(6.5, 2, 7, 16))
        path.moveTo(2, 10)
        path.lineTo(18, 10)
    else:  # a screen on a stand
        path.addRoundedRect(QRectF(2, 3, 16, 11), 1.5, 1.5)
        path.moveTo(10, 14)
        path.lineTo(10, 17)
        path.moveTo(6, 17.5)
        path.lineTo(14, 17.5)
    return path


def kind_icon(kind: ElementKind, size: int = 32) -> QIcon:
    """An icon for palettes, menus and the outline: the glyph on the kind's tinted body."""
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() \
        else 1.0
    pixmap = QPixmap(QSize(size, size) * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scale = size / 22.0
    painter.scale(scale, scale)
    painter.translate(1, 1)
    painter.setPen(QPen(accent(kind), 1.6))
    painter.setBrush(blend(accent(kind), palette().color(QPalette.ColorRole.Base), 0.8))
    painter.drawPath(glyph_path(kind))
    painter.end()
    return QIcon(pixmap)
