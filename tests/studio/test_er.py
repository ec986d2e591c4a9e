"""The ER scene: one item per table, foreign keys as connectors, a stable layout, live updates."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from models.design import Design
from models.elements import Column, Datastore, DatastoreEngine, ForeignKey, Index, Table
from models.io import load_design
from models.units import Count
from studio.editors.er import ErScene, TableItem, _tables_of, column_markers, table_layers
from tests.studio.conftest import SAMPLES


def _table(*columns: str, fks: dict[str, tuple[str, str, str]] | None = None) -> Table:
    """A table of BIGINT columns keyed by ``id``; ``fks``: name -> (column, table, column)."""
    return Table(
        columns={name: Column(type="BIGINT", nullable=False) for name in ("id", *columns)},
        primary_key=("id",),
        foreign_keys={name: ForeignKey((col,), table, (ref,))
                      for name, (col, table, ref) in (fks or {}).items()},
    )


def shop() -> Design:
    tables = {
        "order_items": _table("order_id", "product_id", fks={
            "fk_items_order": ("order_id", "orders", "id"),
            "fk_items_product": ("product_id", "products", "id")}),
        "orders": _table("user_id", fks={"fk_orders_user": ("user_id", "users", "id")}),
        "users": _table("email"),
        "products": _table("title"),
        "settings": _table("value"),
    }
    design = Design()
    design.add_element("db", Datastore(name="Shop DB", tables=tables))
    return design


@pytest.fixture
def scene(qapp: object) -> ErScene:
    return ErScene(shop(), "db")


def test_one_item_per_table_named_after_it(scene: ErScene) -> None:
    assert list(scene.tables) == ["order_items", "orders", "users", "products", "settings"]
    item = scene.table_item("orders")
    assert item is not None and item.objectName() == "orders" and item.data(0) == "orders"
    assert [row.name for row in item.rows] == ["id", "user_id"]
    assert item.scene() is scene


def test_foreign_keys_are_connectors_between_their_tables(scene: ErScene) -> None:
    assert set(scene.foreign_keys) == {("order_items", "fk_items_order"),
                                       ("order_items", "fk_items_product"),
                                       ("orders", "fk_orders_user")}
    connector = scene.foreign_keys[("orders", "fk_orders_user")]
    assert (connector.source.name, connector.target.name) == ("orders", "users")
    users, orders = scene.tables["users"], scene.tables["orders"]
    path = connector.path()
    start, end = path.elementAt(0), path.elementAt(5)  # move, stub, curve (3), stub
    # The connector leaves orders' left side beside user_id and enters users' right side at id.
    assert (start.x, start.y) == pytest.approx(
        (orders.sceneBoundingRect().left() + 3, orders.mapToScene(0, orders.row_y("user_id")).y()))
    assert (end.x, end.y) == pytest.approx(
        (users.sceneBoundingRect().right() - 3, users.mapToScene(0, users.row_y("id")).y()))


def test_markers_and_types_in_rows(qapp: object) -> None:
    table = Table(columns={"id": Column("UUID", nullable=False), "email": Column("TEXT"),
                           "org": Column("UUID")},
                  primary_key=("id",), unique={"users_email_key": ("email",)},
                  foreign_keys={"fk": ForeignKey(("org",), "orgs", ("id",))})
    assert column_markers(table) == {"id": ("PK",), "email": ("UK",), "org": ("FK",)}
    unique_index = replace(table, unique={}, indexes={"ix": Index(("email",), unique=True)})
    assert column_markers(unique_index)["email"] == ("UK",)
    design = Design()
    design.add_element("db", Datastore(tables={"users": table}))
    item = ErScene(design, "db").tables["users"]
    assert [(r.type_text, r.markers) for r in item.rows] == [
        ("UUID", ("PK",)), ("TEXT?", ("UK",)), ("UUID?", ("FK",))]


def test_layout_puts_referenced_tables_left_and_is_deterministic(scene: ErScene) -> None:
    layers, alone = table_layers(shop().element("db").tables)
    assert layers == [["users", "products"], ["orders"], ["order_items"]]
    assert alone == ["settings"]
    x = {name: item.pos().x() for name, item in scene.tables.items()}
    assert x["users"] < x["orders"] < x["order_items"] < x["settings"]
    again = ErScene(shop(), "db")
    assert {n: i.pos() for n, i in again.tables.items()} == \
        {n: i.pos() for n, i in scene.tables.items()}
    rects = [item.sceneBoundingRect() for item in scene.tables.values()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])


def test_top_down_layout_joins_facing_edges(qapp: object) -> None:
    scene = ErScene(shop(), "db", vertical=True)
    users, orders = scene.tables["users"], scene.tables["orders"]
    assert users.pos().y() < orders.pos().y() and users.pos().y() == scene.tables["products"].y()
    path = scene.foreign_keys[("orders", "fk_orders_user")].path()
    start, end = path.elementAt(0), path.elementAt(5)
    assert start.y == pytest.approx(orders.sceneBoundingRect().top() + 3)
    assert end.y == pytest.approx(users.sceneBoundingRect().bottom() - 3)
    scene.set_vertical(False)
    assert scene.tables["users"].pos().x() < scene.tables["orders"].pos().x()


def test_cycles_and_self_references_are_laid_out(qapp: object) -> None:
    tables = {"a": _table("b_id", fks={"ab": ("b_id", "b", "id")}),
              "b": _table("a_id", "parent", fks={"ba": ("a_id", "a", "id"),
                                                 "self": ("parent", "b", "id")})}
    layers, alone = table_layers(tables)
    assert layers == [["a", "b"]] and alone == []
    design = Design()
    design.add_element("db", Datastore(tables=tables))
    assert set(ErScene(design, "db").foreign_keys) == {("a", "ab"), ("b", "ba"), ("b", "self")}


def test_rebuilds_when_the_datastore_changes_and_on_undo(scene: ErScene, qtbot: object) -> None:
    design = scene.design
    store = design.element("db")
    tables = dict(store.tables)
    tables["payments"] = _table("order_id", fks={"fk_pay_order": ("order_id", "orders", "id")})
    scene.select_tables(["orders"])
    with qtbot.waitSignal(scene.rebuilt):  # type: ignore[attr-defined]
        design.replace_element("db", replace(store, tables=tables))
    assert "payments" in scene.tables
    assert ("payments", "fk_pay_order") in scene.foreign_keys
    assert scene.selected_tables() == ["orders"]
    design.replace_element("db", store)
    assert "payments" not in scene.tables and len(scene.foreign_keys) == 3


def test_a_change_of_column_order_counts_as_a_change(scene: ErScene) -> None:
    store = scene.design.element("db")
    orders = store.tables["orders"]
    reordered = replace(orders, columns=dict(reversed(list(orders.columns.items()))))
    other = replace(store, tables={**store.tables, "orders": reordered})
    assert other == store  # dataclass equality ignores dict order...
    assert _tables_of(other) != _tables_of(store)  # ...the diagram does not
    scene.design.replace_element("db", replace(store, tables={}))  # as the schema editor does
    scene.design.replace_element("db", other)
    assert [r.name for r in scene.tables["orders"].rows] == ["user_id", "id"]


def test_other_changes_do_not_rebuild(scene: ErScene, qtbot: Any) -> None:
    store = scene.design.element("db")
    with qtbot.assertNotEmitted(scene.rebuilt):
        scene.design.replace_element("db", replace(store, name="Renamed"))
        scene.design.add_element("other", Datastore(tables={"x": _table()}))
    assert "x" not in scene.tables


def test_a_rebuild_keeps_the_items_of_unchanged_tables(scene: ErScene) -> None:
    before = dict(scene.tables)
    store = scene.design.element("db")
    users = replace(store.tables["users"], rows=Count.parse("1M"))
    scene.design.replace_element("db", replace(store, tables={**store.tables, "users": users}))
    assert scene.tables["orders"] is before["orders"]
    assert scene.tables["users"] is not before["users"]
    assert before["users"].scene() is None and scene.tables["users"].subtitle == "1M rows"
    assert len([i for i in scene.items() if isinstance(i, TableItem)]) == 5


def test_missing_and_non_sql_datastores_show_a_note(qapp: object) -> None:
    design = Design()
    design.add_element("cache", Datastore(engine=DatastoreEngine.REDIS))
    scene = ErScene(design, "cache")
    assert not scene.tables and scene.note is not None
    assert "has no SQL schema" in scene.note.text()
    design.remove_element("cache")
    assert scene.note is not None and "No datastore" in scene.note.text()


def test_detach_and_deletion_stop_following(qapp: object) -> None:
    design = shop()
    scene = ErScene(design, "db")
    scene.detach()
    scene.detach()  # twice is harmless
    design.replace_element("db", Datastore(tables={}))
    assert "orders" in scene.tables
    other = ErScene(design, "db")
    other.deleteLater()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(other, QEvent.Type.DeferredDelete)
    design.replace_element("db", Datastore(tables={"t": _table()}))  # no error: unsubscribed


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sql_datastore_of_the_samples_renders(qapp: object, path: object) -> None:
    design = load_design(path)  # type: ignore[arg-type]
    for store_id, store in design.datastores():
        if store.engine.is_sql:
            scene = ErScene(design, store_id)
            assert list(scene.tables) == list(store.tables)
            assert not scene.itemsBoundingRect().isEmpty()
