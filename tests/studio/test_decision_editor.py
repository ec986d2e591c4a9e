"""The decision (ADR) editor: form edits as merged undo steps, validation in place, the list's
status colours and the rendered Markdown preview."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models.design import Design
from models.elements import Alternative, Decision, DecisionStatus
from studio.document import Document
from studio.editors.decision import (
    HEADING_SCALE,
    STATUS_COLOURS,
    DecisionEditor,
    EditDecision,
    GrowingText,
    next_decision_id,
)
from studio.mainwindow import MainWindow
from tests.studio.conftest import SAMPLES, small_design


def design_with_decisions() -> Design:
    design = small_design()
    design.set_decision("adr-001", Decision(
        title="Use Kafka", status=DecisionStatus.ACCEPTED, date=dt.date(2024, 1, 15),
        deciders=("architect",), context="Peaks", decision="Kafka",
        alternatives={"rabbitmq": Alternative(pros=("simple",), cons=("no replay",))},
        consequences=("idempotent consumers",), concerns=("api",)))
    design.set_decision("adr-002", Decision(title="Cache orders"))
    return design


@pytest.fixture
def editor(qtbot: QtBot) -> DecisionEditor:
    widget = DecisionEditor(Document(design_with_decisions()))
    qtbot.addWidget(widget)
    return widget


def model(editor: DecisionEditor, did: str = "adr-001") -> Decision:
    return editor.design.decisions[did]


def test_shows_decisions_with_colour_coded_status(editor: DecisionEditor) -> None:
    rows = [editor.list.topLevelItem(i) for i in range(editor.list.topLevelItemCount())]
    assert [(r.text(0), r.text(1)) for r in rows] == [("Use Kafka", "accepted"),
                                                      ("Cache orders", "proposed")]
    assert rows[0].foreground(1).color() == QColor(STATUS_COLOURS[DecisionStatus.ACCEPTED])
    assert rows[1].foreground(1).color() == QColor(STATUS_COLOURS[DecisionStatus.PROPOSED])
    assert editor.title.text() == "Use Kafka" and editor.date.text() == "2024-01-15"
    assert editor.alternatives.item(0, 0).text() == "rabbitmq"
    assert editor.alternatives.item(0, 2).text() == "no replay"


def test_typing_a_title_is_one_merged_step(editor: DecisionEditor, qtbot: QtBot) -> None:
    stack = editor.document.undo_stack
    editor.title.end(False)
    qtbot.keyClicks(editor.title, " as the bus")
    assert model(editor).title == "Use Kafka as the bus"
    assert stack.count() == 1
    assert editor.list.topLevelItem(0).text(0) == "Use Kafka as the bus"
    stack.undo()
    assert model(editor).title == "Use Kafka"
    assert editor.title.text() == "Use Kafka"
    stack.redo()
    assert editor.title.text() == "Use Kafka as the bus"


def test_different_fields_are_different_steps(editor: DecisionEditor, qtbot: QtBot) -> None:
    editor.context.moveCursor(editor.context.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.context, " at Black Friday")
    editor.deciders.end(False)
    qtbot.keyClicks(editor.deciders, ", dba")
    assert model(editor).context == "Peaks at Black Friday"
    assert model(editor).deciders == ("architect", "dba")
    assert editor.document.undo_stack.count() == 2


def test_edit_decision_merges_only_the_same_field_of_the_same_decision(
        editor: DecisionEditor) -> None:
    design = editor.design
    first = EditDecision(design, "adr-001", Decision(title="A"), "title")
    assert first.mergeWith(EditDecision(design, "adr-001", Decision(title="AB"), "title"))
    assert first.new.title == "AB"
    assert not first.mergeWith(EditDecision(design, "adr-002", Decision(title="X"), "title"))
    assert not first.mergeWith(EditDecision(design, "adr-001", Decision(title="X"), "context"))


@pytest.mark.parametrize(("field", "text", "message"), [
    ("title", "", "needs a title"),
    ("date", "2024-13-01", "not a date"),
    ("review", "next year", "YYYY-MM-DD"),
])
def test_invalid_input_is_flagged_and_not_pushed(editor: DecisionEditor, field: str, text: str,
                                                 message: str) -> None:
    widget = getattr(editor, field)
    widget.setText(text)
    widget.textEdited.emit(text)
    assert editor.document.undo_stack.count() == 0
    assert message in editor.message.text()
    assert "d64545" in widget.styleSheet()
    widget.setText("2024-02-01" if field != "title" else "Fine")
    widget.textEdited.emit(widget.text())
    assert editor.document.undo_stack.count() == 1 and widget.styleSheet() == ""


def test_unknown_status_is_refused(editor: DecisionEditor) -> None:
    editor.status.setEditText("approved")
    assert editor.document.undo_stack.count() == 0
    assert "Unknown status 'approved'" in editor.message.text()
    editor.status.setCurrentIndex(editor.status.findData(DecisionStatus.DEPRECATED))
    assert model(editor).status == DecisionStatus.DEPRECATED
    assert editor.list.topLevelItem(0).text(1) == "deprecated"


def test_dates_and_lists(editor: DecisionEditor) -> None:
    editor.review.setText("2025-06-30")
    editor.review.textEdited.emit("2025-06-30")
    editor.consequences.setPlainText("one\n\ntwo ")
    assert model(editor).review == dt.date(2025, 6, 30)
    assert model(editor).consequences == ("one", "two")


def test_alternatives_table(editor: DecisionEditor) -> None:
    editor.add_alternative()
    assert list(model(editor).alternatives) == ["rabbitmq", "option-2"]
    editor.alternatives.item(1, 0).setText("nats")
    editor.alternatives.item(1, 1).setText("light; fast")
    assert model(editor).alternatives["nats"] == Alternative(pros=("light", "fast"))
    editor.alternatives.item(1, 0).setText("rabbitmq")  # duplicate name: refused
    assert "two options named" in editor.message.text()
    assert "nats" in model(editor).alternatives
    editor.alternatives.item(1, 0).setText("nats")
    editor.alternatives.setCurrentCell(0, 0)
    editor.remove_alternative()
    assert list(model(editor).alternatives) == ["nats"]


def test_supersedes_and_concerns_checklists(editor: DecisionEditor) -> None:
    editor.select("adr-002")
    keys = [editor.supersedes.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(editor.supersedes.count())]
    assert keys == ["adr-001"]  # not itself
    editor.supersedes.item(0).setCheckState(Qt.CheckState.Checked)
    assert model(editor, "adr-002").supersedes == ("adr-001",)
    assert model(editor, "adr-001").status == DecisionStatus.SUPERSEDED
    assert model(editor, "adr-001").superseded_by == "adr-002"
    assert editor.document.undo_stack.count() == 1  # both decisions in one step
    row = next(r for r in range(editor.concerns.count())
               if editor.concerns.item(r).data(Qt.ItemDataRole.UserRole) == "orders-db")
    editor.concerns.item(row).setCheckState(Qt.CheckState.Checked)
    assert model(editor, "adr-002").concerns == ("orders-db",)
    editor.document.undo_stack.undo()
    assert editor.concerns.item(row).checkState() == Qt.CheckState.Unchecked
    editor.document.undo_stack.undo()
    assert model(editor, "adr-001").status == DecisionStatus.ACCEPTED
    assert model(editor, "adr-001").superseded_by == "" and not model(editor, "adr-002").supersedes
    editor.select("adr-001")
    assert not editor.superseded_by.isVisibleTo(editor)
    editor.document.undo_stack.redo()
    assert editor.superseded_by.text() == "Superseded by adr-002: Cache orders"


def test_add_and_delete_decisions(editor: DecisionEditor) -> None:
    stack = editor.document.undo_stack
    did = editor.add_decision()
    assert did == "adr-003" and editor.current == "adr-003"
    assert model(editor, did).status == DecisionStatus.PROPOSED
    assert model(editor, did).date == dt.date.today()
    editor.delete_decision("adr-001")
    assert list(editor.design.decisions) == ["adr-002", "adr-003"]
    stack.undo()
    stack.undo()
    assert sorted(editor.design.decisions) == ["adr-001", "adr-002"]  # (undo appends)
    assert editor.list.topLevelItemCount() == 2


def test_next_decision_id() -> None:
    design = Design()
    assert next_decision_id(design) == "adr-001"
    design.set_decision("adr-007-kafka", Decision(title="x"))
    assert next_decision_id(design) == "adr-008"


def test_preview_renders_the_exported_markdown_debounced(editor: DecisionEditor,
                                                         qtbot: QtBot) -> None:
    assert editor.markdown.startswith("# 1. Use Kafka")
    assert "Use Kafka" in editor.preview.toPlainText()
    assert "Good, because simple" in editor.preview.toPlainText()
    editor.title.setText("Use NATS")
    editor.title.textEdited.emit("Use NATS")
    assert "Use Kafka" in editor.preview.toPlainText()  # debounced
    qtbot.waitUntil(lambda: "Use NATS" in editor.preview.toPlainText(), timeout=5000)


def test_read_only_document_disables_the_form(qtbot: QtBot) -> None:
    editor = DecisionEditor(Document(design_with_decisions(), read_only=True))
    qtbot.addWidget(editor)
    assert editor.title.isReadOnly() and not editor.status.isEnabled()
    assert not editor.add_button.isEnabled() and not editor.delete_button.isEnabled()
    assert editor.add_decision() is None
    assert not editor.push_field("title", "Changed")
    assert editor.document.undo_stack.count() == 0


def test_design_menu_opens_the_decisions_tab(qtbot: QtBot, settings: QSettings) -> None:
    window = MainWindow(Document(design_with_decisions()), settings=settings)
    qtbot.addWidget(window)
    action = next(a for a in window.menus["design"].actions() if "Decisions" in a.text())
    action.trigger()
    tab = window.tabs.currentWidget()
    assert isinstance(tab, DecisionEditor) and tab.property("tabKey") == "decisions"


def test_undo_keys_in_form_fields_go_to_the_document(editor: DecisionEditor) -> None:
    for widget in (editor.title, editor.context, editor.status.lineEdit()):
        event = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Z,
                          Qt.KeyboardModifier.ControlModifier)
        QApplication.sendEvent(widget, event)
        assert not event.isAccepted()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_browsing_a_samples_decisions_changes_nothing(qtbot: QtBot, sample: Path) -> None:
    document = Document.open(sample)
    editor = DecisionEditor(document)
    qtbot.addWidget(editor)
    for did, decision in document.design.decisions.items():
        editor.select(did)
        assert editor.title.text() == decision.title
        assert decision.title in editor.preview.toPlainText()  # rendered, unescaped
    assert document.undo_stack.count() == 0


def test_text_boxes_grow_with_their_text_up_to_a_limit(editor: DecisionEditor,
                                                       qtbot: QtBot) -> None:
    editor.resize(1200, 800)
    editor.show()
    qtbot.waitExposed(editor)
    box, line = editor.context, editor.context.fontMetrics().lineSpacing()
    short = box.height()
    assert short >= GrowingText.MIN_LINES * line
    box.setPlainText("A sentence about the forces at play. " * 30)
    assert box.lines() > GrowingText.MIN_LINES
    assert box.height() > short
    assert box.height() >= min(box.lines(), GrowingText.MAX_LINES) * line
    box.setPlainText("Many lines.\n" * 40)
    assert box.height() < (GrowingText.MAX_LINES + 2) * line  # then it scrolls
    assert box.verticalScrollBar().maximum() > 0


def test_alternatives_rows_show_their_wrapped_text(editor: DecisionEditor, qtbot: QtBot) -> None:
    editor.resize(1200, 800)
    editor.show()
    qtbot.waitExposed(editor)
    table = editor.alternatives
    assert table.wordWrap()
    assert table.rowHeight(0) >= table.sizeHintForRow(0) > 0


def test_preview_headings_are_tamed(editor: DecisionEditor) -> None:
    editor.render_preview()
    document = editor.preview.document()
    base = document.defaultFont().pointSizeF()
    sizes = {}
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level and block.text():
            sizes.setdefault(level, block.begin().fragment().charFormat().font().pointSizeF())
        block = block.next()
    assert sizes[1] == pytest.approx(base * HEADING_SCALE[1])
    assert sizes[2] == pytest.approx(base * HEADING_SCALE[2])
    assert sizes[1] < 1.6 * base  # Markdown's own H1 is twice the body text
