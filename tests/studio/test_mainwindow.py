"""The main window: title and modified flag, unsaved-changes prompt, saving, panels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QLineEdit, QMessageBox

from studio.commands import RenameElement
from studio.document import Document
from studio.mainwindow import FALLBACK_KEYS, ICONS, MainWindow
from tests.studio.conftest import SAMPLES

Button = QMessageBox.StandardButton


@pytest.fixture
def window(qtbot: object, document: Document, settings: QSettings) -> MainWindow:
    return _window(qtbot, document, settings)


def _window(qtbot: object, document: Document, settings: QSettings) -> MainWindow:
    win = MainWindow(document, settings)
    # Closing after the test must not ask about unsaved changes.
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())  # type: ignore[attr-defined]
    return win


def _answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    asked: list[str] = []

    def warning(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return button

    monkeypatch.setattr(QMessageBox, "warning", warning)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: asked.append(str(a[2])))
    return asked


def test_title_shows_name_and_modified(window: MainWindow) -> None:
    assert window.windowTitle().startswith("Untitled")
    assert not window.isWindowModified()
    window.document.undo_stack.push(RenameElement(window.document.design, "api", "X"))
    assert window.isWindowModified()
    window.undo_action.trigger()
    assert not window.isWindowModified()


def test_new_with_unsaved_changes_cancel_keeps_everything(window: MainWindow,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    window.document.undo_stack.push(RenameElement(window.document.design, "api", "X"))
    document = window.document
    asked = _answer(monkeypatch, Button.Cancel)
    assert not window.new_document()
    assert asked and window.document is document and document.modified


def test_new_with_unsaved_changes_discard(window: MainWindow,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    window.document.undo_stack.push(RenameElement(window.document.design, "api", "X"))
    _answer(monkeypatch, Button.Discard)
    assert window.new_document()
    assert len(window.document.design) == 0 and not window.document.modified


def test_close_with_unsaved_changes_save(window: MainWindow, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    window.document.path = tmp_path / "d.yaml"
    window.document.undo_stack.push(RenameElement(window.document.design, "api", "Saved"))
    _answer(monkeypatch, Button.Save)
    assert window.close()
    assert "Saved" in (tmp_path / "d.yaml").read_text(encoding="utf-8")


def test_failed_save_keeps_window_undo_and_file(window: MainWindow, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QSaveFile

    target = tmp_path / "d.yaml"
    target.write_text("archstudio: 1\n", encoding="utf-8")
    window.document.path = target
    window.document.undo_stack.push(RenameElement(window.document.design, "api", "X"))
    asked = _answer(monkeypatch, Button.Save)
    monkeypatch.setattr(QSaveFile, "commit", lambda self: False)
    assert not window.save()
    assert any("cannot save" in text for text in asked)
    assert window.document.modified and window.document.undo_stack.count() == 1
    assert target.read_text(encoding="utf-8") == "archstudio: 1\n"
    assert not window.close()  # the prompt's Save failed again: the window stays open


def test_open_and_save_round_trip(window: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "copy.yaml"
    window.document.save(target)
    assert window.open_path(target)
    assert window.document.path == target and set(window.scene.elements) == {
        "web", "api", "worker", "orders-db", "events"}
    assert window.settings.value("recentFiles") == [str(target.resolve())]


def test_load_errors_are_listed_not_raised(window: MainWindow, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("archstudio: 1\nservices:\n  api:\n    nmae: x\n", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.informativeText()))
    document = window.document
    assert not window.open_path(bad, ask=False)
    assert window.document is document
    assert shown and f"{bad}:4:5" in shown[0]


def test_opening_a_missing_file_says_it_does_not_exist(window: MainWindow, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "missing.yaml"
    window.settings.setValue("recentFiles", [str(missing.resolve())])
    window.document.undo_stack.push(RenameElement(window.document.design, "api", "X"))
    asked = _answer(monkeypatch, Button.Cancel)
    document = window.document
    assert not window.open_path(missing)  # no "save your changes?" for a file that is not there
    assert window.document is document
    assert asked == [f"{missing} does not exist.\n\nIt was removed from the recent files."]
    assert window.settings.value("recentFiles", []) in ([], None)
    assert not window.open_path(tmp_path, ask=False)
    assert asked[-1] == f"{tmp_path} is a folder, not a design file."


def test_opening_an_unreadable_file_says_so(window: MainWindow, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.yaml"
    window.document.save(locked)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("models.io.open", refuse, raising=False)  # as for a chmod 0 file
    asked = _answer(monkeypatch, Button.Cancel)
    assert not window.open_path(locked, ask=False)
    assert asked == [f"{locked} cannot be read: Permission denied."]


def test_every_standard_action_has_a_shortcut_even_without_platform_keys(
        qtbot: object, document: Document, settings: QSettings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    win = _window(qtbot, document, settings)
    assert win.quit_action.shortcut().toString() == "Ctrl+Q"  # offscreen binds no Quit key
    monkeypatch.setattr(QKeySequence, "keyBindings", staticmethod(lambda key: []))
    bare = _window(qtbot, Document(), settings)
    shortcuts = {action: action.shortcut().toString() for action in (
        bare.quit_action, bare.close_action, bare.delete_action, bare.find_action,
        bare.undo_action, bare.redo_action, bare.copy_action, bare.save_as_action)}
    assert list(shortcuts.values()) == ["Ctrl+Q", "Ctrl+W", "Del", "Ctrl+F", "Ctrl+Z",
                                        "Ctrl+Shift+Z", "Ctrl+C", "Ctrl+Shift+S"]
    assert [k.toString() for k in bare.redo_action.shortcuts()] == ["Ctrl+Shift+Z", "Ctrl+Y"]
    assert QKeySequence.StandardKey.Quit in FALLBACK_KEYS


def test_inspector_edits_are_undo_steps_and_typing_merges(window: MainWindow) -> None:
    window.scene.select_ids(["api"])
    owner = window.inspector.editors["owner"]
    assert isinstance(owner, QLineEdit)
    for text in ("t", "te", "team"):
        owner.setText(text)
        owner.textEdited.emit(text)
    assert window.document.design.element("api").owner == "team"
    assert window.document.undo_stack.count() == 1
    public = window.inspector.editors["public"]
    assert isinstance(public, QCheckBox)
    public.setChecked(True)
    assert window.document.design.element("api").public
    assert window.document.undo_stack.count() == 2
    window.document.undo_stack.undo()
    assert not public.isChecked()


def test_inspector_validates_quantities_in_place(window: MainWindow) -> None:
    window.scene.select_ids(["api"])
    p99 = window.inspector.editors["sla.p99"]
    assert isinstance(p99, QLineEdit)
    p99.textEdited.emit("fast")
    assert not window.inspector.errors["sla.p99"].isHidden()
    assert window.document.undo_stack.count() == 0
    p99.textEdited.emit("200ms")
    assert window.inspector.errors["sla.p99"].isHidden()
    assert str(window.document.design.element("api").sla.p99) == "200ms"


def test_outline_selection_selects_on_canvas(window: MainWindow) -> None:
    item = window.outline.items["worker"]
    index = window.outline.proxy.mapFromSource(item.index())
    window.outline.tree.selectionModel().select(
        index, window.outline.tree.selectionModel().SelectionFlag.ClearAndSelect)
    assert window.scene.selected_element_ids() == ["worker"]
    assert window.inspector.element_id == "worker"


def test_problems_double_click_selects_and_centres(qtbot: object, settings: QSettings) -> None:
    pytest.importorskip("checks.incremental")
    window = MainWindow(Document.open(SAMPLES[0]), settings)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    table = window.problems.table
    assert table.model().rowCount() == len(window.document.findings) > 0
    index = table.model().index(0, 0)
    finding = window.problems.model.findings[window.problems.proxy.mapToSource(index).row()]
    table.doubleClicked.emit(index)
    target = finding.element.split(".")[0]
    assert window.scene.selected_element_ids() == [target]


def test_problems_filter(qtbot: object, settings: QSettings) -> None:
    pytest.importorskip("checks.incremental")
    window = MainWindow(Document.open(SAMPLES[0]), settings)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    errors = sum(f.severity.value == "error" for f in window.document.findings)
    window.problems.severity.setCurrentIndex(window.problems.severity.findData("error"))
    assert window.problems.proxy.rowCount() == errors


def test_review_mode_is_read_only(qtbot: object, settings: QSettings) -> None:
    window = MainWindow(Document.open(SAMPLES[0], read_only=True), settings)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert "read-only" in window.windowTitle()
    assert not window.save_action.isEnabled() and not window.delete_action.isEnabled()
    window.scene.select_ids(list(window.scene.elements)[:1])
    assert not window.scene.delete_selection()
    assert window.document.undo_stack.count() == 0


def test_selecting_one_relation_shows_it_in_the_inspector(window: MainWindow) -> None:
    from studio.panels.inspector import InspectorPanel

    if not hasattr(InspectorPanel, "show_relation"):
        pytest.skip("the Inspector has no relation form yet (show_relation)")
    key = next(k for k in window.scene.relations if k[0] == "web")
    window.scene.select_ids([])
    window.scene.relations[key].setSelected(True)
    assert window.inspector.relation_key == key
    window.scene.elements["api"].setSelected(True)  # an element too: the element wins
    assert window.inspector.element_id == "api"
    window.scene.select_ids(["api"])
    assert window.inspector.element_id == "api"


# --------------------------------------------------------------------------- editors and keys


def shop_window(qtbot: object, settings: QSettings) -> MainWindow:
    """A window on a design with a service's endpoint and a SQL datastore's query, shown and
    active (shortcuts need a focused widget)."""
    from models.design import Design
    from models.elements import Datastore, Endpoint, HttpMethod, Query, Service, Table

    design = Design()
    design.add_element("api", Service(name="API", endpoints={
        "get-order": Endpoint(HttpMethod.GET, "/orders/{id}"),
        "list-orders": Endpoint(HttpMethod.GET, "/orders")}))
    design.add_element("db", Datastore(name="Shop DB", tables={"orders": Table()}, queries={
        "by-id": Query("SELECT 1"), "by-customer": Query("SELECT 2")}))
    window = MainWindow(Document(design), settings)
    qtbot.addWidget(window, before_close_func=lambda w: w.document.undo_stack.setClean())  # type: ignore[attr-defined]
    window.show()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    window.activateWindow()
    return window


def press_delete(qtbot: object, widget: object) -> None:
    from PySide6.QtCore import Qt

    widget.setFocus()  # type: ignore[attr-defined]
    qtbot.waitUntil(widget.hasFocus)  # type: ignore[attr-defined]
    qtbot.keyClick(widget, Qt.Key.Key_Delete)  # type: ignore[attr-defined]


def test_delete_key_deletes_the_canvas_selection_only_in_the_canvas(
        qtbot: object, settings: QSettings) -> None:
    window = shop_window(qtbot, settings)
    design = window.document.design
    window.scene.select_ids(["db"])
    press_delete(qtbot, window.view)
    assert "db" not in design
    window.undo_action.trigger()
    window.scene.select_ids(["db"])
    press_delete(qtbot, window.outline.tree)  # the outline's selection is the canvas's
    assert "db" not in design
    window.undo_action.trigger()
    window.scene.select_ids(["db"])
    press_delete(qtbot, window.outline.search)  # a text field keeps its key
    assert "db" in design
    window.scene.select_ids(["db"])
    editor = window.open_editor("api", "api")
    editor.select_endpoint("get-order")
    press_delete(qtbot, editor.table)
    assert "db" in design and list(design.element("api").endpoints) == ["list-orders"]
    assert window.delete_action in window.menus["edit"].actions()


def test_delete_key_in_the_query_list_deletes_the_query(qtbot: object,
                                                        settings: QSettings) -> None:
    window = shop_window(qtbot, settings)
    window.scene.select_ids(["db"])
    editor = window.open_editor("queries", "db", "by-customer")
    press_delete(qtbot, editor.list)
    design = window.document.design
    assert "db" in design and list(design.element("db").queries) == ["by-id"]


def test_delete_key_in_the_schema_grid_deletes_the_table(qtbot: object,
                                                        settings: QSettings) -> None:
    window = shop_window(qtbot, settings)
    window.scene.select_ids(["db"])
    editor = window.open_editor("schema", "db")
    editor.tables_view.selectRow(0)
    press_delete(qtbot, editor.tables_view)
    design = window.document.design
    assert "db" in design and not design.element("db").tables


def test_inspector_links_open_editor_tabs(qtbot: object, settings: QSettings) -> None:
    window = shop_window(qtbot, settings)
    window.inspector.editor_requested.emit("api", "api")
    assert window.tabs.currentWidget().property("tabKey") == "api:api"
    assert window.tabs.currentWidget().minimumWidth() >= 720  # the docks give way first
    window.inspector.editor_requested.emit("schema", "db")
    assert window.tabs.currentWidget().property("tabKey") == "schema:db"


def test_double_clicking_a_query_or_endpoint_finding_opens_its_editor(
        qtbot: object, settings: QSettings) -> None:
    from checks.base import Finding, Severity

    window = shop_window(qtbot, settings)
    window.problems.model.set_findings([
        Finding("ARC801", Severity.WARNING, "db.by-customer", "no index serves it"),
        Finding("ARC302", Severity.WARNING, "api.list-orders", "unpaginated"),
        Finding("ARC502", Severity.WARNING, "db.orders", "scanned"),
        Finding("ARC001", Severity.ERROR, "db", "no owner")])
    rows = {window.problems.proxy.index(r, 1).data(): window.problems.proxy.index(r, 0)
            for r in range(4)}
    window.problems.table.doubleClicked.emit(rows["ARC801"])
    assert window.scene.selected_element_ids() == ["db"]
    editor = window.tabs.currentWidget()
    assert editor.property("tabKey") == "queries:db" and editor.current == "by-customer"
    window.problems.table.doubleClicked.emit(rows["ARC302"])
    editor = window.tabs.currentWidget()
    assert editor.property("tabKey") == "api:api"
    assert editor.selected_endpoints() == ["list-orders"]
    window.problems.table.doubleClicked.emit(rows["ARC502"])
    editor = window.tabs.currentWidget()
    assert editor.property("tabKey") == "schema:db" and editor.current_table == "orders"
    count = window.tabs.count()
    window.tabs.setCurrentIndex(0)
    window.problems.table.doubleClicked.emit(rows["ARC001"])  # the element itself: canvas
    assert window.tabs.count() == count and window.tabs.currentIndex() == 0


def test_deleting_the_window_without_closing_it_raises_nothing(settings: QSettings) -> None:
    """The undo stack signals while it is destroyed; the window's labels are gone by then."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from models.elements import Service
    from studio.commands import AddElement

    window = MainWindow(Document(), settings)
    window.document.undo_stack.push(AddElement(window.document.design, "svc", Service()))
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_toolbar_actions_have_icons_in_the_palettes_ink(window: MainWindow) -> None:
    """Without an icon theme (most Linux sessions without a desktop, Windows, macOS) the
    toolbar falls back to the shipped icons, drawn in the palette's text colour."""
    from PySide6.QtGui import QPalette

    for action in window.main_toolbar.actions():
        if not action.isSeparator():
            assert not action.icon().isNull(), action.text()
    image = window.save_action.icon().pixmap(24, 24).toImage()
    ink = window.palette().color(QPalette.ColorRole.WindowText)
    colours = {image.pixelColor(x, y).rgb() for x in range(24) for y in range(24)
               if image.pixelColor(x, y).alpha() == 255}
    assert ink.rgb() in colours
    assert "edit-undo" in {p.stem for p in ICONS.glob("*.svg")}


def test_the_inspector_follows_the_editor_tab(window: MainWindow) -> None:
    window.scene.select_ids(["worker"])
    assert window.inspector.element_id == "worker"
    window.open_editor("api", "api")
    assert window.inspector.element_id == "api"
    window.tabs.setCurrentIndex(0)
    assert window.inspector.element_id == "worker"
