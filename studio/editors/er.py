"""The entity-relationship view of one SQL datastore: its tables and their foreign keys.

:class:`ErScene` is a projection of one datastore of a :class:`~models.design.Design`: one
:class:`TableItem` per table (a title, then one row per column with its ``PK``/``FK``/``UK``
markers and its type) and one :class:`ForeignKeyItem` connector per foreign key whose table
exists. It subscribes to the design and rebuilds itself whenever that datastore changes (undo
and redo included), keeping the items of tables that did not change; it never edits the model
and keeps no copy of it besides its items. :class:`ErView` shows it, fitted to the view.

Usage (the schema editor, ``archstudio render --view er:DATASTORE``)::

    scene = ErScene(design, "orders-db")        # follows the design until detach()/deletion
    scene.table_item("orders")                  # the item; objectName and data(0) are "orders"
    scene.foreign_keys[("order_items", "fk_order_items_order")]
    scene.itemsBoundingRect()                   # everything, ready for QGraphicsScene.render()

The layout is deterministic and needs no Graphviz: tables are layered left to right along their
foreign keys (a referenced table left of the tables that reference it, cycles collapsed with
networkx), ordered within a layer by the barycentre of what they reference, ties in design
order; tables without any foreign key follow in a grid. ``vertical=True`` (or
:meth:`ErScene.set_vertical`) runs the layers top to bottom for tall, narrow views.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyle,
    QStyleOptionGraphicsItem,
    QWidget,
)

from models.design import Design
from models.elements import Datastore, ElementKind, ForeignKey, Table
from models.events import DesignEvent, ElementAdded, ElementChanged, ElementRemoved
from studio.canvas import style

__all__ = [
    "ErScene",
    "ErView",
    "ForeignKeyItem",
    "TableItem",
    "column_markers",
    "table_layers",
]

#: Key under which table and connector items keep their name (``item.data(NAME_ROLE)``).
NAME_ROLE = 0

_LAYER_GAP = 110.0  # room between layers for the connectors' curves
_ROW_GAP = 36.0
_PAD = 10.0
_MIN_WIDTH = 170.0
_GRID_COLUMNS_MIN = 3
_TEXT_LOD = 0.4

_MARKER_COLORS = {"PK": "#c48a00", "FK": "#2f6fde", "UK": "#8b5cf6"}


# --------------------------------------------------------------------------- Qt-free helpers


def column_markers(table: Table) -> dict[str, tuple[str, ...]]:
    """``PK``/``FK``/``UK`` markers of every column of ``table``, in that order."""
    markers: dict[str, list[str]] = {name: [] for name in table.columns}
    keyed = (
        ("PK", set(table.primary_key)),
        ("FK", {c for fk in table.foreign_keys.values() for c in fk.columns}),
        ("UK", {c for cols in table.unique.values() if len(cols) == 1 for c in cols}
         | {idx.columns[0] for idx in table.indexes.values()
            if idx.unique and len(idx.columns) == 1}),
    )
    for marker, names in keyed:
        for name in names:
            if name in markers:
                markers[name].append(marker)
    return {name: tuple(found) for name, found in markers.items()}


def table_layers(tables: Mapping[str, Table]) -> tuple[list[list[str]], list[str]]:
    """Layers of the tables linked by foreign keys, and the tables with no foreign key at all.

    A referenced table sits in a layer left of every table referencing it; tables of a cycle
    share a layer. Within a layer, tables are ordered by the mean position of the tables they
    reference (fewer crossings), ties in design order.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(tables)
    for name, table in tables.items():
        for fk in table.foreign_keys.values():
            if fk.table in tables and fk.table != name:
                graph.add_edge(fk.table, name)
    linked = [name for name in tables if graph.degree(name)]
    alone = [name for name in tables if not graph.degree(name)]
    return _order_layers(graph, _levels(graph, linked), list(tables)), alone


def _levels(graph: nx.DiGraph, names: list[str]) -> dict[str, int]:
    sub = graph.subgraph(names)
    condensed = nx.condensation(sub)
    members = condensed.graph["mapping"]
    level: dict[int, int] = {}
    for node in nx.topological_sort(condensed):
        preds = [level[p] for p in condensed.predecessors(node)]
        level[node] = 1 + max(preds) if preds else 0
    return {name: level[members[name]] for name in names}


def _order_layers(graph: nx.DiGraph, levels: dict[str, int], order: list[str]) -> list[list[str]]:
    design_order = {name: i for i, name in enumerate(order)}
    layers: dict[int, list[str]] = defaultdict(list)
    for name in order:
        if name in levels:
            layers[levels[name]].append(name)
    rank: dict[str, float] = {}
    result = []
    for level in sorted(layers):
        def key(name: str) -> tuple[float, int]:
            preds = [rank[p] for p in graph.predecessors(name) if p in rank]
            return (sum(preds) / len(preds) if preds else -1.0, design_order[name])

        layer = sorted(layers[level], key=key)
        rank.update({name: i for i, name in enumerate(layer)})
        result.append(layer)
    return result


# --------------------------------------------------------------------------- colours and fonts


def _role(role: QPalette.ColorRole) -> QColor:
    return QGuiApplication.palette().color(role)


def _fonts() -> tuple[QFont, QFont, QFont]:
    """The title, row and marker fonts (from the application font)."""
    return _fonts_for(QGuiApplication.font().toString())


@functools.lru_cache(maxsize=4)
def _fonts_for(key: str) -> tuple[QFont, QFont, QFont]:
    base = QFont()
    base.fromString(key)
    title = QFont(base)
    title.setBold(True)
    row = QFont(base)
    row.setPointSizeF(max(base.pointSizeF() - 0.5, 7.0))
    marker = QFont(row)
    marker.setPointSizeF(max(row.pointSizeF() - 1.5, 6.0))
    marker.setBold(True)
    return title, row, marker


# --------------------------------------------------------------------------- items


@dataclass(frozen=True, slots=True)
class _Row:
    name: str
    type: str
    markers: tuple[str, ...]
    nullable: bool

    @property
    def type_text(self) -> str:
        """The type as shown: nullable columns end in ``?``."""
        return f"{self.type}?" if self.nullable else self.type


class TableItem(QGraphicsObject):
    """One table: a title bar (name, estimated rows) and a row per column.

    Each row shows the column's markers (``PK``, ``FK``, ``UK``), its name (bold in the primary
    key) and its type, followed by ``?`` when the column is nullable.

    The item's ``objectName()`` and ``data(0)`` are the table name. Its text is laid out once
    on construction; ``paint()`` only draws it.
    """

    def __init__(self, name: str, table: Table) -> None:
        super().__init__()
        self.name, self.table = name, table
        self.setObjectName(name)
        self.setData(NAME_ROLE, name)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        markers = column_markers(table)
        self.rows = [_Row(col_name, col.type, markers[col_name], col.nullable)
                     for col_name, col in table.columns.items()]
        self.subtitle = f"{table.rows} rows" if table.rows is not None else ""
        self._measure()
        self.setToolTip(self._tooltip(table))

    def _measure(self) -> None:
        title_fm, row_fm, marker_fm = (QFontMetricsF(font) for font in _fonts())
        self.row_height = round(row_fm.height() + 7)
        self.header_height = round(title_fm.height() + 14)
        markers = [" ".join(r.markers) for r in self.rows] + ["PK"]
        self.marker_width = max(marker_fm.horizontalAdvance(m) for m in markers) + 8
        self.name_width = max([row_fm.horizontalAdvance(r.name) for r in self.rows] + [0.0]) + 16
        type_width = max([row_fm.horizontalAdvance(r.type_text) for r in self.rows] + [0.0])
        header = (title_fm.horizontalAdvance(self.name) + 24
                  + row_fm.horizontalAdvance(self.subtitle))
        body = self.marker_width + self.name_width + type_width
        width = max(_MIN_WIDTH, body + 2 * _PAD, header + 2 * _PAD)
        height = self.header_height + max(len(self.rows), 1) * self.row_height + 4
        self.rect = QRectF(0, 0, round(width), height)

    def _tooltip(self, table: Table) -> str:
        lines = [f"<b>{self.name}</b>"]
        if table.rows is not None:
            grow = f", +{table.growth}" if table.growth is not None else ""
            lines.append(f"{table.rows} rows{grow}")
        if table.comment:
            lines.append(table.comment)
        return "<br>".join(lines)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-3, -3, 3, 3)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.rect, 6, 6)
        return path

    def row_y(self, column: str) -> float | None:
        """The centre of ``column``'s row in item coordinates (``None`` if there is none)."""
        for i, row in enumerate(self.rows):
            if row.name == column:
                return self.header_height + (i + 0.5) * self.row_height
        return None

    def anchor(self, columns: tuple[str, ...], right: bool) -> QPointF:
        """Where a connector meets the table: beside the first of ``columns`` found."""
        ys = [y for y in (self.row_y(c) for c in columns) if y is not None]
        y = ys[0] if ys else self.header_height / 2
        return self.mapToScene(QPointF(self.rect.right() if right else self.rect.left(), y))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        accent = style.accent(ElementKind.DATASTORE)
        base, text = _role(QPalette.ColorRole.Base), _role(QPalette.ColorRole.Text)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pen = QPen(_role(QPalette.ColorRole.Highlight), 2.4) if selected else QPen(accent, 1.2)
        painter.setPen(pen)
        painter.setBrush(base)
        painter.drawRoundedRect(self.rect, 6, 6)
        header = QPainterPath()
        header.addRoundedRect(self.rect, 6, 6)
        clip = QPainterPath()
        clip.addRect(QRectF(0, 0, self.rect.width(), self.header_height))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.blend(accent, base, 0.78))
        painter.drawPath(header.intersected(clip))
        painter.setPen(QPen(accent, 1.0))
        line = self.header_height
        painter.drawLine(QPointF(0, line), QPointF(self.rect.right(), line))
        if option.levelOfDetailFromTransform(painter.worldTransform()) < _TEXT_LOD:
            return
        self._paint_header(painter, text, base)
        self._paint_rows(painter, text, base)

    def _paint_header(self, painter: QPainter, text: QColor, base: QColor) -> None:
        title, row, _ = _fonts()
        area = QRectF(_PAD, 0, self.rect.width() - 2 * _PAD, self.header_height)
        painter.setPen(text)
        painter.setFont(title)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(area, left, self.name)
        if self.subtitle:
            painter.setPen(style.blend(text, base, 0.4))
            painter.setFont(row)
            painter.drawText(area, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self.subtitle)

    def _paint_rows(self, painter: QPainter, text: QColor, base: QColor) -> None:
        _, row_font, marker_font = _fonts()
        dim = style.blend(text, base, 0.45)
        middle = Qt.AlignmentFlag.AlignVCenter
        for i, row in enumerate(self.rows):
            top = self.header_height + i * self.row_height
            if i % 2:
                painter.fillRect(QRectF(1, top, self.rect.width() - 2, self.row_height),
                                 style.blend(text, base, 0.965))
            x = _PAD
            painter.setFont(marker_font)
            for marker in row.markers:
                painter.setPen(QColor(_MARKER_COLORS[marker]))
                painter.drawText(QRectF(x, top, 30, self.row_height), middle, marker)
                x += QFontMetricsF(marker_font).horizontalAdvance(marker + " ")
            cell = QRectF(_PAD + self.marker_width, top, self.name_width, self.row_height)
            name_font = QFont(row_font)
            name_font.setBold("PK" in row.markers)
            painter.setFont(name_font)
            painter.setPen(text)
            painter.drawText(cell, middle, row.name)
            painter.setFont(row_font)
            painter.setPen(dim)
            type_cell = QRectF(cell.right(), top, self.rect.width() - cell.right() - _PAD,
                               self.row_height)
            painter.drawText(type_cell, middle | Qt.AlignmentFlag.AlignRight, row.type_text)


class ForeignKeyItem(QGraphicsPathItem):
    """A foreign key: from the referencing columns to the referenced ones.

    The referencing end carries a crow's foot (many), the referenced end a bar (one).
    ``data(0)`` is ``"table.fk_name"``.
    """

    def __init__(self, table: str, name: str, fk: ForeignKey, source: TableItem,
                 target: TableItem, vertical: bool = False) -> None:
        super().__init__()
        self.table, self.name, self.fk, self.vertical = table, name, fk, vertical
        self.source, self.target = source, target
        self.setData(NAME_ROLE, f"{table}.{name}")
        self.setZValue(-1)
        on_delete = f" ON DELETE {fk.on_delete.upper()}" if fk.on_delete else ""
        self.setToolTip(f"<b>{name}</b><br>{table}({', '.join(fk.columns)}) → "
                        f"{fk.table}({', '.join(fk.references)}){on_delete}")
        self.update_path()

    def update_path(self) -> None:
        """Route the connector between the two tables' current positions.

        Tables side by side are joined beside the key columns' rows; in a top-to-bottom
        layout, tables one above the other are joined between their facing edges.
        """
        src, dst = self.source.sceneBoundingRect(), self.target.sceneBoundingRect()
        if self.vertical and self.source is not self.target and \
                (src.top() >= dst.bottom() or dst.top() >= src.bottom()):
            down = 1.0 if dst.top() >= src.bottom() else -1.0
            start = QPointF(src.center().x(), src.bottom() - 3 if down > 0 else src.top() + 3)
            end = QPointF(dst.center().x(), dst.top() + 3 if down > 0 else dst.bottom() - 3)
            self.setPath(_connector(start, end, QPointF(0, down), QPointF(0, -down)))
            return
        right_start = right_end = True  # itself or one above the other: round the right side
        if self.source is not self.target and src.left() >= dst.right():
            right_start = False
        elif self.source is not self.target and dst.left() >= src.right():
            right_end = False
        start = self.source.anchor(self.fk.columns, right=right_start)
        end = self.target.anchor(self.fk.references, right=right_end)
        self.setPath(_connector(start, end, QPointF(1 if right_start else -1, 0),
                                QPointF(1 if right_end else -1, 0)))

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        highlighted = self.source.isSelected() or self.target.isSelected()
        color = (_role(QPalette.ColorRole.Highlight) if highlighted
                 else style.blend(_role(QPalette.ColorRole.Text), _role(QPalette.ColorRole.Base),
                                  0.35))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, 2.2 if highlighted else 1.4, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())


def _connector(start: QPointF, end: QPointF, out_start: QPointF,
               out_end: QPointF) -> QPainterPath:
    """A curve leaving ``start`` along ``out_start`` and entering ``end`` against ``out_end``
    (unit vectors), with a crow's foot (many) at the start and a bar (one) at the end."""
    stub = 14.0
    a, b = start + out_start * stub, end + out_end * stub
    gap = b - a
    reach = max(50.0, abs(gap.x() if out_start.x() else gap.y()) / 2)
    path = QPainterPath(start)
    path.lineTo(a)
    path.cubicTo(a + out_start * reach, b + out_end * reach, b)
    path.lineTo(end)
    across_start = QPointF(-out_start.y(), out_start.x()) * 6
    for side in (-1.0, 1.0):
        path.moveTo(a)
        path.lineTo(start + across_start * side)
    bar, across_end = end + out_end * 7, QPointF(-out_end.y(), out_end.x()) * 6
    path.moveTo(bar - across_end)
    path.lineTo(bar + across_end)
    return path


# --------------------------------------------------------------------------- the scene


class ErScene(QGraphicsScene):
    """The ER diagram of datastore ``datastore_id`` of ``design``, kept up to date.

    Args:
        design: The design to follow (subscribed until :meth:`detach` or the scene's deletion).
        datastore_id: The datastore shown; a missing or non-SQL datastore shows a note.
        parent: The Qt parent.
        vertical: Layers top to bottom instead of left to right (for tall, narrow views).

    Attributes:
        tables: ``table name -> TableItem``, in design order.
        foreign_keys: ``(table, fk name) -> ForeignKeyItem`` for foreign keys whose referenced
            table exists.

    Signals:
        rebuilt(): the items were rebuilt after a change of the datastore.
    """

    rebuilt = Signal()

    def __init__(self, design: Design, datastore_id: str, parent: Any = None, *,
                 vertical: bool = False) -> None:
        super().__init__(parent)
        self.design, self.datastore_id, self.vertical = design, datastore_id, vertical
        self.tables: dict[str, TableItem] = {}
        self.foreign_keys: dict[tuple[str, str], ForeignKeyItem] = {}
        self.note: QGraphicsSimpleTextItem | None = None
        self._unsubscribe: Callable[[], None] = _once(design.subscribe(self._on_event))
        self.destroyed.connect(self._unsubscribe)
        self.selectionChanged.connect(self._selection_changed)
        self.rebuild()

    def detach(self) -> None:
        """Stop following the design (the items stay as they are)."""
        self._unsubscribe()

    def table_item(self, name: str) -> TableItem | None:
        """The item of table ``name``, if the datastore has it."""
        return self.tables.get(name)

    def selected_tables(self) -> list[str]:
        """Names of the selected tables, in design order."""
        return [name for name, item in self.tables.items() if item.isSelected()]

    def select_tables(self, names: list[str]) -> None:
        """Select exactly the tables ``names``."""
        for name, item in self.tables.items():
            item.setSelected(name in names)

    def _on_event(self, event: DesignEvent) -> None:
        if not shiboken6.isValid(self):  # deleted by Qt before ``destroyed`` unsubscribed
            self._unsubscribe()
            return
        if isinstance(event, ElementAdded | ElementChanged | ElementRemoved) and \
                event.id == self.datastore_id:
            if isinstance(event, ElementChanged) and _tables_of(event.old) == _tables_of(event.new):
                return
            self.rebuild()

    def rebuild(self) -> None:
        """Show the datastore as it is now; items of unchanged tables are kept as they are.

        The selection is kept by table name; connectors and the layout are redone.
        """
        selected = self.selected_tables()
        self.blockSignals(True)
        old, self.tables = self.tables, {}
        for connector in self.foreign_keys.values():
            self.removeItem(connector)
        if self.note is not None:
            self.removeItem(self.note)
        self.foreign_keys, self.note = {}, None
        tables = self._datastore_tables()
        self._build(tables or {}, old)
        for name, item in old.items():
            if self.tables.get(name) is not item:
                self.removeItem(item)
        self.select_tables(selected)
        self.blockSignals(False)
        self.setSceneRect(self.itemsBoundingRect().adjusted(-40, -40, 40, 40))
        self.rebuilt.emit()

    def _datastore_tables(self) -> Mapping[str, Table] | None:
        store = self.design.element(self.datastore_id) if self.datastore_id in self.design \
            else None
        if not isinstance(store, Datastore):
            self._show_note(f"No datastore '{self.datastore_id}'")
            return None
        if not store.engine.is_sql:
            self._show_note(f"{store.name or self.datastore_id} ({store.engine.value}) "
                            "has no SQL schema")
            return None
        if not store.tables:
            self._show_note("No tables yet")
        return store.tables

    def _show_note(self, text: str) -> None:
        self.note = self.addSimpleText(text)
        self.note.setBrush(style.blend(_role(QPalette.ColorRole.Text),
                                       _role(QPalette.ColorRole.Base), 0.4))

    def _build(self, tables: Mapping[str, Table], old: Mapping[str, TableItem]) -> None:
        for name, table in tables.items():
            item = old.get(name)
            if item is None or item.table != table or _order(item.table) != _order(table):
                item = TableItem(name, table)
                self.addItem(item)
            self.tables[name] = item
        self._place(tables)
        for name, table in tables.items():
            for fk_name, fk in table.foreign_keys.items():
                target = self.tables.get(fk.table)
                if target is not None:
                    connector = ForeignKeyItem(name, fk_name, fk, self.tables[name], target,
                                               self.vertical)
                    self.addItem(connector)
                    self.foreign_keys[(name, fk_name)] = connector

    def set_vertical(self, vertical: bool) -> None:
        """Lay the layers out top to bottom (``True``) or left to right (the default)."""
        if vertical != self.vertical:
            self.vertical = vertical
            self.rebuild()

    def _place(self, tables: Mapping[str, Table]) -> None:
        """Layers along the main axis, their tables across it (centred), then the loners."""
        layers, alone = table_layers(tables)
        per_group = max(_GRID_COLUMNS_MIN, max((len(layer) for layer in layers), default=0))
        groups = layers + [alone[i:i + per_group] for i in range(0, len(alone), per_group)]
        spans = [self._span(group) for group in groups]
        widest = max(spans[:len(layers)], default=0.0)
        main = 0.0
        for at, (group, span) in enumerate(zip(groups, spans, strict=True)):
            cross = (widest - span) / 2 if at < len(layers) else 0.0
            for name in group:
                self.tables[name].setPos(QPointF(cross, main) if self.vertical
                                         else QPointF(main, cross))
                cross += self._size(name)[1] + _ROW_GAP
            gap = _LAYER_GAP if at < len(layers) else _LAYER_GAP * 0.6
            main += max(self._size(name)[0] for name in group) + gap

    def _size(self, name: str) -> tuple[float, float]:
        """A table's extent along the main axis, then across it."""
        rect = self.tables[name].rect
        return (rect.height(), rect.width()) if self.vertical else (rect.width(), rect.height())

    def _span(self, names: list[str]) -> float:
        return sum(self._size(n)[1] + _ROW_GAP for n in names) - _ROW_GAP

    def _selection_changed(self) -> None:
        for connector in self.foreign_keys.values():
            connector.update()


def _order(table: Table) -> tuple[str, ...]:
    return tuple(table.columns)


def _tables_of(element: Any) -> Any:
    """What the diagram shows of a datastore, in order (dict equality ignores key order)."""
    if not isinstance(element, Datastore):
        return None
    order = [(name, tuple(table.columns)) for name, table in element.tables.items()]
    return element.engine, element.tables, order


def _once(function: Callable[[], None]) -> Callable[[], None]:
    """``function`` made safe to call more than once (detach, then deletion)."""
    done = False

    def call(*_args: object) -> None:
        nonlocal done
        if not done:
            done = True
            function()

    return call


class ErView(QGraphicsView):
    """A view of an :class:`ErScene` that keeps the whole diagram in sight.

    The diagram is fitted (never magnified beyond 100 %) whenever the view is resized or the
    scene rebuilt, until the user zooms with Ctrl+wheel; :meth:`fit` goes back to fitting.
    With ``follow_shape`` the layers run top to bottom while the view is tall and narrow.
    """

    def __init__(self, scene: ErScene, parent: QWidget | None = None, *,
                 follow_shape: bool = False) -> None:
        super().__init__(scene, parent)
        self.auto_fit, self.follow_shape = True, follow_shape
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        scene.rebuilt.connect(self._rebuilt)

    def fit(self) -> None:
        """Show the whole diagram (at most at 100 %) and keep doing so."""
        self.auto_fit = True
        scene = self.scene()
        if scene is None:
            return
        self.fitInView(scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > 1.0:
            self.resetTransform()

    def zoom(self, factor: float) -> None:
        """Scale by ``factor`` (between 10 % and 400 %); stops fitting."""
        self.auto_fit = False
        scale = self.transform().m11() * factor
        if 0.1 <= scale <= 4.0:
            self.scale(factor, factor)

    def _rebuilt(self) -> None:
        if self.auto_fit:
            self.fit()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        scene = self.scene()
        if self.follow_shape and isinstance(scene, ErScene):
            size = event.size()
            scene.set_vertical(size.height() > size.width() * 1.2)
        if self.auto_fit:
            self.fit()

    def wheelEvent(self, event: Any) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
        else:
            super().wheelEvent(event)
