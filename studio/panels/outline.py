"""The Outline panel: every element by kind, with search; selection follows the canvas."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from models.design import kind_of
from models.elements import Element, ElementKind
from models.events import DesignEvent, ElementAdded, ElementChanged, ElementRemoved
from studio.canvas import style
from studio.document import Document

__all__ = ["ID_ROLE", "OutlinePanel"]

ID_ROLE = Qt.ItemDataRole.UserRole + 1
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
        self.search = QLineEdit(placeholderText="Find element (Ctrl+F)", clearButtonEnabled=True)
        self.search.textChanged.connect(self._filter)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
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
            header.setSelectable(False)
            self.kinds[kind] = header
            self.model.appendRow(header)
        for element_id, element in document.design.elements():
            self._add(element_id, element)
        self._update_counts()
        self._unsubscribe = document.design.subscribe(self._on_event)
        self.tree.expandAll()

    def _add(self, element_id: str, element: Element) -> None:
        item = QStandardItem(_label(element_id, element))
        item.setData(element_id, ID_ROLE)
        item.setToolTip(element_id)
        self.items[element_id] = item
        self.kinds[kind_of(element)].appendRow(item)

    def _on_event(self, event: DesignEvent) -> None:
        match event:
            case ElementAdded(id=eid, element=element):
                self._add(eid, element)
                self.tree.expand(self.proxy.mapFromSource(self.kinds[kind_of(element)].index()))
            case ElementChanged(id=eid, new=element):
                self.items[eid].setText(_label(eid, element))
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


def _label(element_id: str, element: Element) -> str:
    return f"{element.name}  ·  {element_id}" if element.name else element_id


_ICONS: dict[ElementKind, QIcon] = {}


def kind_icon_cached(kind: ElementKind) -> QIcon:
    """The kind's icon, made once."""
    if kind not in _ICONS:
        _ICONS[kind] = style.kind_icon(kind, 18)
    return _ICONS[kind]
