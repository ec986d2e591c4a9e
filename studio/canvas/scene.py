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
    QGraphicsPathItem,
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
from studio.canvas.items import (
    LABEL_LOD,
    RELATION_LABEL_LOD,
    ElementItem,
    GroupItem,
    RelationItem,
)
from studio.commands import AddElement, AddRelation, MoveElements, RemoveElements
from studio.document import Document

__all__ = ["HEAVY_SCENE", "LARGE_SCENE", "NEW_ELEMENTS", "DiagramScene", "KindChooser", "RectGrid",
           "allowed_kinds", "finding_target"]

RelationKey = tuple[str, str, RelationKind]
#: While a drag goes on, group frames and labels follow once the pointer rests this long (ms):
#: re-framing a large context on every mouse move would cost more than a frame.
DRAG_SETTLE_MS = 120
#: From this many items a scene is large: the view draws it without antialiasing while the
#: user pans, zooms or drags.
LARGE_SCENE = 1000
#: From this many items, the view also hides the relations while the user pans or zooms (as
#: Cytoscape's ``hideEdgesOnViewport``), and the group frames while the user zooms:
#: rasterising thousands of long lines and large frames is what costs most of a frame then,
#: and nobody reads them while the view slides.
HEAVY_SCENE = 3000
_LABEL = "\x00label"  # the grid tag of a placed label (no group can be named so)
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


class RectGrid:
    """Rectangles bucketed in a coarse grid, for "what lies in this rectangle" queries.

    Tidying asks that question thousands of times right after items moved, when the scene's
    own index would scan every moved item (calling its Python ``boundingRect``) until Qt
    re-indexes them; a grid of plain floats answers in microseconds.
    """

    CELL = 256.0

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float, float, float, str]]] = (
            defaultdict(list))

    def _span(self, rect: QRectF) -> Iterable[tuple[int, int]]:
        c = self.CELL
        for x in range(int(rect.left() // c), int(rect.right() // c) + 1):
            for y in range(int(rect.top() // c), int(rect.bottom() // c) + 1):
                yield x, y

    def add(self, rect: QRectF, tag: str = "") -> None:
        """Remember ``rect`` with a ``tag`` (e.g. its element's group)."""
        entry = (rect.left(), rect.top(), rect.right(), rect.bottom(), tag)
        for cell in self._span(rect):
            self._cells[cell].append(entry)

    def tags_in(self, rect: QRectF) -> set[str]:
        """Tags of the rectangles that intersect ``rect``."""
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        return {tag for cell in self._span(rect)
                for (x0, y0, x1, y1, tag) in self._cells.get(cell, ())
                if x0 < right and left < x1 and y0 < bottom and top < y1}


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
        self.texts_shown = self.labels_shown = self.relations_shown = self.groups_shown = True
        self._static_hidden: list[QGraphicsItem] = []
        self._kept: list[RelationItem] = []  # moving relations, in sight during a drag
        self._sighted: list[RelationItem] = []  # selected relations, in sight while hidden
        # Every relation is a child of this (invisible, boundless) item, so that one opacity
        # switch takes them all out of painting: Qt skips a fully transparent subtree whole.
        self._relation_layer = QGraphicsPathItem()
        self._relation_layer.setPen(Qt.PenStyle.NoPen)
        self._relation_layer.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.addItem(self._relation_layer)
        self._dirty_groups: set[str] = set()
        self._dirty_labels: set[RelationKey] = set()
        self._tidy_timer = QTimer(self, singleShot=True, interval=0)
        self._tidy_timer.timeout.connect(self.tidy)
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
        # No BSP index: items' bounds are computed in C++ (they are path items), so a linear
        # scan is cheap, while the tree costs ~50 ms a frame to query when the whole design is
        # in view (relations spanning the canvas sit in many leaves) and milliseconds per item
        # to re-file whenever a long relation moves (bench/bench_studio.py, 5,700 items).
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        for element_id, element in self.design.elements():
            self._add_element_item(element_id, element)
        for relation in self.design.relations():
            self._add_relation_item(relation)
        self.tidy()

    def _add_element_item(self, element_id: str, element: Element) -> None:
        item = ElementItem(element_id, element, self.editable)
        item.show_texts(self.texts_shown)
        self.elements[element_id] = item
        pos = self.design.layout.get(element_id)
        if pos is not None:
            item.setPos(*pos)
        self.addItem(item)
        self._mark_group(getattr(element, "group", ""))

    def _add_relation_item(self, relation: Relation) -> None:
        item = RelationItem(relation)
        item.show_label(self.labels_shown)
        self.relations[relation.key] = item
        self._adjacent[relation.source].add(relation.key)
        self._adjacent[relation.target].add(relation.key)
        item.setParentItem(self._relation_layer)
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
            self._dirty_labels.add(key)
            self._schedule_tidy()

    # ------------------------------------------------------------------ tidying

    def _mark_group(self, name: str) -> None:
        if name:
            self._dirty_groups.add(name)
            self._schedule_tidy()

    def _schedule_tidy(self) -> None:
        # During a drag, wait until the pointer rests; otherwise tidy on the next loop turn.
        self._tidy_timer.start(DRAG_SETTLE_MS if self._press else 0)

    def tidy(self) -> None:
        """Re-frame the groups and re-place the labels that moves or edits left stale."""
        self._tidy_timer.stop()
        self._update_groups(self._dirty_groups)
        self._dirty_groups = set()
        if self.labels_shown:
            self._place_labels(self._dirty_labels)
            self._dirty_labels = set()

    def _group_of(self, element_id: str) -> str:
        return getattr(self.design.element(element_id), "group", "") or ""

    def _element_grid(self) -> RectGrid:
        grid = RectGrid()
        for element_id, item in self.elements.items():
            grid.add(item.body_rect(), self._group_of(element_id))
        return grid

    def _update_groups(self, names: Iterable[str]) -> None:
        members: dict[str, list[QRectF]] = {name: [] for name in sorted(names)}
        if not members:
            return
        for element_id, item in self.elements.items():
            group = self._group_of(element_id)
            if group in members:
                members[group].append(item.body_rect())
        grid = self._element_grid()
        for name, rects in members.items():
            if not rects:
                if name in self.groups:
                    self.removeItem(self.groups.pop(name))
                continue
            if name not in self.groups:
                self.groups[name] = GroupItem(name)
                self.groups[name].setVisible(self.groups_shown)
                self.groups[name].show_texts(self.texts_shown and self.groups_shown)
                self.addItem(self.groups[name])
            self.groups[name].set_members(
                rects, lambda rect, g=name: bool(grid.tags_in(rect) - {g}))

    def _place_labels(self, keys: Iterable[RelationKey]) -> None:
        """Put each label at the first spot along its path that covers no element and no
        label placed before it, so that labels stay readable where relations crowd."""
        keys = sorted(k for k in keys if k in self.relations)
        if not keys:
            return
        taken = self._element_grid()
        for key in keys:
            item = self.relations[key]
            spots = item.label_spots()
            clear = [i for i, rect in enumerate(spots) if not taken.tags_in(rect) - {_LABEL}]
            best = next((i for i in clear if not taken.tags_in(spots[i])),
                        clear[0] if clear else None)
            item.place_label(best)
            if best is not None:
                taken.add(spots[best], _LABEL)

    @property
    def is_large(self) -> bool:
        """Whether the scene has :data:`LARGE_SCENE` items or more."""
        return len(self.elements) + len(self.relations) >= LARGE_SCENE

    @property
    def is_heavy(self) -> bool:
        """Whether the scene has :data:`HEAVY_SCENE` items or more."""
        return len(self.elements) + len(self.relations) >= HEAVY_SCENE

    @property
    def dragging(self) -> bool:
        """Whether the user is dragging elements (the mouse button is down on them)."""
        return bool(self._press)

    def drag_items(self) -> list[QGraphicsItem]:
        """What a drag moves: the pressed elements and their relations."""
        keys = {key for eid in self._press for key in self._adjacent.get(eid, ())}
        return [*(self.elements[e] for e in self._press if e in self.elements),
                *(self.relations[k] for k in sorted(keys) if k in self.relations)]

    def hide_static(self, hidden: bool) -> None:
        """Hide what a drag leaves in place (the view shows a snapshot of it meanwhile), or
        show it again. Selected elements stay: hiding would deselect them."""
        if not hidden:
            for item in self._static_hidden:
                item.setVisible(True)
            self._static_hidden = []
            self._keep_in_sight(self._kept, False)
            self._relation_layer.setOpacity(1.0 if self.relations_shown else 0.0)
            for group in self.groups.values():
                group.show_texts(self.texts_shown and self.groups_shown)
            return
        moving = self.drag_items()
        self._kept = [item for item in moving if isinstance(item, RelationItem)]
        self._keep_in_sight(self._kept, True)
        self._relation_layer.setOpacity(0.0)
        static = set(moving)
        self._static_hidden = [
            item for item in (*self.elements.values(), *self.groups.values())
            if item not in static and item.isVisible() and not item.isSelected()]
        for item in self._static_hidden:
            item.setVisible(False)
        for group in self.groups.values():
            group.show_texts(False)

    @staticmethod
    def _keep_in_sight(items: Iterable[QGraphicsItem], kept: bool) -> None:
        for item in items:
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresParentOpacity, kept)

    def show_groups(self, shown: bool) -> None:
        """Show or hide the group frames and their names."""
        if shown != self.groups_shown:
            self.groups_shown = shown
            for group in self.groups.values():
                group.setVisible(shown)
                group.show_texts(shown and self.texts_shown)

    def show_relations(self, shown: bool) -> None:
        """Show or hide the relations (selected ones stay in sight)."""
        if shown != self.relations_shown:
            self.relations_shown = shown
            self._relation_layer.setOpacity(1.0 if shown else 0.0)
            self._keep_in_sight(self._sighted, False)
            self._sighted = [] if shown else self.relations_selected
            self._keep_in_sight(self._sighted, True)

    @property
    def relations_selected(self) -> list[RelationItem]:
        """The selected relation items."""
        return [i for i in self.selectedItems() if isinstance(i, RelationItem)]

    def set_detail(self, scale: float) -> None:
        """Show what is readable at ``scale``: texts from :data:`LABEL_LOD`, relation labels
        from :data:`RELATION_LABEL_LOD`. Hidden items cost nothing when painting."""
        texts, labels = scale >= LABEL_LOD, scale >= RELATION_LABEL_LOD
        if texts != self.texts_shown:
            self.texts_shown = texts
            for element in self.elements.values():
                element.show_texts(texts)
            for group in self.groups.values():
                group.show_texts(texts and self.groups_shown)
        if labels != self.labels_shown:
            self.labels_shown = labels
            for relation in self.relations.values():
                relation.show_label(labels)
            if labels:
                self.tidy()

    def restyle(self) -> None:
        """Re-colour every item from the current palette (light/dark switch)."""
        for item in (*self.elements.values(), *self.relations.values(), *self.groups.values()):
            item.restyle()

    # ------------------------------------------------------------------ model events

    def _on_event(self, event: DesignEvent) -> None:
        match event:
            case ElementAdded(id=eid, element=element):
                self._add_element_item(eid, element)
            case ElementChanged(id=eid, old=old, new=new):
                self.elements[eid].set_element(new)
                if getattr(old, "group", "") != getattr(new, "group", ""):
                    self._mark_group(getattr(old, "group", ""))
                    self._mark_group(getattr(new, "group", ""))
            case ElementRemoved(id=eid, element=element):
                self.removeItem(self.elements.pop(eid))
                self._adjacent.pop(eid, None)
                self._mark_group(getattr(element, "group", ""))
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
        self._mark_group(self._group_of(item.element_id))

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
        if self._dirty_groups or self._dirty_labels:
            self._schedule_tidy()

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
