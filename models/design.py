"""The :class:`Design`: a system's elements and relations on a ``networkx.MultiDiGraph``.

Nodes are element ids (attribute ``element`` holds the frozen value object); edges are
relations keyed by their :class:`~models.elements.RelationKind` (attribute ``relation``).
Consumers read through :attr:`Design.graph`, a read-only view; all changes go through the
mutators, which validate, then emit a :mod:`models.events` event to every listener.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import networkx as nx

from models.elements import (
    ID_PATTERN,
    ChecksConfig,
    Client,
    Datastore,
    Decision,
    DesignInfo,
    Element,
    ElementKind,
    External,
    Flow,
    Queue,
    Relation,
    RelationKind,
    Service,
)
from models.events import (
    DecisionChanged,
    DesignEvent,
    ElementAdded,
    ElementChanged,
    ElementRemoved,
    FlowChanged,
    InfoChanged,
    LayoutChanged,
    Listener,
    RelationAdded,
    RelationChanged,
    RelationRemoved,
)

__all__ = ["KIND_OF", "Design", "Location", "ModelError", "SourceMap", "kind_of"]

KIND_OF: dict[type, ElementKind] = {
    Service: ElementKind.SERVICE,
    Datastore: ElementKind.DATASTORE,
    Queue: ElementKind.QUEUE,
    External: ElementKind.EXTERNAL,
    Client: ElementKind.CLIENT,
}

_S, _D, _Q, _E, _C = (
    ElementKind.SERVICE,
    ElementKind.DATASTORE,
    ElementKind.QUEUE,
    ElementKind.EXTERNAL,
    ElementKind.CLIENT,
)

#: Which element kinds may initiate each relation kind, and towards which kinds.
ALLOWED: dict[RelationKind, tuple[frozenset[ElementKind], frozenset[ElementKind]]] = {
    RelationKind.CALLS: (frozenset({_S, _C, _E}), frozenset({_S, _E})),
    RelationKind.PUBLISHES: (frozenset({_S, _C, _E}), frozenset({_Q})),
    RelationKind.SUBSCRIBES: (frozenset({_S, _E}), frozenset({_Q})),
    RelationKind.READS: (frozenset({_S, _E}), frozenset({_D})),
    RelationKind.WRITES: (frozenset({_S, _E, _Q}), frozenset({_D})),
    RelationKind.OWNS: (frozenset({_S}), frozenset({_D, _Q})),
}


def kind_of(element: Element) -> ElementKind:
    """The :class:`ElementKind` of an element value."""
    return KIND_OF[type(element)]


class ModelError(ValueError):
    """A mutation would make the design invalid; the message says why and how to fix it."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was written: ``file:line:col`` (1-based)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(slots=True)
class SourceMap:
    """Positions of elements in the file a design was loaded from.

    Keys are dotted paths as written in the file: ``services.order-service``,
    ``services.order-service.endpoints.create-order``, ``decisions.ADR-001``.
    """

    file: str
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: str) -> Location | None:
        """The location of ``path``, or of its nearest written ancestor."""
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return Location(self.file, pos[0], pos[1])
            path = path.rpartition(".")[0]
        return None


def did_you_mean(word: str, choices: Iterator[str] | list[str] | tuple[str, ...]) -> str:
    """A ``did you mean 'x'?`` hint, or an empty string when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


#: Elements, relations ``(source, target, kind)`` and decisions, in file order.
Order = tuple[tuple[str, ...], tuple[tuple[str, str, RelationKind], ...], tuple[str, ...]]


class Design:
    """A system design: header, elements, relations, flows, decisions, checks and layout."""

    def __init__(self, info: DesignInfo | None = None, checks: ChecksConfig | None = None) -> None:
        self._graph: nx.MultiDiGraph = nx.MultiDiGraph()
        self._view = nx.subgraph_view(self._graph)
        self._info = info or DesignInfo()
        self._checks = checks or ChecksConfig()
        self._decisions: dict[str, Decision] = {}
        self._flows: dict[str, Flow] = {}
        self._layout: dict[str, tuple[float, float]] = {}
        self._listeners: list[Listener] = []
        #: Where the design was loaded from (for ``file:line:col`` in findings).
        self.source_map: SourceMap | None = None
        #: Leading comment lines of the file (e.g. the YAML language-server modeline), kept on save.
        self.preamble: str = ""

    def copy(self) -> Design:
        """An independent copy (no listeners) that another thread may read while this one is
        edited. Elements, relations, flows and decisions are frozen values, so they are shared;
        only the graph and the mappings are new."""
        other = Design(self._info, self._checks)
        other._graph = self._graph.copy()
        other._view = nx.subgraph_view(other._graph)
        other._decisions = dict(self._decisions)
        other._flows = dict(self._flows)
        other._layout = dict(self._layout)
        other.source_map, other.preamble = self.source_map, self.preamble
        return other

    # ------------------------------------------------------------------ reading

    @property
    def graph(self) -> nx.MultiDiGraph:
        """A read-only live view of the graph (nodes: ids; edges keyed by relation kind)."""
        return self._view

    @property
    def info(self) -> DesignInfo:
        """The design header."""
        return self._info

    @property
    def checks(self) -> ChecksConfig:
        """The review configuration written in the design."""
        return self._checks

    @property
    def decisions(self) -> Mapping[str, Decision]:
        """Architecture decisions by id, in file order."""
        return MappingProxyType(self._decisions)

    @property
    def flows(self) -> Mapping[str, Flow]:
        """Flows by id, in file order."""
        return MappingProxyType(self._flows)

    @property
    def layout(self) -> Mapping[str, tuple[float, float]]:
        """Canvas positions by element id."""
        return MappingProxyType(self._layout)

    def __contains__(self, element_id: object) -> bool:
        return element_id in self._graph

    def __len__(self) -> int:
        return self._graph.number_of_nodes()

    def element(self, element_id: str) -> Element:
        """The element with ``element_id``; raises :class:`ModelError` with a hint if absent."""
        try:
            return self._graph.nodes[element_id]["element"]
        except KeyError:
            raise ModelError(self._unknown(element_id)) from None

    def kind(self, element_id: str) -> ElementKind:
        """The kind of the element with ``element_id``."""
        return kind_of(self.element(element_id))

    def elements(self, kind: ElementKind | None = None) -> Iterator[tuple[str, Element]]:
        """``(id, element)`` pairs in insertion order, optionally of one kind."""
        for node_id, data in self._graph.nodes(data="element"):
            if kind is None or KIND_OF[type(data)] is kind:
                yield node_id, data

    def services(self) -> Iterator[tuple[str, Service]]:
        """The services, in insertion order."""
        return self.elements(ElementKind.SERVICE)  # type: ignore[return-value]

    def datastores(self) -> Iterator[tuple[str, Datastore]]:
        """The datastores, in insertion order."""
        return self.elements(ElementKind.DATASTORE)  # type: ignore[return-value]

    def relations(self, kind: RelationKind | None = None) -> Iterator[Relation]:
        """All relations in insertion order, optionally of one kind."""
        for _, _, rel in self._graph.edges(data="relation"):
            if kind is None or rel.kind is kind:
                yield rel

    def out_relations(self, element_id: str) -> Iterator[Relation]:
        """Relations initiated by ``element_id``."""
        for _, _, rel in self._graph.out_edges(element_id, data="relation"):
            yield rel

    def in_relations(self, element_id: str) -> Iterator[Relation]:
        """Relations targeting ``element_id``."""
        for _, _, rel in self._graph.in_edges(element_id, data="relation"):
            yield rel

    def relation(self, source: str, target: str, kind: RelationKind) -> Relation | None:
        """The relation with that key, or None."""
        data = self._graph.get_edge_data(source, target, kind)
        return None if data is None else data["relation"]

    # ------------------------------------------------------------------ events

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every mutation; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: DesignEvent) -> None:
        for listener in tuple(self._listeners):
            listener(event)

    # ------------------------------------------------------------------ element mutators

    def add_element(self, element_id: str, element: Element) -> None:
        """Add a top-level element under a new, valid id."""
        self._check_id(element_id)
        if element_id in self._graph:
            raise ModelError(f"an element with id '{element_id}' already exists; choose another id")
        if type(element) not in KIND_OF:
            raise ModelError(f"{type(element).__name__} is not a design element")
        self._graph.add_node(element_id, element=element)
        self._emit(ElementAdded(element_id, element))

    def replace_element(self, element_id: str, element: Element) -> None:
        """Replace an element by a new version of the same kind."""
        old = self.element(element_id)
        if type(old) is not type(element):
            new_kind = KIND_OF.get(type(element))
            raise ModelError(
                f"'{element_id}' is a {kind_of(old).value}; it cannot become a "
                f"{new_kind.value if new_kind else type(element).__name__}"
            )
        if _same(old, element):
            return
        self._graph.nodes[element_id]["element"] = element
        self._emit(ElementChanged(element_id, old, element))

    def order(self) -> Order:
        """The order of elements, relations and decisions (the order they are saved in)."""
        return tuple(self._graph), tuple(self._graph.edges(keys=True)), tuple(self._decisions)

    def restore_order(self, order: Order) -> None:
        """Put elements and relations back in a recorded :meth:`order` (after undoing a delete
        re-added them at the end), so that undo gives back the same file, byte for byte.
        What the order does not name keeps its place after the rest."""
        nodes, edges, decisions = order
        decision_rank = {decision: i for i, decision in enumerate(decisions)}
        _reorder(self._decisions, lambda item: decision_rank.get(item[0], len(decision_rank)))
        node_rank = {node: i for i, node in enumerate(nodes)}
        edge_rank = {edge: i for i, edge in enumerate(edges)}
        last = len(edge_rank)
        graph = self._graph
        # networkx keeps insertion order in its dicts; reorder them in place (views hold them).
        for outer in (graph._node, graph._succ, graph._pred):
            _reorder(outer, lambda item: node_rank.get(item[0], len(node_rank)))
        for source, targets in graph._succ.items():
            for target, keys in targets.items():
                _reorder(keys, lambda item, s=source, t=target: edge_rank.get((s, t, item[0]),
                                                                              last))
            _reorder(targets, lambda item, s=source: min(
                (edge_rank.get((s, item[0], k), last) for k in item[1]), default=last))

    def flows_naming(self, element_id: str) -> dict[str, Flow]:
        """The flows with a step from or to ``element_id``."""
        return {flow_id: flow for flow_id, flow in self._flows.items()
                if any(element_id in (s.source, s.target) for s in flow.steps)}

    def elements_naming(self, element_id: str) -> dict[str, Element]:
        """The other elements whose values name ``element_id``: services with a connection
        pool to it, datastores with a query it issues."""
        found: dict[str, Element] = {}
        for other_id, other in self.elements():
            if _refers_to(other, element_id):
                found[other_id] = other
        return found

    def remove_element(self, element_id: str) -> Element:
        """Remove an element, its relations (each emitted first), the flow steps and the
        references of other elements that name it (a connection pool to it, a query issued by
        it: the file would not load again) and its position."""
        element = self.element(element_id)
        incident = [*self.in_relations(element_id), *self.out_relations(element_id)]
        for rel in dict.fromkeys(incident):
            self.remove_relation(rel.source, rel.target, rel.kind)
        for flow_id, flow in self.flows_naming(element_id).items():
            steps = tuple(s for s in flow.steps if element_id not in (s.source, s.target))
            self.set_flow(flow_id, replace(flow, steps=steps))
        for other_id, other in self.elements_naming(element_id).items():
            self.replace_element(other_id, _without_reference(other, element_id))
        self._graph.remove_node(element_id)
        if self._layout.pop(element_id, None) is not None:
            self._emit(LayoutChanged((element_id,)))
        self._emit(ElementRemoved(element_id, element))
        return element

    # ------------------------------------------------------------------ relation mutators

    def add_relation(self, relation: Relation) -> None:
        """Add a relation between two existing elements of compatible kinds."""
        self._check_relation(relation)
        if self._graph.has_edge(relation.source, relation.target, relation.kind):
            raise ModelError(
                f"'{relation.source}' already {relation.kind.value} '{relation.target}'; "
                "edit that relation instead"
            )
        self._graph.add_edge(relation.source, relation.target, key=relation.kind, relation=relation)
        self._emit(RelationAdded(relation))

    def replace_relation(self, relation: Relation) -> None:
        """Replace the attributes of an existing relation (same source, target, kind)."""
        old = self.relation(relation.source, relation.target, relation.kind)
        if old is None:
            raise ModelError(f"no relation {relation.id} to change")
        if _same(old, relation):
            return
        self._graph.edges[relation.source, relation.target, relation.kind]["relation"] = relation
        self._emit(RelationChanged(old, relation))

    def remove_relation(self, source: str, target: str, kind: RelationKind) -> Relation:
        """Remove a relation and return it."""
        old = self.relation(source, target, kind)
        if old is None:
            raise ModelError(f"no relation {source}.{kind.value}.{target} to remove")
        self._graph.remove_edge(source, target, kind)
        self._emit(RelationRemoved(old))
        return old

    # ------------------------------------------------------------------ other mutators

    def set_info(self, info: DesignInfo) -> None:
        """Replace the design header."""
        old, self._info = self._info, info
        if old != info:
            self._emit(InfoChanged("info", old, info))

    def set_checks(self, checks: ChecksConfig) -> None:
        """Replace the review configuration."""
        old, self._checks = self._checks, checks
        if old != checks:
            self._emit(InfoChanged("checks", old, checks))

    def set_decision(self, decision_id: str, decision: Decision | None) -> None:
        """Add or replace a decision, or remove it with ``None``."""
        self._check_id(decision_id)
        old = self._decisions.get(decision_id)
        if decision is None:
            if old is None:
                raise ModelError(f"no decision '{decision_id}' to remove")
            del self._decisions[decision_id]
        else:
            self._decisions[decision_id] = decision
        if old != decision:
            self._emit(DecisionChanged(decision_id, old, decision))

    def set_flow(self, flow_id: str, flow: Flow | None) -> None:
        """Add or replace a flow, or remove it with ``None``."""
        self._check_id(flow_id)
        old = self._flows.get(flow_id)
        if flow is None:
            if old is None:
                raise ModelError(f"no flow '{flow_id}' to remove")
            del self._flows[flow_id]
        else:
            for step in flow.steps:
                self.element(step.source)
                self.element(step.target)
            self._flows[flow_id] = flow
        if old != flow:
            self._emit(FlowChanged(flow_id, old, flow))

    def set_positions(self, positions: Mapping[str, tuple[float, float] | None]) -> None:
        """Move elements on the canvas (``None`` forgets a position); one event for all."""
        for element_id, pos in positions.items():
            self.element(element_id)
            if pos is None:
                self._layout.pop(element_id, None)
            else:
                self._layout[element_id] = (float(pos[0]), float(pos[1]))
        if positions:
            self._emit(LayoutChanged(tuple(positions)))

    # ------------------------------------------------------------------ validation

    def _unknown(self, element_id: str) -> str:
        hint = did_you_mean(element_id, list(self._graph.nodes))
        return f"no element with id '{element_id}'" + (f"; {hint}" if hint else "")

    @staticmethod
    def _check_id(element_id: str) -> None:
        if not isinstance(element_id, str) or not ID_PATTERN.match(element_id):
            raise ModelError(
                f"'{element_id}' is not a valid id: use letters, digits, '-' and '_', "
                "starting with a letter or digit (e.g. order-service)"
            )

    def _check_relation(self, relation: Relation) -> None:
        sources, targets = ALLOWED[relation.kind]
        source_kind = self.kind(relation.source)
        target_kind = self.kind(relation.target)
        if relation.source == relation.target:
            raise ModelError(f"'{relation.source}' cannot {relation.kind.value} itself")
        if source_kind not in sources:
            raise ModelError(
                f"a {source_kind.value} cannot have '{relation.kind.value}' relations "
                f"(allowed from: {_names(sources)})"
            )
        if target_kind not in targets:
            raise ModelError(
                f"'{relation.kind.value}' must target a {_names(targets)}, "
                f"but '{relation.target}' is a {target_kind.value}"
            )


def _names(kinds: frozenset[ElementKind]) -> str:
    return " or ".join(sorted(k.value for k in kinds))


def relation_attrs(relation: Relation) -> dict[str, Any]:
    """The relation's optional attributes (everything but kind, source and target)."""
    return {
        name: getattr(relation, name)
        for name in relation.__dataclass_fields__
        if name not in ("kind", "source", "target")
    }


def _same(old: object, new: object) -> bool:
    """Equal *and* in the same order: dict equality ignores order, and reordering named
    records (alerts, failure modes) is a real change that saves differently."""
    return old == new and repr(old) == repr(new)


def _reorder(mapping: dict[Any, Any], rank: Callable[[tuple[Any, Any]], int]) -> None:
    items = sorted(mapping.items(), key=rank)
    mapping.clear()
    mapping.update(items)


def _refers_to(element: Element, element_id: str) -> bool:
    if isinstance(element, Service):
        return element_id in element.pools
    if isinstance(element, Datastore):
        return any(query.service == element_id for query in element.queries.values())
    return False


def _without_reference(element: Element, element_id: str) -> Element:
    """``element`` no longer naming ``element_id`` (see :meth:`Design.elements_naming`)."""
    if isinstance(element, Service):
        pools = {k: v for k, v in element.pools.items() if k != element_id}
        return replace(element, pools=pools)
    if isinstance(element, Datastore):
        queries = {k: replace(q, service="") if q.service == element_id else q
                   for k, q in element.queries.items()}
        return replace(element, queries=queries)
    return element
