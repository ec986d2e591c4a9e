"""The diagram scene: a projection of a :class:`~studio.document.Document`'s design.

The scene keeps ``id -> item`` maps and updates them from the design's events; user gestures
become undo commands pushed on the document's stack (a drag is one :class:`MoveElements` on
release, a connection one :class:`AddRelation`), never direct item edits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
)

from models.design import ALLOWED, ModelError
from models.elements import (
    Client,
    Datastore,
    Element,
    ElementKind,
    External,
    Queue,
    Relation,
    RelationKind,
    Service,
)
from models.events import (
    DesignEvent,
    ElementAdded,
    ElementChanged,
    ElementRemoved,
    LayoutChanged,
    RelationAdded,
    RelationChanged,
    RelationRemoved,
)
from studio.canvas.items import ElementItem, GroupItem, RelationItem
from studio.commands import AddElement, AddRelation, MoveElements, RemoveElements
from studio.document import Document

__all__ = ["NEW_ELEMENTS", "DiagramScene", "KindChooser", "allowed_kinds", "finding_target"]

RelationKey = tuple[str, str, RelationKind]
#: Asks the user which relation kind to create; returns None to cancel.
KindChooser = Callable[[Sequence[RelationKind], QPoint], RelationKind | None]

#: What the palette creates for each kind.
NEW_ELEMENTS: dict[ElementKind, Callable[[], Element]] = {
    ElementKind.SERVICE: lambda: Service(name="New service"),
    ElementKind.DATASTORE: lambda: Datastore(name="New datastore"),
    ElementKind.QUEUE: lambda: Queue(name="New queue"),
    ElementKind.EXTERNAL: lambda: External(name="New external system"),
    ElementKind.CLIENT: lambda: Client(name="New client"),
}


def allowed_kinds(source: ElementKind, target: ElementKind) -> list[RelationKind]:
    """The relation kinds the model accepts from a ``source`` kind to a ``target`` kind."""
    return [kind for kind, (sources, targets) in ALLOWED.items()
            if source in sources and target in targets]


def finding_target(element: str, known: Iterable[str]) -> str | None:
    """The top-level element a finding's ``element`` path concerns (``db.table`` -> ``db``)."""
    known = set(known)
    if element in known:
        return element
    head = element.split(".", 1)[0]
    return head if head in known else None


class DiagramScene(QGraphicsScene):
    """Items for every element, relation and group of the document's design.

    Signals:
        status_message(str): a short message for the status bar (e.g. why a connection failed).
    """

    status_message = Signal(str)

    def __init__(self, document: Document, parent: object | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.design = document.design
        self.editable = not document.read_only
        self.elements: dict[str, ElementItem] = {}
        self.relations: dict[RelationKey, RelationItem] = {}
        self.groups: dict[str, GroupItem] = {}
        self._adjacent: dict[str, set[RelationKey]] = defaultdict(set)
        self._press: dict[str, tuple[float, float]] = {}
        self._connect_from: ElementItem | None = None
        self._rubber: QGraphicsLineItem | None = None
        self.connect_mode = False
        self.kind_chooser: KindChooser = lambda kinds, _pos: kinds[0] if kinds else None
        self._groups_dirty = QTimer(self, singleShot=True, interval=0)
        self._groups_dirty.timeout.connect(self._update_groups)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self._build()
        self._unsubscribe = self.design.subscribe(self._on_event)
        document.findings_changed.connect(self._show_findings)
        self._show_findings()

    def detach(self) -> None:
        """Stop following the design (before the scene is dropped)."""
        self._unsubscribe()
        self._unsubscribe = lambda: None

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        for element_id, element in self.design.elements():
            self._add_element_item(element_id, element)
        for relation in self.design.relations():
            self._add_relation_item(relation)
        self._update_groups()

    def _add_element_item(self, element_id: str, element: Element) -> None:
        item = ElementItem(element_id, element, self.editable)
        self.elements[element_id] = item
        pos = self.design.layout.get(element_id)
        if pos is not None:
            item.setPos(*pos)
        self.addItem(item)
        self._groups_dirty.start()

    def _add_relation_item(self, relation: Relation) -> None:
        item = RelationItem(relation)
        self.relations[relation.key] = item
        self._adjacent[relation.source].add(relation.key)
        self._adjacent[relation.target].add(relation.key)
        self.addItem(item)
        self._update_parallels(relation.source, relation.target)

    def _update_parallels(self, a: str, b: str) -> None:
        """Spread the relations joining ``a`` and ``b`` so that none hides another."""
        keys = sorted((k for k in self._adjacent[a] if {k[0], k[1]} == {a, b}),
                      key=lambda k: (min(k[0], k[1]) != k[0], list(RelationKind).index(k[2])))
        for index, key in enumerate(keys):
            self.relations[key].set_parallel(index, len(keys))
            self._adjust(key)

    def _adjust(self, key: RelationKey) -> None:
        source, target = self.elements.get(key[0]), self.elements.get(key[1])
        if source is not None and target is not None:
            self.relations[key].adjust(source.body_rect(), target.body_rect())

    def _update_groups(self) -> None:
        members: dict[str, list[QRectF]] = defaultdict(list)
        group_of: dict[ElementItem, str] = {}
        for element_id, item in self.elements.items():
            group = getattr(self.design.element(element_id), "group", "")
            group_of[item] = group
            if group:
                members[group].append(item.body_rect())
        for name in list(self.groups):
            if name not in members:
                self.removeItem(self.groups.pop(name))
        for name, rects in members.items():
            if name not in self.groups:
                self.groups[name] = GroupItem(name)
                self.addItem(self.groups[name])
            self.groups[name].set_members(rects, lambda rect, g=name: any(
                isinstance(item, ElementItem) and group_of.get(item) != g
                for item in self.items(rect)))

    # ------------------------------------------------------------------ model events

    def _on_event(self, event: DesignEvent) -> None:
        match event:
            case ElementAdded(id=eid, element=element):
                self._add_element_item(eid, element)
            case ElementChanged(id=eid, old=old, new=new):
                self.elements[eid].set_element(new)
                if getattr(old, "group", "") != getattr(new, "group", ""):
                    self._groups_dirty.start()
            case ElementRemoved(id=eid):
                self.removeItem(self.elements.pop(eid))
                self._adjacent.pop(eid, None)
                self._groups_dirty.start()
            case RelationAdded(relation=rel):
                self._add_relation_item(rel)
            case RelationChanged(new=rel):
                self.relations[rel.key].set_relation(rel)
                self._adjust(rel.key)
            case RelationRemoved(relation=rel):
                self.removeItem(self.relations.pop(rel.key))
                self._adjacent[rel.source].discard(rel.key)
                self._adjacent[rel.target].discard(rel.key)
                self._update_parallels(rel.source, rel.target)
            case LayoutChanged(ids=ids):
                for eid in ids:
                    pos = self.design.layout.get(eid)
                    if eid in self.elements and pos is not None:
                        self.elements[eid].setPos(*pos)

    def element_moved(self, item: ElementItem) -> None:
        """An element item moved (drag or model): its relations and group follow."""
        for key in self._adjacent.get(item.element_id, ()):
            self._adjust(key)
        self._groups_dirty.start()

    def _show_findings(self) -> None:
        errors: Counter[str] = Counter()
        warnings: Counter[str] = Counter()
        for finding in self.document.findings:
            target = finding_target(finding.element, self.elements)
            if target is None:
                continue
            if finding.severity.value == "error":
                errors[target] += 1
            elif finding.severity.value == "warning":
                warnings[target] += 1
        for element_id, item in self.elements.items():
            item.set_counts(errors[element_id], warnings[element_id])

    # ------------------------------------------------------------------ selection

    def selected_element_ids(self) -> list[str]:
        """Ids of the selected elements, in design order."""
        chosen = {i.element_id for i in self.selectedItems() if isinstance(i, ElementItem)}
        return [eid for eid in self.elements if eid in chosen]

    def selected_relation_keys(self) -> list[RelationKey]:
        """Keys of the selected relations."""
        return [i.key for i in self.selectedItems() if isinstance(i, RelationItem)]

    def select_ids(self, ids: Iterable[str]) -> None:
        """Select exactly these elements."""
        wanted = set(ids)
        self.blockSignals(True)
        try:
            self.clearSelection()
            for eid in wanted:
                if eid in self.elements:
                    self.elements[eid].setSelected(True)
        finally:
            self.blockSignals(False)
        self.selectionChanged.emit()

    # ------------------------------------------------------------------ editing gestures

    def push(self, command: object) -> bool:
        """Push an undo command; a :class:`ModelError` becomes a status message."""
        try:
            self.document.undo_stack.push(command)  # type: ignore[arg-type]
        except ModelError as exc:
            self.status_message.emit(str(exc))
            return False
        return True

    def new_element_id(self, kind: ElementKind) -> str:
        """An unused id such as ``service-3``."""
        n = 1
        while f"{kind.value}-{n}" in self.design:
            n += 1
        return f"{kind.value}-{n}"

    def add_element(self, kind: ElementKind, pos: QPointF) -> str | None:
        """Add a new element of ``kind`` centred at ``pos`` (one undo step); returns its id."""
        if not self.editable:
            return None
        element_id = self.new_element_id(kind)
        command = AddElement(self.design, element_id, NEW_ELEMENTS[kind](),
                             (round(pos.x()), round(pos.y())))
        if not self.push(command):
            return None
        self.select_ids([element_id])
        return element_id

    def connect_elements(self, source: str, target: str, kind: RelationKind) -> bool:
        """Add a relation (one undo step); returns whether the model accepted it."""
        if not self.editable:
            return False
        return self.push(AddRelation(self.design, Relation(kind, source, target)))

    def delete_selection(self) -> bool:
        """Delete the selected elements (with their relations) and relations: one step."""
        ids, keys = self.selected_element_ids(), self.selected_relation_keys()
        if not self.editable or not (ids or keys):
            return False
        return self.push(RemoveElements(self.design, ids, keys))

    # ------------------------------------------------------------------ mouse

    def element_at(self, pos: QPointF) -> ElementItem | None:
        for item in self.items(pos):
            if isinstance(item, ElementItem):
                return item
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.connect_mode and event.button() == Qt.MouseButton.LeftButton:
            self._start_connection(event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = {i.element_id: (i.pos().x(), i.pos().y())
                           for i in self.selectedItems() if isinstance(i, ElementItem)}

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._rubber is not None and self._connect_from is not None:
            self._rubber.setLine(QLineF(self._connect_from.pos(), event.scenePos()))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._rubber is not None:
            self._finish_connection(event.scenePos(), event.screenPos())
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self._press:
            self._commit_drag()

    def _commit_drag(self) -> None:
        moved = {}
        for element_id, old in self._press.items():
            item = self.elements.get(element_id)
            if item is not None and (item.pos().x(), item.pos().y()) != old:
                moved[element_id] = (round(item.pos().x()), round(item.pos().y()))
        self._press = {}
        if moved and self.editable:
            self.push(MoveElements(self.design, moved))

    def _start_connection(self, pos: QPointF) -> None:
        source = self.element_at(pos)
        if source is None or not self.editable:
            return
        self._connect_from = source
        self._rubber = QGraphicsLineItem(QLineF(source.pos(), pos))
        pen = QPen(self.palette().highlight().color(), 1.6, Qt.PenStyle.DashLine)
        self._rubber.setPen(pen)
        self._rubber.setZValue(10)
        self.addItem(self._rubber)

    def _finish_connection(self, pos: QPointF, screen_pos: QPoint) -> None:
        source = self._connect_from
        if self._rubber is not None:
            self.removeItem(self._rubber)
        self._rubber, self._connect_from = None, None
        target = self.element_at(pos)
        if source is None or target is None or target is source:
            return
        self.connect_by_gesture(source.element_id, target.element_id, screen_pos)

    def connect_by_gesture(self, source: str, target: str, screen_pos: QPoint) -> bool:
        """Ask for the relation kind allowed between the two elements, then connect them."""
        kinds = allowed_kinds(self.design.kind(source), self.design.kind(target))
        kinds = [k for k in kinds if self.design.relation(source, target, k) is None]
        if not kinds:
            self.status_message.emit(
                f"a {self.design.kind(source).value} cannot be connected to a "
                f"{self.design.kind(target).value} (or every relation kind already exists)")
            return False
        kind = self.kind_chooser(kinds, screen_pos)
        return kind is not None and self.connect_elements(source, target, kind)

    def set_item_flags_movable(self, movable: bool) -> None:
        """Allow or forbid dragging (off while connecting)."""
        for item in self.elements.values():
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, movable and self.editable)
