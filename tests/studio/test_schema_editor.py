"""The schema editor: grid, index and table edits as undo steps, validation, previews, entry."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt
from PySide6.QtWidgets import QInputDialog

from models.elements import Datastore, Partitioning, Table
from models.io import load_design
from models.units import Count, Duration, Rate
from studio.document import Document
from studio.editors import schema
from studio.editors import schema_ops as ops
from studio.editors.schema import DDL_DELAY_MS, SchemaEditor, open_schema_editor
from studio.editors.schema_models import TableModel
from studio.mainwindow import MainWindow
from tests.studio.conftest import SAMPLES

SAMPLE = next(p for p in SAMPLES if p.stem == "ecommerce-order-management")
Role = Qt.ItemDataRole
CHECKED, UNCHECKED = Qt.CheckState.Checked.value, Qt.CheckState.Unchecked.value


@pytest.fixture
def document(qapp: object) -> Document:
    return Document(load_design(SAMPLE), checker_factory=lambda _d: None)


@pytest.fixture
def editor(qtbot: Any, document: Document) -> SchemaEditor:
    widget = SchemaEditor(document, "orders-db")
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def unreferenced(qtbot: Any) -> SchemaEditor:
    """The editor on orders-db with no foreign key to orders, so its primary key may change."""
    design = load_design(SAMPLE)
    db = design.element("orders-db")
    assert isinstance(db, Datastore)
    items = replace(db.tables["order_items"], foreign_keys={})
    design.replace_element("orders-db", replace(db, tables={**db.tables, "order_items": items}))
    widget = SchemaEditor(Document(design, checker_factory=lambda _d: None), "orders-db")
    qtbot.addWidget(widget)
    return widget


def store(editor: SchemaEditor) -> Datastore:
    found = editor.store()
    assert found is not None
    return found


def table(editor: SchemaEditor, name: str = "orders") -> Table:
    return store(editor).tables[name]


def cell(model: TableModel, key: str, title: str) -> QModelIndex:
    column = [c.title for c in model.COLUMNS].index(title)
    return model.index(model.row_of(key), column)


def set_cell(model: TableModel, key: str, title: str, value: Any) -> bool:
    index = cell(model, key, title)
    if model.COLUMNS[index.column()].kind == "check":
        return model.setData(index, CHECKED if value else UNCHECKED, Role.CheckStateRole)
    return model.setData(index, value, Role.EditRole)


def undo_redo(editor: SchemaEditor, read: Any, before: Any, after: Any) -> None:
    """One undo step restores ``before``, redo brings ``after`` back (the views follow)."""
    stack = editor.document.undo_stack
    assert read() == after
    stack.undo()
    assert read() == before
    stack.redo()
    assert read() == after


# --------------------------------------------------------------------------- opening


def test_opens_on_the_first_table_with_its_columns_and_indexes(editor: SchemaEditor) -> None:
    assert editor.current_table == "orders"
    assert editor.tables_model.row_keys() == ["orders", "order_items"]
    assert editor.columns_model.row_keys() == ["id", "user_id", "status", "total", "created_at",
                                           "updated_at"]
    assert editor.indexes_model.row_keys() == ["idx_orders_user_id", "idx_orders_status"]
    model = editor.columns_model
    assert cell(model, "id", "Type").data() == "UUID"
    assert cell(model, "id", "PK").data(Role.CheckStateRole) == Qt.CheckState.Checked
    assert cell(model, "status", "Default").data() == "'pending'"
    assert editor.name_edit.text() == "orders" and editor.rows_edit.text() == "50M"
    assert editor.partition_by.currentText() == "range"
    editor.select_table("order_items")
    assert cell(editor.columns_model, "order_created_at", "References").data() == \
        "orders.created_at"
    assert "PostgreSQL 16 · 2 tables · 3 indexes · 1 foreign keys" in editor.header.text()


# --------------------------------------------------------------------------- the column grid


@pytest.mark.parametrize(("title", "value", "read"), [
    ("Type", "TEXT", lambda t: t.columns["status"].type),
    ("Null", True, lambda t: t.columns["status"].nullable),
    ("Default", "'new'", lambda t: t.columns["status"].default),
    ("PK", True, lambda t: t.primary_key),
    ("Unique", True, lambda t: t.unique),
    ("Comment", "lifecycle state", lambda t: t.columns["status"].comment),
])
def test_each_column_cell_edit_is_one_undo_step(unreferenced: SchemaEditor, title: str,
                                                value: Any, read: Any) -> None:
    editor = unreferenced
    stack = editor.document.undo_stack
    before = read(table(editor))
    assert set_cell(editor.columns_model, "status", title, value)
    assert stack.count() == 1
    after = read(table(editor))
    assert after != before
    undo_redo(editor, lambda: read(table(editor)), before, after)
    model_value = cell(editor.columns_model, "status", title)
    assert model_value.data(Role.CheckStateRole if isinstance(value, bool) else Role.EditRole) \
        == (Qt.CheckState.Checked if value is True else value)


def test_primary_key_follows_column_order_and_unique_gets_a_named_constraint(
        unreferenced: SchemaEditor) -> None:
    editor = unreferenced
    set_cell(editor.columns_model, "status", "PK", True)
    assert table(editor).primary_key == ("id", "status", "created_at")
    set_cell(editor.columns_model, "status", "Unique", True)
    assert table(editor).unique == {"orders_status_key": ("status",)}
    set_cell(editor.columns_model, "status", "Unique", False)
    assert table(editor).unique == {}


def test_a_primary_key_column_becomes_not_null(unreferenced: SchemaEditor) -> None:
    editor = unreferenced
    set_cell(editor.columns_model, "status", "Null", True)
    set_cell(editor.columns_model, "status", "PK", True)
    assert not table(editor).columns["status"].nullable
    editor.document.undo_stack.undo()
    assert table(editor).columns["status"].nullable


def test_a_sql_datastore_without_tables(qtbot: Any) -> None:
    from models.design import Design

    design = Design()
    design.add_element("db", Datastore(name="Fresh"))
    editor = SchemaEditor(Document(design, checker_factory=lambda _d: None), "db")
    qtbot.addWidget(editor)
    assert editor.current_table is None and editor.columns_model.rowCount() == 0
    assert not editor.add_column_action.isEnabled() and not editor.name_edit.isEnabled()
    assert editor.er_scene.note is not None
    assert editor.add_table() == "new_table"
    assert editor.current_table == "new_table" and editor.columns_model.row_keys() == ["id"]
    assert editor.add_column_action.isEnabled() and editor.er_scene.note is None


def test_empty_default_clears_it(editor: SchemaEditor) -> None:
    assert set_cell(editor.columns_model, "status", "Default", "")
    assert table(editor).columns["status"].default is None


def test_typing_in_one_cell_merges_into_one_step(editor: SchemaEditor) -> None:
    for text in ("VARCHAR(6", "VARCHAR(60)", "VARCHAR(64)"):
        set_cell(editor.columns_model, "status", "Type", text)
    assert editor.document.undo_stack.count() == 1
    assert table(editor).columns["status"].type == "VARCHAR(64)"
    editor.document.undo_stack.undo()
    assert table(editor).columns["status"].type == "VARCHAR(50)"


def test_renaming_a_column_carries_keys_indexes_and_predicates(editor: SchemaEditor) -> None:
    assert set_cell(editor.columns_model, "status", "Name", "state")
    orders = table(editor)
    assert list(orders.columns)[2] == "state"
    assert orders.indexes["idx_orders_status"].columns == ("state",)
    assert orders.indexes["idx_orders_status"].where == "state <> 'completed'"
    assert set_cell(editor.columns_model, "created_at", "Name", "placed_at")
    orders, items = table(editor), table(editor, "order_items")
    assert orders.primary_key == ("id", "placed_at") and orders.partitioning is not None
    assert orders.partitioning.key == "placed_at"
    assert items.foreign_keys["fk_order_items_order"].references == ("id", "placed_at")
    editor.document.undo_stack.undo()
    assert table(editor, "order_items").foreign_keys["fk_order_items_order"].references == \
        ("id", "created_at")


def test_add_delete_and_reorder_columns(editor: SchemaEditor) -> None:
    stack = editor.document.undo_stack
    editor.columns_view.setCurrentIndex(cell(editor.columns_model, "user_id", "Name"))
    added = editor.add_column()
    assert added == "new_column"
    assert list(table(editor).columns)[:3] == ["id", "user_id", "new_column"]
    assert editor.columns_model.row_of("new_column") == 2
    editor.columns_view.setCurrentIndex(cell(editor.columns_model, "total", "Name"))
    editor.move_column(-1)
    assert list(table(editor).columns)[2:5] == ["new_column", "total", "status"]
    assert editor.columns_model.key(editor.columns_view.currentIndex().row()) == "total"
    editor.move_column(1)
    editor.columns_view.setCurrentIndex(cell(editor.columns_model, "status", "Name"))
    editor.delete_column()
    orders = table(editor)
    assert "status" not in orders.columns and "idx_orders_status" not in orders.indexes
    assert "idx_orders_status" in editor.message.text()
    assert stack.count() == 4
    for _ in range(4):
        stack.undo()
    assert list(table(editor).columns) == ["id", "user_id", "status", "total", "created_at",
                                           "updated_at"]
    assert editor.columns_model.rowCount() == 6


def test_deleting_a_referenced_column_drops_the_foreign_keys_to_it(editor: SchemaEditor) -> None:
    editor.columns_view.setCurrentIndex(cell(editor.columns_model, "created_at", "Name"))
    editor.delete_column()
    assert table(editor, "order_items").foreign_keys == {}
    assert table(editor).partitioning is None


# --------------------------------------------------------------------------- foreign keys


def test_a_reference_added_in_the_grid_is_a_connector_in_the_er_view(
        editor: SchemaEditor) -> None:
    editor.add_table()
    editor.rename_table("users")
    editor.select_table("orders")
    assert not set_cell(editor.columns_model, "user_id", "References", "users.id")
    assert "user_id is UUID but users.id is BIGINT" in editor.message.text()
    editor.select_table("users")
    assert set_cell(editor.columns_model, "id", "Type", "UUID")
    editor.select_table("orders")
    assert set_cell(editor.columns_model, "user_id", "References", "users.id")
    assert table(editor).foreign_keys["fk_orders_user_id"].table == "users"
    connector = editor.er_scene.foreign_keys[("orders", "fk_orders_user_id")]
    assert (connector.source.name, connector.target.name) == ("orders", "users")
    assert cell(editor.columns_model, "user_id", "References").data() == "users.id"
    editor.document.undo_stack.undo()
    assert ("orders", "fk_orders_user_id") not in editor.er_scene.foreign_keys
    assert set(editor.er_scene.tables) == {"orders", "order_items", "users"}
    editor.document.undo_stack.redo()
    editor.select_table("users")
    assert not set_cell(editor.columns_model, "id", "Type", "TEXT")  # orders.user_id is UUID
    assert set_cell(editor.columns_model, "id", "Type", "citext")  # unknown: not compared
    editor.select_table("orders")
    assert set_cell(editor.columns_model, "user_id", "References", "")
    assert "fk_orders_user_id" not in table(editor).foreign_keys


def test_a_column_of_a_composite_foreign_key_changes_only_its_reference(
        editor: SchemaEditor) -> None:
    key = editor.add_record("indexes")
    assert set_cell(editor.indexes_model, key, "Columns", "updated_at, id")
    assert set_cell(editor.indexes_model, key, "Unique", True)
    editor.select_table("order_items")
    assert set_cell(editor.columns_model, "order_created_at", "References", "orders.updated_at")
    fk = table(editor, "order_items").foreign_keys["fk_order_items_order"]
    assert fk.columns == ("order_id", "order_created_at")
    assert fk.references == ("id", "updated_at")


def test_foreign_key_grid_edits_are_undo_steps_and_move_the_connector(
        editor: SchemaEditor) -> None:
    editor.select_table("order_items")
    model, stack = editor.foreign_keys_model, editor.document.undo_stack
    fk = "fk_order_items_order"
    assert cell(model, fk, "Columns").data() == "order_id, order_created_at"
    assert cell(model, fk, "On delete").data() == "cascade"
    assert set_cell(model, fk, "On delete", "SET_NULL")
    assert table(editor, "order_items").foreign_keys[fk].on_delete == "set null"
    assert not set_cell(model, fk, "On delete", "explode")
    assert "ON DELETE explode" in editor.message.text()
    assert not set_cell(model, fk, "References", "id")
    assert "2 columns reference 1 columns" in editor.message.text()
    editor.select_table("orders")
    editor.columns_view.setCurrentIndex(cell(editor.columns_model, "user_id", "Name"))
    editor.add_table()
    editor.rename_table("users")
    assert set_cell(editor.columns_model, "id", "Type", "UUID")
    editor.select_table("order_items")
    assert not set_cell(model, fk, "Table", "users")  # users has no created_at
    assert "missing column users.created_at" in editor.message.text()
    assert not set_cell(model, fk, "Columns", "order_id")  # orders(id) alone is not a key
    assert "it can reference orders(id, created_at)" in editor.message.text()
    editor.select_table("users")
    assert editor.add_column() == "new_column"
    assert set_cell(editor.columns_model, "new_column", "Type", "TIMESTAMP")
    assert set_cell(editor.columns_model, "new_column", "Name", "created")
    assert set_cell(editor.columns_model, "created", "PK", True)
    editor.select_table("order_items")
    assert set_cell(model, fk, "Table", "users")  # the references follow users' key
    assert table(editor, "order_items").foreign_keys[fk].references == ("id", "created")
    assert not set_cell(model, fk, "Foreign key", "") and stack.count() == 9
    connector = editor.er_scene.foreign_keys[("order_items", fk)]
    assert connector.target.name == "users"
    assert not set_cell(model, fk, "Columns", "order_id, product_id")
    assert "missing column users." in editor.message.text()
    stack.undo()
    stack.undo()
    assert editor.er_scene.foreign_keys[("order_items", fk)].target.name == "orders"
    assert cell(model, fk, "References").data() == "id, created_at"


def test_add_move_and_delete_foreign_keys_and_checks(editor: SchemaEditor) -> None:
    editor.select_table("order_items")
    editor.columns_view.setCurrentIndex(cell(editor.columns_model, "product_id", "Name"))
    assert editor.add_record("foreign_keys") is None  # no table has a one-column key yet
    assert "it can reference orders(id, created_at)" in editor.message.text()
    editor.add_table()
    editor.rename_table("products")
    assert set_cell(editor.columns_model, "id", "Type", "UUID")
    editor.select_table("order_items")
    editor.columns_view.setCurrentIndex(cell(editor.columns_model, "product_id", "Name"))
    key = editor.add_record("foreign_keys")
    assert key == "fk_order_items_product_id"
    added = table(editor, "order_items").foreign_keys[key]
    assert (added.columns, added.table, added.references) == \
        (("product_id",), "products", ("id",))
    assert editor.records_tabs.currentIndex() == 1
    assert editor.records_tabs.tabText(1) == "Foreign keys (2)"
    editor.move_record("foreign_keys", -1)
    assert next(iter(table(editor, "order_items").foreign_keys)) == key
    editor.delete_record("foreign_keys")
    assert key not in table(editor, "order_items").foreign_keys
    check = editor.add_record("checks")
    assert check == "order_items_check" and table(editor, "order_items").checks[check] == ""
    assert set_cell(editor.checks_model, check, "Condition", "price >= 0")
    assert not set_cell(editor.checks_model, check, "Condition", "cost >= 0")
    assert "check order_items_check: no column cost" in editor.message.text()
    assert editor.document.undo_stack.count() == 8


def test_a_foreign_key_must_reference_a_whole_primary_or_unique_key(
        editor: SchemaEditor) -> None:
    """order_items is keyed by (id, order_created_at): its id alone is no key to reference."""
    assert not set_cell(editor.columns_model, "user_id", "References", "order_items.id")
    message = editor.message.text()
    assert "order_items(id) is not a primary or unique key" in message
    assert "it can reference order_items(id, order_created_at)" in message
    assert editor.document.undo_stack.count() == 0 and table(editor).foreign_keys == {}
    editor.select_table("order_items")
    assert set_cell(editor.columns_model, "id", "Unique", True)  # now a key of its own
    editor.select_table("orders")
    assert set_cell(editor.columns_model, "total", "Type", "BIGINT")
    assert set_cell(editor.columns_model, "total", "References", "order_items.id")
    assert table(editor).foreign_keys["fk_orders_total"].references == ("id",)


@pytest.mark.parametrize(("index", "valid"), [
    ({"columns": ("id",), "unique": True}, True),
    ({"columns": ("id DESC",), "unique": True}, True),
    ({"columns": ("id",), "unique": False}, False),
    ({"columns": ("id",), "unique": True, "where": "quantity > 0"}, False),
    ({"columns": ("lower(id)",), "unique": True}, False),
])
def test_which_unique_indexes_make_a_key(index: dict[str, Any], valid: bool) -> None:
    from models.elements import Column, ForeignKey, Index

    target = Table(columns={"id": Column("BIGINT"), "quantity": Column("INTEGER")},
                   primary_key=("id", "quantity"), indexes={"ix": Index(**index)})
    source = Table(columns={"item_id": Column("BIGINT")},
                   foreign_keys={"fk": ForeignKey(("item_id",), "items", ("id",))})
    problems = ops.schema_problems(Datastore(tables={"items": target, "lines": source}))
    assert (problems == []) is valid
    assert valid or "it can reference items(id, quantity)" in problems[0].message


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(("model", "key", "title", "value", "reason"), [
    ("columns", "status", "Name", "id", "already a column named 'id'"),
    ("columns", "status", "Name", "", "needs a name"),
    ("columns", "status", "Type", "INTEGR", "did you mean INTEGER?"),
    ("columns", "status", "Type", "VARCHAR(", "unknown type"),
    ("columns", "user_id", "References", "users.id", "missing table users"),
    ("columns", "user_id", "References", "order_items.nope", "missing column order_items.nope"),
    ("columns", "user_id", "References", "users", "table.column"),
    ("indexes", "idx_orders_user_id", "Columns", "user_id, nope DESC", "no column nope"),
    ("indexes", "idx_orders_user_id", "Columns", "lower(mail)", "no column mail"),
    ("indexes", "idx_orders_user_id", "Where", "deleted_at IS NULL", "no column deleted_at"),
    ("indexes", "idx_orders_user_id", "Columns", "", "no columns"),
    ("indexes", "idx_orders_user_id", "Index", "idx_orders_status", "already an index"),
])
def test_invalid_edits_are_refused_with_the_reason(editor: SchemaEditor, model: str, key: str,
                                                   title: str, value: str, reason: str) -> None:
    grid = editor.columns_model if model == "columns" else editor.indexes_model
    before = store(editor)
    assert not set_cell(grid, key, title, value)
    assert editor.document.undo_stack.count() == 0
    assert store(editor) is before
    assert reason in editor.message.text()
    assert not editor.message.isHidden()


def test_a_user_defined_type_is_accepted_with_a_warning(editor: SchemaEditor) -> None:
    assert set_cell(editor.columns_model, "status", "Type", "order_status")
    tip = cell(editor.columns_model, "status", "Type").data(Role.ToolTipRole)
    assert "user-defined" in tip


def test_existing_problems_are_marked_and_do_not_block_other_edits(
        editor: SchemaEditor) -> None:
    broken = ops.set_index(table(editor), "idx_orders_user_id", "columns", "gone")
    editor.design.replace_element("orders-db", ops.with_table(store(editor), "orders", broken))
    index = cell(editor.indexes_model, "idx_orders_user_id", "Columns")
    assert "no column gone" in index.data(Role.ToolTipRole)
    assert index.data(Role.BackgroundRole) is not None
    assert cell(editor.indexes_model, "idx_orders_user_id", "Where").data(
        Role.BackgroundRole) is None
    assert set_cell(editor.columns_model, "status", "Comment", "still editable")
    assert "1 problem" in editor.header.text()
    assert editor.rename_table("purchases")  # the problem moves with its table: not new
    assert "1 problem" in editor.header.text()


# --------------------------------------------------------------------------- indexes


def test_index_edits_are_undo_steps(editor: SchemaEditor) -> None:
    model = editor.indexes_model
    stack = editor.document.undo_stack
    index = "idx_orders_user_id"

    def read() -> Any:
        return table(editor).indexes[index]

    before = read()
    assert set_cell(model, index, "Columns", "user_id, created_at DESC, lower(status)")
    assert read().columns == ("user_id", "created_at DESC", "lower(status)")
    assert cell(model, index, "Columns").data() == "user_id, created_at DESC, lower(status)"
    assert set_cell(model, index, "Unique", True)
    assert set_cell(model, index, "Where", "status <> 'completed'")
    assert set_cell(model, index, "Method", "btree")
    assert set_cell(model, index, "Include", "total")
    after = read()
    assert (after.unique, after.where, after.method, after.include) == \
        (True, "status <> 'completed'", "btree", ("total",))
    assert stack.count() == 5
    for _ in range(5):
        stack.undo()
    assert read() == before
    assert set_cell(model, index, "Index", "idx_orders_by_user")
    assert list(table(editor).indexes) == ["idx_orders_by_user", "idx_orders_status"]


def test_add_delete_and_reorder_indexes(editor: SchemaEditor) -> None:
    editor.columns_view.setCurrentIndex(cell(editor.columns_model, "total", "Name"))
    name = editor.add_index()
    assert name == "idx_orders_total"
    assert table(editor).indexes[name].columns == ("total",)
    assert editor.indexes_model.key(editor.indexes_view.currentIndex().row()) == name
    editor.move_index(-1)
    assert list(table(editor).indexes) == ["idx_orders_user_id", name, "idx_orders_status"]
    editor.delete_index()
    assert name not in table(editor).indexes
    stack = editor.document.undo_stack
    stack.undo()
    assert list(table(editor).indexes)[1] == name
    assert editor.indexes_model.rowCount() == 3


# --------------------------------------------------------------------------- tables


def test_undo_and_redo_keep_the_current_table_on_the_changed_one(editor: SchemaEditor) -> None:
    stack = editor.document.undo_stack
    editor.select_table("order_items")
    assert editor.add_table() == "new_table"
    stack.undo()  # the added table goes: the one before it is current, not the first
    assert editor.current_table == "order_items"
    assert editor.tables_view.currentIndex().row() == 1
    stack.redo()  # it is back and current, so the next edit lands on it
    assert editor.current_table == "new_table"
    assert editor.tables_view.currentIndex().row() == 2
    assert editor.columns_model.row_keys() == ["id"]
    assert set_cell(editor.columns_model, "id", "Comment", "surrogate key")
    assert table(editor, "new_table").columns["id"].comment == "surrogate key"
    assert table(editor).columns["id"].comment == ""
    editor.select_table("orders")
    stack.undo()  # an edit of another table does not move the current table
    assert editor.current_table == "orders"


def test_add_rename_and_delete_tables(editor: SchemaEditor) -> None:
    stack = editor.document.undo_stack
    name = editor.add_table()
    assert name == "new_table" and editor.current_table == "new_table"
    assert table(editor, "new_table").primary_key == ("id",)
    assert editor.tables_model.setData(cell(editor.tables_model, "new_table", "Table"), "users")
    assert editor.current_table == "users"
    assert editor.tables_model.row_keys() == ["orders", "order_items", "users"]
    editor.select_table("orders")
    assert editor.rename_table("purchases")
    assert table(editor, "order_items").foreign_keys["fk_order_items_order"].table == "purchases"
    editor.delete_table()
    assert list(store(editor).tables) == ["order_items", "users"]
    assert table(editor, "order_items").foreign_keys == {}
    assert "fk_order_items_order" in editor.message.text()
    assert stack.count() == 4
    stack.undo()
    assert table(editor, "order_items").foreign_keys["fk_order_items_order"].table == "purchases"
    stack.undo()
    assert editor.tables_model.row_keys() == ["orders", "order_items", "users"]
    assert editor.message.isHidden()  # the note about the undone delete is gone
    editor.select_table("orders")
    assert not editor.rename_table("order_items")
    assert "already a table" in editor.message.text()


def test_table_fields_merge_while_typing_and_refuse_bad_quantities(
        editor: SchemaEditor) -> None:
    stack = editor.document.undo_stack
    for text in ("8", "80", "80M"):
        editor.rows_edit.setText(text)
        editor.rows_edit.textEdited.emit(text)
    assert table(editor).rows == Count.parse("80M") and stack.count() == 1
    editor.growth_edit.textEdited.emit("9M/month")
    assert table(editor).growth == Rate.parse("9M/month")
    editor.retention_edit.textEdited.emit("forever")
    assert "not a duration" in editor.message.text()
    assert table(editor).retention == Duration.parse("2555d") and stack.count() == 2
    editor.comment_edit.textEdited.emit("")
    assert table(editor).comment == ""
    stack.undo()
    stack.undo()
    stack.undo()
    assert table(editor).rows == Count.parse("50M")
    assert editor.rows_edit.text() == "50M"


def test_partitioning_edits(editor: SchemaEditor) -> None:
    stack = editor.document.undo_stack
    editor.partition_by.setCurrentText("hash")
    editor.partition_by.activated.emit(editor.partition_by.currentIndex())
    part = table(editor).partitioning
    assert part is not None and part.by == "hash"
    editor.partition_retention.textEdited.emit("365d")
    assert table(editor).partitioning == Partitioning("hash", "created_at", "monthly",
                                                      Duration.parse("365d"))
    editor.partition_by.setCurrentText("none")
    editor.partition_by.activated.emit(editor.partition_by.currentIndex())
    assert table(editor).partitioning is None
    assert not editor.partition_key.isEnabled()
    stack.undo()
    assert editor.partition_by.currentText() == "hash" and editor.partition_key.isEnabled()


def test_selecting_a_table_in_the_diagram_selects_it_in_the_editor(
        editor: SchemaEditor) -> None:
    editor.er_scene.select_tables(["order_items"])
    assert editor.current_table == "order_items"
    assert editor.tables_view.currentIndex().row() == 1
    editor.select_table("orders")
    assert editor.er_scene.selected_tables() == ["orders"]


# --------------------------------------------------------------------------- following the model


def test_follows_changes_made_elsewhere_and_a_deleted_datastore(editor: SchemaEditor) -> None:
    editor.design.replace_element("orders-db", ops.add_table(store(editor), "audit")[0])
    assert "audit" in editor.tables_model.row_keys() and "audit" in editor.er_scene.tables
    editor.select_table("audit")
    editor.design.replace_element("orders-db", ops.delete_table(store(editor), "audit")[0])
    assert editor.current_table in ("orders", "order_items")
    saved = editor.design.element("orders-db")
    for relation in [*editor.design.in_relations("orders-db")]:
        editor.design.remove_relation(*relation.key)
    editor.design.remove_element("orders-db")
    assert editor.stack.currentWidget() is editor.gone
    editor.design.add_element("orders-db", saved)
    assert editor.stack.currentIndex() == 0 and editor.columns_model.rowCount() == 6


def test_the_tab_title_follows_the_datastore_name(editor: SchemaEditor, qtbot: Any) -> None:
    from dataclasses import replace

    with qtbot.waitSignal(editor.title_changed) as signal:
        editor.design.replace_element("orders-db", replace(store(editor), name="Orders"))
    assert signal.args == ["Schema — Orders"]


# --------------------------------------------------------------------------- DDL preview


def test_ddl_preview_follows_edits_after_a_pause(editor: SchemaEditor, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: '"status" VARCHAR(50)' in editor.ddl_view.toPlainText())
    assert editor.ddl_view.toPlainText() == editor.ddl_text()
    set_cell(editor.columns_model, "status", "Type", "VARCHAR(80)")
    assert '"status" VARCHAR(50)' in editor.ddl_view.toPlainText()  # debounced
    qtbot.waitUntil(lambda: '"status" VARCHAR(80)' in editor.ddl_view.toPlainText(),
                    timeout=DDL_DELAY_MS * 5)
    editor.add_table()
    qtbot.waitUntil(lambda: 'CREATE TABLE "new_table"' in editor.ddl_view.toPlainText(),
                    timeout=DDL_DELAY_MS * 5)
    editor.document.undo_stack.undo()
    qtbot.waitUntil(lambda: "new_table" not in editor.ddl_view.toPlainText(),
                    timeout=DDL_DELAY_MS * 5)


def test_ddl_preview_opens_at_the_current_table(document: Document, qtbot: Any) -> None:
    editor = SchemaEditor(document, "orders-db")
    qtbot.addWidget(editor)
    editor.select_table("order_items")
    with qtbot.waitSignal(editor.ddl_updated):
        pass
    cursor = editor.ddl_view.textCursor()
    assert cursor.block().text().startswith('CREATE TABLE "order_items"')


def test_ddl_preview_uses_the_datastore_dialect(qtbot: Any) -> None:
    design = load_design(next(p for p in SAMPLES if p.stem == "realtime-analytics"))
    store_id = next(sid for sid, s in design.datastores() if s.engine.value == "clickhouse")
    widget = SchemaEditor(Document(design, checker_factory=lambda _d: None), store_id)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: "ENGINE=" in widget.ddl_view.toPlainText().replace(" ", ""))
    assert "String" in ops.type_vocabulary("clickhouse")


# --------------------------------------------------------------------------- read-only


def test_read_only_documents_refuse_every_edit(qtbot: Any) -> None:
    document = Document(load_design(SAMPLE), read_only=True, checker_factory=lambda _d: None)
    editor = SchemaEditor(document, "orders-db")
    qtbot.addWidget(editor)
    before = editor.store()
    index = cell(editor.columns_model, "status", "Type")
    assert not editor.columns_model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not set_cell(editor.columns_model, "status", "Type", "TEXT")
    assert not set_cell(editor.indexes_model, "idx_orders_user_id", "Unique", True)
    assert editor.add_table() is None and editor.add_column() is None
    editor.delete_table()
    editor.rows_edit.textEdited.emit("1M")
    assert editor.store() is before and document.undo_stack.count() == 0
    assert not editor.add_table_action.isEnabled() and not editor.add_column_action.isEnabled()
    assert editor.rows_edit.isReadOnly() and not editor.partition_by.isEnabled()
    assert not editor.read_only_note.isHidden()


# --------------------------------------------------------------------------- entry point


@pytest.fixture
def window(qtbot: Any, document: Document, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(document, settings)
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())
    return win


def test_design_menu_opens_the_selected_datastore_in_a_tab(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.schema_editor_action in window.menus["design"].actions()
    monkeypatch.setattr(window, "selected_ids", lambda: ["orders-db"])
    window.schema_editor_action.trigger()
    editor = window.tabs.currentWidget()
    assert isinstance(editor, SchemaEditor) and editor.store_id == "orders-db"
    assert editor.property("tabKey") == "schema:orders-db"
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Schema — PostgreSQL (orders)"
    assert open_schema_editor(window) is editor
    assert window.tabs.count() == 2
    from dataclasses import replace

    design = window.document.design
    design.replace_element("orders-db", replace(design.element("orders-db"), name="Orders"))
    assert window.tabs.tabText(window.tabs.indexOf(editor)) == "Schema — Orders"


def test_a_datastore_without_sql_says_so(window: MainWindow,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(schema, "_inform", lambda _w, text: said.append(text))
    monkeypatch.setattr(window, "selected_ids", lambda: ["order-cache"])
    assert open_schema_editor(window) is None
    assert said and "has no SQL schema" in said[0] and window.tabs.count() == 1


def test_without_a_selection_a_sql_datastore_is_chosen(window: MainWindow,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    offered: list[list[str]] = []

    def get_item(_parent: object, _title: str, _label: str, items: list[str],
                 *_args: object) -> tuple[str, bool]:
        offered.append(items)
        return items[1], True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    monkeypatch.setattr(window, "selected_ids", lambda: [])
    editor = open_schema_editor(window)
    assert offered and all("order-cache" not in item for item in offered[0])
    assert isinstance(editor, SchemaEditor) and editor.store_id == "inventory-db"


# --------------------------------------------------------------------------- the operations


def test_type_vocabulary_is_the_dialects() -> None:
    assert {"JSONB", "TIMESTAMPTZ", "UUID", "BIGSERIAL"} <= set(ops.type_vocabulary("postgres"))
    assert {"DATETIME", "BIGINT UNSIGNED"} <= set(ops.type_vocabulary("mysql"))
    assert "INTEGER" in ops.type_vocabulary("sqlite")
    assert {"Int64", "String", "DateTime"} <= set(ops.type_vocabulary("clickhouse"))
    assert ops.check_type("citext", "postgres")[0] == ""
    assert ops.check_type("TIMESTAMPZ", "postgres")[0].endswith("did you mean TIMESTAMPTZ?")


def test_split_list_keeps_commas_inside_brackets() -> None:
    assert ops.split_list("a, coalesce(b, c) DESC,  ,lower(d)") == \
        ("a", "coalesce(b, c) DESC", "lower(d)")


def test_a_ddl_result_overtaken_by_a_newer_edit_is_dropped(editor: SchemaEditor,
                                                          qtbot: Any) -> None:
    qtbot.waitUntil(lambda: editor.ddl_view.toPlainText() == editor.ddl_text())
    shown = editor.ddl_view.toPlainText()
    editor._ddl_done(editor._ddl_generation - 1, "-- stale")
    assert editor.ddl_view.toPlainText() == shown


def test_closing_the_editor_while_its_ddl_is_generated(document: Document, qtbot: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

    editor = SchemaEditor(document, "orders-db")
    editor.update_ddl()
    editor.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(20)  # the result arrives with no editor to show it
    design = document.design
    design.replace_element("orders-db", ops.add_table(design.element("orders-db"))[0])


def test_a_click_in_a_check_cell_toggles_it(editor: SchemaEditor, qtbot: Any) -> None:
    editor.resize(1400, 800)
    editor.show()
    qtbot.waitExposed(editor)
    view = editor.columns_view
    index = cell(editor.columns_model, "status", "Null")
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table(editor).columns["status"].nullable
    corner = rect.topLeft() + QPoint(3, 3)  # anywhere in the cell, not only on the box
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=corner)
    assert not table(editor).columns["status"].nullable
    assert editor.document.undo_stack.count() == 2


def test_combo_cells_offer_the_dialects_choices_and_commit(editor: SchemaEditor) -> None:
    from PySide6.QtWidgets import QComboBox

    view, model = editor.columns_view, editor.columns_model
    index = cell(model, "status", "Type")
    view.openPersistentEditor(index)
    combo = view.indexWidget(index)
    assert isinstance(combo, QComboBox) and combo.currentText() == "VARCHAR(50)"
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert {"TIMESTAMPTZ", "JSONB", "UUID"} <= set(offered)
    combo.setEditText("TEXT")
    view.itemDelegateForColumn(index.column()).setModelData(combo, model, index)
    assert table(editor).columns["status"].type == "TEXT"
    view.closePersistentEditor(index)
    ref = cell(model, "user_id", "References")
    view.openPersistentEditor(ref)
    combo = view.indexWidget(ref)
    assert isinstance(combo, QComboBox)
    assert "order_items.order_id" in [combo.itemText(i) for i in range(combo.count())]


def test_delete_key_in_the_column_grid_deletes_the_column(window: MainWindow, qtbot: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(window, "selected_ids", lambda: ["orders-db"])
    editor = open_schema_editor(window)
    assert isinstance(editor, SchemaEditor)
    window.show()
    qtbot.waitExposed(window)
    view = editor.columns_view
    view.setCurrentIndex(cell(editor.columns_model, "updated_at", "Name"))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "updated_at" not in table(editor).columns
    assert "orders-db" in window.document.design  # the canvas's Delete did not fire
    view.setCurrentIndex(cell(editor.columns_model, "total", "Name"))
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert list(table(editor).columns)[2] == "total"
    editor.tables_view.setFocus()
    editor.select_table("order_items")
    qtbot.keyClick(editor.tables_view, Qt.Key.Key_Delete)
    assert list(store(editor).tables) == ["orders"]


def test_typing_in_a_cell_as_a_user_does(editor: SchemaEditor, qtbot: Any) -> None:
    from PySide6.QtWidgets import QLineEdit

    editor.resize(1400, 800)
    editor.show()
    qtbot.waitExposed(editor)
    view = editor.columns_view
    index = cell(editor.columns_model, "status", "Name")
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    line = view.indexWidget(index)
    assert isinstance(line, QLineEdit)
    line.selectAll()
    qtbot.keyClicks(line, "state")
    qtbot.keyClick(line, Qt.Key.Key_Return)  # Qt commits on its next turn of the event loop
    qtbot.waitUntil(lambda: "state" in table(editor).columns)
    assert editor.document.undo_stack.count() == 1
    assert editor.indexes_model.row_keys() == ["idx_orders_user_id", "idx_orders_status"]
    assert table(editor).indexes["idx_orders_status"].columns == ("state",)


def test_the_forms_and_grids_show_their_values_in_full(editor: SchemaEditor, qtbot: Any) -> None:
    editor.resize(1100, 720)
    editor.show()
    qtbot.waitExposed(editor)
    for line, text in ((editor.growth_edit, "7.2M/month"), (editor.retention_edit, "2555d"),
                       (editor.partition_retention, "730d")):
        assert line.text() == text
        assert line.width() > line.fontMetrics().horizontalAdvance(text)
    key = editor.partition_key.lineEdit()
    assert key is not None and key.width() > key.fontMetrics().horizontalAdvance("created_at")
    for view in (editor.columns_view, editor.indexes_view):
        header = view.horizontalHeader()
        assert header.length() <= view.viewport().width()  # no horizontal scrolling
    where = [c.title for c in editor.indexes_model.COLUMNS].index("Where")
    text = "status <> 'completed'"
    assert editor.indexes_view.columnWidth(where) > \
        editor.indexes_view.fontMetrics().horizontalAdvance(text)
    sizes = editor.splitter.sizes()
    assert sizes[1] > sizes[2] > 0  # the grids get more room than the diagram
