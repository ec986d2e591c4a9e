"""Undo commands: one class per model mutation, one user gesture per undo step.

Every command's ``redo``/``undo`` call :class:`~models.design.Design` mutators only; the scene
and the panels follow the design's events (Qt Undo Framework, orange-canvas-core).
Multi-element deletes run :class:`RemoveRelation` and :class:`RemoveElement` steps as one
command; typing in one field merges into one step through ``id()``/``mergeWith()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtGui import QUndoCommand

from models.design import Design
from models.elements import ChecksConfig, Decision, Element, Flow, Relation, RelationKind

__all__ = [
    "AddElement",
    "AddElements",
    "AddRelation",
    "EditElement",
    "EditRelation",
    "MoveElements",
    "RemoveElement",
    "RemoveElements",
    "RemoveRelation",
    "RenameElement",
    "SetChecks",
    "SetDecision",
    "SetPositions",
]

Point = tuple[float, float]
RelationKey = tuple[str, str, RelationKind]

_EDIT_ELEMENT_ID = 1001
_MOVE_ID = 1002


class AddElement(QUndoCommand):
    """Add an element, optionally at a canvas position."""

    def __init__(self, design: Design, element_id: str, element: Element,
                 position: Point | None = None) -> None:
        super().__init__(f"Add {element_id}")
        self.design, self.element_id, self.element = design, element_id, element
        self.position = position

    def redo(self) -> None:
        self.design.add_element(self.element_id, self.element)
        if self.position is not None:
            self.design.set_positions({self.element_id: self.position})

    def undo(self) -> None:
        self.design.remove_element(self.element_id)


class AddElements(QUndoCommand):
    """Add elements, the relations among them and their positions as one step (paste).

    Undo removes the relations first, then the elements (their positions go with them).
    """

    def __init__(self, design: Design, elements: Mapping[str, Element],
                 relations: Iterable[Relation] = (), positions: Mapping[str, Point] | None = None,
                 text: str = "") -> None:
        self.elements = dict(elements)
        self.relations = tuple(relations)
        self.positions = dict(positions or {})
        count = len(self.elements)
        super().__init__(text or (f"Add {next(iter(self.elements))}" if count == 1
                                  else f"Add {count} elements"))
        self.design = design

    def redo(self) -> None:
        added: list[str] = []
        try:
            for element_id, element in self.elements.items():
                self.design.add_element(element_id, element)
                added.append(element_id)
            for relation in self.relations:
                self.design.add_relation(relation)
        except Exception:
            for element_id in reversed(added):  # a refused paste leaves the design as it was
                self.design.remove_element(element_id)
            raise
        if self.positions:
            self.design.set_positions(self.positions)

    def undo(self) -> None:
        for relation in reversed(self.relations):
            self.design.remove_relation(*relation.key)
        for element_id in reversed(self.elements):
            self.design.remove_element(element_id)


class RemoveElement(QUndoCommand):
    """Remove one element (its relations must be gone already: see :class:`RemoveElements`)."""

    def __init__(self, design: Design, element_id: str) -> None:
        super().__init__(f"Remove {element_id}")
        self.design, self.element_id = design, element_id
        self.element = design.element(element_id)
        self.position = design.layout.get(element_id)
        self.flows: dict[str, Flow] = {}
        self.naming: dict[str, Element] = {}

    def redo(self) -> None:
        self.flows = self.design.flows_naming(self.element_id)
        self.naming = self.design.elements_naming(self.element_id)
        self.design.remove_element(self.element_id)

    def undo(self) -> None:
        self.design.add_element(self.element_id, self.element)
        for flow_id, flow in self.flows.items():  # the steps that named it come back
            self.design.set_flow(flow_id, flow)
        for other_id, other in self.naming.items():  # and the pools and queries naming it
            self.design.replace_element(other_id, other)
        if self.position is not None:
            self.design.set_positions({self.element_id: self.position})


class AddRelation(QUndoCommand):
    """Add a relation between two elements."""

    def __init__(self, design: Design, relation: Relation) -> None:
        super().__init__(f"Connect {relation.source} {relation.kind.value} {relation.target}")
        self.design, self.relation = design, relation

    def redo(self) -> None:
        self.design.add_relation(self.relation)

    def undo(self) -> None:
        self.design.remove_relation(*self.relation.key)


class RemoveRelation(QUndoCommand):
    """Remove one relation."""

    def __init__(self, design: Design, key: RelationKey) -> None:
        relation = design.relation(*key)
        if relation is None:
            raise ValueError(f"no relation {key[0]}.{key[2].value}.{key[1]}")
        super().__init__(f"Remove {relation.id}")
        self.design, self.relation = design, relation

    def redo(self) -> None:
        self.design.remove_relation(*self.relation.key)

    def undo(self) -> None:
        self.design.add_relation(self.relation)


class RemoveElements(QUndoCommand):
    """Delete elements and relations as one step: the relations first, then the elements.

    The incident relations of the removed elements are captured explicitly, so that undo
    restores the elements, then their relations, then their positions. (The steps are plain
    :class:`RemoveRelation`/:class:`RemoveElement` commands run in order, not Qt child
    commands: PySide and Qt would both own the children.)
    """

    def __init__(self, design: Design, element_ids: Iterable[str],
                 relations: Iterable[RelationKey] = ()) -> None:
        ids = list(dict.fromkeys(element_ids))
        keys = list(dict.fromkeys(relations))
        for element_id in ids:
            incident = [*design.in_relations(element_id), *design.out_relations(element_id)]
            keys.extend(rel.key for rel in incident if rel.key not in keys)
        super().__init__(_removal_text(ids, keys))
        self.steps: list[QUndoCommand] = [*(RemoveRelation(design, key) for key in keys),
                                          *(RemoveElement(design, eid) for eid in ids)]
        self.element_ids, self.relation_keys = tuple(ids), tuple(keys)
        self.design, self.order = design, design.order()

    def redo(self) -> None:
        self.order = self.design.order()
        for step in self.steps:
            step.redo()

    def undo(self) -> None:
        for step in reversed(self.steps):
            step.undo()
        self.design.restore_order(self.order)  # back in place, not appended: same file


def _removal_text(ids: list[str], keys: list[RelationKey]) -> str:
    if len(ids) == 1:
        return f"Delete {ids[0]}"
    if ids:
        return f"Delete {len(ids)} elements"
    if len(keys) == 1:
        return f"Delete {keys[0][0]} {keys[0][2].value} {keys[0][1]}"
    return f"Delete {len(keys)} relations"


class EditElement(QUndoCommand):
    """Replace an element by an edited version; edits of one field in a row merge.

    Args:
        design: The design.
        element_id: The element edited.
        element: Its new version.
        field: The field typed in (``name``, ``sla.p99``...): consecutive edits of the same
            field of the same element merge into one undo step. ``None`` never merges.
    """

    def __init__(self, design: Design, element_id: str, element: Element,
                 field: str | None = None, text: str = "") -> None:
        super().__init__(text or f"Edit {element_id}" + (f" {field}" if field else ""))
        self.design, self.element_id, self.field = design, element_id, field
        self.old = design.element(element_id)
        self.new = element

    def id(self) -> int:
        return _EDIT_ELEMENT_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditElement) or self.field is None:
            return False
        if (other.element_id, other.field) != (self.element_id, self.field):
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)
        return True

    def redo(self) -> None:
        self.design.replace_element(self.element_id, self.new)

    def undo(self) -> None:
        self.design.replace_element(self.element_id, self.old)


class RenameElement(EditElement):
    """Change an element's display name (its id never changes)."""

    def __init__(self, design: Design, element_id: str, name: str) -> None:
        from dataclasses import replace

        element = replace(design.element(element_id), name=name)
        super().__init__(design, element_id, element, "name", f"Rename {element_id}")


class EditRelation(QUndoCommand):
    """Replace a relation's attributes (its source, target and kind stay)."""

    def __init__(self, design: Design, relation: Relation) -> None:
        super().__init__(f"Edit {relation.id}")
        old = design.relation(*relation.key)
        if old is None:
            raise ValueError(f"no relation {relation.id}")
        self.design, self.old, self.new = design, old, relation

    def redo(self) -> None:
        self.design.replace_relation(self.new)

    def undo(self) -> None:
        self.design.replace_relation(self.old)


class SetPositions(QUndoCommand):
    """Set many positions at once (auto-layout); undo restores the previous ones."""

    def __init__(self, design: Design, positions: Mapping[str, Point | None],
                 text: str = "Auto-layout") -> None:
        super().__init__(text)
        self.design = design
        self.new = dict(positions)
        self.old = {element_id: design.layout.get(element_id) for element_id in positions}

    def redo(self) -> None:
        self.design.set_positions(self.new)

    def undo(self) -> None:
        self.design.set_positions(self.old)


class MoveElements(SetPositions):
    """Elements dragged (one step per drag) or nudged with the arrow keys.

    Nudges (``nudge=True``) of the same elements merge into one step, as in Qt's Diagram
    Scene example; drags never merge, so each drag is undone on its own.
    """

    def __init__(self, design: Design, positions: Mapping[str, Point],
                 nudge: bool = False) -> None:
        ids = list(positions)
        text = f"Move {ids[0]}" if len(ids) == 1 else f"Move {len(ids)} elements"
        super().__init__(design, positions, text)
        self.nudge = nudge

    def id(self) -> int:
        return _MOVE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, MoveElements) and self.nudge and other.nudge):
            return False
        if set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True


class SetDecision(QUndoCommand):
    """Add, replace (``decision``) or remove (``None``) an architecture decision."""

    def __init__(self, design: Design, decision_id: str, decision: Decision | None,
                 text: str = "") -> None:
        self.old = design.decisions.get(decision_id)
        verb = "Add" if self.old is None else "Delete" if decision is None else "Edit"
        super().__init__(text or f"{verb} decision {decision_id}")
        self.design, self.decision_id, self.new = design, decision_id, decision
        self.order = design.order()

    def redo(self) -> None:
        self.order = self.design.order()
        self.design.set_decision(self.decision_id, self.new)

    def undo(self) -> None:
        self.design.set_decision(self.decision_id, self.old)
        self.design.restore_order(self.order)  # a deleted decision comes back in its place


class SetChecks(QUndoCommand):
    """Replace the review configuration (suppressions, severities, options)."""

    def __init__(self, design: Design, checks: ChecksConfig, text: str = "") -> None:
        super().__init__(text or "Edit review configuration")
        self.design, self.old, self.new = design, design.checks, checks

    def redo(self) -> None:
        self.design.set_checks(self.new)

    def undo(self) -> None:
        self.design.set_checks(self.old)
