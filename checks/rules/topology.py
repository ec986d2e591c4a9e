"""Shared reading of a design's topology for the API, resilience and observability rules.

*Outside* means a client or an external system. A service is *exposed* when it is declared
``public`` or something outside calls it directly; an endpoint is exposed when its own
``public`` says so, else when its service is exposed. The *synchronous graph* holds the calls,
reads and writes (the initiator waits); the *entries* are where outside traffic lands on it.
Everything here is a pure function of the design and iterates in file order, so rule output is
deterministic.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator

from models.design import Design
from models.elements import ElementKind, Endpoint, RelationKind, Service

__all__ = [
    "OUTSIDE",
    "SyncGraph",
    "critical_paths",
    "endpoint_label",
    "entries",
    "exposed_endpoints",
    "exposed_services",
    "exposure",
    "service_endpoints",
    "sync_graph",
]

#: Element kinds outside the system's control and network.
OUTSIDE = frozenset({ElementKind.CLIENT, ElementKind.EXTERNAL})


def endpoint_label(endpoint: Endpoint) -> str:
    """``POST /api/v1/orders``."""
    return f"{endpoint.method.value} {endpoint.path}"


def exposure(design: Design, service_id: str, service: Service) -> str:
    """Why a service is reachable from outside (``public``, ``called by web (client)``), or
    ``""`` when it is not."""
    if service.public:
        return "public"
    callers = sorted(
        f"{rel.source} ({design.kind(rel.source).value})"
        for rel in design.in_relations(service_id)
        if rel.kind is RelationKind.CALLS and design.kind(rel.source) in OUTSIDE
    )
    return "called by " + ", ".join(callers) if callers else ""


def exposed_services(design: Design) -> dict[str, str]:
    """Services reachable from outside, with why (see :func:`exposure`), in file order."""
    found = ((sid, exposure(design, sid, service)) for sid, service in design.services())
    return {sid: why for sid, why in found if why}


def service_endpoints(
    design: Design, service_id: str, service: Service
) -> Iterator[tuple[str, Endpoint, str]]:
    """``(endpoint id, endpoint, why)`` for the service's endpoints reachable from outside.

    ``Endpoint.public`` overrides the service's exposure either way. When some endpoints of
    a service declare ``public`` and the service itself is not public, those declarations
    are taken as the complete list: an external that calls in (a payment provider's webhook)
    reaches the endpoints marked public, not every endpoint of the service.
    """
    why = exposure(design, service_id, service)
    explicit = any(e.public is not None for e in service.endpoints.values())
    for endpoint_id, endpoint in service.endpoints.items():
        if endpoint.public is not None:
            exposed = endpoint.public
        else:
            exposed = service.public or (bool(why) and not explicit)
        if exposed:
            yield endpoint_id, endpoint, why or "declared public"


def exposed_endpoints(design: Design) -> Iterator[tuple[str, Service, str, Endpoint, str]]:
    """``(service id, service, endpoint id, endpoint, why)`` for every exposed endpoint."""
    for service_id, service in design.services():
        for endpoint_id, endpoint, why in service_endpoints(design, service_id, service):
            yield service_id, service, endpoint_id, endpoint, why


#: Adjacency of the synchronous graph: element id -> the ids it waits on, in file order.
SyncGraph = dict[str, list[str]]


def sync_graph(design: Design) -> SyncGraph:
    """The synchronous dependency graph: an edge for every calls/reads/writes relation.

    A plain adjacency dict built in one pass over the relations: the rules only walk it, and
    it is rebuilt on every whole-design run, so it must be cheap (RM-1k: a few milliseconds).
    """
    graph: SyncGraph = defaultdict(list)
    for rel in design.relations():
        if rel.kind.is_sync:
            graph[rel.source].append(rel.target)
    return graph


def entries(design: Design) -> list[str]:
    """Outside elements that call in, then exposed services, in file order."""
    called: set[str] = set()
    callers: set[str] = set()
    for rel in design.relations(RelationKind.CALLS):
        if design.kind(rel.source) in OUTSIDE:
            callers.add(rel.source)
            called.add(rel.target)
    exposed = [
        sid
        for sid, service in design.services()
        if service.public or sid in called or any(e.public for e in service.endpoints.values())
    ]
    return [eid for eid, _ in design.elements() if eid in callers] + exposed


def critical_paths(design: Design, graph: SyncGraph | None = None) -> dict[str, tuple[str, ...]]:
    """For every element reachable synchronously from an entry, one shortest path to it.

    Breadth-first from each entry in turn (outside callers first, then exposed services not
    reached yet), so a path starts where the traffic comes from and is stable; an entry not
    reached from an earlier one maps to a one-element path.
    """
    graph = sync_graph(design) if graph is None else graph
    paths: dict[str, tuple[str, ...]] = {}
    for entry in entries(design):
        if entry not in paths:
            paths[entry] = (entry,)
            _extend(graph, paths, entry)
    return paths


def _extend(graph: SyncGraph, paths: dict[str, tuple[str, ...]], start: str) -> None:
    queue: deque[str] = deque([start])
    while queue:
        node = queue.popleft()
        for successor in graph.get(node, ()):
            if successor not in paths:
                paths[successor] = (*paths[node], successor)
                queue.append(successor)
