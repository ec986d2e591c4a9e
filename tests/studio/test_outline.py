"""The Outline panel: names first, the id dimmed after them, search by name or id."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QStyleOptionViewItem

from models.elements import Service
from studio.document import Document
from studio.panels.outline import SEARCH_ROLE, OutlinePanel
from tests.studio.conftest import small_design


def panel(qtbot: Any, width: int) -> OutlinePanel:
    outline = OutlinePanel()
    qtbot.addWidget(outline)
    design = small_design()
    design.add_element("payment-notification-service",
                       Service(name="Notification Service"))
    outline.set_document(Document(design, checker_factory=lambda _d: None))
    outline.resize(width, 500)
    outline.show()
    qtbot.waitExposed(outline)
    return outline


def shown_id(outline: OutlinePanel, element_id: str) -> str:
    index = outline.proxy.mapFromSource(outline.items[element_id].index())
    option = QStyleOptionViewItem()
    option.initFrom(outline.tree)
    option.rect = outline.tree.visualRect(index)
    option.widget = outline.tree
    delegate = outline.tree.itemDelegate()
    return delegate.dimmed_id(option, index)[2]  # type: ignore[attr-defined]


def test_rows_show_the_name_and_the_id_dimmed_where_it_fits(qtbot: Any) -> None:
    outline = panel(qtbot, 230)  # the dock's default width
    item = outline.items["payment-notification-service"]
    assert item.text() == "Notification Service"  # the whole name, nothing appended
    assert "payment-notification-service" in item.toolTip()
    short = shown_id(outline, "api")
    assert short == "api"
    long = shown_id(outline, "payment-notification-service")
    assert long != "payment-notification-service"  # elided to the room after the name
    assert long == "" or long.endswith("…")
    wide = panel(qtbot, 600)
    assert shown_id(wide, "payment-notification-service") == "payment-notification-service"


def test_search_matches_names_and_ids(qtbot: Any) -> None:
    outline = panel(qtbot, 230)
    outline.search.setText("orders-db")
    assert outline.proxy.mapFromSource(outline.items["orders-db"].index()).isValid()
    assert not outline.proxy.mapFromSource(outline.items["api"].index()).isValid()
    outline.search.setText("Orders DB")
    assert outline.proxy.mapFromSource(outline.items["orders-db"].index()).isValid()
    outline.search.setText("Services")  # a kind's title still finds the kind
    assert outline.proxy.rowCount() >= 1


def test_a_renamed_element_shows_its_new_name(qtbot: Any) -> None:
    outline = panel(qtbot, 230)
    design = outline.document.design  # type: ignore[union-attr]
    api = design.element("api")
    design.replace_element("api", replace(api, name="Public API"))
    item = outline.items["api"]
    assert item.text() == "Public API" and item.data(SEARCH_ROLE) == "Public API api"
    design.replace_element("api", replace(api, name=""))
    assert outline.items["api"].text() == "api" and shown_id(outline, "api") == ""
