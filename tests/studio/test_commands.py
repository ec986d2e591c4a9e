"""Every undo command's redo/undo goes through the model and restores it exactly."""

from __future__ import annotations

import dataclasses

from PySide6.QtGui import QUndoStack

from models.design import Design
from models.elements import Relation, RelationKind, Service
from studio.commands import (
    AddElement,
    AddRelation,
    EditElement,
    EditRelation,
    MoveElements,
    RemoveElements,
    RemoveRelation,
    RenameElement,
    SetPositions,
)
from tests.studio.conftest import SAMPLES


def _stack(qapp: object) -> QUndoStack:
    return QUndoStack()


def state(design: Design) -> tuple[object, ...]:
    """Everything a command may change (order aside: re-added elements come last)."""
    return (dict(design.elements()), {r.key: r for r in design.relations()}, dict(design.layout))


def test_add_element_with_position(qapp: object, design: Design) -> None:
    stack = _stack(qapp)
    stack.push(AddElement(design, "billing", Service(name="Billing"), (10.0, 20.0)))
    assert design.element("billing").name == "Billing"
    assert design.layout["billing"] == (10.0, 20.0)
    stack.undo()
    assert "billing" not in design and "billing" not in design.layout
    stack.redo()
    assert design.layout["billing"] == (10.0, 20.0)


def test_remove_elements_is_one_step_with_relations(qapp: object, design: Design) -> None:
    design.set_positions({"api": (1.0, 2.0)})
    before = state(design)
    stack = _stack(qapp)
    stack.push(RemoveElements(design, ["api", "events"]))
    assert stack.count() == 1
    assert "api" not in design and "events" not in design
    assert not list(design.relations(RelationKind.CALLS))
    stack.undo()
    assert state(design) == before
    stack.redo()
    assert "api" not in design


def test_remove_selected_relation_with_elements(qapp: object, design: Design) -> None:
    before = state(design)
    stack = _stack(qapp)
    stack.push(RemoveElements(design, [], [("web", "api", RelationKind.CALLS)]))
    assert design.relation("web", "api", RelationKind.CALLS) is None
    assert "web" in design
    stack.undo()
    assert state(design) == before


def test_move_elements_one_step_per_drag(qapp: object, design: Design) -> None:
    design.set_positions({"api": (0.0, 0.0)})
    stack = _stack(qapp)
    stack.push(MoveElements(design, {"api": (5.0, 5.0)}))
    stack.push(MoveElements(design, {"api": (9.0, 9.0)}))
    assert stack.count() == 2
    stack.undo()
    assert design.layout["api"] == (5.0, 5.0)
    stack.undo()
    assert design.layout["api"] == (0.0, 0.0)


def test_nudges_merge(qapp: object, design: Design) -> None:
    stack = _stack(qapp)
    stack.push(MoveElements(design, {"api": (1.0, 0.0)}, nudge=True))
    stack.push(MoveElements(design, {"api": (2.0, 0.0)}, nudge=True))
    assert stack.count() == 1
    stack.undo()
    assert "api" not in design.layout


def test_typing_in_one_field_merges(qapp: object, design: Design) -> None:
    stack = _stack(qapp)
    for text in ("G", "Go", "Go +", "Go + Gin"):
        new = dataclasses.replace(design.element("api"), technology=text)
        stack.push(EditElement(design, "api", new, "technology"))
    assert stack.count() == 1
    assert design.element("api").technology == "Go + Gin"
    new = dataclasses.replace(design.element("api"), owner="team")
    stack.push(EditElement(design, "api", new, "owner"))
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert design.element("api").technology == "Go"


def test_rename_keeps_the_id(qapp: object, design: Design) -> None:
    stack = _stack(qapp)
    stack.push(RenameElement(design, "api", "Public API"))
    assert design.element("api").name == "Public API"
    stack.undo()
    assert design.element("api").name == "API"


def test_relation_commands(qapp: object, design: Design) -> None:
    stack = _stack(qapp)
    rel = Relation(RelationKind.WRITES, "worker", "orders-db", protocol="SQL")
    stack.push(AddRelation(design, rel))
    assert design.relation("worker", "orders-db", RelationKind.WRITES) == rel
    stack.push(EditRelation(design, dataclasses.replace(rel, protocol="PostgreSQL")))
    assert design.relation(*rel.key).protocol == "PostgreSQL"
    stack.push(RemoveRelation(design, rel.key))
    assert design.relation(*rel.key) is None
    stack.undo()
    assert design.relation(*rel.key).protocol == "PostgreSQL"
    stack.undo()
    assert design.relation(*rel.key).protocol == "SQL"
    stack.undo()
    assert design.relation(*rel.key) is None


def test_set_positions_restores_absent_positions(qapp: object, design: Design) -> None:
    stack = _stack(qapp)
    design.set_positions({"web": (3.0, 3.0)})
    stack.push(SetPositions(design, {"web": (0.0, 0.0), "api": (1.0, 1.0)}))
    stack.undo()
    assert design.layout["web"] == (3.0, 3.0)
    assert "api" not in design.layout


def test_add_elements_with_relations_and_positions_is_one_step(qapp: object,
                                                               design: Design) -> None:
    from studio.commands import AddElements

    stack = _stack(qapp)
    before = state(design)
    command = AddElements(
        design, {"billing": Service(name="Billing"), "ledger": Service(name="Ledger")},
        [Relation(RelationKind.CALLS, "billing", "ledger"),
         Relation(RelationKind.CALLS, "api", "billing")],
        {"billing": (1.0, 2.0), "ledger": (3.0, 4.0)})
    stack.push(command)
    assert stack.count() == 1 and stack.undoText() == "Add 2 elements"
    assert design.relation("billing", "ledger", RelationKind.CALLS) is not None
    assert design.layout["ledger"] == (3.0, 4.0)
    stack.undo()
    assert state(design) == before
    stack.redo()
    assert design.relation("api", "billing", RelationKind.CALLS) is not None


def test_undoing_a_delete_brings_back_the_flow_steps(qapp: object) -> None:
    from models.io import dumps_design, load_design

    design = load_design(SAMPLES[0])
    before = dumps_design(design)
    stack = QUndoStack()
    stack.push(RemoveElements(design, ["api-gateway", "order-service"]))
    assert not design.flows_naming("api-gateway") and not design.flows_naming("order-service")
    stack.undo()
    assert dumps_design(design) == before
    stack.redo()
    assert not design.flows_naming("order-service")


def test_undoing_a_decision_delete_puts_it_back_in_its_place(qapp: object) -> None:
    from models.io import dumps_design, load_design
    from studio.commands import SetDecision

    design = load_design(SAMPLES[0])
    first = next(iter(design.decisions))
    assert len(design.decisions) > 1
    before = dumps_design(design)
    stack = QUndoStack()
    stack.push(SetDecision(design, first, None))
    assert first not in design.decisions
    stack.undo()
    assert next(iter(design.decisions)) == first and dumps_design(design) == before


def test_undoing_a_delete_restores_the_pools_and_queries_naming_it(qapp: object) -> None:
    from models.io import dumps_design, load_design

    design = load_design(SAMPLES[0])
    before = dumps_design(design)
    stack = QUndoStack()
    stack.push(RemoveElements(design, ["orders-db", "payment-service"]))
    assert not design.elements_naming("orders-db")
    stack.undo()
    assert dumps_design(design) == before
