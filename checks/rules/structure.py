"""Structure rules (ARC1xx): dependency cycles, orphans, purpose, boundaries and size."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import Any

import networkx as nx

from checks.base import Context, Finding, Option, Rule, Severity
from models.design import Design
from models.elements import ElementKind, RelationKind, Service

__all__ = [
    "AsyncCycle",
    "GodService",
    "NoRelations",
    "ServiceWithoutPurpose",
    "SharedDatabase",
    "SyncCallCycle",
]

_ALL_KINDS = frozenset(kind.value for kind in ElementKind)


def _flow_graph(design: Design, *, sync_only: bool) -> nx.DiGraph:
    """Who waits on / triggers whom: ``calls`` edges, plus, unless ``sync_only``, messages
    (publisher -> queue -> subscriber). Edge attribute ``sync`` tells the two apart."""
    edges = []
    for rel in design.relations():
        if rel.kind is RelationKind.CALLS:
            if _is_service(design, rel.source, rel.target):  # externals' calls are webhooks
                edges.append((rel.source, rel.target, _SYNC))
        elif sync_only:
            continue
        elif rel.kind is RelationKind.PUBLISHES:
            edges.append((rel.source, rel.target, _ASYNC))
        elif rel.kind is RelationKind.SUBSCRIBES:  # the message flows from the queue
            edges.append((rel.target, rel.source, _ASYNC))
    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    return graph


_SYNC, _ASYNC = {"sync": True}, {"sync": False}


def _is_service(design: Design, *ids: str) -> bool:
    return all(design.kind(i) is ElementKind.SERVICE for i in ids)


def _cyclic_components(graph: nx.DiGraph) -> Iterator[list[str]]:
    """Strongly connected components with a cycle, each sorted, in order of their first id."""
    components = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    yield from sorted(components)


def _shortest_path(graph: nx.DiGraph, start: str, goal: str, members: set[str]) -> list[str]:
    """Shortest path ``start .. goal`` inside ``members``, visiting neighbours in sorted order
    so that the path reported is the same on every run."""
    parents: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for succ in sorted(graph.successors(node)):
            if succ in members and succ not in parents:
                parents[succ] = node
                queue.append(succ)
    path = [goal]
    while parents[path[-1]] is not None:
        path.append(parents[path[-1]])  # type: ignore[arg-type]
    return path[::-1]


def _arrow(graph: nx.DiGraph, path: list[str]) -> str:
    """``a -> b => q => c`` with ``=>`` for asynchronous hops."""
    text = path[0]
    for source, target in pairwise(path):
        text += (" -> " if graph.edges[source, target]["sync"] else " => ") + target
    return text


def _others(component: list[str], path: list[str]) -> str:
    rest = [node for node in component if node not in path]
    if not rest:
        return ""
    return f"; {len(rest)} more element(s) are caught in the same tangle: {', '.join(rest)}"


class SyncCallCycle(Rule):
    """Services call each other synchronously in a cycle.

    *Anti-pattern*: ``a`` calls ``b`` which (directly or through others) calls ``a`` while
    ``a`` waits. Latencies add up around the loop, one slow member stalls them all, timeouts
    and retries amplify load around the cycle, and none of the services can be deployed or
    scaled on its own: it is a distributed monolith.

    *Best practice*: break the loop: let one side publish an event instead of calling, move
    the shared capability into a service both call, or merge the services if they are really
    one bounded context.
    """

    code = "ARC101"
    name = "structure.sync-call-cycle"
    groups = ("structure",)
    default_severity = Severity.ERROR
    reads = frozenset({"relations"})

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        """One finding per tangle of services that call each other in a loop."""
        graph = _flow_graph(design, sync_only=True)
        for component in _cyclic_components(graph):
            start = component[0]
            members = set(component)
            back = min(p for p in graph.predecessors(start) if p in members)
            path = [*_shortest_path(graph, start, back, members), start]
            yield self.finding(
                start,
                f"synchronous call cycle {_arrow(graph, path)}{_others(component, path)}",
                "break the loop: publish an event on one edge instead of calling, or move "
                "the shared capability into a service that both call",
                related=tuple(component),
            )


class AsyncCycle(Rule):
    """Elements trigger each other in a loop that goes through a queue.

    *Anti-pattern*: a service reacts to an event by (eventually) emitting the event that
    triggered it. Loops through queues do not deadlock, but a message that re-triggers
    itself can circulate forever, multiply, or amplify a failure into a storm.

    *Best practice*: make sure every such loop terminates: events carry a causation id and
    handlers ignore their own echoes, state transitions are monotonic, and consumers are
    idempotent. Record the reasoning in an ADR and suppress this finding.
    """

    code = "ARC102"
    name = "structure.async-cycle"
    groups = ("structure",)
    default_severity = Severity.INFO
    reads = frozenset({"relations"})

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        """One finding per loop component that contains an asynchronous hop."""
        graph = _flow_graph(design, sync_only=False)
        for component in _cyclic_components(graph):
            members = set(component)
            hops = sorted((s, t) for s, t, sync in graph.edges(component, data="sync")
                          if not sync and t in members)
            if not hops:
                continue  # purely synchronous: sync-call-cycle reports it
            source, target = hops[0]
            path = [source, *_shortest_path(graph, target, source, members)]
            yield self.finding(
                component[0],
                f"event loop {_arrow(graph, path)}{_others(component, path)}",
                "make sure the loop terminates: carry a causation id and ignore echoes, keep "
                "state transitions monotonic and consumers idempotent",
                related=tuple(component),
            )


class NoRelations(Rule):
    """An element has no relation to anything else in the design.

    *Anti-pattern*: a service nobody calls and that calls nothing, a datastore nobody reads,
    a queue with neither publishers nor subscribers. Either the design is incomplete (the
    relations were never drawn) or the element is dead weight that still costs money and
    attention.

    *Best practice*: draw the relations (``calls``, ``reads``, ``writes``, ``publishes``,
    ``subscribes``, ``owns``) or remove the element.
    """

    code = "ARC103"
    name = "structure.no-relations"
    groups = ("structure",)
    default_severity = Severity.WARNING
    reads = frozenset({f"{kind}.*" for kind in _ALL_KINDS} | {"relations"})
    scope = _ALL_KINDS

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding when the element has neither incoming nor outgoing relations."""
        related = next(design.out_relations(element_id), None) or \
            next(design.in_relations(element_id), None)
        if related is None:
            kind = design.kind(element_id).value
            yield self.finding(
                element_id,
                f"{kind} '{element_id}' has no relations: nothing uses it and it uses nothing",
                "draw its relations (calls, reads, writes, publishes, subscribes, owns) "
                "or remove it",
            )


class ServiceWithoutPurpose(Rule):
    """A service does not state its purpose.

    *Anti-pattern*: a service whose single responsibility is not written down. Without it
    reviewers cannot tell whether a new endpoint belongs there, and boundaries erode until
    the service does a bit of everything.

    *Best practice*: one sentence of ``purpose`` naming the one business capability it owns,
    e.g. "Manage order lifecycle from creation to fulfilment".
    """

    code = "ARC104"
    name = "structure.service-without-purpose"
    groups = ("structure",)
    default_severity = Severity.WARNING
    reads = frozenset({"service.purpose"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding when ``purpose`` is empty."""
        service = design.element(element_id)
        if not getattr(service, "purpose", "").strip():
            yield self.finding(
                element_id,
                f"service '{element_id}' does not state its purpose",
                "write one sentence naming the single business capability it owns",
            )


_WRITE_KINDS = (RelationKind.WRITES, RelationKind.OWNS)


def _context_of(design: Design, service_id: str) -> str:
    """The bounded context of a service: its ``group``, else the service is its own."""
    return getattr(design.element(service_id), "group", "") or service_id


class SharedDatabase(Rule):
    """A datastore is written by services from more than one bounded context.

    *Anti-pattern*: the shared database. Services of different contexts (``group``) write the
    same store, so its schema is a hidden, unversioned API between teams: nobody can change a
    table without coordinating a release, and invariants are enforced nowhere.

    *Best practice*: one owning service per datastore; other contexts go through its API or
    react to its events (and keep their own read models). If sharing is a deliberate,
    temporary step (e.g. a strangler migration), record it in an ADR and suppress the finding
    with that decision.
    """

    code = "ARC105"
    name = "structure.shared-database"
    groups = ("structure",)
    default_severity = Severity.WARNING
    reads = frozenset({"service.group", "datastore.*", "relations"})
    scope = frozenset({"datastore"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding when the writers of the store span more than one context."""
        writers = sorted({rel.source for rel in design.in_relations(element_id)
                          if rel.kind in _WRITE_KINDS
                          and design.kind(rel.source) is ElementKind.SERVICE})
        contexts = {_context_of(design, w) for w in writers}
        if len(contexts) < 2:
            return
        who = ", ".join(
            f"{w} ({group})" if (group := getattr(design.element(w), "group", "")) else w
            for w in writers
        )
        yield self.finding(
            element_id,
            f"datastore '{element_id}' is written by {len(writers)} services from "
            f"{len(contexts)} bounded contexts: {who}",
            f"give '{element_id}' one owning service and let the others use its API or events; "
            "if the sharing is deliberate, record why in an ADR and suppress this finding",
            related=tuple(writers),
        )

    def related(self, design: Design, element_id: str, element: Any) -> Iterable[str]:
        """A service's group decides the findings of the stores it writes."""
        if isinstance(element, Service) and element_id in design:
            return [rel.target for rel in design.out_relations(element_id)
                    if rel.kind in _WRITE_KINDS]
        return ()


#: First path segment after the version (``/api/v1/orders/{id}`` -> ``orders``).
_RESOURCE_RE = re.compile(r"^/*(?:api/+)?(?:v\d+[^/]*/+)?([^/{]+)")


def _resources(service: Service) -> set[str]:
    found = (_RESOURCE_RE.match(e.path) for e in service.endpoints.values())
    return {match[1] for match in found if match}


class GodService(Rule):
    """A service owns too many endpoints, tables or unrelated resources.

    *Anti-pattern*: the god service. One service accumulates endpoints across many unrelated
    resources and owns a large share of the schema. It becomes the bottleneck of every
    release and every incident, and no single team can understand it.

    *Best practice*: split along business capabilities (bounded contexts): each service owns
    one cohesive set of resources and the tables behind them. The thresholds are options:
    ``god-service.max-endpoints``, ``god-service.max-tables``,
    ``god-service.max-resources``.
    """

    code = "ARC106"
    name = "structure.god-service"
    groups = ("structure",)
    default_severity = Severity.WARNING
    reads = frozenset({"service.endpoints", "datastore.tables", "relations"})
    scope = frozenset({"service"})
    options = {
        "max-endpoints": Option(25, "Endpoints a service may have."),
        "max-tables": Option(20, "Tables in the datastores a service owns."),
        "max-resources": Option(6, "Distinct top-level resources (/v1/<resource>) it serves."),
    }

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding listing every threshold the service exceeds."""
        service = design.element(element_id)
        assert isinstance(service, Service)
        owned = [rel.target for rel in design.out_relations(element_id)
                 if rel.kind is RelationKind.OWNS]
        tables = sum(len(getattr(design.element(o), "tables", {})) for o in owned)
        resources = _resources(service)
        excess = [
            (len(service.endpoints), self.option(context, "max-endpoints"), "endpoints"),
            (tables, self.option(context, "max-tables"), "owned tables"),
            (len(resources), self.option(context, "max-resources"), "unrelated resources"),
        ]
        over = [f"{n} {what} (limit {limit})" for n, limit, what in excess if n > limit]
        if over:
            yield self.finding(
                element_id,
                f"service '{element_id}' is doing too much: {', '.join(over)}",
                "split it along business capabilities so each service owns one cohesive set "
                "of resources and their tables",
            )

    def related(self, design: Design, element_id: str, element: Any) -> Iterable[str]:
        """A datastore's tables count for the services that own it."""
        if element_id in design and design.kind(element_id) is ElementKind.DATASTORE:
            return [rel.source for rel in design.in_relations(element_id)
                    if rel.kind is RelationKind.OWNS]
        return ()
