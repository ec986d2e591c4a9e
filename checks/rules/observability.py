"""Observability rules (ARC6xx): telemetry of services, alerts on SLAs, monitored critical paths.

The split avoids double reports: ARC601 covers every service's metrics, tracing and logs;
ARC603 covers the datastores that requests from outside wait on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.base import Context, Finding, Rule, Severity
from checks.rules.topology import critical_paths
from models.design import Design
from models.elements import Monitoring, RelationKind, Service, Sla

__all__ = ["MissingTelemetry", "SlaWithoutAlert", "UnmonitoredCriticalHop"]

#: Words in an alert's name or condition that show it watches latency / availability.
_LATENCY_WORDS = re.compile(
    r"latency|p50|p9\d|duration|response.?time|slow|lag|delay|freshness", re.IGNORECASE
)
_AVAILABILITY_WORDS = re.compile(
    r"error|availab|5xx|success|uptime|down|health|slo|burn|fail|drop", re.IGNORECASE
)


_TELEMETRY_HINTS = {
    "metrics": "metrics (request_rate, error_rate, latency)",
    "tracing": "tracing (e.g. OpenTelemetry to Jaeger)",
    "logs": "logs (structured, e.g. to ELK)",
}


def _service(design: Design, element_id: str) -> Service:
    service = design.element(element_id)
    assert isinstance(service, Service)  # scope is services only
    return service


def _serves_requests(design: Design, service_id: str) -> bool:
    if _service(design, service_id).endpoints:
        return True
    rels = (*design.in_relations(service_id), *design.out_relations(service_id))
    return any(rel.kind is RelationKind.CALLS for rel in rels)


def _missing_telemetry(monitoring: Monitoring | None) -> list[str]:
    if monitoring is None:
        return ["metrics", "tracing", "logs"]
    present = {
        "metrics": bool(monitoring.metrics),
        "tracing": bool(monitoring.tracing),
        "logs": bool(monitoring.logs),
    }
    return [name for name, ok in present.items() if not ok]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


class MissingTelemetry(Rule):
    """A service lacks metrics, tracing or logs.

    *Anti-pattern*: a service nobody can see into: at 3 AM the on-call cannot tell whether it
    is slow, failing, or where a request spent its time.

    *Best practice*: every service exports RED metrics (rate, errors, duration), propagates
    distributed traces and ships structured logs: ``monitoring: {metrics: [request_rate,
    error_rate, latency], tracing: Jaeger, logs: ELK}``. Tracing follows requests, so it is
    asked of services that serve endpoints or take part in ``calls``; a batch or stream job
    that only consumes queues and writes stores needs metrics and logs.
    """

    code = "ARC601"
    name = "observability.missing-telemetry"
    groups = ("observability",)
    default_severity = Severity.WARNING
    reads = frozenset({"service", "relations"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per service naming what is missing."""
        missing = _missing_telemetry(_service(design, element_id).monitoring)
        if "tracing" in missing and not _serves_requests(design, element_id):
            missing.remove("tracing")
        if missing:
            yield self.finding(
                element_id,
                f"{element_id} has no {_join(missing)}",
                "add under 'monitoring': " + ", ".join(_TELEMETRY_HINTS[m] for m in missing),
            )


class SlaWithoutAlert(Rule):
    """A service promises an SLA that no alert watches.

    *Anti-pattern*: ``sla: {availability: 99.95%, p99: 200ms}`` and no alert on error rate or
    latency: the objective is breached silently and customers notice first.

    *Best practice*: one alert per objective (``p99_latency > 200ms``, an error-budget burn
    rate) with an action for the on-call. An alert covers latency when its name or condition
    mentions latency, p50/p9x, duration, response time or (for consumers) lag, and
    availability when it mentions errors, failures, 5xx, success, availability, uptime, health,
    SLO, burn rate or a drop in throughput.
    """

    code = "ARC602"
    name = "observability.sla-without-alert"
    groups = ("observability",)
    default_severity = Severity.WARNING
    reads = frozenset({"service"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding when some objective of the service's SLA has no alert."""
        service = _service(design, element_id)
        objectives = _objectives(service.sla)
        alerts = service.monitoring.alerts if service.monitoring else {}
        uncovered = [
            text
            for text, words in objectives
            if not any(words.search(f"{name} {a.condition}") for name, a in alerts.items())
        ]
        if uncovered:
            yield self._finding(element_id, service, uncovered)

    def _finding(self, service_id: str, service: Service, uncovered: list[str]) -> Finding:
        alerts = service.monitoring.alerts if service.monitoring else {}
        have = (
            f"none of its {len(alerts)} alert(s) ({', '.join(alerts)}) watches it"
            if alerts
            else "it has no alert"
        )
        return self.finding(
            service_id,
            f"{service_id} promises {' and '.join(uncovered)} but {have}",
            "add an alert per objective under monitoring.alerts, e.g. "
            "'latency-high: {condition: p99_latency > <target>, action: page on-call}' and "
            "'error-budget-burn: {condition: error_rate > 0.1%, action: page on-call}'",
        )


def _objectives(sla: Sla | None) -> list[tuple[str, re.Pattern[str]]]:
    if sla is None:
        return []
    found = []
    if sla.availability is not None:
        found.append((f"{sla.availability} availability", _AVAILABILITY_WORDS))
    latency = [
        f"{label} {value}"
        for label, value in (("p99", sla.p99), ("p95", sla.p95), ("p50", sla.p50))
        if value is not None
    ]
    if latency:
        found.append((f"latency ({', '.join(latency)})", _LATENCY_WORDS))
    return found


class UnmonitoredCriticalHop(Rule):
    """A datastore that requests from outside wait on has no monitoring.

    *Anti-pattern*: the order path is traced through every service but ends in a database
    nobody watches: connection saturation, replication lag or a full disk shows up only as
    "the API is slow".

    *Best practice*: every hop of a critical path (anything reachable synchronously from a
    public endpoint, a client or an external caller) is monitored; give the datastore
    ``monitoring`` with its saturation metrics (connections, replication lag, disk) and
    alerts. Services on the path are covered by ARC601.
    """

    code = "ARC603"
    name = "observability.unmonitored-critical-hop"
    groups = ("observability",)
    default_severity = Severity.WARNING
    #: Whole-design rule: narrowed to the fields it reads, so most edits do not re-run it.
    reads = frozenset({"service.public", "service.endpoints", "datastore.monitoring", "relations"})

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        paths = critical_paths(design)
        for store_id, store in design.datastores():
            if store_id not in paths or not _blind(store.monitoring):
                continue
            path = paths[store_id]
            yield self.finding(
                store_id,
                f"{store_id} is on the critical path {' -> '.join(path)} but has no monitoring",
                "add 'monitoring' to the datastore: metrics (connections, query latency, "
                "replication lag, disk) and an alert on saturation",
                related=path[:-1],
            )


def _blind(monitoring: Monitoring | None) -> bool:
    return monitoring is None or not (
        monitoring.metrics or monitoring.tracing or monitoring.logs or monitoring.alerts
    )
