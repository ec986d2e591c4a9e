"""The Problems panel: the latest review as a sortable, filterable table.

Double-clicking a row asks the window to select and centre the element the finding concerns.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from studio.document import Document

__all__ = ["COLUMNS", "FindingsModel", "ProblemsPanel"]

COLUMNS = ("Severity", "Code", "Element", "Message", "Location")
_SEVERITY_COLORS = {"error": "#d64545", "warning": "#c98a0c", "info": "#4a7fd4"}
_INDEX = QModelIndex | QPersistentModelIndex


class FindingsModel(QAbstractTableModel):
    """A table of findings (severity, code, element, message, location)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.findings: list[Any] = []

    def set_findings(self, findings: Any) -> None:
        """Show a new review."""
        self.beginResetModel()
        self.findings = list(findings)
        self.endResetModel()

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.findings)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        finding = self.findings[index.row()]
        column = index.column()
        severity = finding.severity.value
        if role == Qt.ItemDataRole.DisplayRole:
            return (severity, finding.code, finding.element, finding.message,
                    str(finding.location or ""))[column]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (-finding.severity.rank, finding.code, finding.element, finding.message,
                    str(finding.location or ""))[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(_SEVERITY_COLORS.get(severity, "#888"))
        if role == Qt.ItemDataRole.ToolTipRole:
            hint = f"\nFix: {finding.hint}" if finding.hint else ""
            return f"{finding.code} {finding.rule}\n{finding.message}{hint}"
        return None


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.severity = ""
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def filterAcceptsRow(self, row: int, parent: _INDEX) -> bool:
        model = self.sourceModel()
        if self.severity and model.findings[row].severity.value != self.severity:
            return False
        return super().filterAcceptsRow(row, parent)

    def lessThan(self, left: _INDEX, right: _INDEX) -> bool:
        return left.data(Qt.ItemDataRole.UserRole) < right.data(Qt.ItemDataRole.UserRole)


class ProblemsPanel(QWidget):
    """The findings of the latest review, with a text filter and a severity filter.

    Signals:
        element_activated(str): a finding was double-clicked; the id of what it concerns.
    """

    element_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.model = FindingsModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(placeholderText="Filter problems", clearButtonEnabled=True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.severity = QComboBox()
        for label, value in (("All severities", ""), ("Errors", "error"),
                             ("Warnings", "warning"), ("Info", "info")):
            self.severity.addItem(label, value)
        self.severity.currentIndexChanged.connect(self._severity_changed)
        self.summary = QLabel()
        self.table = self._make_table()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.severity)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._show()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(22)
        header = table.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,) * 3
                                      + (QHeaderView.ResizeMode.Stretch,
                                         QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        table.doubleClicked.connect(self._activated)
        return table

    def set_document(self, document: Document) -> None:
        """Follow ``document``'s findings."""
        if self.document is not None:
            self.document.findings_changed.disconnect(self._show)
        self.document = document
        document.findings_changed.connect(self._show)
        self._show()

    def _show(self) -> None:
        document = self.document
        findings = document.findings if document else ()
        self.model.set_findings(findings)
        if document is not None and not document.has_checker:
            self.summary.setText("Checks unavailable")
            return
        counts = {s: sum(f.severity.value == s for f in findings)
                  for s in ("error", "warning", "info")}
        self.summary.setText(f"{counts['error']} errors · {counts['warning']} warnings · "
                             f"{counts['info']} info" if findings else "No problems")

    def _severity_changed(self) -> None:
        self.proxy.severity = self.severity.currentData()
        self.proxy.invalidate()

    def _activated(self, index: QModelIndex) -> None:
        finding = self.model.findings[self.proxy.mapToSource(index).row()]
        self.element_activated.emit(finding.element)
