"""The Problems panel: the latest review as a sortable, filterable table.

Double-clicking a row asks the window to select and centre the element the finding concerns.
A finding's context menu copies it, shows its rule's reference, or accepts it: "Suppress with
a decision…" adds a suppression of the finding's id (``CODE@element``) to the design's review
configuration together with the accepted ADR that justifies it, as one undo step
(:class:`SuppressWithDecision`); the next re-check drops the finding.
"""

from __future__ import annotations

import datetime as dt
import html
import inspect
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.design import Design
from models.elements import Alternative, Decision, DecisionStatus, Suppression
from studio.document import Document
from studio.review import severity_count

__all__ = ["COLUMNS", "FindingsModel", "ProblemsPanel", "SuppressWithDecision",
           "SuppressionDialog", "finding_text", "rule_markdown"]

COLUMNS = ("Severity", "Code", "Element", "Message", "Location")
_SEVERITY_COLORS = {"error": "#d64545", "warning": "#c98a0c", "info": "#4a7fd4"}
_INDEX = QModelIndex | QPersistentModelIndex
#: Rows sampled to size the columns to their contents (Qt: 1000, some 60,000 Python calls
#: to data() each time a review of RM-1k arrives or is sorted).
RESIZE_PRECISION = 200


class FindingsModel(QAbstractTableModel):
    """A table of findings (severity, code, element, message, location), sorted here.

    A review of RM-1k has about 19,000 findings: each row's texts and sort keys are computed
    once when the findings change, and :meth:`sort` orders plain Python values (about 20 ms)
    instead of a proxy calling back into Python for every comparison (about 1.5 s).

    Attributes:
        findings: The findings in the order shown (the current sort).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.findings: list[Any] = []
        self._keys: list[tuple[Any, ...]] = []  # the sort keys, one tuple per row
        self._texts: list[tuple[str, ...]] = []  # the shown texts, one tuple per row
        self.haystacks: list[str] = []  # each row's texts folded for the filter
        self.sort_column, self.sort_order = 0, Qt.SortOrder.AscendingOrder

    def set_findings(self, findings: Any) -> None:
        """Show a new review, in the current sort order."""
        self.beginResetModel()
        self.findings = list(findings)
        self._keys = [(-f.severity.rank, f.code, f.element, f.message, str(f.location or ""))
                      for f in self.findings]
        self._texts = [(f.severity.value, f.code, f.element, f.message, str(f.location or ""))
                       for f in self.findings]
        self.haystacks = ["\n".join(texts).casefold() for texts in self._texts]
        self._arrange(self._sorted_rows())
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column``; stable, so rows with equal keys keep their previous order
        (sorting by element, then by severity, lists each severity's findings by element)."""
        self.sort_column, self.sort_order = column, order
        if not self.findings:
            return
        self.layoutAboutToBeChanged.emit()  # (emitting a hint with [] crashes PySide)
        rows = self._sorted_rows()
        self._arrange(rows)
        moved = {old: new for new, old in enumerate(rows)}
        old = self.persistentIndexList()
        self.changePersistentIndexList(old, [self.index(moved[i.row()], i.column())
                                             for i in old])
        self.layoutChanged.emit()

    def _sorted_rows(self) -> list[int]:
        """The current rows in the order of the sort column."""
        column = min(max(self.sort_column, 0), len(COLUMNS) - 1)
        keys = [key[column] for key in self._keys]
        return sorted(range(len(keys)), key=keys.__getitem__,
                      reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def _arrange(self, rows: list[int]) -> None:
        """Put the rows (findings, keys, texts) in the order ``rows`` lists them."""
        self.findings = [self.findings[row] for row in rows]
        self._keys = [self._keys[row] for row in rows]
        self._texts = [self._texts[row] for row in rows]
        self.haystacks = [self.haystacks[row] for row in rows]

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
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row][column]
        finding = self.findings[row]
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(_SEVERITY_COLORS.get(finding.severity.value, "#888"))
        if role == Qt.ItemDataRole.ToolTipRole:
            hint = f"\nFix: {finding.hint}" if finding.hint else ""
            return f"{finding.code} {finding.rule}\n{finding.message}{hint}"
        return None


class _Filter(QSortFilterProxyModel):
    """Filters by severity and text; sorting is the source model's (see :meth:`sort`)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.severity = ""
        self.text = ""

    def set_text(self, text: str) -> None:
        """Show the rows whose texts contain ``text`` (case-insensitive)."""
        self.beginFilterChange()
        self.text = text.casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_severity(self, severity: str) -> None:
        """Show only the findings of ``severity`` (all when empty)."""
        self.beginFilterChange()
        self.severity = severity
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def filterAcceptsRow(self, row: int, parent: _INDEX) -> bool:
        model = self.sourceModel()
        if self.severity and model.findings[row].severity.value != self.severity:
            return False
        return not self.text or self.text in model.haystacks[row]


class SuppressWithDecision(QUndoCommand):
    """Accept a finding: its suppression and the ADR that justifies it, in one undo step.

    The decision is added first so that the suppression never cites a missing decision.
    """

    def __init__(self, design: Design, finding_id: str, reason: str, decision_id: str,
                 decision: Decision) -> None:
        super().__init__(f"Suppress {finding_id} with decision {decision_id}")
        self.design, self.decision_id, self.decision = design, decision_id, decision
        self.old = design.checks
        suppression = Suppression(reason=reason, decision=decision_id)
        self.new = replace(self.old, suppress={**self.old.suppress, finding_id: suppression})

    def redo(self) -> None:
        self.design.set_decision(self.decision_id, self.decision)
        self.design.set_checks(self.new)

    def undo(self) -> None:
        self.design.set_checks(self.old)
        self.design.set_decision(self.decision_id, None)


def finding_text(finding: Any) -> str:
    """A finding as plain text (what Copy puts on the clipboard)."""
    text = f"{finding.severity.value} {finding.id}: {finding.message}"
    if finding.hint:
        text += f"\nFix: {finding.hint}"
    if finding.location:
        text += f"\nAt: {finding.location}"
    return text


def rule_markdown(code: str) -> str:
    """The reference of the rule ``code`` (its docstring: anti-pattern, best practice)."""
    try:
        from checks.registry import by_code
    except ImportError:
        return f"# {code}\n\nThe check engine is not installed."
    rule = by_code(code)
    if rule is None:
        return f"# {code}\n\nNo rule has this code."
    return (f"# {rule.code} {rule.name}\n\n*{rule.default_severity.value}* · groups: "
            f"{', '.join(rule.groups)}\n\n{inspect.getdoc(type(rule)) or ''}\n")


def decision_for(design: Design, finding: Any, reason: str, title: str) -> Decision:
    """The accepted ADR recording why ``finding`` is accepted.

    It is complete by construction (options, consequences, a review date a year on), so that
    accepting one finding does not raise another about an incomplete decision record.
    """
    root = finding.element.split(".", 1)[0]
    context = finding.message + (f"\n\nThe review suggested: {finding.hint}"
                                 if finding.hint else "")
    options = {"Apply the suggested fix": Alternative(pros=(finding.hint or "Removes the "
                                                            "finding",)),
               "Accept the finding": Alternative(pros=(reason,), cons=(finding.message,))}
    today = dt.date.today()
    return Decision(title=title, status=DecisionStatus.ACCEPTED, date=today, context=context,
                    decision=reason, alternatives=options,
                    consequences=(f"{finding.id} is suppressed: the review no longer reports "
                                  "it, so this decision is where it is remembered.",),
                    review=today + dt.timedelta(days=365),
                    concerns=(root,) if root in design else ())


class SuppressionDialog(QDialog):
    """Asks why a finding is accepted and how to title the decision that records it."""

    def __init__(self, finding: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suppress with a decision")
        what = QLabel(f"<b>{finding.id}</b><br>{html.escape(finding.message, quote=False)}")
        what.setWordWrap(True)
        self.title = QLineEdit(f"Accept {finding.code} ({finding.rule or 'finding'}) on "
                               f"{finding.element}")
        self.reason = QPlainTextEdit(f"Accepted: {finding.message}")
        self.reason.selectAll()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Suppress")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._validate)
        self.title.textChanged.connect(self._validate)
        form = QFormLayout()
        form.addRow("Reason", self.reason)
        form.addRow("Decision title", self.title)
        note = QLabel("The finding is suppressed in the review configuration, and an accepted "
                      "decision record (ADR), to be reviewed in a year, cites the reason. "
                      "Undo removes both.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5b6770;")
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(560, 320)

    def _validate(self) -> None:
        ok = bool(self.reason.toPlainText().strip() and self.title.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


def ask_suppression(parent: QWidget, finding: Any) -> tuple[str, str] | None:
    """(reason, decision title) from :class:`SuppressionDialog`, or None when cancelled."""
    dialog = SuppressionDialog(finding, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.reason.toPlainText().strip(), dialog.title.text().strip()


class ProblemsPanel(QWidget):
    """The findings of the latest review, with a text filter and a severity filter.

    Signals:
        element_activated(str): a finding was double-clicked; the id of what it concerns.
        finding_activated(object): the finding double-clicked (after element_activated), so
            that the window may open the editor of the query or endpoint it concerns.
    """

    element_activated = Signal(str)
    finding_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.model = FindingsModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(placeholderText="Filter problems", clearButtonEnabled=True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.severity = QComboBox()
        for label, value in (("All severities", ""), ("Errors", "error"),
                             ("Warnings", "warning"), ("Info", "info")):
            self.severity.addItem(label, value)
        self.severity.currentIndexChanged.connect(self._severity_changed)
        self.summary = QLabel()
        #: Asks (reason, decision title) for a finding; replaceable (tests, scripting).
        self.ask_suppression: Callable[[Any], tuple[str, str] | None] = \
            lambda finding: ask_suppression(self, finding)
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
        header.setResizeContentsPrecision(RESIZE_PRECISION)
        for column, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents,) * 3
                                      + (QHeaderView.ResizeMode.Stretch,
                                         QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(column, mode)
        table.doubleClicked.connect(self._activated)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._show_menu)
        copy = QAction("Copy", table, shortcut=QKeySequence.StandardKey.Copy,
                       shortcutContext=Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(lambda: self.copy_finding(self.selected_finding()))
        table.addAction(copy)
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
        text = " · ".join(severity_count(s, n) for s, n in counts.items())
        self.summary.setText(text if findings else "No problems")

    def _severity_changed(self) -> None:
        self.proxy.set_severity(self.severity.currentData())

    def _activated(self, index: QModelIndex) -> None:
        finding = self.model.findings[self.proxy.mapToSource(index).row()]
        self.element_activated.emit(finding.element)
        self.finding_activated.emit(finding)

    # ------------------------------------------------------------------ finding actions

    def finding_at(self, index: QModelIndex) -> Any | None:
        """The finding shown at a (proxy) index."""
        if not index.isValid():
            return None
        return self.model.findings[self.proxy.mapToSource(index).row()]

    def selected_finding(self) -> Any | None:
        """The finding of the current row."""
        return self.finding_at(self.table.currentIndex())

    def can_suppress(self, finding: Any) -> bool:
        """Whether ``finding`` can be accepted here (an editable document with a review)."""
        document = self.document
        return bool(finding is not None and document is not None and not document.read_only
                    and finding.id not in document.design.checks.suppress)

    def context_menu(self, finding: Any) -> QMenu:
        """The actions on ``finding``: copy, suppress with a decision, rule reference."""
        menu = QMenu(self)
        menu.addAction("Copy", lambda: self.copy_finding(finding))
        menu.addAction("Show on Canvas", lambda: self.element_activated.emit(finding.element))
        menu.addSeparator()
        suppress = menu.addAction("Suppress with a Decision…", lambda: self.suppress(finding))
        suppress.setEnabled(self.can_suppress(finding))
        if self.document is not None and self.document.read_only:
            suppress.setStatusTip("The document is read-only")
        menu.addSeparator()
        menu.addAction(f"Show Rule Reference ({finding.code})", lambda: self.show_rule(finding))
        return menu

    def _show_menu(self, pos: QPoint) -> None:
        finding = self.finding_at(self.table.indexAt(pos))
        if finding is not None:
            self.context_menu(finding).exec(self.table.viewport().mapToGlobal(pos))

    def copy_finding(self, finding: Any) -> None:
        """Put the finding's text on the clipboard."""
        if finding is not None:
            QGuiApplication.clipboard().setText(finding_text(finding))

    def show_rule(self, finding: Any) -> QWidget:
        """Show the reference of the finding's rule (in the window's reference viewer)."""
        markdown = rule_markdown(finding.code)
        show = getattr(self.window(), "show_reference", None)
        if callable(show):
            return show(f"Rule {finding.code}", markdown)
        browser = QTextBrowser(self)
        browser.setWindowFlag(Qt.WindowType.Window)
        browser.setWindowTitle(f"Rule {finding.code}")
        browser.setMarkdown(markdown)
        browser.resize(640, 480)
        browser.show()
        return browser

    def suppress(self, finding: Any) -> str | None:
        """Ask for a reason, then suppress ``finding`` with a linked ADR; the ADR's id."""
        if not self.can_suppress(finding):
            return None
        answer = self.ask_suppression(finding)
        if answer is None:
            return None
        return self.suppress_finding(finding, *answer)

    def suppress_finding(self, finding: Any, reason: str, title: str) -> str | None:
        """Suppress ``finding`` and record why in an accepted ADR, as one undo step."""
        from studio.editors.decision import next_decision_id

        document = self.document
        if document is None or not self.can_suppress(finding) or not reason.strip():
            return None
        design = document.design
        decision_id = next_decision_id(design)
        decision = decision_for(design, finding, reason.strip(), title.strip() or finding.id)
        document.undo_stack.push(
            SuppressWithDecision(design, finding.id, reason.strip(), decision_id, decision))
        status_bar = getattr(self.window(), "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(f"Suppressed {finding.id}; decision {decision_id} records "
                                     "why (Design > Decisions…)", 8000)
        return decision_id
