"""Resilience rules (ARC4xx): timeouts, circuit breakers, retry storms, timeout budgets and
single points of failure on the synchronous call graph.

Call policies are a service's business: clients and external systems are outside the design's
control, so the timeout and breaker rules look at ``calls`` initiated by services. Findings name
the relation (``source.calls.target``) or the element; per-call rules visit the calling element
(``scope``) so an edit re-checks only the calls of the elements it touched.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from checks.base import Context, Finding, Rule, Severity
from checks.rules.topology import SyncGraph, critical_paths, sync_graph
from models.design import Design
from models.elements import (
    Datastore,
    DatastoreEngine,
    Relation,
    RelationKind,
    Service,
)
from models.units import Duration, format_number

__all__ = [
    "CalleeTimeoutExceedsCaller",
    "MissingCircuitBreaker",
    "MissingTimeout",
    "RetryWithoutBackoff",
    "SinglePointOfFailure",
]

_READS = frozenset({"service", "relations"})
#: Managed stores whose redundancy is the provider's, not a replica count.
_MANAGED = frozenset({DatastoreEngine.S3, DatastoreEngine.DYNAMODB})


def _calls_of(design: Design, service_id: str) -> Iterator[Relation]:
    for rel in design.out_relations(service_id):
        if rel.kind is RelationKind.CALLS:
            yield rel


def _arrow(rel: Relation) -> str:
    return f"{rel.source} -> {rel.target}"


def _ms(value: float) -> str:
    return f"{format_number(value)}ms" if value < 1000 else f"{format_number(value / 1000)}s"


class MissingTimeout(Rule):
    """A service calls another service or an external system without a timeout.

    *Anti-pattern*: a synchronous call that waits as long as the callee likes: one slow
    dependency holds every worker thread and connection of the caller, and the outage spreads.

    *Best practice*: set a client-side ``timeout`` on every call, derived from the callee's p99
    latency and below the caller's own deadline.
    """

    code = "ARC401"
    name = "resilience.missing-timeout"
    groups = ("resilience",)
    default_severity = Severity.WARNING
    reads = _READS
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per call the service makes without a timeout."""
        for rel in _calls_of(design, element_id):
            if rel.timeout is None:
                yield self.finding(
                    rel.id,
                    f"{_arrow(rel)} is a synchronous call without a timeout: a slow "
                    f"{rel.target} ties up {rel.source}'s workers",
                    f"set 'timeout' on the call (a little above {rel.target}'s p99 latency, "
                    f"below {rel.source}'s own deadline)",
                    related=(rel.source, rel.target),
                )


class MissingCircuitBreaker(Rule):
    """A service calls another service or an external system without a circuit breaker.

    *Anti-pattern*: every request keeps calling a dependency that is down, waiting for the full
    timeout each time: the failure cascades to the caller and its callers.

    *Best practice*: wrap each synchronous call in a circuit breaker that fails fast while the
    dependency is unhealthy, with a ``fallback`` (cached data, a degraded answer) where one
    exists.
    """

    code = "ARC402"
    name = "resilience.missing-circuit-breaker"
    groups = ("resilience",)
    default_severity = Severity.WARNING
    reads = _READS
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per call the service makes without a circuit breaker."""
        for rel in _calls_of(design, element_id):
            breaker = rel.circuit_breaker
            if breaker is None or not breaker.enabled:
                state = "disables its circuit breaker" if breaker else "has no circuit breaker"
                yield self.finding(
                    rel.id,
                    f"{_arrow(rel)} {state}: when {rel.target} fails, {rel.source} keeps "
                    "calling it and the failure cascades",
                    "add 'circuit_breaker: {failure_threshold: 50%, reset_after: 30s, "
                    "fallback: ...}' to the call",
                    related=(rel.source, rel.target),
                )


class RetryWithoutBackoff(Rule):
    """A call retries without exponential backoff and jitter.

    *Anti-pattern*: immediate or fixed-interval retries: when a dependency blips, every caller
    retries in lock-step and the retry wave (thundering herd) keeps it down.

    *Best practice*: ``retries: {attempts: 3, backoff: exponential, base: 100ms, jitter: true}``
    so retries spread out and back off while the dependency recovers.
    """

    code = "ARC403"
    name = "resilience.retry-without-backoff"
    groups = ("resilience",)
    default_severity = Severity.WARNING
    reads = frozenset({"relations"})
    #: Everything that can initiate a relation with a retry policy.
    scope = frozenset({"service", "client", "external", "queue"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per relation the element initiates that retries in lock-step."""
        for rel in design.out_relations(element_id):
            retry = rel.retries
            if retry is None or retry.attempts <= 1:
                continue
            problems = []
            if retry.backoff in ("", "none", "fixed"):
                problems.append(f"'{retry.backoff or 'none'}' backoff")
            if not retry.jitter:
                problems.append("no jitter")
            if problems:
                yield self.finding(
                    rel.id,
                    f"{_arrow(rel)} retries up to {retry.attempts} attempts with "
                    f"{' and '.join(problems)}: callers retry in lock-step (thundering herd)",
                    "use 'retries: {attempts: 3, backoff: exponential, base: 100ms, jitter: true}'",
                    related=(rel.source, rel.target),
                )


class CalleeTimeoutExceedsCaller(Rule):
    """A service waits on a dependency longer than its own callers wait for it.

    *Anti-pattern*: ``A -> B`` times out after 300ms while ``B -> C`` waits 1s (or 3 retries
    of 250ms): A has given up and perhaps retried while B is still working for it, wasting
    capacity exactly when the system is slow.

    *Best practice*: timeouts shrink along the call chain: each outgoing call's worst case
    (timeout x attempts) fits within the incoming call's timeout, ideally with deadline
    propagation. The rule compares against the longest incoming timeout, so only calls that
    overrun every caller are reported.
    """

    code = "ARC404"
    name = "resilience.timeout-exceeds-caller"
    groups = ("resilience",)
    default_severity = Severity.WARNING
    reads = _READS
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """Compare the service's outgoing timeouts with the longest incoming one."""
        incoming = [
            rel
            for rel in design.in_relations(element_id)
            if rel.kind is RelationKind.CALLS and rel.timeout is not None
        ]
        if not incoming:
            return
        budget = max(incoming, key=lambda rel: (_timeout(rel).ms, rel.source))
        for rel in design.out_relations(element_id):
            if rel.kind.is_sync and rel.timeout is not None:
                finding = self._compare(budget, rel)
                if finding:
                    yield finding

    def _compare(self, budget: Relation, rel: Relation) -> Finding | None:
        limit = _timeout(budget).ms
        attempts = rel.retries.attempts if rel.retries else 1
        single = _timeout(rel).ms
        if single > limit:
            worst = f"a timeout of {_ms(single)}"
        elif single * attempts > limit:
            worst = f"{attempts} attempts x {_ms(single)} = {_ms(single * attempts)}"
        else:
            return None
        return self.finding(
            rel.id,
            f"{_arrow(rel)} may wait {worst}, longer than the {_ms(limit)} "
            f"{budget.source} waits for {rel.source}: {rel.source} keeps working after its "
            "caller gave up",
            f"keep the worst case of {_arrow(rel)} under {_ms(limit)} (lower the timeout or "
            f"the attempts), or raise the timeout of {_arrow(budget)}",
            related=(budget.source, rel.source, rel.target),
        )


def _timeout(rel: Relation) -> Duration:
    assert rel.timeout is not None  # callers filter on it
    return rel.timeout


class SinglePointOfFailure(Rule):
    """A single instance sits on a synchronous path from a public entry, with no fallback.

    *Anti-pattern*: a service that runs one instance (``scaling.max: 1`` or no scaling
    declared), or a datastore with no replica, that requests from outside wait on
    synchronously, and whose callers have no fallback: when it dies, those requests fail.

    *Best practice*: run at least two instances (``scaling: {min: 2, max: ...}``), give
    datastores a replica / standby (``replicas: 1``), or give every caller a ``fallback``
    (cached data, a queue) so the path degrades instead of failing. The rule walks the
    synchronous graph from the entries (clients and externals calling in, exposed services)
    and uses its dominator tree to name everything else the element cuts off. Managed stores
    (S3, DynamoDB) are redundant by construction and skipped.
    """

    code = "ARC405"
    name = "resilience.single-point-of-failure"
    groups = ("resilience",)
    default_severity = Severity.WARNING
    #: Whole-design rule: narrowed to the fields it reads, so most edits do not re-run it.
    reads = frozenset(
        {
            "service.scaling",
            "service.public",
            "service.endpoints",
            "datastore.replicas",
            "datastore.engine",
            "relations",
        }
    )

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        graph = sync_graph(design)
        paths = critical_paths(design, graph)
        cut_off = _dominated(graph, paths)
        for element_id, element in design.elements():
            if element_id not in paths:
                continue
            why = _single_instance(element)
            if why and not _has_fallback(design, element_id, paths):
                yield self._finding(element_id, why, paths[element_id], cut_off[element_id])

    def _finding(
        self, element_id: str, why: str, path: tuple[str, ...], cut_off: list[str]
    ) -> Finding:
        via = " -> ".join(path)
        also = f"; its failure also cuts off {', '.join(cut_off)}" if cut_off else ""
        return self.finding(
            element_id,
            f"{element_id} {why} and is on the synchronous path {via} with no fallback{also}",
            "run two or more instances (scaling min >= 2) or add a replica/standby "
            "(replicas: 1); or give its callers a 'fallback'",
            related=(path[0], *cut_off),
        )


def _single_instance(element: object) -> str:
    if isinstance(element, Service):
        if element.scaling is None:
            return "declares no scaling (one instance assumed)"
        if element.scaling.max <= 1:
            return f"runs at most {element.scaling.max} instance"
    if isinstance(element, Datastore) and element.engine not in _MANAGED and element.replicas == 0:
        return f"is a single {element.engine.value} primary with no replica"
    return ""


def _has_fallback(design: Design, element_id: str, paths: dict[str, tuple[str, ...]]) -> bool:
    """Every synchronous caller on a critical path degrades gracefully without it."""
    callers = [
        rel for rel in design.in_relations(element_id) if rel.kind.is_sync and rel.source in paths
    ]
    return bool(callers) and all(
        rel.fallback or (rel.circuit_breaker and rel.circuit_breaker.fallback) for rel in callers
    )


def _dominated(graph: SyncGraph, paths: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """For each reachable node, the other nodes every entry path to them goes through it
    (its descendants in the dominator tree of the reachable graph, rooted above the entries)."""
    if not paths:  # no entry: nothing is cut off (and the root would have no node)
        return {}
    root = object()
    reach = nx.DiGraph()
    reach.add_nodes_from(paths)
    reach.add_edges_from((node, target) for node in paths for target in graph.get(node, ()))
    reach.add_edges_from((root, path[0]) for path in paths.values() if len(path) == 1)
    idom = nx.immediate_dominators(reach, root)
    cut: dict[str, list[str]] = {node: [] for node in paths}
    for node in paths:
        parent = idom.get(node)
        while parent is not None and parent is not root:
            cut[parent].append(node)
            parent = idom.get(parent)
    order = {node: i for i, node in enumerate(paths)}
    return {node: sorted(found, key=order.__getitem__) for node, found in cut.items()}
