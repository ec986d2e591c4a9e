"""The diagram view: zoom (Ctrl+wheel, pinch), pan (middle-drag, Space+drag), fit, in-place
rename, and dropping palette kinds onto the canvas."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QLineEdit, QPinchGesture, QWidget

from models.elements import ElementKind
from studio.canvas import style
from studio.canvas.scene import DiagramScene
from studio.commands import RenameElement

__all__ = ["KIND_MIME", "DiagramView", "kind_mime"]

#: Mime type of a palette drag: the element kind's value.
KIND_MIME = "application/x-archstudio-kind"
MIN_ZOOM, MAX_ZOOM = 0.1, 4.0
#: After the last pan, zoom or drag step on a large scene, full quality returns this late (ms).
SETTLE_MS = 180
_GRID = 24.0


def kind_mime(kind: ElementKind) -> QMimeData:
    """The mime data the palette attaches to a drag of ``kind``."""
    data = QMimeData()
    data.setData(KIND_MIME, kind.value.encode())
    return data


class DiagramView(QGraphicsView):
    """A view on a :class:`DiagramScene`.

    Signals:
        zoom_changed(float): the scale changed (1.0 = 100%).
    """

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self._pan_from: QPoint | None = None
        self._space = False
        self._editor: QLineEdit | None = None
        self._layer: QPixmap | None = None
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._settled)

    def diagram(self) -> DiagramScene | None:
        """The scene, when it is a diagram."""
        scene = self.scene()
        return scene if isinstance(scene, DiagramScene) else None

    # ------------------------------------------------------------------ zoom

    @property
    def zoom(self) -> float:
        """The current scale (1.0 = 100%)."""
        return self.transform().m11()

    def set_zoom(self, value: float) -> None:
        """Scale to ``value`` (clamped to 10%..400%)."""
        value = max(MIN_ZOOM, min(MAX_ZOOM, value))
        factor = value / self.zoom
        if abs(factor - 1.0) > 1e-6:
            self._end_drag_layer()
            self._interacting(zooming=True)
            self.scale(factor, factor)
            self._zoomed()

    def zoom_in(self) -> None:
        """Zoom in one step."""
        self.set_zoom(self.zoom * 1.25)

    def zoom_out(self) -> None:
        """Zoom out one step."""
        self.set_zoom(self.zoom / 1.25)

    def reset_zoom(self) -> None:
        """Back to 100%."""
        self.set_zoom(1.0)

    def fit(self) -> None:
        """Show the whole diagram (never magnified beyond 100%)."""
        scene = self.scene()
        if scene is None:
            return
        rect = scene.itemsBoundingRect()
        if rect.isEmpty():
            self.reset_zoom()
            return
        rect = rect.adjusted(-30, -30, 30, 30)
        scene.setSceneRect(rect.adjusted(-2000, -2000, 2000, 2000))
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.0:
            self.set_zoom(1.0)
        self.centerOn(rect.center())
        self._zoomed()

    def _zoomed(self) -> None:
        scene = self.diagram()
        if scene is not None:
            scene.set_detail(self.zoom)
        self.zoom_changed.emit(self.zoom)

    def _interacting(self, viewport_moves: bool = True, zooming: bool = False) -> None:
        """A pan, zoom (``viewport_moves``) or drag step: on a large scene, draw fast until the
        user rests: no antialiasing (it costs several frames on thousands of long lines) and,
        on a heavy scene while the viewport moves, no relations (nor group frames when
        zooming) at all."""
        scene = self.diagram()
        if scene is None or not scene.is_large:
            return
        self.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if viewport_moves and scene.is_heavy and not scene.dragging:
            scene.show_relations(False)
            if zooming:
                scene.show_groups(False)
        self._settle.start()

    def _settled(self) -> None:
        scene = self.diagram()
        if scene is not None:
            scene.show_relations(True)
            scene.show_groups(True)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.viewport().update()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self._end_drag_layer()
        self._interacting()
        super().scrollContentsBy(dx, dy)

    def _begin_drag_layer(self) -> None:
        """At the start of a drag on a heavy scene: snapshot everything the drag does not move
        and hide it, so that each move repaints only the moving element and its relations
        over the snapshot instead of the thousands of items behind them."""
        scene = self.diagram()
        if scene is None or not scene.dragging or not scene.is_heavy or self._layer is not None:
            return
        moving = scene.drag_items()
        for item in moving:  # transparent, not hidden: hiding would deselect
            item.setOpacity(0.0)
        self._layer = self.viewport().grab()
        for item in moving:
            item.setOpacity(1.0)
        scene.hide_static(True)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)

    def _end_drag_layer(self) -> None:
        scene = self.diagram()
        if self._layer is None or scene is None:
            return
        self._layer = None
        scene.hide_static(False)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.resetCachedContent()
        self.viewport().update()

    def setScene(self, scene: QGraphicsScene | None) -> None:
        super().setScene(scene)
        if isinstance(scene, DiagramScene):
            scene.set_detail(self.zoom)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            scene = self.diagram()
            if scene is not None:
                scene.restyle()
            self.resetCachedContent()
        super().changeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            self.set_zoom(self.zoom * (1.15 ** steps))
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Gesture:
            pinch = event.gesture(Qt.GestureType.PinchGesture)  # type: ignore[attr-defined]
            if isinstance(pinch, QPinchGesture):
                self.set_zoom(self.zoom * pinch.scaleFactor())
                return True
        return super().viewportEvent(event)

    # ------------------------------------------------------------------ pan

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
                self._space and event.button() == Qt.MouseButton.LeftButton):
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self._pan_from is None:
            self._begin_drag_layer()
            self._interacting(viewport_moves=False)
        if self._pan_from is not None:
            delta = event.position().toPoint() - self._pan_from
            self._pan_from = event.position().toPoint()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self._end_drag_layer()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        scene = self.diagram()
        item = scene.element_at(self.mapToScene(event.position().toPoint())) if scene else None
        if item is not None:
            self.start_rename(item.element_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif event.key() == Qt.Key.Key_F2:
            self.rename_selected()
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------------ rename

    def rename_selected(self) -> None:
        """Start renaming the single selected element."""
        scene = self.diagram()
        ids = scene.selected_element_ids() if scene else []
        if len(ids) == 1:
            self.start_rename(ids[0])

    def start_rename(self, element_id: str) -> QLineEdit | None:
        """Edit the element's name in place; Enter commits one undo step, Esc cancels."""
        scene = self.diagram()
        if scene is None or not scene.editable or element_id not in scene.elements:
            return None
        self.finish_rename(commit=False)
        item = scene.elements[element_id]
        rect = self.mapFromScene(item.body_rect()).boundingRect()
        editor = QLineEdit(scene.design.element(element_id).name, self.viewport())
        editor.setObjectName("renameEditor")
        editor.setGeometry(rect.left() + 6, rect.center().y() - 14, rect.width() - 12, 28)
        editor.selectAll()
        editor.setProperty("element_id", element_id)
        editor.returnPressed.connect(lambda: self.finish_rename(commit=True))
        editor.installEventFilter(self)
        editor.show()
        editor.setFocus()
        self._editor = editor
        return editor

    def finish_rename(self, commit: bool) -> None:
        """Close the rename editor, pushing a :class:`RenameElement` when asked and changed."""
        editor, self._editor = self._editor, None
        scene = self.diagram()
        if editor is None or scene is None:
            return
        element_id = editor.property("element_id")
        name = editor.text().strip()
        editor.hide()
        editor.deleteLater()
        if commit and element_id in scene.design and name != scene.design.element(
                element_id).name:
            scene.push(RenameElement(scene.design, element_id, name))
        self.setFocus()

    def eventFilter(self, watched: object, event: QEvent) -> bool:
        if watched is self._editor:
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:  # type: ignore[attr-defined]
                self.finish_rename(commit=False)
                return True
            if event.type() == QEvent.Type.FocusOut:
                self.finish_rename(commit=True)
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ palette drops

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(KIND_MIME) and self.diagram() and self.diagram().editable:
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(KIND_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        scene = self.diagram()
        if scene is None or not event.mimeData().hasFormat(KIND_MIME):
            super().dropEvent(event)
            return
        kind = ElementKind(bytes(event.mimeData().data(KIND_MIME)).decode())
        scene.add_element(kind, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()

    def add_at_centre(self, kind: ElementKind) -> str | None:
        """Add an element of ``kind`` in a free spot near the middle of the view."""
        scene = self.diagram()
        if scene is None:
            return None
        pos = self.mapToScene(self.viewport().rect().center())
        while scene.element_at(pos) is not None:
            pos += QPointF(30, 30)
        return scene.add_element(kind, pos)

    # ------------------------------------------------------------------ background

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        if self._layer is not None:  # a drag goes on: what stays in place, as snapshotted
            painter.save()
            painter.resetTransform()
            painter.drawPixmap(0, 0, self._layer)
            painter.restore()
            return
        base = style.palette().color(QPalette.ColorRole.Base)
        painter.fillRect(rect, base)
        if self.zoom < 0.5:
            return
        dot = style.blend(style.palette().color(QPalette.ColorRole.Text), base, 0.86)
        painter.setPen(QColor(dot))
        left = int(rect.left() // _GRID) * _GRID
        top = int(rect.top() // _GRID) * _GRID
        points = []
        y = top
        while y < rect.bottom():
            x = left
            while x < rect.right():
                points.append(QPointF(x, y))
                x += _GRID
            y += _GRID
        painter.drawPoints(points)
