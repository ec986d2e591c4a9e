"""The query editor: queries list, SQL edits as undo steps, highlighting, parse errors and
the index advisor's live verdict with its one-step "Add index"."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from models.design import Design
from models.elements import Column, Datastore, DatastoreEngine, Index, Query, Service, Table
from studio.document import Document
from studio.editors.query import QueryEditor, index_from_sql, open_queries
from studio.editors.sql_highlight import error_span, sql_keywords
from studio.mainwindow import MainWindow

SERVED = "SELECT id, total FROM orders WHERE id = $1"
UNSERVED = "SELECT id FROM orders WHERE customer_id = $1 AND created_at > $2"


def shop() -> Design:
    design = Design()
    design.add_element("api", Service(name="API"))
    orders = Table(columns={"id": Column("uuid", nullable=False), "customer_id": Column("uuid"),
                            "created_at": Column("timestamptz"), "total": Column("numeric")},
                   primary_key=("id",), indexes={"idx_orders_total": Index(("total",))})
    design.add_element("db", Datastore(name="Shop DB", tables={"orders": orders}, queries={
        "by-id": Query(SERVED, service="api"),
        "by-customer": Query(UNSERVED, description="Order history")}))
    return design


@pytest.fixture
def editor(qtbot: QtBot) -> QueryEditor:
    widget = QueryEditor(Document(shop()), "db")
    qtbot.addWidget(widget)
    return widget


def queries(editor: QueryEditor) -> dict[str, Query]:
    return dict(editor.design.element("db").queries)


def listed(editor: QueryEditor) -> list[str]:
    return [editor.list.item(r).text() for r in range(editor.list.count())]


def test_shows_the_datastores_queries(editor: QueryEditor) -> None:
    assert listed(editor) == ["by-id", "by-customer"]
    assert editor.current == "by-id"
    assert editor.sql.toPlainText() == SERVED
    assert editor.service.currentData() == "api"


@pytest.mark.parametrize("engine", list(DatastoreEngine))
def test_opening_changes_nothing(qtbot: QtBot, engine: DatastoreEngine) -> None:
    """Filling the editor (and re-highlighting in another dialect) is not an edit."""
    design = shop()
    design.replace_element("db", replace(design.element("db"), engine=engine))
    widget = QueryEditor(Document(design), "db")
    qtbot.addWidget(widget)
    widget.select("by-customer")
    assert widget.document.undo_stack.count() == 0
    assert queries(widget)["by-id"].sql == SERVED and widget.sql.toPlainText() == UNSERVED


def test_typing_sql_is_one_merged_undo_step(editor: QueryEditor) -> None:
    stack = editor.document.undo_stack
    editor.select("by-customer")
    editor.sql.moveCursor(editor.sql.textCursor().MoveOperation.End)
    for char in " LIMIT 5":
        editor.sql.insertPlainText(char)
    assert queries(editor)["by-customer"].sql == UNSERVED + " LIMIT 5"
    assert stack.count() == 1
    stack.undo()
    assert queries(editor)["by-customer"].sql == UNSERVED
    assert editor.sql.toPlainText() == UNSERVED  # the view follows the model on undo
    stack.redo()
    assert editor.sql.toPlainText() == UNSERVED + " LIMIT 5"


def test_edits_of_different_queries_do_not_merge(editor: QueryEditor) -> None:
    editor.sql.setPlainText("SELECT 1")
    editor.select("by-customer")
    editor.sql.setPlainText("SELECT 2")
    assert editor.document.undo_stack.count() == 2


def test_description_and_service_edits(editor: QueryEditor, qtbot: QtBot) -> None:
    editor.select("by-customer")
    qtbot.keyClicks(editor.description, "!!")
    assert queries(editor)["by-customer"].description == "Order history!!"
    assert editor.document.undo_stack.count() == 1
    editor.service.setCurrentIndex(editor.service.findData("api"))
    assert queries(editor)["by-customer"].service == "api"


def test_bad_rate_is_refused_in_place(editor: QueryEditor) -> None:
    editor.rate.setText("fast")
    editor.rate.editingFinished.emit()
    assert editor.document.undo_stack.count() == 0
    assert "Rate" in editor.status.text()
    editor.rate.setText("200/s")
    editor.rate.editingFinished.emit()
    assert str(queries(editor)["by-id"].rate) == "200/s"


def test_add_rename_duplicate_delete(editor: QueryEditor) -> None:
    stack = editor.document.undo_stack
    new = editor.add_query()
    assert new == "new-query" and listed(editor)[-1] == "new-query"
    assert editor.current == "new-query" and editor.sql.toPlainText() == ""
    assert "not a valid id" in editor.rename_query("new-query", "has space")
    assert "already" in editor.rename_query("new-query", "by-id")
    assert editor.rename_query("new-query", "totals") == ""
    copy = editor.duplicate_query("by-id")
    assert listed(editor) == ["by-id", "by-id-copy", "by-customer", "totals"]
    assert queries(editor)[copy] == queries(editor)["by-id"]
    editor.delete_query("by-customer")
    assert listed(editor) == ["by-id", "by-id-copy", "totals"]
    assert stack.count() == 4
    for _ in range(4):
        stack.undo()
    assert listed(editor) == ["by-id", "by-customer"]


def test_undo_and_redo_keep_the_selection_on_the_changed_query(editor: QueryEditor,
                                                               qtbot: QtBot) -> None:
    stack = editor.document.undo_stack
    editor.select("by-customer")
    editor.add_query()
    stack.undo()  # the added query goes: its neighbour is selected, not the first query
    assert editor.current == "by-customer" and editor.list.currentItem().text() == "by-customer"
    stack.redo()  # it is back, and selected, so the next edit lands on it
    assert editor.current == "new-query" and editor.list.currentItem().text() == "new-query"
    qtbot.keyClicks(editor.description, "Totals")
    assert queries(editor)["new-query"].description == "Totals"
    assert queries(editor)["by-id"].description == ""
    editor.delete_query("by-id")
    editor.select("new-query")
    stack.undo()  # a delete undone selects the query it brings back
    assert editor.current == "by-id" and editor.sql.toPlainText() == SERVED


def test_rename_in_place_in_the_list(editor: QueryEditor) -> None:
    item = editor.list.item(1)
    item.setText("history")
    assert list(queries(editor)) == ["by-id", "history"]
    item = editor.list.item(0)
    item.setText("bad id!")
    assert list(queries(editor)) == ["by-id", "history"]
    assert listed(editor)[0] == "by-id"
    assert "not a valid id" in editor.status.text()


def _colour_at(editor: QueryEditor, position: int) -> QColor:
    block = editor.sql.document().findBlock(position)
    formats = block.layout().formats()
    for fmt in formats:
        if fmt.start <= position - block.position() < fmt.start + fmt.length:
            return QColor(fmt.format.foreground().color())
    return QColor()


def test_syntax_highlighting(editor: QueryEditor) -> None:
    text = "SELECT count(*) FROM orders -- all\nWHERE status = 'paid' AND total > 10 /* x"
    editor.sql.setPlainText(text)
    colour = {name: fmt.foreground().color() for name, fmt in editor.highlighter.formats.items()}
    assert _colour_at(editor, 0) == colour["keyword"]
    assert _colour_at(editor, text.index("count")) == colour["function"]
    assert _colour_at(editor, text.index("orders")) != colour["keyword"]
    assert _colour_at(editor, text.index("-- all") + 3) == colour["comment"]
    assert _colour_at(editor, text.index("'paid'") + 1) == colour["string"]
    assert _colour_at(editor, text.index("10")) == colour["number"]
    assert _colour_at(editor, text.index("/* x") + 3) == colour["comment"]
    assert {"SELECT", "WHERE", "JOIN"} <= sql_keywords("postgres")


def test_parse_error_is_underlined_at_its_position(editor: QueryEditor) -> None:
    text = "SELECT id,\n  FROM orders WHER x = 1"
    editor.sql.setPlainText(text)
    editor.advise_now()
    (selection,) = editor.sql.extraSelections()
    cursor = selection.cursor
    assert text[cursor.selectionStart():cursor.selectionEnd()] == "x"
    assert selection.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
    assert selection.format.underlineColor() == QColor("#d64545")
    assert "Line 2" in editor.status.text()
    editor.sql.setPlainText(SERVED)
    editor.advise_now()
    assert editor.sql.extraSelections() == []


def test_error_span() -> None:
    assert error_span("SELECT a FROM t WHERE", 1, 21) == (16, 21)
    assert error_span("SELECT 1\nWHERE x = = 1", 2, 11) == (19, 20)
    assert error_span("SELECT 'abc", 1, 1, "Error tokenizing") == (7, 11)


def test_verdict_for_a_served_query(editor: QueryEditor) -> None:
    assert editor.verdict.indexed
    assert "Served by an index" in editor.verdict_label.text()
    assert "orders_pkey" in editor.verdict_label.text()
    assert not editor.add_index_button.isVisibleTo(editor)


def test_verdict_for_an_unserved_query(editor: QueryEditor) -> None:
    editor.select("by-customer")
    assert not editor.verdict.indexed
    text = editor.verdict_label.text()
    assert "Reads <code>orders</code> in full" in text
    assert "customer_id" in text
    assert "CREATE INDEX idx_orders_customer_id_created_at" in editor.suggestion.toPlainText()
    assert editor.add_index_button.isVisibleTo(editor)


def test_verdict_follows_typing_after_a_pause(editor: QueryEditor, qtbot: QtBot) -> None:
    editor.sql.setPlainText(UNSERVED)
    assert editor.verdict.indexed  # not yet: debounced
    qtbot.waitUntil(lambda: not editor.verdict.indexed, timeout=5000)


def test_add_index_is_one_undo_step_that_serves_the_query(editor: QueryEditor) -> None:
    stack = editor.document.undo_stack
    editor.select("by-customer")
    assert editor.add_suggested_indexes() == ["idx_orders_customer_id_created_at"]
    assert stack.count() == 1
    index = editor.design.element("db").tables["orders"].indexes[
        "idx_orders_customer_id_created_at"]
    assert index.columns == ("customer_id", "created_at")
    assert editor.verdict.indexed
    assert "Served by an index" in editor.verdict_label.text()
    stack.undo()
    editor.advise_now()
    assert not editor.verdict.indexed
    assert "idx_orders_customer_id_created_at" not in editor.design.element("db").tables[
        "orders"].indexes


def test_index_from_sql_reads_expressions() -> None:
    table, name, index = index_from_sql(
        "CREATE INDEX idx_t_lower ON t((LOWER(email)), created_at)", "postgres")
    assert (table, name, index.columns) == ("t", "idx_t_lower", ("LOWER(email)", "created_at"))


def test_read_only_document_refuses_edits(qtbot: QtBot) -> None:
    editor = QueryEditor(Document(shop(), read_only=True), "db")
    qtbot.addWidget(editor)
    editor.select("by-customer")
    assert editor.sql.isReadOnly()
    assert not editor.add_button.isEnabled()
    assert not editor.add_index_button.isEnabled()
    assert editor.add_query() is None and editor.add_suggested_indexes() == []
    assert not editor.list.item(0).flags() & Qt.ItemFlag.ItemIsEditable
    assert editor.document.undo_stack.count() == 0


def test_removed_datastore_disables_the_editor(editor: QueryEditor) -> None:
    editor.design.replace_element("db", replace(editor.design.element("db"), queries={}))
    assert listed(editor) == [] and editor.empty.isVisibleTo(editor)
    editor.design.remove_element("db")
    assert editor.read_only and "removed" in editor.title.text()


def test_design_menu_opens_the_selected_datastores_tab(qtbot: QtBot,
                                                       settings: QSettings) -> None:
    window = MainWindow(Document(shop()), settings=settings)
    qtbot.addWidget(window)
    action = next(a for a in window.menus["design"].actions() if "Queries" in a.text())
    action.trigger()
    tab = window.tabs.currentWidget()
    assert isinstance(tab, QueryEditor) and tab.property("tabKey") == "queries:db"
    assert open_queries(window, "db", "by-customer") is tab
    assert tab.current == "by-customer"


def test_undo_keys_in_the_sql_editor_go_to_the_document(editor: QueryEditor) -> None:
    """The text field declines Ctrl+Z (its own history would desynchronise it from the model),
    so the window's Undo action, bound to the document's stack, receives it."""
    for key, modifiers in ((Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
                           (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                            | Qt.KeyboardModifier.ShiftModifier)):
        event = QKeyEvent(QEvent.Type.ShortcutOverride, key, modifiers)
        QApplication.sendEvent(editor.sql, event)
        assert not event.isAccepted()
    other = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_A,
                      Qt.KeyboardModifier.ControlModifier)
    QApplication.sendEvent(editor.sql, other)
    assert other.isAccepted()  # select-all stays the editor's


def test_renaming_or_deleting_a_query_carries_its_accepted_findings(editor: QueryEditor) -> None:
    from models.elements import ChecksConfig, Suppression

    accepted = {"ARC801@db.by-customer": Suppression("reporting only, runs nightly"),
                "ARC201@api": Suppression("internal tool")}
    editor.design.set_checks(ChecksConfig(suppress=accepted))
    stack = editor.document.undo_stack
    assert editor.rename_query("by-customer", "history") == ""
    assert list(editor.design.checks.suppress) == ["ARC801@db.history", "ARC201@api"]
    assert stack.count() == 1  # the rename and the suppression: one undo step
    stack.undo()
    assert editor.design.checks.suppress == accepted and "by-customer" in queries(editor)
    editor.delete_query("by-customer")
    assert list(editor.design.checks.suppress) == ["ARC201@api"]
    stack.undo()
    assert editor.design.checks.suppress == accepted and "by-customer" in queries(editor)
