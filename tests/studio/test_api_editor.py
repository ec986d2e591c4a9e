"""The API editor: endpoint edits as undo steps, validation in place, the live OpenAPI preview,
findings on the right row, the Design menu entry and read-only review."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit

from models.design import Design
from models.elements import (
    Endpoint,
    HttpMethod,
    Pagination,
    Parameter,
    Response,
    Service,
)
from models.units import Rate
from studio.commands import RemoveElements
from studio.document import Document
from studio.editors import api
from studio.editors.api import ApiEditor, rule_problems
from studio.editors.api_edits import Problem
from studio.editors.api_table import FIELDS
from studio.mainwindow import MainWindow
from tests.studio.conftest import small_design

SID = "orders"


def orders_design() -> Design:
    """The small design plus an ``orders`` service with three endpoints."""
    design = small_design()
    design.add_element(SID, Service(name="Order API", technology="Go", endpoints={
        "create-order": Endpoint(
            HttpMethod.POST, "/api/v1/orders", summary="Create an order", auth="bearer",
            request={"user_id": "uuid"}, idempotency="Idempotency-Key",
            responses={"201": Response("Created", body={"id": "uuid"}),
                       "400": Response("Invalid")}),
        "get-order": Endpoint(
            HttpMethod.GET, "/api/v1/orders/{order_id}", summary="Get an order", auth="bearer",
            parameters={"order_id": Parameter("path", "uuid", True)},
            responses={"200": Response("The order", body={"id": "uuid"}),
                       "404": Response("No such order")}),
        "list-orders": Endpoint(
            HttpMethod.GET, "/api/v1/orders", summary="List orders", auth="bearer",
            pagination=Pagination.CURSOR, rate_limit=Rate.parse("100/min"),
            responses={"200": Response("A page", body=[{"id": "uuid"}]),
                       "401": Response("Unauthorised")}),
    }))
    return design


@pytest.fixture
def api_document(qapp: object) -> Iterator[Document]:
    document = Document(orders_design())
    yield document
    document.close()


@pytest.fixture
def editor(qtbot: object, api_document: Document) -> ApiEditor:
    widget = ApiEditor(api_document, SID)
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    return widget


def endpoints(document: Document) -> dict[str, Endpoint]:
    return document.design.element(SID).endpoints


def cell(editor: ApiEditor, endpoint_id: str, field: str) -> object:
    return editor.model.index(editor.model.row_of(endpoint_id), FIELDS.index(field))


def type_lines(qtbot: object, widget: object, text: str) -> None:
    """Type ``text``, pressing Return for each newline (QTest cannot click "\\n")."""
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(widget, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        if line:
            qtbot.keyClicks(widget, line)  # type: ignore[attr-defined]


def table_texts(editor: ApiEditor, field: str) -> list[str]:
    column = FIELDS.index(field)
    return [editor.model.index(row, column).data() for row in range(editor.model.rowCount())]


# --------------------------------------------------------------------------- the table


def test_table_shows_every_endpoint_field(editor: ApiEditor) -> None:
    assert table_texts(editor, "id") == ["create-order", "get-order", "list-orders"]
    assert table_texts(editor, "method") == ["POST", "GET", "GET"]
    assert table_texts(editor, "pagination") == ["", "", "cursor"]
    assert table_texts(editor, "rate_limit") == ["", "", "100/min"]
    assert table_texts(editor, "idempotency") == ["Idempotency-Key", "", ""]
    assert table_texts(editor, "mode") == ["sync", "sync", "sync"]


def test_add_endpoint_is_one_step_with_undo_redo(editor: ApiEditor,
                                                 api_document: Document) -> None:
    editor.select_endpoint("get-order")
    new_id = editor.add()
    assert new_id == "new-endpoint"
    assert list(endpoints(api_document)) == ["create-order", "get-order", "new-endpoint",
                                             "list-orders"]
    assert endpoints(api_document)[new_id].path.startswith("/api/v1/")
    assert editor.selected_endpoints() == [new_id]
    assert api_document.undo_stack.count() == 1
    api_document.undo_stack.undo()
    assert table_texts(editor, "id") == ["create-order", "get-order", "list-orders"]
    api_document.undo_stack.redo()
    assert table_texts(editor, "id")[2] == "new-endpoint"


def test_duplicate_copies_after_the_original_with_its_own_path(editor: ApiEditor,
                                                               api_document: Document) -> None:
    editor.select_endpoint("create-order")
    copy_id = editor.duplicate()
    design_endpoints = endpoints(api_document)
    assert list(design_endpoints)[1] == copy_id == "create-order-copy"
    original, copy = design_endpoints["create-order"], design_endpoints[copy_id]
    assert copy.request == original.request and copy.responses == original.responses
    assert (copy.method, copy.path) != (original.method, original.path)
    api_document.undo_stack.undo()
    assert copy_id not in endpoints(api_document)
    assert editor.model.rowCount() == 3


def test_move_up_and_down_reorder_as_undo_steps(editor: ApiEditor,
                                                api_document: Document) -> None:
    editor.select_endpoint("list-orders")
    assert not editor.actions_["down"].isEnabled()
    editor.actions_["up"].trigger()
    editor.actions_["up"].trigger()
    assert list(endpoints(api_document)) == ["list-orders", "create-order", "get-order"]
    assert editor.selected_endpoints() == ["list-orders"]
    assert not editor.actions_["up"].isEnabled()
    api_document.undo_stack.undo()
    assert table_texts(editor, "id") == ["create-order", "list-orders", "get-order"]
    editor.actions_["down"].trigger()
    assert list(endpoints(api_document)) == ["create-order", "get-order", "list-orders"]


def test_delete_several_is_one_step(editor: ApiEditor, api_document: Document) -> None:
    editor._select_rows([0, 2])
    editor.actions_["delete"].trigger()
    assert list(endpoints(api_document)) == ["get-order"]
    assert api_document.undo_stack.count() == 1
    api_document.undo_stack.undo()
    assert list(endpoints(api_document)) == ["create-order", "get-order", "list-orders"]


def test_delete_key_in_the_table_deletes_endpoints(qtbot: object, editor: ApiEditor,
                                                   api_document: Document) -> None:
    editor.select_endpoint("get-order")
    qtbot.keyClick(editor.table, Qt.Key.Key_Delete)  # type: ignore[attr-defined]
    assert list(endpoints(api_document)) == ["create-order", "list-orders"]


# --------------------------------------------------------------------------- cell edits


def test_cell_edits_of_one_field_merge_into_one_step(editor: ApiEditor,
                                                     api_document: Document) -> None:
    index = cell(editor, "get-order", "summary")
    assert editor.model.setData(index, "Get one")
    assert editor.model.setData(index, "Get one order")
    assert endpoints(api_document)["get-order"].summary == "Get one order"
    assert api_document.undo_stack.count() == 1
    command = api_document.undo_stack.command(0)
    assert command.field == "endpoints[1].summary"
    api_document.undo_stack.undo()
    assert index.data() == "Get an order"
    api_document.undo_stack.redo()
    assert index.data() == "Get one order"


def test_cell_edits_convert_to_the_model_vocabulary(editor: ApiEditor,
                                                    api_document: Document) -> None:
    assert editor.model.setData(cell(editor, "get-order", "rate_limit"), "10K/h")
    assert editor.model.setData(cell(editor, "get-order", "pagination"), "offset")
    assert editor.model.setData(cell(editor, "create-order", "mode"), "async")
    assert editor.model.setData(cell(editor, "create-order", "method"), "put")
    after = endpoints(api_document)
    assert after["get-order"].rate_limit == Rate.parse("10K/h")
    assert after["get-order"].pagination is Pagination.OFFSET
    assert after["create-order"].mode == "async"
    assert after["create-order"].method is HttpMethod.PUT
    assert api_document.undo_stack.count() == 4


def test_renaming_an_endpoint_keeps_its_place(editor: ApiEditor,
                                              api_document: Document) -> None:
    editor.select_endpoint("get-order")
    assert editor.model.setData(cell(editor, "get-order", "id"), "read-order")
    assert list(endpoints(api_document)) == ["create-order", "read-order", "list-orders"]
    assert editor.selected_endpoints() == ["read-order"]
    assert editor.detail.endpoint_id == "read-order"


@pytest.mark.parametrize(("field", "endpoint_id", "text", "expected"), [
    ("path", "get-order", "orders", "starts with '/'"),
    ("path", "get-order", "/api/v1/orders/{id", "Unbalanced"),
    ("path", "get-order", "/api/v1/orders/{id}/{id}", "appears twice"),
    ("path", "get-order", "/api/v1/my orders", "no spaces"),
    ("path", "list-orders", "/api/v1/orders/{x}", "already endpoint 'get-order'"),
    ("method", "list-orders", "POST", "already endpoint 'create-order'"),
    ("id", "get-order", "list-orders", "already an endpoint"),
    ("id", "get-order", "bad id", "letters, digits"),
    ("rate_limit", "get-order", "fast", "not a rate"),
])
def test_invalid_cells_are_refused_with_a_message(editor: ApiEditor, api_document: Document,
                                                  field: str, endpoint_id: str, text: str,
                                                  expected: str) -> None:
    before = api_document.design.element(SID)
    assert not editor.model.setData(cell(editor, endpoint_id, field), text)
    assert api_document.undo_stack.count() == 0
    assert api_document.design.element(SID) is before
    assert not editor.message.isHidden()
    assert expected in editor.message.text()


def test_cell_editor_validates_as_typed_and_will_not_commit(qtbot: object, editor: ApiEditor,
                                                            api_document: Document) -> None:
    index = cell(editor, "get-order", "path")
    editor.table.setCurrentIndex(index)
    editor.table.edit(index)
    line = editor.table.indexWidget(index) or editor.table.findChild(QLineEdit)
    assert isinstance(line, QLineEdit)
    line.selectAll()
    qtbot.keyClicks(line, "api/orders")  # type: ignore[attr-defined]
    assert line.property("invalid") is True
    assert "starts with '/'" in line.toolTip()
    assert "starts with '/'" in editor.message.text()
    qtbot.keyClick(line, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.wait(50)  # type: ignore[attr-defined]  # Qt commits on Return through the event loop
    assert api_document.undo_stack.count() == 0
    assert editor.table.state() == editor.table.State.EditingState
    line.setText("")
    qtbot.keyClicks(line, "/api/v2/orders/{order_id}")  # type: ignore[attr-defined]
    assert not line.property("invalid")
    qtbot.keyClick(line, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: api_document.undo_stack.count() == 1)  # type: ignore[attr-defined]
    assert endpoints(api_document)["get-order"].path == "/api/v2/orders/{order_id}"
    assert editor.message.isHidden()


# --------------------------------------------------------------------------- the detail pane


def test_detail_pane_edits_parameters(editor: ApiEditor, api_document: Document) -> None:
    editor.select_endpoint("get-order")
    table = editor.detail.parameters
    assert table.item(0, 0).text() == "order_id"
    table.item(0, 2).setText("integer")
    assert endpoints(api_document)["get-order"].parameters["order_id"].type == "integer"
    table.item(0, 3).setCheckState(Qt.CheckState.Unchecked)
    assert not endpoints(api_document)["get-order"].parameters["order_id"].required
    editor.detail.add_parameter()
    assert list(endpoints(api_document)["get-order"].parameters) == ["order_id", "param"]
    table.item(1, 0).setText("order_id")  # a duplicate name is refused in place
    assert "already a parameter" in editor.detail.message.text()
    assert list(endpoints(api_document)["get-order"].parameters) == ["order_id", "param"]
    table.item(1, 0).setText("expand")
    assert list(endpoints(api_document)["get-order"].parameters) == ["order_id", "expand"]
    steps = api_document.undo_stack.count()
    for _ in range(steps):
        api_document.undo_stack.undo()
    assert endpoints(api_document)["get-order"].parameters == {
        "order_id": Parameter("path", "uuid", True)}
    assert table.rowCount() == 1 and table.item(0, 2).text() == "uuid"


def test_detail_pane_edits_responses(editor: ApiEditor, api_document: Document) -> None:
    editor.select_endpoint("create-order")
    table = editor.detail.responses
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["201", "400"]
    table.item(1, 0).setText("4O0")
    assert "not a status code" in editor.detail.message.text()
    table.item(1, 0).setText("201")
    assert "already a 201" in editor.detail.message.text()
    assert api_document.undo_stack.count() == 0
    table.item(1, 0).setText("422")
    assert list(endpoints(api_document)["create-order"].responses) == ["201", "422"]
    table.item(0, 1).setText("Order created")
    table.item(0, 2).setText("Location, ETag")
    created = endpoints(api_document)["create-order"].responses["201"]
    assert created.description == "Order created"
    assert created.headers == ("Location", "ETag")
    editor.detail.add_response()
    assert "200" in endpoints(api_document)["create-order"].responses
    api_document.undo_stack.undo()
    assert "200" not in endpoints(api_document)["create-order"].responses


def test_typing_a_body_is_one_step_and_bad_yaml_pushes_nothing(qtbot: object,
                                                               editor: ApiEditor,
                                                               api_document: Document) -> None:
    editor.select_endpoint("create-order")
    body = editor.detail.request.text
    assert body.toPlainText() == "user_id: uuid"
    body.moveCursor(body.textCursor().MoveOperation.End)
    type_lines(qtbot, body, "\nnote: string")
    assert endpoints(api_document)["create-order"].request == {"user_id": "uuid",
                                                               "note": "string"}
    assert api_document.undo_stack.count() == 1
    assert body.toPlainText().endswith("note: string")  # typing was never disturbed
    type_lines(qtbot, body, "\nitems: [")
    assert "Not valid YAML" in editor.detail.request.message.text()
    assert not editor.detail.request.message.isHidden()
    # The last valid text ("items:") is kept; the unclosed '[' pushed nothing.
    assert endpoints(api_document)["create-order"].request == {"user_id": "uuid",
                                                               "note": "string", "items": None}
    assert api_document.undo_stack.count() == 1
    assert body.toPlainText().endswith("items: [")
    api_document.undo_stack.undo()
    assert endpoints(api_document)["create-order"].request == {"user_id": "uuid"}
    assert body.toPlainText() == "user_id: uuid"


def test_response_body_follows_the_selected_response(editor: ApiEditor,
                                                     api_document: Document) -> None:
    editor.select_endpoint("get-order")
    detail = editor.detail
    detail.responses.selectRow(1)
    assert detail.response_body.text.toPlainText() == ""
    detail.response_body.text.setPlainText("error: string")
    assert endpoints(api_document)["get-order"].responses["404"].body == {"error": "string"}
    detail.responses.selectRow(0)
    assert detail.response_body.text.toPlainText() == "id: uuid"


def test_status_cell_validates_as_typed(qtbot: object, editor: ApiEditor,
                                        api_document: Document) -> None:
    editor.select_endpoint("create-order")
    table = editor.detail.responses
    index = table.model().index(1, 0)
    table.setCurrentIndex(index)
    table.edit(index)
    line = table.findChild(QLineEdit)
    assert isinstance(line, QLineEdit)
    line.selectAll()
    qtbot.keyClicks(line, "4O4")  # type: ignore[attr-defined]
    assert line.property("invalid") is True
    assert "not a status code" in editor.detail.message.text()
    line.setText("")
    qtbot.keyClicks(line, "201")  # type: ignore[attr-defined]
    assert "already a 201" in editor.detail.message.text()
    qtbot.keyClick(line, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.wait(50)  # type: ignore[attr-defined]
    assert api_document.undo_stack.count() == 0
    line.setText("")
    qtbot.keyClicks(line, "404")  # type: ignore[attr-defined]
    assert editor.detail.message.text() == ""
    qtbot.keyClick(line, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: api_document.undo_stack.count() == 1)  # type: ignore[attr-defined]
    assert list(endpoints(api_document)["create-order"].responses) == ["201", "404"]


def test_behaviour_tab_edits_status_path_exposure_and_tags(qtbot: object, editor: ApiEditor,
                                                           api_document: Document) -> None:
    editor.select_endpoint("create-order")
    detail = editor.detail
    qtbot.keyClicks(detail.status_path, "api/status")  # type: ignore[attr-defined]
    assert "starts with '/'" in detail.message.text()
    assert api_document.undo_stack.count() == 0
    detail.status_path.clear()
    qtbot.keyClicks(detail.status_path, "/api/v1/orders/{id}/status")  # type: ignore[attr-defined]
    assert endpoints(api_document)["create-order"].status_path == "/api/v1/orders/{id}/status"
    assert api_document.undo_stack.count() == 1  # one step for the whole typing
    detail.public.setCurrentIndex(1)
    detail.public.activated.emit(1)
    assert endpoints(api_document)["create-order"].public is True
    qtbot.keyClicks(detail.tags, "orders, checkout")  # type: ignore[attr-defined]
    assert endpoints(api_document)["create-order"].tags == ("orders", "checkout")
    detail.long_running.setChecked(True)
    assert endpoints(api_document)["create-order"].long_running


# --------------------------------------------------------------------------- preview


def wait_preview(qtbot: object, editor: ApiEditor) -> None:
    qtbot.waitUntil(lambda: not editor.preview.pending  # type: ignore[attr-defined]
                    and editor.preview.verdict_state != "pending", timeout=10_000)


def test_preview_is_the_exported_document_and_follows_edits(qtbot: object,
                                                            editor: ApiEditor) -> None:
    from exporters.openapi import dump, openapi_document

    wait_preview(qtbot, editor)
    assert editor.preview.text.isReadOnly()
    text = editor.preview.text.toPlainText()
    assert text == dump(openapi_document(editor.design, SID))
    assert editor.preview.verdict_state == "ok"
    editor.model.setData(cell(editor, "get-order", "summary"), "Fetch one order by its id")
    assert editor.preview.pending  # debounced: typing stays fluid
    wait_preview(qtbot, editor)
    assert "summary: Fetch one order by its id" in editor.preview.text.toPlainText()
    editor.document.undo_stack.undo()
    wait_preview(qtbot, editor)
    assert "summary: Get an order" in editor.preview.text.toPlainText()


def test_validator_errors_are_shown_on_their_endpoint(qtbot: object, editor: ApiEditor) -> None:
    editor.select_endpoint("get-order")
    editor.detail.add_parameter()
    editor.detail.parameters.item(1, 1).setText("path")  # a path parameter not in the path
    wait_preview(qtbot, editor)
    assert editor.preview.verdict_state == "error"
    problems = editor.problems.get("get-order", [])
    assert [p.code for p in problems] == ["OpenAPI"]
    row = editor.model.row_of("get-order")
    badge = editor.model.index(row, 0)
    assert badge.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "not resolved" in badge.data(Qt.ItemDataRole.ToolTipRole)
    assert editor.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None
    listed = editor.preview.problems.item(0)
    assert listed.data(Qt.ItemDataRole.UserRole) == "get-order"
    assert listed.text().startswith("OpenAPI · get-order")


# --------------------------------------------------------------------------- rule findings


def test_rule_findings_are_badged_on_the_endpoint_they_concern(editor: ApiEditor,
                                                               api_document: Document) -> None:
    if not api_document.has_checker:
        pytest.skip("the check engine is not installed")
    # An unpaginated list is ARC302 on orders.list-orders.
    editor.model.setData(cell(editor, "list-orders", "pagination"), "")
    api_document.refresh_findings()
    codes = {p.code for p in editor.problems.get("list-orders", [])}
    assert "ARC302" in codes
    assert "ARC302" not in {p.code for p in editor.problems.get("get-order", [])}
    tip = editor.model.index(editor.model.row_of("list-orders"), 0).data(
        Qt.ItemDataRole.ToolTipRole)
    assert "ARC302" in tip
    listed = [editor.preview.problems.item(i).text()
              for i in range(editor.preview.problems.count())]
    assert any(text.startswith("ARC302 · list-orders\n") for text in listed)
    editor.select_endpoint("get-order")
    clicked = editor.preview.problems.item(listed.index(next(
        t for t in listed if t.startswith("ARC302"))))
    editor.preview.problems.itemClicked.emit(clicked)
    assert editor.selected_endpoints() == ["list-orders"]


def test_rule_problems_map_elements_and_paths() -> None:
    from checks.base import Finding, Severity

    findings = [Finding("X1", Severity.WARNING, "orders.get-order", "a"),
                Finding("X2", Severity.ERROR, "orders", "b",
                        path="services.orders.endpoints.list-orders.responses"),
                Finding("X3", Severity.INFO, "orders", "c"),
                Finding("X4", Severity.INFO, "orders.pools", "d"),
                Finding("X5", Severity.INFO, "payments.get-order", "e")]
    problems = rule_problems(findings, "orders", ["get-order", "list-orders"])
    assert [(p.code, p.endpoint, p.severity) for p in problems] == [
        ("X1", "get-order", "warning"), ("X2", "list-orders", "error"),
        ("X3", "", "info"), ("X4", "", "info")]
    assert Problem("error", "X", "", "m").rank > Problem("info", "X", "", "m").rank


# --------------------------------------------------------------------------- the model's events


def test_deleting_the_service_empties_the_tab_and_undo_restores_it(
        editor: ApiEditor, api_document: Document) -> None:
    titles: list[str] = []
    editor.title_changed.connect(titles.append)
    api_document.undo_stack.push(RemoveElements(api_document.design, [SID]))
    assert editor.stack.currentWidget() is editor.removed
    assert "deleted" in editor.removed.text() and titles[-1].endswith("(deleted)")
    assert editor.model.rowCount() == 0
    assert not editor.push(Service(name="x"), None, "x")
    api_document.undo_stack.undo()
    assert editor.stack.currentIndex() == 0
    assert editor.model.rowCount() == 3 and titles[-1] == "API — Order API"


def test_read_only_document_disables_everything(qtbot: object) -> None:
    document = Document(orders_design(), read_only=True)
    editor = ApiEditor(document, SID)
    qtbot.addWidget(editor)  # type: ignore[attr-defined]
    editor.select_endpoint("get-order")
    assert not editor.banner.isHidden()
    assert not any(action.isEnabled() for action in editor.actions_.values())
    index = cell(editor, "get-order", "summary")
    assert not editor.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not editor.model.setData(index, "Changed")
    assert editor.table.editTriggers() == editor.table.EditTrigger.NoEditTriggers
    detail = editor.detail
    assert detail.request.text.isReadOnly() and detail.response_body.text.isReadOnly()
    assert not any(b.isEnabled() for b in (*detail.parameter_buttons,
                                           *detail.response_buttons))
    assert detail.parameters.editTriggers() == detail.parameters.EditTrigger.NoEditTriggers
    assert not detail.status_path.isEnabled() and not detail.tags.isEnabled()
    detail.parameters.item(0, 2).setText("integer")
    editor.add()
    editor.delete_selected()
    assert document.undo_stack.count() == 0
    assert document.design.element(SID) == orders_design().element(SID)
    document.close()


# --------------------------------------------------------------------------- the window


@pytest.fixture
def window(qtbot: object, settings: QSettings) -> MainWindow:
    win = MainWindow(Document(orders_design()), settings)  # the window owns its document
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())  # type: ignore[attr-defined]
    return win


def edit_api_action(window: MainWindow) -> object:
    actions = [a for a in window.menus["design"].actions() if a.objectName() == api.ACTION_NAME]
    assert len(actions) == 1
    return actions[0]


def test_design_menu_opens_the_selected_service(window: MainWindow) -> None:
    window.scene.select_ids([SID])
    action = edit_api_action(window)
    action.trigger()
    editor = window.tabs.currentWidget()
    assert isinstance(editor, ApiEditor) and editor.service_id == SID
    assert editor.property("tabKey") == f"api:{SID}"
    assert window.tabs.tabText(window.tabs.currentIndex()) == "API — Order API"
    action.trigger()  # the same tab again, not a second one
    assert window.tabs.count() == 2


def test_design_menu_asks_which_service_without_a_selection(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[list[str]] = []

    def get_item(parent: object, title: str, label: str, items: list[str],
                 *args: object) -> tuple[str, bool]:
        asked.append(items)
        return next(i for i in items if f"({SID})" in i), True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    window.scene.select_ids([])
    edit_api_action(window).trigger()
    assert asked and len(asked[0]) == 3  # api, worker and orders
    assert window.tabs.currentWidget().service_id == SID


def test_renaming_the_service_retitles_the_tab(window: MainWindow) -> None:
    from studio.commands import RenameElement

    api.open_api_editor(window, SID)
    document = window.document
    document.undo_stack.push(RenameElement(document.design, SID, "Orders"))
    assert window.tabs.tabText(window.tabs.currentIndex()) == "API — Orders"



def test_a_service_without_endpoints_invites_adding_one(qtbot: object,
                                                        api_document: Document) -> None:
    editor = ApiEditor(api_document, "api")
    qtbot.addWidget(editor)  # type: ignore[attr-defined]
    assert editor.model.rowCount() == 0 and not editor.empty_hint.isHidden()
    editor.add()
    assert list(api_document.design.element("api").endpoints) == ["new-endpoint"]
    assert editor.empty_hint.isHidden()
    assert editor.detail.endpoint_id == "new-endpoint"


def test_a_closed_editor_stops_following_the_design(qtbot: object,
                                                    api_document: Document) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    editor = ApiEditor(api_document, SID)
    listeners = len(api_document.design._listeners)
    editor.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(api_document.design._listeners) == listeners - 1
    service = api_document.design.element(SID)
    api_document.design.replace_element(SID, Service(name="Renamed", endpoints=service.endpoints))


def test_closing_the_preview_while_the_validator_runs_drops_the_result(
        qtbot: object, api_document: Document, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker must never emit on an object destroyed with the editor (it segfaulted)."""
    import threading

    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

    from studio.editors import api_preview

    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow_validation(_document: object) -> list[object]:
        started.set()
        release.wait(10)
        finished.set()
        return []

    monkeypatch.setattr(api_preview, "validate_document", slow_validation)
    preview = api_preview.OpenApiPreview(api_document.design, SID)
    delivered: list[object] = []
    preview.validated.connect(delivered.append)
    preview.update_now()
    assert started.wait(10)
    preview.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    assert QThreadPool.globalInstance().waitForDone(10_000) and finished.is_set()
    QCoreApplication.processEvents()
    assert delivered == []


def test_only_the_latest_validation_is_shown(qtbot: object, editor: ApiEditor) -> None:
    wait_preview(qtbot, editor)
    editor.preview.update_now()
    editor.preview.update_now()
    generation = editor.preview.generation
    wait_preview(qtbot, editor)
    assert editor.preview.generation == generation and editor.preview.verdict_state == "ok"
