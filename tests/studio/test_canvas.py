"""The scene mirrors the design; gestures become undo steps on the document's stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsSimpleTextItem,
)

from models.design import Design
from models.elements import ElementKind, Relation, RelationKind, Service
from studio.canvas.items import ElementItem, RelationItem
from studio.canvas.scene import LARGE_SCENE, DiagramScene, allowed_kinds
from studio.canvas.view import DiagramView
from studio.commands import AddElement, MoveElements
from studio.document import Document
from tests.studio.conftest import SAMPLES


@pytest.fixture
def scene(document: Document) -> DiagramScene:
    return DiagramScene(document)


def _count(scene: DiagramScene, cls: type) -> int:
    return sum(isinstance(item, cls) for item in scene.items())


def test_items_mirror_the_design(scene: DiagramScene) -> None:
    assert set(scene.elements) == {"web", "api", "worker", "orders-db", "events"}
    assert _count(scene, ElementItem) == 5 and _count(scene, RelationItem) == 5
    assert set(scene.groups) == {"shop"}
    assert scene.elements["api"].pos() == QPointF(*scene.design.layout["api"])


def test_model_events_update_items(scene: DiagramScene, document: Document) -> None:
    stack = document.undo_stack
    stack.push(AddElement(document.design, "billing", Service(name="Billing"), (400, 400)))
    assert scene.elements["billing"].pos() == QPointF(400, 400)
    stack.undo()
    assert "billing" not in scene.elements and _count(scene, ElementItem) == 5


def test_parallel_relations_do_not_overlap(scene: DiagramScene) -> None:
    reads = scene.relations[("api", "orders-db", RelationKind.READS)]
    writes = scene.relations[("api", "orders-db", RelationKind.WRITES)]
    assert reads.bend == -writes.bend != 0
    assert reads.boundingRect() != writes.boundingRect()


def test_palette_add_is_one_undo_step(scene: DiagramScene, document: Document) -> None:
    new_id = scene.add_element(ElementKind.QUEUE, QPointF(100, 200))
    assert new_id == "queue-1" and document.undo_stack.count() == 1
    assert scene.selected_element_ids() == ["queue-1"]
    assert document.design.layout["queue-1"] == (100.0, 200.0)
    document.undo_stack.undo()
    assert "queue-1" not in document.design


def test_connect_offers_only_allowed_kinds(scene: DiagramScene, document: Document) -> None:
    offered = []

    def choose(kinds: list[RelationKind], _pos: object) -> RelationKind:
        offered.extend(kinds)
        return RelationKind.READS

    scene.kind_chooser = choose
    assert scene.connect_by_gesture("worker", "orders-db", None)
    assert set(offered) == {RelationKind.READS, RelationKind.WRITES, RelationKind.OWNS}
    assert ("worker", "orders-db", RelationKind.READS) in scene.relations
    document.undo_stack.undo()
    assert ("worker", "orders-db", RelationKind.READS) not in scene.relations
    assert allowed_kinds(ElementKind.CLIENT, ElementKind.DATASTORE) == []
    assert not scene.connect_by_gesture("web", "orders-db", None)


def test_delete_selection_removes_relations_in_one_step(scene: DiagramScene,
                                                        document: Document) -> None:
    scene.select_ids(["api"])
    assert scene.delete_selection()
    assert "api" not in scene.elements and _count(scene, RelationItem) == 1
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert _count(scene, RelationItem) == 5


def test_drag_pushes_one_move_on_release(qtbot: object, scene: DiagramScene,
                                         document: Document) -> None:
    view = DiagramView()
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.setScene(scene)
    view.resize(800, 600)
    view.show()
    item = scene.elements["api"]
    start = item.pos()
    scene.select_ids(["api"])
    scene._press = {"api": (start.x(), start.y())}
    item.setPos(start + QPointF(40, 10))  # what the mouse drag does, step by step
    item.setPos(start + QPointF(80, 20))
    assert document.undo_stack.count() == 0
    scene._commit_drag()
    assert document.undo_stack.count() == 1
    assert isinstance(document.undo_stack.command(0), MoveElements)
    assert document.design.layout["api"] == (start.x() + 80, start.y() + 20)
    document.undo_stack.undo()
    assert item.pos() == start


def test_rename_in_place(qtbot: object, scene: DiagramScene, document: Document) -> None:
    view = DiagramView()
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.setScene(scene)
    view.show()
    editor = view.start_rename("api")
    assert editor is not None
    editor.setText("Storefront API")
    view.finish_rename(commit=True)
    assert document.design.element("api").name == "Storefront API"
    assert document.undo_stack.count() == 1


def test_findings_show_as_badges(qapp: object) -> None:
    pytest.importorskip("checks.incremental")
    document = Document.open(SAMPLES[0])
    scene = DiagramScene(document)
    errors = {f.element.split(".")[0] for f in document.findings if f.severity.value == "error"}
    assert errors, "the sample is expected to have errors"
    for element_id in errors:
        assert scene.elements[element_id].errors > 0


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: Path(p).stem)
def test_each_sample_opens(qapp: object, sample: Path) -> None:
    document = Document.open(sample)
    scene = DiagramScene(document)
    design = document.design
    items = _count(scene, ElementItem) + _count(scene, RelationItem)
    assert items == len(design) + design.graph.number_of_edges()
    rects = [item.body_rect() for item in scene.elements.values()]
    overlaps = [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.intersects(b)]
    assert not overlaps, "the automatic layout must not stack elements on each other"


def _drawn_texts(item: QGraphicsItem) -> list[QGraphicsSimpleTextItem]:
    return [c for c in item.childItems() if isinstance(c, QGraphicsSimpleTextItem)]


def test_items_are_drawn_by_qt_items_not_python_paint(scene: DiagramScene) -> None:
    plain = (QGraphicsPathItem, QGraphicsPolygonItem, QGraphicsSimpleTextItem)
    for item in [*scene.elements.values(), *scene.relations.values()]:
        assert item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
        drawn = [type(c) for c in item.childItems() if type(c) in plain]
        assert len(drawn) >= 2, "the children draw the item"
    assert [t.text() for t in _drawn_texts(scene.elements["api"])] == ["API", "Go"]


def test_level_of_detail_hides_small_texts(qtbot: object, scene: DiagramScene) -> None:
    view = DiagramView()
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.setScene(scene)
    relation = scene.relations[("web", "api", RelationKind.CALLS)]
    label = next(c for c in relation.childItems()
                 if not isinstance(c, QGraphicsPathItem | QGraphicsPolygonItem))
    title = _drawn_texts(scene.elements["api"])[0]
    assert title.isVisible() and label.isVisible()
    view.set_zoom(0.5)
    assert title.isVisible() and not label.isVisible()
    view.set_zoom(0.2)
    assert not title.isVisible() and not scene.texts_shown
    view.set_zoom(1.0)
    assert title.isVisible() and label.isVisible()


def test_labels_are_placed_clear_of_elements(qapp: object) -> None:
    design = Design()
    for element_id in ("a", "b", "c"):
        design.add_element(element_id, Service(name=element_id.upper()))
    design.set_positions({"a": (0.0, 0.0), "b": (0.0, 200.0), "c": (0.0, 400.0)})
    design.add_relation(Relation(RelationKind.CALLS, "a", "c", protocol="HTTPS"))
    scene = DiagramScene(Document(design))
    relation = scene.relations[("a", "c", RelationKind.CALLS)]
    assert relation.label == "HTTPS"
    assert relation.label_spots()[0].intersects(scene.elements["b"].body_rect())
    assert not relation.label_rect().intersects(scene.elements["b"].body_rect())
    assert relation.boundingRect().contains(relation.label_rect())


def test_palette_change_recolours_the_canvas(qtbot: object, qapp: QApplication,
                                             scene: DiagramScene) -> None:
    view = DiagramView()
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.setScene(scene)
    original = qapp.palette()
    dark = QPalette(original)
    for role, colour in ((QPalette.ColorRole.Base, "#1e1f22"), (QPalette.ColorRole.Text, "#e6e6e6"),
                         (QPalette.ColorRole.Window, "#2b2d30"),
                         (QPalette.ColorRole.WindowText, "#e6e6e6")):
        dark.setColor(role, QColor(colour))
    try:
        qapp.setPalette(dark)
        qtbot.waitUntil(  # type: ignore[attr-defined]
            lambda: _drawn_texts(scene.elements["api"])[0].brush().color() == QColor("#e6e6e6"))
    finally:
        qapp.setPalette(original)
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: _drawn_texts(scene.elements["api"])[0].brush().color()
        == original.color(QPalette.ColorRole.Text))


def test_large_scene_drops_antialiasing_only_while_zooming(qtbot: object, qapp: object) -> None:
    big = Design()
    for n in range(LARGE_SCENE):
        big.add_element(f"s{n}", Service(name=f"S{n}"))
    big.set_positions({f"s{n}": (n % 40 * 220.0, n // 40 * 140.0) for n in range(LARGE_SCENE)})
    view = DiagramView()
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.setScene(DiagramScene(Document(big, checker_factory=lambda _d: None)))
    view.set_zoom(0.5)
    assert not view.renderHints() & QPainter.RenderHint.Antialiasing
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: bool(view.renderHints() & QPainter.RenderHint.Antialiasing), timeout=2000)


def test_small_scene_keeps_antialiasing(qtbot: object, scene: DiagramScene) -> None:
    view = DiagramView()
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.setScene(scene)
    view.set_zoom(0.5)
    assert view.renderHints() & QPainter.RenderHint.Antialiasing


def _mouse(view: DiagramView, kind: QEvent.Type, pos: QPoint,
           buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.LeftButton
    QApplication.sendEvent(view.viewport(), QMouseEvent(
        kind, QPointF(pos), QPointF(view.viewport().mapToGlobal(pos)),
        Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else button, buttons,
        Qt.KeyboardModifier.NoModifier))


def test_heavy_scene_drag_moves_over_a_snapshot(qtbot: object, scene: DiagramScene,
                                                document: Document,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("studio.canvas.scene.HEAVY_SCENE", 5)
    monkeypatch.setattr("studio.canvas.scene.LARGE_SCENE", 5)
    view = DiagramView()
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.resize(800, 600)
    view.setScene(scene)
    view.show()
    start = view.mapFromScene(scene.elements["api"].pos())
    _mouse(view, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    _mouse(view, QEvent.Type.MouseMove, start + QPoint(40, 20), Qt.MouseButton.LeftButton)
    moving = {scene.elements["api"], *(r for k, r in scene.relations.items() if "api" in k)}
    assert all(item.isVisible() and item.effectiveOpacity() == 1 for item in moving)
    assert not scene.elements["worker"].isVisible() and not scene.groups["shop"].isVisible()
    assert scene.relations[("worker", "events", RelationKind.SUBSCRIBES)].effectiveOpacity() == 0
    _mouse(view, QEvent.Type.MouseButtonRelease, start + QPoint(40, 20), Qt.MouseButton.NoButton)
    assert all(item.isVisible() and item.effectiveOpacity() == 1
               for item in [*scene.elements.values(), *scene.relations.values()])
    assert scene.selected_element_ids() == ["api"] and document.undo_stack.count() == 1


def test_heavy_scene_hides_relations_while_zooming(qtbot: object, scene: DiagramScene,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("studio.canvas.scene.HEAVY_SCENE", 5)
    monkeypatch.setattr("studio.canvas.scene.LARGE_SCENE", 5)
    view = DiagramView()
    qtbot.addWidget(view)  # type: ignore[attr-defined]
    view.setScene(scene)
    selected = scene.relations[("web", "api", RelationKind.CALLS)]
    selected.setSelected(True)
    view.set_zoom(0.8)
    assert scene.relations[("api", "orders-db", RelationKind.READS)].effectiveOpacity() == 0
    assert selected.effectiveOpacity() == 1 and selected.isSelected()
    assert not scene.groups["shop"].isVisible()
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: all(r.effectiveOpacity() == 1 for r in scene.relations.values())
        and scene.groups["shop"].isVisible(), timeout=2000)


def test_importing_the_studio_survives_pyside_dropping_none_references() -> None:
    """PySide6 6.12 on Python 3.11 drops a reference to None on every void call; without the
    studio package's guard, 100,000 calls abort the interpreter ('deallocating None')."""
    code = ("import studio\nfrom PySide6.QtCore import QObject\no = QObject()\n"
            "for _ in range(100_000):\n    o.setObjectName('x')\nprint('alive')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "alive" in done.stdout, done.stderr[-300:]


def test_a_datastore_subtitle_names_its_engine_as_its_makers_write_it() -> None:
    from models.elements import Datastore, DatastoreEngine
    from studio.canvas.items import element_subtitle

    assert element_subtitle(Datastore(engine=DatastoreEngine.POSTGRESQL, version="16")) == \
        "PostgreSQL 16"
    assert element_subtitle(Datastore(engine=DatastoreEngine.MONGODB)) == "MongoDB"
