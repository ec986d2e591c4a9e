"""The Outline panel: every element by kind, with search; selection follows the canvas.

A row shows the element's name, then its id dimmed in the room that is left (the name comes
first when the dock is narrow; the tooltip has both). The search matches names and ids.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from models.design import kind_of
from models.elements import Element, ElementKind
from models.events import DesignEvent, ElementAdded, ElementChanged, ElementRemoved
from studio.canvas import style
from studio.document import Document

__all__ = ["ID_ROLE", "SEARCH_ROLE", "OutlinePanel"]

ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: What the search matches: the name and the id of an element, the title of a kind.
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
#: Space between the name and the dimmed id, in pixels.
_GAP = 8
_PLURALS = {
    ElementKind.SERVICE: "Services",
    ElementKind.DATASTORE: "Datastores",
    ElementKind.QUEUE: "Queues",
    ElementKind.EXTERNAL: "External systems",
    ElementKind.CLIENT: "Clients",
}


class OutlinePanel(QWidget):
    """A tree of the design's elements grouped by kind.

    Signals:
        selection_changed(list): the ids selected in the outline (by the user).
    """

    selection_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.model = QStandardItemModel(self)
        self.items: dict[str, QStandardItem] = {}
        self.kinds: dict[ElementKind, QStandardItem] = {}
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.search = QLineEdit(placeholderText="Find element (Ctrl+F)", clearButtonEnabled=True)
        self.search.textChanged.connect(self._filter)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setItemDelegate(_NameAndId(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.selectionModel().selectionChanged.connect(self._selected)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self._syncing = False
        self._unsubscribe: Callable[[], None] = lambda: None

    def set_document(self, document: Document) -> None:
        """Show ``document``'s elements and follow its events."""
        self._unsubscribe()
        self.document = document
        self.model.clear()
        self.items.clear()
        self.kinds.clear()
        for kind in ElementKind:
            header = QStandardItem(kind_icon_cached(kind), _PLURALS[kind])
            header.setData(_PLURALS[kind], SEARCH_ROLE)
            header.setSelectable(False)
            self.kinds[kind] = header
            self.model.appendRow(header)
        for element_id, element in document.design.elements():
            self._add(element_id, element)
        self._update_counts()
        self._unsubscribe = document.design.subscribe(self._on_event)
        self.tree.expandAll()

    def _add(self, element_id: str, element: Element) -> None:
        item = QStandardItem()
        item.setData(element_id, ID_ROLE)
        _show(item, element_id, element)
        self.items[element_id] = item
        self.kinds[kind_of(element)].appendRow(item)

    def _on_event(self, event: DesignEvent) -> None:
        match event:
            case ElementAdded(id=eid, element=element):
                self._add(eid, element)
                self.tree.expand(self.proxy.mapFromSource(self.kinds[kind_of(element)].index()))
            case ElementChanged(id=eid, new=element):
                _show(self.items[eid], eid, element)
            case ElementRemoved(id=eid):
                item = self.items.pop(eid)
                item.parent().removeRow(item.row())
            case _:
                return
        self._update_counts()

    def _update_counts(self) -> None:
        for kind, header in self.kinds.items():
            header.setText(f"{_PLURALS[kind]} ({header.rowCount()})")

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.tree.expandAll()

    def selected_ids(self) -> list[str]:
        """Ids selected in the tree."""
        return [i.data(ID_ROLE) for i in self.tree.selectionModel().selectedIndexes()
                if i.data(ID_ROLE)]

    def _selected(self) -> None:
        if not self._syncing:
            self.selection_changed.emit(self.selected_ids())

    def select_ids(self, ids: Iterable[str]) -> None:
        """Mirror the canvas selection (without echoing it back)."""
        self._syncing = True
        try:
            selection = self.tree.selectionModel()
            selection.clearSelection()
            for eid in ids:
                if eid in self.items:
                    index = self.proxy.mapFromSource(self.items[eid].index())
                    if index.isValid():
                        selection.select(index, QItemSelectionModel.SelectionFlag.Select)
                        self.tree.scrollTo(index)
        finally:
            self._syncing = False


def _show(item: QStandardItem, element_id: str, element: Element) -> None:
    """The row of an element: its name (or its id when it has none), the id for the delegate,
    the search text and the tooltip."""
    name = element.name or element_id
    if item.text() != name:
        item.setText(name)
    item.setData(f"{element.name} {element_id}", SEARCH_ROLE)
    item.setToolTip(f"<b>{html.escape(name)}</b><br>id: {html.escape(element_id)}"
                    if element.name else html.escape(element_id))


class _NameAndId(QStyledItemDelegate):
    """Paints an element's name as usual, then its id dimmed where there is room left."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        opt, target, text = self.dimmed_id(option, index)
        if not text:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected \
            else QPalette.ColorRole.PlaceholderText
        painter.save()
        painter.setPen(opt.palette.color(role))
        if selected:
            painter.setOpacity(0.75)
        painter.drawText(target, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         text)
        painter.restore()

    def dimmed_id(self, option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex
                  ) -> tuple[QStyleOptionViewItem, QRect, str]:
        """Where and how the row shows the id after the name ('' when there is no room)."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        element_id, widget = index.data(ID_ROLE), opt.widget
        if not element_id or element_id == opt.text or widget is None:
            return opt, QRect(), ""
        rect = widget.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        metrics = opt.fontMetrics
        used = metrics.horizontalAdvance(opt.text) + _GAP + 2
        room = rect.width() - used
        if room < metrics.horizontalAdvance("m…"):
            return opt, QRect(), ""
        text = metrics.elidedText(element_id, Qt.TextElideMode.ElideRight, room)
        return opt, rect.adjusted(used, 0, 0, 0), text


_ICONS: dict[ElementKind, QIcon] = {}


def kind_icon_cached(kind: ElementKind) -> QIcon:
    """The kind's icon, made once."""
    if kind not in _ICONS:
        _ICONS[kind] = style.kind_icon(kind, 18)
    return _ICONS[kind]
