"""Events a :class:`models.design.Design` emits after each successful mutation.

The studio's scene, panels and the incremental checker subscribe to them; nothing else keeps a
copy of domain state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.elements import Decision, Element, Flow, Relation

__all__ = [
    "DecisionChanged",
    "DesignEvent",
    "ElementAdded",
    "ElementChanged",
    "ElementRemoved",
    "FlowChanged",
    "InfoChanged",
    "LayoutChanged",
    "Listener",
    "RelationAdded",
    "RelationChanged",
    "RelationRemoved",
]


@dataclass(frozen=True, slots=True)
class ElementAdded:
    """A top-level element was added."""

    id: str
    element: Element


@dataclass(frozen=True, slots=True)
class ElementChanged:
    """A top-level element was replaced by a new version."""

    id: str
    old: Element
    new: Element


@dataclass(frozen=True, slots=True)
class ElementRemoved:
    """A top-level element (and, before it, its relations) was removed."""

    id: str
    element: Element


@dataclass(frozen=True, slots=True)
class RelationAdded:
    """A relation was added."""

    relation: Relation


@dataclass(frozen=True, slots=True)
class RelationChanged:
    """A relation's attributes changed (its key stays the same)."""

    old: Relation
    new: Relation


@dataclass(frozen=True, slots=True)
class RelationRemoved:
    """A relation was removed."""

    relation: Relation


@dataclass(frozen=True, slots=True)
class DecisionChanged:
    """A decision was added (``old`` is None), changed, or removed (``new`` is None)."""

    id: str
    old: Decision | None
    new: Decision | None


@dataclass(frozen=True, slots=True)
class FlowChanged:
    """A flow was added (``old`` is None), changed, or removed (``new`` is None)."""

    id: str
    old: Flow | None
    new: Flow | None


@dataclass(frozen=True, slots=True)
class InfoChanged:
    """The design header (:class:`models.elements.DesignInfo`) or checks config changed."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class LayoutChanged:
    """Canvas positions changed for ``ids``."""

    ids: tuple[str, ...]


DesignEvent = (
    ElementAdded
    | ElementChanged
    | ElementRemoved
    | RelationAdded
    | RelationChanged
    | RelationRemoved
    | DecisionChanged
    | FlowChanged
    | InfoChanged
    | LayoutChanged
)

Listener = Callable[[DesignEvent], None]
