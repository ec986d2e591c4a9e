"""The Inspector: every widget kind edits the model through undo steps, typing merges, invalid
input is shown in place and pushes nothing, lists, relations, read-only documents."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from models.design import Design
from models.elements import (
    Alert,
    Datastore,
    DatastoreEngine,
    DeliveryGuarantee,
    External,
    Monitoring,
    Queue,
    Relation,
    RelationKind,
    Retry,
    Service,
)
from models.units import Duration, Percent, Rate
from studio.commands import EditElement, RemoveElements, RemoveRelation
from studio.document import Document
from studio.panels.forms import FORMS, RELATION_FORM, FieldSpec, parse_value
from studio.panels.inspector import InspectorPanel
from studio.panels.widgets import RecordListEditor, StringListEditor

CALL = ("web", "api", RelationKind.CALLS)


@pytest.fixture
def panel(qtbot: object, document: Document) -> InspectorPanel:
    widget = InspectorPanel()
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    widget.resize(300, 700)
    widget.set_document(document)
    widget.show()
    return widget


def line(panel: InspectorPanel, path: str) -> QLineEdit:
    widget = panel.editors[path]
    assert isinstance(widget, QLineEdit), type(widget)
    return widget


def type_into(qtbot: object, widget: QLineEdit, text: str) -> None:
    """Type ``text`` into an emptied line edit, key by key."""
    widget.clear()
    qtbot.keyClicks(widget, text)  # type: ignore[attr-defined]


def api(document: Document) -> Service:
    element = document.design.element("api")
    assert isinstance(element, Service)
    return element


def error(panel: InspectorPanel, path: str) -> str:
    label = panel.errors[path]
    return "" if label.isHidden() else label.text()


# ---------------------------------------------------------------------------- scalar fields


def test_typing_in_a_text_field_is_one_undo_step_and_undo_refreshes(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    type_into(qtbot, line(panel, "owner"), "team-orders")
    assert api(document).owner == "team-orders"
    assert document.undo_stack.count() == 1
    assert "owner" in document.undo_stack.text(0)
    document.undo_stack.undo()
    assert api(document).owner == ""
    assert line(panel, "owner").text() == ""
    document.undo_stack.redo()
    assert line(panel, "owner").text() == "team-orders"


def test_leaving_a_field_ends_the_typing_step(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    owner = line(panel, "owner")
    type_into(qtbot, owner, "team")
    owner.editingFinished.emit()
    qtbot.keyClicks(owner, "-a")  # type: ignore[attr-defined]
    assert api(document).owner == "team-a"
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    assert owner.text() == "team"


def test_multiline_and_suggested_text_merge(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    purpose = panel.editors["purpose"]
    assert isinstance(purpose, QPlainTextEdit)
    qtbot.keyClicks(purpose, "Take orders")  # type: ignore[attr-defined]
    assert api(document).purpose == "Take orders"
    group = panel.editors["group"]
    assert isinstance(group, QComboBox) and group.isEditable()
    assert group.findText("shop") >= 0  # the design's groups are offered
    group.lineEdit().clear()
    qtbot.keyClicks(group.lineEdit(), "ordering")  # type: ignore[attr-defined]
    assert api(document).group == "ordering"
    assert document.undo_stack.count() == 2


def test_quantity_is_parsed_and_invalid_text_pushes_nothing(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    p99 = line(panel, "sla.p99")
    type_into(qtbot, p99, "20 parsecs")
    assert "not a duration" in error(panel, "sla.p99")
    assert "border" in p99.styleSheet()  # the red frame
    assert document.undo_stack.count() == 0  # no prefix of it was a duration either
    assert api(document).sla is None
    type_into(qtbot, p99, "200ms")
    assert error(panel, "sla.p99") == "" and p99.styleSheet() == ""
    assert "99th percentile latency" in p99.toolTip()  # the model's field documentation
    assert api(document).sla.p99 == Duration(200, "ms")
    assert document.undo_stack.count() == 1
    type_into(qtbot, line(panel, "sla.availability"), "100.5%")
    assert "outside 0%..100%" in error(panel, "sla.availability")
    assert api(document).sla.availability is None
    type_into(qtbot, line(panel, "sla.availability"), "99.9%")
    assert api(document).sla.availability == Percent(99.9)


def test_clearing_the_last_sla_target_removes_the_sla(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    type_into(qtbot, line(panel, "sla.p99"), "1s")
    assert api(document).sla is not None
    line(panel, "sla.p99").clear()
    line(panel, "sla.p99").textEdited.emit("")
    assert api(document).sla is None


def test_ranges_and_cross_field_checks(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    type_into(qtbot, line(panel, "scaling.max"), "10K")
    assert api(document).scaling.max == 10_000
    type_into(qtbot, line(panel, "scaling.max"), "200K")
    assert "at most 100000" in error(panel, "scaling.max")
    type_into(qtbot, line(panel, "scaling.max"), "8")
    type_into(qtbot, line(panel, "scaling.min"), "9")
    assert "above the maximum" in error(panel, "scaling.min")
    assert api(document).scaling.min == 1
    type_into(qtbot, line(panel, "scaling.capacity"), "0/s")
    assert "more than 0" in error(panel, "scaling.capacity")
    type_into(qtbot, line(panel, "scaling.capacity"), "1K/s")
    assert api(document).scaling.capacity == Rate(1000, "s")
    type_into(qtbot, line(panel, "sla.p99"), "100ms")
    type_into(qtbot, line(panel, "sla.p50"), "300ms")
    assert "slower than p99" in error(panel, "sla.p50")
    assert api(document).sla.p50 is None


def test_required_int_cannot_be_emptied(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("orders-db")
    field = line(panel, "replicas")
    assert field.text() == "0"
    field.clear()
    field.textEdited.emit("")
    assert "required" in error(panel, "replicas")
    assert document.undo_stack.count() == 0


def test_enum_combo_and_check_box_are_one_step_each(
    panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("orders-db")
    engine = panel.editors["engine"]
    assert isinstance(engine, QComboBox) and not engine.isEditable()
    assert engine.currentText() == "postgresql"
    index = engine.findText("mysql")
    engine.setCurrentIndex(index)
    engine.activated.emit(index)
    assert document.design.element("orders-db").engine is DatastoreEngine.MYSQL
    encrypted = panel.editors["encryption.at_rest"]
    assert isinstance(encrypted, QCheckBox)
    encrypted.setChecked(True)
    encrypted.setChecked(False)
    assert document.design.element("orders-db").encryption is None  # empty again: dropped
    assert document.undo_stack.count() == 3
    document.undo_stack.undo()
    assert encrypted.isChecked()
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert engine.currentText() == "postgresql"


def test_optional_enum_can_be_unset(panel: InspectorPanel, document: Document) -> None:
    panel.show_element("events")
    delivery = panel.editors["delivery"]
    assert isinstance(delivery, QComboBox)
    assert delivery.currentText() == "—"
    delivery.activated.emit(delivery.findText("at-least-once"))
    assert document.design.element("events").delivery is DeliveryGuarantee.AT_LEAST_ONCE
    delivery.activated.emit(0)
    assert document.design.element("events").delivery is None


def test_model_changes_from_elsewhere_refresh_the_form(
    panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    new = dataclasses.replace(api(document), technology="Rust")
    document.undo_stack.push(EditElement(document.design, "api", new))
    assert line(panel, "technology").text() == "Rust"
    document.undo_stack.push(RemoveElements(document.design, ["api"]))
    assert panel.element_id is None and panel.page is None
    assert not panel.placeholder.isHidden()


def test_each_kind_shows_its_own_form(panel: InspectorPanel) -> None:
    for element_id in ("web", "api", "orders-db", "events"):
        panel.show_element(element_id)
        assert panel.page is not None
    panel.show_element("api")
    assert "tags" in panel.fields and "engine" not in panel.fields
    panel.show_element("orders-db")
    assert "engine" in panel.fields and "tags" not in panel.fields


@pytest.mark.parametrize("cls", [Service, Datastore, Queue, External])
def test_every_field_of_every_kind_has_a_place_in_its_form(cls: type) -> None:
    kind = {Service: "service", Datastore: "datastore", Queue: "queue", External: "external"}
    form = FORMS[next(k for k in FORMS if k.value == kind[cls])]
    heads = {spec.path.split(".")[0] for section in form for spec in section.fields}
    nested_elsewhere = {"views", "queries"}  # the schema summary covers tables, views, queries
    assert {f.name for f in dataclasses.fields(cls)} - nested_elsewhere <= heads


def test_every_relation_attribute_has_a_place_in_the_form() -> None:
    heads = {spec.path.split(".")[0] for section in RELATION_FORM for spec in section.fields}
    assert {f.name for f in dataclasses.fields(Relation)} - {"kind", "source", "target"} == heads


def test_parse_value_messages() -> None:
    spec = FieldSpec("x", "Partitions", "int", minimum=1, maximum=10)
    assert parse_value(spec, "") is None
    with pytest.raises(ValueError, match="at least 1"):
        parse_value(spec, "0")
    with pytest.raises(ValueError, match="not a count"):
        parse_value(spec, "many")


# ---------------------------------------------------------------------------- lists


def strings(panel: InspectorPanel, path: str) -> StringListEditor:
    widget = panel.editors[path]
    assert isinstance(widget, StringListEditor)
    return widget


def records(panel: InspectorPanel, path: str) -> RecordListEditor:
    widget = panel.editors[path]
    assert isinstance(widget, RecordListEditor)
    return widget


def test_string_list_add_edit_reorder_remove_are_one_step_each(
    panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    tags = strings(panel, "tags")
    tags.add()
    assert api(document).tags == ("tag",)
    tags.list.item(0).setText("core")
    assert api(document).tags == ("core",)
    tags.add()
    tags.list.item(1).setText("edge")
    tags.move(-1)
    assert api(document).tags == ("edge", "core")
    assert tags.list.currentRow() == 0
    tags.list.item(1).setText("edge")  # a duplicate: refused, shown, reverted
    assert api(document).tags == ("edge", "core")
    assert "already in the list" in error(panel, "tags")
    assert tags.list.item(1).text() == "core"
    tags.list.setCurrentRow(0)
    tags.remove()
    assert api(document).tags == ("core",)
    assert document.undo_stack.count() == 6
    document.undo_stack.undo()
    assert [tags.list.item(i).text() for i in range(tags.list.count())] == ["edge", "core"]


def test_alerts_add_rename_edit_reorder_remove(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    alerts = records(panel, "monitoring.alerts")
    alerts.add()
    assert api(document).monitoring == Monitoring(alerts={"new-alert": Alert()})
    assert document.undo_stack.count() == 1
    name = alerts.fields["@key"].input
    assert isinstance(name, QLineEdit)
    type_into(qtbot, name, "LatencyHigh")
    assert list(api(document).monitoring.alerts) == ["LatencyHigh"]
    assert document.undo_stack.count() == 2  # the renaming merged into one step
    condition = alerts.fields["condition"].input
    assert isinstance(condition, QLineEdit)
    type_into(qtbot, condition, "p99 > 200ms")
    assert api(document).monitoring.alerts["LatencyHigh"].condition == "p99 > 200ms"
    assert document.undo_stack.count() == 3
    alerts.add()
    type_into(qtbot, alerts.fields["@key"].input, "LatencyHigh")
    assert "already used" in alerts.fields["@key"].error.text()
    assert list(api(document).monitoring.alerts) == ["LatencyHigh", "LatencyHig"]
    alerts.remove()
    assert list(api(document).monitoring.alerts) == ["LatencyHigh"]
    assert alerts.fields["condition"].input.text() == "p99 > 200ms"
    alerts.remove()
    assert api(document).monitoring is None  # nothing left to monitor: dropped
    while document.undo_stack.canUndo():
        document.undo_stack.undo()
    assert alerts.list.count() == 0 and api(document).monitoring is None


def test_records_reorder(panel: InspectorPanel, document: Document) -> None:
    panel.show_element("api")
    modes = records(panel, "failure_modes")
    modes.add()
    modes.add()
    assert list(api(document).failure_modes) == ["new-failure-mode", "new-failure-mode-2"]
    modes.move(-1)
    assert modes.current_key() == "new-failure-mode-2"
    assert list(api(document).failure_modes) == ["new-failure-mode-2", "new-failure-mode"]
    assert document.undo_stack.count() == 3


def test_record_field_is_validated(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    pools = records(panel, "pools")
    pools.add()
    key = pools.fields["@key"].input
    assert isinstance(key, QComboBox) and key.findText("orders-db") >= 0
    key.textActivated.emit("orders-db")
    size = pools.fields["size"].input
    assert isinstance(size, QLineEdit)
    type_into(qtbot, size, "0")
    assert "at least 1" in pools.fields["size"].error.text()
    type_into(qtbot, size, "50")
    timeout = pools.fields["timeout"].input
    type_into(qtbot, timeout, "2 s")
    assert api(document).pools["orders-db"].size == 50
    assert api(document).pools["orders-db"].timeout == Duration(2, "s")
    assert timeout.text() == "2 s"  # what was typed stays while typing


def test_queue_event_payloads_are_yaml(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("events")
    events = records(panel, "events")
    events.add()
    payload = events.fields["@value"].input
    assert isinstance(payload, QPlainTextEdit)
    qtbot.keyClicks(payload, "{order_id: uuid")  # type: ignore[attr-defined]
    assert events.fields["@value"].error.text()
    qtbot.keyClicks(payload, "}")  # type: ignore[attr-defined]
    assert document.design.element("events").events == {"NewEvent": {"order_id": "uuid"}}


# ---------------------------------------------------------------------------- relations


def relation(document: Document, key: tuple[str, str, RelationKind] = CALL) -> Relation:
    found = document.design.relation(*key)
    assert found is not None
    return found


def test_relation_fields_edit_through_merging_relation_steps(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_relation(CALL)
    assert panel.relation_key == CALL and panel.element_id is None
    protocol = panel.editors["protocol"]
    assert isinstance(protocol, QComboBox) and protocol.currentText() == "HTTPS"
    protocol.lineEdit().clear()
    qtbot.keyClicks(protocol.lineEdit(), "gRPC")  # type: ignore[attr-defined]
    assert relation(document).protocol == "gRPC"
    assert document.undo_stack.count() == 1
    type_into(qtbot, line(panel, "timeout"), "soon")
    assert "not a duration" in error(panel, "timeout")
    type_into(qtbot, line(panel, "timeout"), "300ms")
    assert relation(document).timeout == Duration(300, "ms")
    assert document.undo_stack.count() == 2
    document.undo_stack.undo()
    assert line(panel, "timeout").text() == ""
    document.undo_stack.undo()
    assert protocol.currentText() == "HTTPS"


def test_relation_retry_policy_is_added_by_its_check_box(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_relation(CALL)
    attempts = panel.fields["retries.attempts"]
    assert not attempts.isEnabled()
    retry = panel.editors["retries"]
    assert isinstance(retry, QCheckBox)
    retry.setChecked(True)
    assert relation(document).retries == Retry()
    assert attempts.isEnabled() and line(panel, "retries.attempts").text() == "3"
    type_into(qtbot, line(panel, "retries.attempts"), "5")
    backoff = panel.editors["retries.backoff"]
    backoff.activated.emit(backoff.findText("exponential"))
    assert relation(document).retries == Retry(attempts=5, backoff="exponential")
    breaker = panel.editors["circuit_breaker"]
    breaker.setChecked(True)
    type_into(qtbot, line(panel, "circuit_breaker.failure_threshold"), "50%")
    assert relation(document).circuit_breaker.failure_threshold == Percent(50)
    retry.setChecked(False)
    assert relation(document).retries is None and not attempts.isEnabled()


def test_relation_data_classes_list(panel: InspectorPanel, document: Document) -> None:
    panel.show_relation(CALL)
    data = strings(panel, "data")
    data.add()
    data.list.item(0).setText("pii")
    assert relation(document).data == ("pii",)


def test_async_relation_hides_call_settings(panel: InspectorPanel) -> None:
    panel.show_relation(("api", "events", RelationKind.PUBLISHES))
    assert panel.page is not None
    assert panel.page.sections["Timeout and retries"].isHidden()
    assert not panel.page.sections["General"].isHidden()
    panel.show_relation(CALL)
    assert not panel.page.sections["Timeout and retries"].isHidden()


def test_removed_relation_clears_the_form(panel: InspectorPanel, document: Document) -> None:
    panel.show_relation(CALL)
    document.undo_stack.push(RemoveRelation(document.design, CALL))
    assert panel.relation_key is None and panel.page is None
    panel.show_relation(CALL)  # gone: the placeholder, no error
    assert panel.page is None


def test_selecting_an_element_after_a_relation(panel: InspectorPanel) -> None:
    panel.show_relation(CALL)
    panel.show_element("api")
    assert panel.relation_key is None and panel.element_id == "api"
    assert "tags" in panel.fields


# ---------------------------------------------------------------------------- read-only


def test_read_only_document_shows_a_disabled_form(qtbot: object, design: Design) -> None:
    document = Document(design, read_only=True)
    panel = InspectorPanel()
    qtbot.addWidget(panel)  # type: ignore[attr-defined]
    panel.set_document(document)
    panel.show()
    panel.show_element("api")
    assert not panel.note.isHidden()
    general = panel.page.sections["General"]
    assert not general.body.isEnabled()
    assert general.header.isEnabled()  # sections still fold and unfold
    assert not panel.editors["owner"].isEnabled()
    assert panel.fields["owner"].commit("x", "owner") is None
    assert api(document).owner == "" and document.undo_stack.count() == 0
    panel.show_relation(CALL)
    assert not panel.page.sections["General"].body.isEnabled()


def test_sections_fold_and_keep_their_state_between_elements(panel: InspectorPanel) -> None:
    panel.show_element("api")
    sla = panel.page.sections["SLA"]
    sla.header.click()
    assert not sla.is_expanded() and sla.body.isHidden()
    panel.show_element("worker")
    assert not panel.page.sections["SLA"].is_expanded()


def test_suggestions_follow_the_design(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    group = panel.editors["group"]
    assert isinstance(group, QComboBox)
    assert group.findText("payments") < 0
    worker = document.design.element("worker")
    document.undo_stack.push(
        EditElement(document.design, "worker", dataclasses.replace(worker, group="payments"))
    )
    qtbot.waitUntil(lambda: group.findText("payments") >= 0)  # type: ignore[attr-defined]
    assert group.currentText() == "shop"  # the text shown is the model's, untouched


def test_escape_shows_the_model_value_again(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    p99 = line(panel, "sla.p99")
    type_into(qtbot, p99, "1s")
    qtbot.keyClicks(p99, "ecs")  # type: ignore[attr-defined]
    assert error(panel, "sla.p99")
    qtbot.keyClick(p99, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert p99.text() == "1s" and error(panel, "sla.p99") == ""
    alerts = records(panel, "monitoring.alerts")
    alerts.add()
    name = alerts.fields["@key"].input
    name.clear()
    name.textEdited.emit("")
    assert "required" in alerts.fields["@key"].error.text()
    qtbot.keyClick(name, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert name.text() == "new-alert" and alerts.fields["@key"].error.isHidden()


def test_leaving_a_record_field_ends_its_typing_step(
    qtbot: object, panel: InspectorPanel, document: Document
) -> None:
    panel.show_element("api")
    modes = records(panel, "failure_modes")
    modes.add()
    mitigation = modes.fields["mitigation"].input
    assert isinstance(mitigation, QPlainTextEdit)
    qtbot.keyClicks(mitigation, "Retry")  # type: ignore[attr-defined]
    modes.fields["mitigation"].finished.emit()
    qtbot.keyClicks(mitigation, " later")  # type: ignore[attr-defined]
    assert api(document).failure_modes["new-failure-mode"].mitigation == "Retry later"
    assert document.undo_stack.count() == 3  # add, "Retry", " later"
