"""Graphics items: elements, relations and group frames.

Items hold only what they need to draw (texts elided once, paths computed on change); the
design stays the source of truth and the scene updates items from its events. Elements and
relations use ``DeviceCoordinateCache`` and level-of-detail painting: below
:data:`LABEL_LOD` texts are skipped, so a zoomed-out canvas of thousands of items stays fluid.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QStyle, QStyleOptionGraphicsItem, QWidget

from models.design import kind_of
from models.elements import Datastore, Element, ElementKind, Relation, RelationKind
from studio.canvas import style
from studio.canvas.style import ELEMENT_HEIGHT, ELEMENT_WIDTH

__all__ = ["LABEL_LOD", "ElementItem", "GroupItem", "RelationItem", "element_subtitle"]

#: Level of detail (scale) under which texts are not drawn.
LABEL_LOD = 0.42
_PARALLEL_GAP = 30.0
_ARROW = 9.0
_TEXT_LEFT = 40.0
_ERROR = QColor("#d64545")
_WARNING = QColor("#e0a526")


@cache
def _fonts() -> tuple[QFont, QFont, QFont]:
    base = QFont()
    title = QFont(base)
    title.setPointSizeF(base.pointSizeF())
    title.setWeight(QFont.Weight.DemiBold)
    small = QFont(base)
    small.setPointSizeF(base.pointSizeF() * 0.86)
    badge = QFont(base)
    badge.setPointSizeF(base.pointSizeF() * 0.78)
    badge.setWeight(QFont.Weight.Bold)
    return title, small, badge


def _role(role: QPalette.ColorRole) -> QColor:
    return style.palette().color(role)


def element_subtitle(element: Element) -> str:
    """The second line of an element: its technology, or its engine and version."""
    if isinstance(element, Datastore):
        return " ".join(filter(None, (element.engine.value.capitalize(), element.version)))
    return getattr(element, "technology", "") or style.KIND_LABELS[kind_of(element)]


class ElementItem(QGraphicsItem):
    """A service, datastore, queue, external system or client: a labelled shape with a glyph."""

    def __init__(self, element_id: str, element: Element, editable: bool = True) -> None:
        super().__init__()
        self.element_id = element_id
        self.kind = kind_of(element)
        self.errors = self.warnings = 0
        self._title = self._subtitle = ""
        flags = (QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                 | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        if editable:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        self.setFlags(flags)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.set_element(element)

    def set_element(self, element: Element) -> None:
        """Show a new version of the element."""
        title_font, small_font, _ = _fonts()
        width = ELEMENT_WIDTH - _TEXT_LEFT - 10
        title = element.name or self.element_id
        self._title = QFontMetricsF(title_font).elidedText(title, Qt.TextElideMode.ElideRight,
                                                           width)
        self._subtitle = QFontMetricsF(small_font).elidedText(
            element_subtitle(element), Qt.TextElideMode.ElideRight, width)
        purpose = getattr(element, "purpose", "")
        self.setToolTip(f"<b>{title}</b> <i>({self.element_id})</i><br>"
                        f"{style.KIND_LABELS[self.kind]} · {element_subtitle(element)}"
                        + (f"<br>{purpose}" if purpose else ""))
        self.update()

    def set_counts(self, errors: int, warnings: int) -> None:
        """Show the latest review's error and warning counts as a badge."""
        if (errors, warnings) != (self.errors, self.warnings):
            self.errors, self.warnings = errors, warnings
            self.update()

    # ------------------------------------------------------------------ geometry

    def boundingRect(self) -> QRectF:
        w, h = ELEMENT_WIDTH, ELEMENT_HEIGHT
        return QRectF(-w / 2 - 4, -h / 2 - 11, w + 15, h + 15)

    def shape(self) -> QPainterPath:
        return style.body_path(self.kind)

    def body_rect(self) -> QRectF:
        """The element's outline rectangle in scene coordinates."""
        return QRectF(self.pos().x() - ELEMENT_WIDTH / 2, self.pos().y() - ELEMENT_HEIGHT / 2,
                      ELEMENT_WIDTH, ELEMENT_HEIGHT)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None:
                scene.element_moved(self)  # type: ignore[attr-defined]
        return super().itemChange(change, value)

    # ------------------------------------------------------------------ painting

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        accent = style.accent(self.kind)
        base = _role(QPalette.ColorRole.Base)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = style.body_path(self.kind)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(_role(QPalette.ColorRole.Highlight), 5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(body)
        pen = QPen(accent, 1.6)
        if self.kind is ElementKind.EXTERNAL:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(style.blend(accent, base, 0.88))
        painter.drawPath(body)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(style.detail_path(self.kind))
        if lod < LABEL_LOD:
            return
        self._paint_glyph(painter, accent, base)
        self._paint_texts(painter)
        self._paint_badges(painter)

    def _paint_glyph(self, painter: QPainter, accent: QColor, base: QColor) -> None:
        left = -ELEMENT_WIDTH / 2 + (16 if self.kind in (ElementKind.CLIENT,
                                                          ElementKind.QUEUE) else 10)
        painter.save()
        painter.translate(left, -10)
        painter.setPen(QPen(accent, 1.5))
        painter.setBrush(style.blend(accent, base, 0.7))
        painter.drawPath(style.glyph_path(self.kind))
        painter.restore()

    def _paint_texts(self, painter: QPainter) -> None:
        title_font, small_font, _ = _fonts()
        left = -ELEMENT_WIDTH / 2 + _TEXT_LEFT
        text = _role(QPalette.ColorRole.Text)
        painter.setPen(text)
        painter.setFont(title_font)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(left, -19, ELEMENT_WIDTH - _TEXT_LEFT - 10, 20), align, self._title)
        painter.setPen(style.blend(text, _role(QPalette.ColorRole.Base), 0.4))
        painter.setFont(small_font)
        painter.drawText(QRectF(left, 1, ELEMENT_WIDTH - _TEXT_LEFT - 10, 18), align,
                         self._subtitle)

    def _paint_badges(self, painter: QPainter) -> None:
        _, _, badge_font = _fonts()
        x = ELEMENT_WIDTH / 2 + 6
        for count, color in ((self.warnings, _WARNING), (self.errors, _ERROR)):
            if not count:
                continue
            label = str(count) if count < 100 else "99+"
            width = max(18.0, QFontMetricsF(badge_font).horizontalAdvance(label) + 10)
            rect = QRectF(x - width, -ELEMENT_HEIGHT / 2 - 9, width, 18)
            painter.setPen(QPen(_role(QPalette.ColorRole.Base), 1.5))
            painter.setBrush(color)
            painter.drawRoundedRect(rect, 9, 9)
            painter.setPen(QColor("white"))
            painter.setFont(badge_font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            x -= width + 3


class RelationItem(QGraphicsItem):
    """A relation drawn as an arrow: sync solid, async dashed, ``owns`` dotted; labelled.

    ``subscribes`` is drawn from the queue to the subscriber, the way its messages flow.
    """

    def __init__(self, relation: Relation) -> None:
        super().__init__()
        self.relation = relation
        self.bend = 0.0
        self.siblings = 1
        self._path = QPainterPath()
        self._arrow = QPolygonF()
        self._label = ""
        self._label_rect = QRectF()
        self._bounds = QRectF()
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(0)
        self.set_relation(relation)

    @property
    def key(self) -> tuple[str, str, RelationKind]:
        """The relation's key (source, target, kind)."""
        return self.relation.key

    def set_relation(self, relation: Relation) -> None:
        """Show a new version of the relation."""
        self.relation = relation
        parts = [f"{relation.source} <b>{relation.kind.value}</b> {relation.target}"]
        parts += [str(v) for v in (relation.protocol, relation.description) if v]
        if relation.timeout:
            parts.append(f"timeout {relation.timeout}")
        self.setToolTip("<br>".join(parts))
        self._update_label()

    def _update_label(self) -> None:
        rel = self.relation
        if rel.kind is RelationKind.OWNS:
            label = ""
        elif self.siblings > 1:
            label = rel.kind.value
        else:
            label = rel.protocol
        self._label = label
        self.update()

    def set_parallel(self, index: int, count: int) -> None:
        """Place this relation among ``count`` relations joining the same two elements."""
        self.bend = index - (count - 1) / 2
        if count != self.siblings:
            self.siblings = count
            self._update_label()

    def adjust(self, source: QRectF, target: QRectF) -> None:
        """Recompute the path between the two elements' rectangles (scene coordinates)."""
        self.prepareGeometryChange()
        rel = self.relation
        # Parallel relations bend away from a line with a fixed direction (lower id first),
        # so two relations running opposite ways do not land on each other.
        ends = (source.center(), target.center())
        canonical = QLineF(*ends) if rel.source <= rel.target else QLineF(*reversed(ends))
        if rel.kind is RelationKind.SUBSCRIBES:
            source, target = target, source
        start, end = source.center(), target.center()
        path = QPainterPath()
        if self.bend:
            normal = canonical.normalVector().unitVector()
            offset = QPointF(normal.dx(), normal.dy()) * (self.bend * _PARALLEL_GAP * 2)
            control = (start + end) / 2 + offset
            path.moveTo(_clip(source, control))
            path.quadTo(control, _clip(target, control))
        else:
            path.moveTo(_clip(source, end))
            path.lineTo(_clip(target, start))
        self._path = path
        self._arrow = _arrow_head(path, rel.kind)
        self._place_label()
        self._bounds = (path.boundingRect() | self._arrow.boundingRect() | self._label_rect
                        ).adjusted(-6, -6, 6, 6)
        self.update()

    def _place_label(self) -> None:
        if not self._label:
            self._label_rect = QRectF()
            return
        _, small_font, _ = _fonts()
        metrics = QFontMetricsF(small_font)
        width = metrics.horizontalAdvance(self._label) + 8
        height = metrics.height() + 2
        centre = self._path.pointAtPercent(0.5)
        self._label_rect = QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        shape = stroker.createStroke(self._path)
        shape.addRect(self._label_rect)
        return shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        kind = self.relation.kind
        color = style.relation_color(kind)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            color = _role(QPalette.ColorRole.Highlight)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(color, 2.4 if selected else 1.4)
        if kind is RelationKind.OWNS:
            pen.setStyle(Qt.PenStyle.DotLine)
        elif not kind.is_sync:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(QPen(color, 1.2))
        painter.setBrush(QBrush(color) if kind is not RelationKind.OWNS else Qt.BrushStyle.NoBrush)
        painter.drawPolygon(self._arrow)
        if self._label and option.levelOfDetailFromTransform(painter.worldTransform()) >= 0.55:
            _, small_font, _ = _fonts()
            base = _role(QPalette.ColorRole.Base)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(base)
            painter.drawRoundedRect(self._label_rect, 4, 4)
            painter.setPen(style.blend(color, _role(QPalette.ColorRole.Text), 0.3))
            painter.setFont(small_font)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self._label)


def _clip(rect: QRectF, toward: QPointF) -> QPointF:
    """Where the segment from ``rect``'s centre to ``toward`` leaves the rectangle."""
    centre = rect.center()
    dx, dy = toward.x() - centre.x(), toward.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    tx = (rect.width() / 2 + 1) / abs(dx) if dx else math.inf
    ty = (rect.height() / 2 + 1) / abs(dy) if dy else math.inf
    t = min(tx, ty, 1.0)
    return QPointF(centre.x() + dx * t, centre.y() + dy * t)


def _arrow_head(path: QPainterPath, kind: RelationKind) -> QPolygonF:
    """A filled triangle at the path's end (a hollow diamond at the start for ``owns``)."""
    if path.isEmpty():
        return QPolygonF()
    at_start = kind is RelationKind.OWNS
    tip = path.pointAtPercent(0.0 if at_start else 1.0)
    angle = math.radians(-path.angleAtPercent(0.0 if at_start else 1.0))
    direction = QPointF(math.cos(angle), math.sin(angle))
    if not at_start:
        direction = -direction
    normal = QPointF(-direction.y(), direction.x())
    if at_start:
        back = tip + direction * (_ARROW * 1.6)
        mid = tip + direction * (_ARROW * 0.8)
        return QPolygonF([tip, mid + normal * (_ARROW * 0.45), back,
                          mid - normal * (_ARROW * 0.45)])
    base = tip + direction * _ARROW
    return QPolygonF([tip, base + normal * (_ARROW * 0.5), base - normal * (_ARROW * 0.5)])


class GroupItem(QGraphicsItem):
    """A bounded context: a labelled frame around its members, behind everything.

    The frame is the union of a halo around each member, bridged between two members only
    where no other element lies in between; so a context whose members are scattered over
    the layers never covers (or overlaps the frame of) another context.
    """

    MARGIN = 12.0
    HEADER = 16.0
    MAX_BRIDGED = 40

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._path = QPainterPath()
        self._label_at = QPointF()
        self.setZValue(-10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(f"Group {name}")

    def set_members(self, rects: list[QRectF],
                    blocked: Callable[[QRectF], bool] = lambda _r: False) -> None:
        """Frame the members' rectangles (scene coordinates); ``blocked(rect)`` tells whether
        a non-member lies in ``rect``."""
        m = self.MARGIN
        halos = [r.adjusted(-m, -m, m, m) for r in rects]
        top = min(halos, key=lambda r: (round(r.top()), r.left()))
        halos[halos.index(top)] = top.adjusted(0, -self.HEADER, 0, 0)
        if len(halos) <= self.MAX_BRIDGED:
            for i, a in enumerate(rects):
                for b in rects[i + 1:]:
                    bridge = (a | b).adjusted(-m, -m, m, m)
                    if not blocked(bridge):
                        halos.append(bridge)
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)
        for halo in halos:
            path.addRoundedRect(halo, 10, 10)
        self.prepareGeometryChange()
        self._path = path.simplified()
        self._label_at = QPointF(top.left() + 10, top.top() - self.HEADER + 2)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-1, -1, 1, 1)

    def shape(self) -> QPainterPath:
        return self._path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        text = _role(QPalette.ColorRole.Text)
        base = _role(QPalette.ColorRole.Base)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(style.blend(text, base, 0.72), 1.2, Qt.PenStyle.DashLine))
        painter.setBrush(style.blend(text, base, 0.96))
        painter.drawPath(self._path)
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LABEL_LOD:
            return
        _, small_font, _ = _fonts()
        painter.setFont(small_font)
        painter.setPen(style.blend(text, base, 0.45))
        painter.drawText(QRectF(self._label_at, QPointF(self._label_at.x() + 300,
                                                        self._label_at.y() + self.HEADER)),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.name)
