"""Graphics items: elements, relations and group frames.

Each item is a light parent that owns selection, the hit shape and the tooltip but paints
nothing itself (``ItemHasNoContents``); what it shows are Qt's own C++ items (paths, polygons,
simple texts), styled once when the model or the palette changes. The parents are path items
too, so that Qt computes their bounds and shapes in C++: a frame runs no Python per item, and
a zoomed-out canvas of thousands of items pans and zooms at C++ speed.
Level of detail: :meth:`~studio.canvas.scene.DiagramScene.set_detail` hides texts below
:data:`LABEL_LOD` and relation labels below :data:`RELATION_LABEL_LOD`, so painting never even
visits them. Only the few decorations that need custom drawing (error badges, the label
pills of relations) are painted in Python, and only at a readable zoom.
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
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from models.design import kind_of
from models.elements import Datastore, Element, ElementKind, Relation, RelationKind
from studio.canvas import style
from studio.canvas.style import ELEMENT_HEIGHT, ELEMENT_WIDTH

__all__ = [
    "LABEL_LOD",
    "RELATION_LABEL_LOD",
    "ElementItem",
    "GroupItem",
    "RelationItem",
    "element_subtitle",
]

#: Scale under which element texts, glyphs, badges and group names are hidden.
LABEL_LOD = 0.42
#: Scale under which relation labels are hidden.
RELATION_LABEL_LOD = 0.55
#: Where a relation's label may sit along its path, best first.
LABEL_SPOTS = (0.5, 0.38, 0.62, 0.27, 0.73)
_PARALLEL_GAP = 30.0
_ARROW = 9.0
_TEXT_LEFT = 40.0
_TEXT_WIDTH = ELEMENT_WIDTH - _TEXT_LEFT - 10
_ERROR = QColor("#d64545")
_WARNING = QColor("#e0a526")
_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
#: Width of a relation's hit shape: a thin line is hard to click.
_HIT_WIDTH = 10.0


@cache
def _fonts() -> tuple[QFont, QFont, QFont]:
    base = QFont()
    title = QFont(base)
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
        return " ".join(filter(None, (element.engine.title, element.version)))
    return getattr(element, "technology", "") or style.KIND_LABELS[kind_of(element)]


def _passive(item: QGraphicsItem) -> QGraphicsItem:
    """A drawing-only child: clicks, hovers and tooltips go to its parent."""
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    return item


def _path_child(parent: QGraphicsItem, path: QPainterPath) -> QGraphicsPathItem:
    return _passive(QGraphicsPathItem(path, parent))  # type: ignore[return-value]


def _text_child(parent: QGraphicsItem, font: QFont) -> QGraphicsSimpleTextItem:
    item = _passive(QGraphicsSimpleTextItem(parent))
    item.setFont(font)  # type: ignore[attr-defined]
    return item  # type: ignore[return-value]


class ElementItem(QGraphicsPathItem):
    """A service, datastore, queue, external system or client: a labelled shape with a glyph.

    Its own path is the body's outline: it gives the bounds and the hit shape; children draw.
    """

    def __init__(self, element_id: str, element: Element, editable: bool = True) -> None:
        super().__init__(style.body_path(kind_of(element)))
        self.element_id = element_id
        self.kind = kind_of(element)
        self.errors = self.warnings = 0
        self._texts_shown = True
        flags = (QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                 | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges | _NO_CONTENTS)
        if editable:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        self.setFlags(flags)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        body = style.body_path(self.kind)
        self._halo = _path_child(self, body)
        self._halo.setVisible(False)
        self._body = _path_child(self, body)
        detail = style.detail_path(self.kind)
        self._detail = None if detail.isEmpty() else _path_child(self, detail)
        self._glyph = _path_child(self, style.glyph_path(self.kind))
        narrow = self.kind in (ElementKind.CLIENT, ElementKind.QUEUE)
        self._glyph.setPos(-ELEMENT_WIDTH / 2 + (16 if narrow else 10), -10)
        title_font, small_font, _ = _fonts()
        self._title = _text_child(self, title_font)
        self._subtitle = _text_child(self, small_font)
        self._badges = _Badges(self)
        self.restyle()
        self.set_element(element)

    def set_element(self, element: Element) -> None:
        """Show a new version of the element."""
        title_font, small_font, _ = _fonts()
        title = element.name or self.element_id
        subtitle = element_subtitle(element)
        for item, font, text, top in ((self._title, title_font, title, -19.0),
                                      (self._subtitle, small_font, subtitle, 1.0)):
            metrics = QFontMetricsF(font)
            item.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, _TEXT_WIDTH))
            item.setPos(-ELEMENT_WIDTH / 2 + _TEXT_LEFT, top + (19 - metrics.height()) / 2)
        purpose = getattr(element, "purpose", "")
        self.setToolTip(f"<b>{title}</b> <i>({self.element_id})</i><br>"
                        f"{style.KIND_LABELS[self.kind]} · {subtitle}"
                        + (f"<br>{purpose}" if purpose else ""))

    @property
    def title(self) -> str:
        """The title as shown (elided to fit)."""
        return self._title.text()

    def set_counts(self, errors: int, warnings: int) -> None:
        """Show the latest review's error and warning counts as a badge."""
        if (errors, warnings) != (self.errors, self.warnings):
            self.errors, self.warnings = errors, warnings
            self._badges.set_counts(errors, warnings)
            self._badges.setVisible(self._texts_shown and bool(errors or warnings))

    def show_texts(self, shown: bool) -> None:
        """Show or hide what is unreadable when zoomed far out (texts, glyph, badges)."""
        self._texts_shown = shown
        for item in (self._title, self._subtitle, self._glyph):
            item.setVisible(shown)
        self._badges.setVisible(shown and bool(self.errors or self.warnings))

    def restyle(self) -> None:
        """Take the colours of the current palette."""
        accent = style.accent(self.kind)
        base, text = _role(QPalette.ColorRole.Base), _role(QPalette.ColorRole.Text)
        pen = QPen(accent, 1.6)
        if self.kind is ElementKind.EXTERNAL:
            pen.setStyle(Qt.PenStyle.DashLine)
        self._body.setPen(pen)
        self._body.setBrush(style.blend(accent, base, 0.88))
        if self._detail is not None:
            self._detail.setPen(pen)
        self._halo.setPen(QPen(_role(QPalette.ColorRole.Highlight), 5))
        self._glyph.setPen(QPen(accent, 1.5))
        self._glyph.setBrush(style.blend(accent, base, 0.7))
        self._title.setBrush(text)
        self._subtitle.setBrush(style.blend(text, base, 0.4))
        self._badges.update()

    # ------------------------------------------------------------------ geometry

    def body_rect(self) -> QRectF:
        """The element's outline rectangle in scene coordinates."""
        return QRectF(self.pos().x() - ELEMENT_WIDTH / 2, self.pos().y() - ELEMENT_HEIGHT / 2,
                      ELEMENT_WIDTH, ELEMENT_HEIGHT)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None:
                scene.element_moved(self)  # type: ignore[attr-defined]
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self._halo.setVisible(bool(value))
        return super().itemChange(change, value)


class _Badges(QGraphicsItem):
    """The error and warning counts at an element's top-right corner."""

    def __init__(self, parent: ElementItem) -> None:
        super().__init__(parent)
        _passive(self)
        self._pills: list[tuple[QRectF, QColor, str]] = []
        self._bounds = QRectF()
        self.setVisible(False)

    def set_counts(self, errors: int, warnings: int) -> None:
        _, _, font = _fonts()
        metrics = QFontMetricsF(font)
        pills, x = [], ELEMENT_WIDTH / 2 + 6
        for count, color in ((warnings, _WARNING), (errors, _ERROR)):
            if count:
                label = str(count) if count < 100 else "99+"
                width = max(18.0, metrics.horizontalAdvance(label) + 10)
                pills.append((QRectF(x - width, -ELEMENT_HEIGHT / 2 - 9, width, 18), color, label))
                x -= width + 3
        self.prepareGeometryChange()
        self._pills = pills
        self._bounds = QRectF()
        for rect, _, _ in pills:
            self._bounds |= rect.adjusted(-1, -1, 1, 1)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        _, _, font = _fonts()
        painter.setFont(font)
        for rect, color, label in self._pills:
            painter.setPen(QPen(_role(QPalette.ColorRole.Base), 1.5))
            painter.setBrush(color)
            painter.drawRoundedRect(rect, 9, 9)
            painter.setPen(QColor("white"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)


class RelationItem(QGraphicsPathItem):
    """A relation drawn as an arrow: sync solid, async dashed, ``owns`` dotted; labelled.

    ``subscribes`` is drawn from the queue to the subscriber, the way its messages flow. Its
    own path (the line and the label's box, never drawn) with a wide pen gives the bounds and
    a hit shape that is easy to click; children draw.
    """

    def __init__(self, relation: Relation) -> None:
        super().__init__()
        self.relation = relation
        self.bend = 0.0
        self.siblings = 1
        self._path = QPainterPath()
        self._label_shown = True
        self.setPen(QPen(Qt.GlobalColor.transparent, _HIT_WIDTH))
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable | _NO_CONTENTS)
        self.setZValue(0)
        self._line = _path_child(self, QPainterPath())
        self._head: QGraphicsPolygonItem = _passive(QGraphicsPolygonItem(self))  # type: ignore[assignment]
        self._label = _Label(self)
        self.set_relation(relation)

    @property
    def key(self) -> tuple[str, str, RelationKind]:
        """The relation's key (source, target, kind)."""
        return self.relation.key

    @property
    def label(self) -> str:
        """The text shown on the relation ('' for none)."""
        return self._label.text

    def label_rect(self) -> QRectF:
        """The label's rectangle in scene coordinates (empty without a label, or when it is
        left out for want of room)."""
        return self._label.rect if self._label.text and not self._label.crowded else QRectF()

    def set_relation(self, relation: Relation) -> None:
        """Show a new version of the relation."""
        self.relation = relation
        parts = [f"{relation.source} <b>{relation.kind.value}</b> {relation.target}"]
        parts += [str(v) for v in (relation.protocol, relation.description) if v]
        if relation.timeout:
            parts.append(f"timeout {relation.timeout}")
        self.setToolTip("<br>".join(parts))
        self._update_label()
        self.restyle()

    def _update_label(self) -> None:
        rel = self.relation
        if rel.kind is RelationKind.OWNS:
            label = ""
        elif self.siblings > 1:
            label = rel.kind.value
        else:
            label = rel.protocol
        self._label.set_text(label)

    def set_parallel(self, index: int, count: int) -> None:
        """Place this relation among ``count`` relations joining the same two elements."""
        self.bend = index - (count - 1) / 2
        if count != self.siblings:
            self.siblings = count
            self._update_label()

    def show_label(self, shown: bool) -> None:
        """Show or hide the label (level of detail)."""
        self._label_shown = shown
        self._label.setVisible(shown and bool(self._label.text) and not self._label.crowded)

    def restyle(self) -> None:
        """Take the colours of the current palette and the selection state."""
        kind = self.relation.kind
        selected = self.isSelected()
        color = _role(QPalette.ColorRole.Highlight) if selected else style.relation_color(kind)
        pen = QPen(color, 2.4 if selected else 1.4)
        if kind is RelationKind.OWNS:
            pen.setStyle(Qt.PenStyle.DotLine)
        elif not kind.is_sync:
            pen.setStyle(Qt.PenStyle.DashLine)
        self._line.setPen(pen)
        self._head.setPen(QPen(color, 1.2))
        self._head.setBrush(QBrush(color) if kind is not RelationKind.OWNS
                            else QBrush(Qt.BrushStyle.NoBrush))
        self._label.set_colors(_role(QPalette.ColorRole.Base),
                               style.blend(color, _role(QPalette.ColorRole.Text), 0.3))

    def adjust(self, source: QRectF, target: QRectF) -> None:
        """Recompute the path between the two elements' rectangles (scene coordinates)."""
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
        self._line.setPath(path)
        self._head.setPolygon(_arrow_head(path, rel.kind))
        self.place_label(0)

    def label_spots(self, spots: tuple[float, ...] = LABEL_SPOTS) -> list[QRectF]:
        """Where the label may go along the path (scene coordinates), best first."""
        if not self._label.text or self._path.isEmpty():
            return []
        size = self._label.size
        return [QRectF(self._path.pointAtPercent(t) - QPointF(size.width(), size.height()) / 2,
                       size) for t in spots]

    def place_label(self, spot: int | None) -> None:
        """Put the label at ``label_spots()[spot]``; ``None``: nowhere is clear, so leave it out
        (half a word peeking from under an element helps nobody; the tooltip still has it)."""
        spots = self.label_spots(LABEL_SPOTS[spot or 0:][:1])
        self._label.crowded = spot is None
        if spots:
            self._label.move_to(spots[0])
        self.show_label(self._label_shown)
        outline = QPainterPath(self._path)
        outline.addPolygon(self._head.polygon())
        if self._label.text and not self._label.crowded:
            outline.addRect(self._label.rect)
        self.setPath(outline)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.restyle()
        return super().itemChange(change, value)


class _Label(QGraphicsItem):
    """A relation's label: its text on a pill of the canvas colour, so crossing lines do not
    strike it through."""

    def __init__(self, parent: RelationItem) -> None:
        super().__init__(parent)
        _passive(self)
        self.setZValue(1)
        self.text = ""
        self.crowded = False
        self.size = QRectF().size()
        self.rect = QRectF()
        self._fill = self._ink = QColor()

    def set_text(self, text: str) -> None:
        _, small_font, _ = _fonts()
        metrics = QFontMetricsF(small_font)
        self.prepareGeometryChange()
        self.text = text
        self.size = QRectF(0, 0, metrics.horizontalAdvance(text) + 8, metrics.height() + 2).size()
        self.rect = QRectF(self.rect.topLeft(), self.size)
        if not text:
            self.setVisible(False)

    def move_to(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self.rect = rect

    def set_colors(self, fill: QColor, ink: QColor) -> None:
        self._fill, self._ink = fill, ink
        self.update()

    def boundingRect(self) -> QRectF:
        return self.rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        _, small_font, _ = _fonts()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._fill)
        painter.drawRoundedRect(self.rect, 4, 4)
        painter.setPen(self._ink)
        painter.setFont(small_font)
        painter.drawText(self.rect, Qt.AlignmentFlag.AlignCenter, self.text)


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


class GroupItem(QGraphicsPathItem):
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
        self.setZValue(-10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(f"Group {name}")
        _, small_font, _ = _fonts()
        # Not a child: a child stacks with its frame, and the next context's frame (or a
        # relation's label) would cover the name; on its own it sits above frames and
        # relations, below elements.
        self._label = _passive(QGraphicsSimpleTextItem(name))  # type: ignore[assignment]
        self._label.setFont(small_font)
        self._label.setZValue(0.5)
        self.restyle()

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
        self.setPath(path.simplified())
        metrics = QFontMetricsF(self._label.font())
        self._label.setPos(top.left() + 10,
                           top.top() - self.HEADER + 2 + (self.HEADER - metrics.height()) / 2)

    def show_texts(self, shown: bool) -> None:
        """Show or hide the name (level of detail)."""
        self._label.setVisible(shown)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemSceneChange and self.scene():
            self.scene().removeItem(self._label)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged and value:
            value.addItem(self._label)
        return super().itemChange(change, value)

    def restyle(self) -> None:
        """Take the colours of the current palette."""
        text, base = _role(QPalette.ColorRole.Text), _role(QPalette.ColorRole.Base)
        self.setPen(QPen(style.blend(text, base, 0.72), 1.2, Qt.PenStyle.DashLine))
        self.setBrush(style.blend(text, base, 0.96))
        self._label.setBrush(style.blend(text, base, 0.45))
