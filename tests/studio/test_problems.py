"""The Problems panel's finding actions: copy, rule reference, and suppress-with-ADR as one
undo step that removes the finding at the next re-check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser
from pytestqt.qtbot import QtBot

from models.elements import DecisionStatus, Suppression
from studio.document import Document
from studio.mainwindow import MainWindow
from studio.panels.problems import ProblemsPanel, SuppressionDialog, finding_text
from tests.studio.conftest import small_design


@pytest.fixture
def panel(qtbot: QtBot) -> ProblemsPanel:
    widget = ProblemsPanel()
    qtbot.addWidget(widget)
    widget.set_document(Document(small_design()))
    assert widget.model.findings, "the small design should have findings to act on"
    return widget


def ids(panel: ProblemsPanel) -> set[str]:
    return {f.id for f in panel.model.findings}


def actions(panel: ProblemsPanel, finding: Any) -> dict[str, Any]:
    return {a.text(): a for a in panel.context_menu(finding).actions() if a.text()}


def test_suppress_with_a_decision_is_one_undo_step(panel: ProblemsPanel, qtbot: QtBot) -> None:
    document = panel.document
    finding = panel.model.findings[0]
    root = finding.element.split(".")[0]
    did = panel.suppress_finding(finding, "We accept it for the MVP", "Accept it")
    assert document.undo_stack.count() == 1
    design = document.design
    assert design.checks.suppress[finding.id] == Suppression("We accept it for the MVP", did)
    decision = design.decisions[did]
    assert decision.status == DecisionStatus.ACCEPTED and decision.title == "Accept it"
    assert decision.context.startswith(finding.message)
    assert decision.decision == "We accept it for the MVP"
    assert decision.concerns == (root,)
    assert decision.review == dt.date.today() + dt.timedelta(days=365)
    qtbot.waitUntil(lambda: finding.id not in ids(panel), timeout=5000)
    assert not [f for f in panel.model.findings if f.element == did]  # a complete ADR
    document.undo_stack.undo()
    assert finding.id not in design.checks.suppress and did not in design.decisions
    qtbot.waitUntil(lambda: finding.id in ids(panel), timeout=5000)
    document.undo_stack.redo()
    assert did in design.decisions and finding.id in design.checks.suppress


def test_context_menu_suppress_asks_for_a_reason(panel: ProblemsPanel) -> None:
    finding = panel.model.findings[0]
    asked: list[Any] = []
    panel.ask_suppression = lambda f: asked.append(f) or None  # cancelled
    actions(panel, finding)["Suppress with a Decision…"].trigger()
    assert asked == [finding] and panel.document.undo_stack.count() == 0
    panel.ask_suppression = lambda f: ("Reason", "Title")
    actions(panel, finding)["Suppress with a Decision…"].trigger()
    assert panel.document.undo_stack.count() == 1
    assert not actions(panel, finding)["Suppress with a Decision…"].isEnabled()  # done


def test_read_only_document_cannot_suppress(qtbot: QtBot) -> None:
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    panel.set_document(Document(small_design(), read_only=True))
    finding = panel.model.findings[0]
    panel.ask_suppression = lambda f: ("Reason", "Title")
    assert not actions(panel, finding)["Suppress with a Decision…"].isEnabled()
    assert panel.suppress(finding) is None
    assert panel.suppress_finding(finding, "Reason", "Title") is None
    assert panel.document.undo_stack.count() == 0


def test_copy_puts_the_finding_on_the_clipboard(panel: ProblemsPanel) -> None:
    finding = panel.model.findings[0]
    actions(panel, finding)["Copy"].trigger()
    text = QGuiApplication.clipboard().text()
    assert text == finding_text(finding)
    assert finding.id in text and finding.message in text


def test_show_rule_reference(panel: ProblemsPanel, qtbot: QtBot) -> None:
    finding = panel.model.findings[0]
    shown = panel.show_rule(finding)
    qtbot.addWidget(shown)
    assert isinstance(shown, QTextBrowser)
    assert finding.code in shown.toPlainText() and finding.rule in shown.toPlainText()
    assert "Anti-pattern" in shown.toMarkdown()


def test_rule_reference_opens_in_the_windows_viewer(qtbot: QtBot, settings: QSettings) -> None:
    window = MainWindow(Document(small_design()), settings=settings)
    qtbot.addWidget(window)
    finding = window.problems.model.findings[0]
    dialog = window.problems.show_rule(finding)
    assert dialog.windowTitle() == f"Rule {finding.code}"
    assert finding.code in dialog.findChild(QTextBrowser).toPlainText()
    dialog.close()


def test_suppression_dialog_is_prefilled_and_needs_a_reason(panel: ProblemsPanel,
                                                            qtbot: QtBot) -> None:
    finding = panel.model.findings[0]
    dialog = SuppressionDialog(finding, panel)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert finding.message in dialog.reason.toPlainText()
    assert finding.code in dialog.title.text()
    dialog.reason.setPlainText("  ")
    assert not ok.isEnabled()
    dialog.reason.setPlainText("Known and accepted")
    assert ok.isEnabled()


def test_suppressing_in_the_window_says_where_the_decision_is(qtbot: QtBot,
                                                              settings: QSettings) -> None:
    window = MainWindow(Document(small_design()), settings=settings)
    qtbot.addWidget(window)
    finding = window.problems.model.findings[0]
    did = window.problems.suppress_finding(finding, "Reason", "Title")
    assert did in window.statusBar().currentMessage()
    assert finding.id in window.statusBar().currentMessage()
    window.document.undo_stack.setClean()  # closing asks about unsaved changes otherwise


# --------------------------------------------------------------------------- sort and filter


def sample_findings() -> list[Any]:
    from checks.base import Finding, Severity

    return [Finding("ARC101", Severity.WARNING, "b-svc", "slow path"),
            Finding("ARC001", Severity.ERROR, "c-db", "no owner"),
            Finding("ARC302", Severity.INFO, "a-api", "unpaginated list"),
            Finding("ARC201", Severity.ERROR, "a-api", "Orders table scanned"),
            Finding("ARC102", Severity.WARNING, "a-api", "retry storm")]


def shown(panel: ProblemsPanel, column: int) -> list[str]:
    return [panel.proxy.index(row, column).data() for row in range(panel.proxy.rowCount())]


def test_header_sorts_are_stable_and_stack(qtbot: QtBot) -> None:
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    panel.model.set_findings(sample_findings())
    assert shown(panel, 1) == ["ARC001", "ARC201", "ARC101", "ARC102", "ARC302"]  # severity
    panel.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # by element, ties as they were
    assert shown(panel, 1) == ["ARC201", "ARC102", "ARC302", "ARC101", "ARC001"]
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # info first, then by element
    assert shown(panel, 1) == ["ARC302", "ARC102", "ARC101", "ARC201", "ARC001"]
    panel.model.set_findings(sample_findings()[:3])  # a new review keeps the sort
    assert shown(panel, 1) == ["ARC302", "ARC101", "ARC001"]


def test_the_selection_follows_its_finding_through_a_sort(qtbot: QtBot) -> None:
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    panel.model.set_findings(sample_findings())
    panel.table.selectRow(2)
    selected = panel.selected_finding()
    assert selected.code == "ARC101"
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert panel.selected_finding() is selected
    assert panel.table.currentIndex().row() != 2


def test_text_and_severity_filters(qtbot: QtBot) -> None:
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    panel.model.set_findings(sample_findings())
    panel.search.setText("ORDERS")  # any column, any case
    assert shown(panel, 1) == ["ARC201"]
    panel.search.setText("a-api")
    assert shown(panel, 1) == ["ARC201", "ARC102", "ARC302"]
    panel.severity.setCurrentIndex(panel.severity.findData("warning"))
    assert shown(panel, 1) == ["ARC102"]
    panel.search.clear()
    assert shown(panel, 1) == ["ARC101", "ARC102"]
