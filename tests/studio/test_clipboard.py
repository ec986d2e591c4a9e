"""Cut, copy, paste and duplicate: design YAML on the system clipboard, one undo step each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QSettings
from PySide6.QtGui import QGuiApplication

from models.design import Design
from models.elements import RelationKind
from models.io import dumps_design, loads_design
from studio.clipboard import DESIGN_MIME, PASTE_OFFSET, design_from_mime, fresh_ids
from studio.document import Document
from studio.mainwindow import MainWindow
from tests.studio.conftest import SAMPLES, small_design

ECOMMERCE = next(path for path in SAMPLES if path.name == "ecommerce-order-management.yaml")


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
    for text in ("hello", "archstudio is great", "archstudio: [1"):
        QGuiApplication.clipboard().setText(text)
        assert window.paste() == []
    assert "cannot be read" in window.statusBar().currentMessage()  # YAML that breaks off
    QGuiApplication.clipboard().setText("archstudio is great")
    window.paste()
    assert window.statusBar().currentMessage() == "The clipboard holds no design elements"
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


# ------------------------------------------------------------------ references to other elements


@pytest.fixture
def shop(qtbot: object, settings: QSettings) -> MainWindow:
    """The e-commerce sample, editable: its services hold pools for datastores and its
    datastores' queries name the services issuing them."""
    return _window(qtbot, settings, Document.open(ECOMMERCE))


def _loads_again(design: Design) -> None:
    loads_design(dumps_design(design))  # raises if a reference names nothing


def test_copy_paste_of_a_service_with_pools_keeps_them_on_the_datastores(shop: MainWindow) -> None:
    design = shop.document.design
    shop.scene.select_ids(["order-service"])
    assert shop.copy()
    assert shop.paste() == ["order-service-2"]
    assert design.element("order-service-2") == design.element("order-service")
    assert "orders-db" in design.element("order-service-2").pools  # the target's orders-db
    assert "dropped" not in shop.statusBar().currentMessage()
    _loads_again(design)
    shop.undo_action.trigger()
    assert "order-service-2" not in design


def test_copy_paste_of_a_datastore_keeps_the_services_issuing_its_queries(
        shop: MainWindow) -> None:
    design = shop.document.design
    shop.scene.select_ids(["orders-db"])
    shop.copy()
    assert shop.paste() == ["orders-db-2"]
    assert design.element("orders-db-2") == design.element("orders-db")
    _loads_again(design)


def test_references_among_pasted_elements_follow_the_copies(shop: MainWindow) -> None:
    design = shop.document.design
    shop.scene.select_ids(["order-service", "orders-db"])
    shop.copy()
    assert shop.paste() == ["order-service-2", "orders-db-2"]
    assert set(design.element("order-service-2").pools) == {"orders-db-2"}
    issuers = {q.service for q in design.element("orders-db-2").queries.values()}
    assert issuers == {"order-service-2", "inventory-service", "payment-service"}
    assert set(design.element("orders-db").queries) == set(design.element("orders-db-2").queries)
    _loads_again(design)


def test_cut_then_paste_moves_a_service_back_whole(shop: MainWindow) -> None:
    design = shop.document.design
    original = design.element("payment-service")
    shop.scene.select_ids(["payment-service"])
    assert shop.cut()
    assert "payment-service" not in design
    assert shop.paste() == ["payment-service"]
    assert design.element("payment-service") == original
    assert set(original.pools) == {"payments-db", "orders-db"}
    _loads_again(design)
    assert shop.document.undo_stack.count() == 2


def test_paste_into_an_empty_design_drops_what_names_nothing_there_and_says_so(
        shop: MainWindow, qtbot: object, settings: QSettings) -> None:
    source = shop.document.design
    empty = _window(qtbot, settings, Document(Design()))
    shop.scene.select_ids(["order-service", "orders-db"])
    shop.copy()
    assert empty.paste() == ["order-service", "orders-db"]
    design = empty.document.design
    assert set(design.element("order-service").pools) == {"orders-db"}
    issuers = {qid: q.service for qid, q in design.element("orders-db").queries.items()}
    assert issuers["order-by-id"] == "order-service"
    assert issuers["order-total-for-payment"] == ""  # payment-service is not in this design
    assert design.element("order-service").endpoints == source.element("order-service").endpoints
    _loads_again(design)
    message = empty.statusBar().currentMessage()
    assert message.startswith("Pasted 2 elements; dropped 2 references to elements not in "
                              "this design: ")
    assert "orders-db.queries.order-total-for-payment.service -> payment-service" in message
    empty.undo_action.trigger()
    assert len(design) == 0


def test_paste_of_a_lone_service_into_an_empty_design(shop: MainWindow, qtbot: object,
                                                      settings: QSettings) -> None:
    empty = _window(qtbot, settings, Document(Design()))
    shop.scene.select_ids(["payment-service"])
    shop.copy()
    assert empty.paste() == ["payment-service"]
    assert empty.document.design.element("payment-service").pools == {}
    _loads_again(empty.document.design)


def test_hand_written_yaml_may_refer_to_the_target_design(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("archstudio: 1\nservices:\n  billing:\n    calls: [api, nowhere]\n"
                 "    reads: [orders-db]\n    pools: {orders-db: {size: 5}, gone-db: {size: 1}}\n"
                 "datastores:\nflows:\n  f: {steps: [billing -> nowhere]}\n")
    QGuiApplication.clipboard().setMimeData(mime)
    assert window.paste() == ["billing"]
    design = window.document.design
    assert {(r.kind.value, r.target) for r in design.out_relations("billing")} == {
        ("calls", "api"), ("reads", "orders-db")}
    assert set(design.element("billing").pools) == {"orders-db"}
    assert "billing.calls -> nowhere" in window.statusBar().currentMessage()
    _loads_again(design)


def test_unreadable_design_on_the_clipboard_says_why(window: MainWindow) -> None:
    QGuiApplication.clipboard().setText("archstudio: 1\nservices:\n  api:\n    nmae: x\n")
    assert window.paste() == []
    assert window.statusBar().currentMessage().startswith(
        "The clipboard's design cannot be read: unknown key 'nmae'")
    assert window.document.undo_stack.count() == 0


def test_cut_deletes_nothing_when_the_clipboard_does_not_take_the_elements(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    class Deaf:  # a clipboard owned elsewhere that drops what is set on it
        def setMimeData(self, mime: QMimeData) -> None:
            pass

        def mimeData(self) -> QMimeData:
            return QMimeData()

    monkeypatch.setattr(QGuiApplication, "clipboard", staticmethod(lambda: Deaf()))
    window.scene.select_ids(["api"])
    assert not window.cut()
    assert "api" in window.document.design and window.document.undo_stack.count() == 0
    assert window.statusBar().currentMessage().startswith("Cut cancelled")
