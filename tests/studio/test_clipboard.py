"""Cut, copy, paste and duplicate: design YAML on the system clipboard, one undo step each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QSettings
from PySide6.QtGui import QGuiApplication

from models.design import Design
from models.elements import RelationKind
from models.io import loads_design
from studio.clipboard import DESIGN_MIME, PASTE_OFFSET, design_from_mime, fresh_ids
from studio.document import Document
from studio.mainwindow import MainWindow
from tests.studio.conftest import small_design


def _window(qtbot: object, settings: QSettings, document: Document | None = None) -> MainWindow:
    win = MainWindow(document or Document(small_design()), settings)
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())  # type: ignore[attr-defined]
    return win


@pytest.fixture
def window(qtbot: object, settings: QSettings) -> MainWindow:
    return _window(qtbot, settings)


def _state(design: Design) -> tuple[object, ...]:
    return (dict(design.elements()), {r.key: r for r in design.relations()}, dict(design.layout))


def test_copy_puts_elements_and_relations_among_them_as_design_yaml(window: MainWindow) -> None:
    window.scene.select_ids(["api", "orders-db"])
    assert window.copy()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasFormat(DESIGN_MIME) and mime.hasText()
    part = loads_design(mime.text())  # plain text is the design format: a text editor gets YAML
    assert {eid for eid, _ in part.elements()} == {"api", "orders-db"}
    assert {(r.source, r.kind.value, r.target) for r in part.relations()} == {
        ("api", "reads", "orders-db"), ("api", "writes", "orders-db")}  # not web->api
    assert part.layout["api"] == window.document.design.layout["api"]
    assert window.document.undo_stack.count() == 0


def test_paste_adds_fresh_ids_offset_relations_and_selects_them(window: MainWindow) -> None:
    design = window.document.design
    before = _state(design)
    window.scene.select_ids(["api", "orders-db"])
    window.copy_action.trigger()
    window.paste_action.trigger()
    assert "api-2" in design and "orders-db-2" in design
    assert design.element("api-2") == design.element("api")
    keys = {(r.source, r.kind.value, r.target) for r in design.relations()}
    assert {("api-2", "reads", "orders-db-2"), ("api-2", "writes", "orders-db-2")} <= keys
    assert not any(r.source == "web" and r.target == "api-2" for r in design.relations())
    ax, ay = design.layout["api"]
    assert design.layout["api-2"] == (ax + PASTE_OFFSET, ay + PASTE_OFFSET)
    assert window.scene.selected_element_ids() == ["api-2", "orders-db-2"]
    assert window.document.undo_stack.count() == 1
    assert window.document.undo_stack.undoText() == "Paste 2 elements"
    window.undo_action.trigger()
    assert _state(design) == before
    window.redo_action.trigger()
    assert "api-2" in design and len(list(design.out_relations("api-2"))) == 2


def test_second_paste_fans_out_instead_of_stacking(window: MainWindow) -> None:
    design = window.document.design
    window.scene.select_ids(["api"])
    window.copy()
    window.paste()
    window.paste()
    ax, ay = design.layout["api"]
    assert design.layout["api-3"] == (ax + 2 * PASTE_OFFSET, ay + 2 * PASTE_OFFSET)


def test_paste_into_another_window(qtbot: object, settings: QSettings) -> None:
    source = _window(qtbot, settings)
    target = _window(qtbot, settings, Document(Design()))
    source.scene.select_ids(["api", "worker", "events"])
    source.copy()
    pasted = target.paste()
    assert sorted(pasted) == ["api", "events", "worker"]  # free ids are kept
    design = target.document.design
    assert {(r.source, r.kind.value, r.target) for r in design.relations()} == {
        ("api", "publishes", "events"), ("worker", "subscribes", "events")}
    assert design.element("api") == source.document.design.element("api")
    assert target.document.modified and not source.document.modified
    assert sorted(target.paste()) == ["api-2", "events-2", "worker-2"]


def test_cut_is_one_undo_step_and_pastes_back(window: MainWindow) -> None:
    design = window.document.design
    before = _state(design)
    window.scene.select_ids(["api"])
    window.cut_action.trigger()
    assert "api" not in design and window.document.undo_stack.count() == 1
    assert window.document.undo_stack.undoText() == "Cut api"
    assert design_from_mime(QGuiApplication.clipboard().mimeData()) is not None
    window.undo_action.trigger()
    assert _state(design) == before
    window.redo_action.trigger()
    assert window.paste() == ["api"]  # cut and paste moves it back under its own id
    # Only relations among the cut elements travel: api's links to others stay behind.
    assert not list(design.in_relations("api")) and not list(design.out_relations("api"))


def test_duplicate_keeps_relations_and_leaves_the_clipboard(window: MainWindow) -> None:
    QGuiApplication.clipboard().setText("unrelated text")
    design = window.document.design
    window.scene.select_ids(["api", "events"])
    window.duplicate_action.trigger()
    assert window.duplicate_action.shortcut().toString() == "Ctrl+D"
    assert design.relation("api-2", "events-2", RelationKind.PUBLISHES) is not None
    assert window.scene.selected_element_ids() == ["api-2", "events-2"]
    assert QGuiApplication.clipboard().text() == "unrelated text"
    window.undo_action.trigger()
    assert "api-2" not in design and "events-2" not in design


def test_paste_of_hand_written_yaml_without_positions(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("archstudio: 1\nservices:\n  api:\n    name: Typed\n  billing:\n"
                 "    calls: [api]\n")
    QGuiApplication.clipboard().setMimeData(mime)
    pasted = window.paste()
    design = window.document.design
    assert sorted(pasted) == ["api-2", "billing"]
    assert design.element("api-2").name == "Typed"
    assert {"api-2", "billing"} <= set(design.layout)
    assert any(r.source == "billing" and r.target == "api-2" for r in design.relations())


def test_paste_of_other_text_does_nothing(window: MainWindow) -> None:
    QGuiApplication.clipboard().setText("hello")
    assert window.paste() == []
    assert window.document.undo_stack.count() == 0


def test_read_only_refuses_cut_paste_duplicate_but_copies(qtbot: object,
                                                          settings: QSettings) -> None:
    window = _window(qtbot, settings, Document(small_design(), read_only=True))
    window.scene.select_ids(["api"])
    assert window.copy_action.isEnabled()
    assert not window.cut_action.isEnabled() and not window.paste_action.isEnabled()
    assert not window.duplicate_action.isEnabled()
    assert window.copy()
    assert not window.cut() and window.paste() == [] and window.duplicate() == []
    assert window.document.undo_stack.count() == 0 and "api" in window.document.design


def test_actions_follow_the_selection(window: MainWindow) -> None:
    window.scene.select_ids([])
    assert not window.copy_action.isEnabled() and not window.cut_action.isEnabled()
    window.scene.select_ids(["web"])
    assert window.copy_action.isEnabled() and window.cut_action.isEnabled()


def test_fresh_ids() -> None:
    assert fresh_ids(["order-service", "db-1", "x", "new"],
                     ["order-service", "db-1", "db-2", "x", "x-2"]) == {
        "order-service": "order-service-2", "db-1": "db-3", "x": "x-3", "new": "new"}
