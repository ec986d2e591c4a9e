"""API rules (ARC3xx): versioning, pagination, async operations, errors, auth, rate limits,
idempotency.

They read the endpoints of services (``service-id.endpoint-id`` in findings) and, for the rules
about exposure, the calls coming in from clients and externals (see :mod:`checks.rules.topology`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checks.base import Context, Finding, Rule, Severity
from checks.rules.topology import endpoint_label, service_endpoints
from models.design import Design
from models.elements import ElementKind, Endpoint, HttpMethod, RelationKind, Service

__all__ = [
    "LongRunningWithoutAsync",
    "MissingErrorResponses",
    "MissingRateLimit",
    "RetriedPostWithoutIdempotency",
    "UnauthenticatedEndpoint",
    "UnpaginatedCollection",
    "UnversionedPath",
]

_EXPOSURE_READS = frozenset({"service", "client", "external", "relations"})

#: A ``/v1/``-style segment: ``/v1``, ``/v2/``, ``/v1.2/``.
_VERSION_SEGMENT = re.compile(r"/v\d+(?:\.\d+)?(?:/|$)", re.IGNORECASE)
#: Operational paths that are not part of the versioned API contract.
_OPERATIONAL = re.compile(
    r"^/(?:health\w*|livez?|readyz?|ping|metrics|\.well-known)(?:/|$)", re.IGNORECASE
)
#: Query parameters that page a result even when ``pagination`` is not filled in.
_PAGING_PARAMS = frozenset(
    {"cursor", "page", "offset", "limit", "page_size", "per_page", "page_token", "after", "before"}
)
#: Summaries that announce a collection: "List orders", "Search products", "Get all users".
_LIST_SUMMARY = re.compile(
    r"^\s*(?:lists?|search(?:es)?|browse|enumerates?|(?:get|fetch|return)s?\s+all)\b",
    re.IGNORECASE,
)
_UNSAFE = frozenset({HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE})
_NO_AUTH = frozenset({"none", "anonymous", "public", "no"})


def _service(design: Design, element_id: str) -> Service:
    service = design.element(element_id)
    assert isinstance(service, Service)  # scope is services only
    return service


def _eid(service_id: str, endpoint_id: str) -> str:
    return f"{service_id}.{endpoint_id}"


def _success_bodies(endpoint: Endpoint) -> Iterator[object]:
    for code, response in endpoint.responses.items():
        if str(code).startswith("2"):
            yield response.body


class UnversionedPath(Rule):
    """API paths carry no version and the service declares no version header.

    *Anti-pattern*: ``GET /orders`` with no ``/v1/`` segment and no version header: the first
    incompatible change breaks every client at once, because there is nowhere to put v2.

    *Best practice*: version the contract from day one, either in the path (``/api/v1/orders``)
    or with a header the service declares (``versioning: {scheme: header, header:
    Api-Version}``). Health and metrics paths are operational and need no version.
    """

    code = "ARC301"
    name = "api.unversioned-path"
    groups = ("api",)
    default_severity = Severity.WARNING
    reads = frozenset({"service"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per service listing its unversioned paths."""
        service = _service(design, element_id)
        if _header_versioned(service):
            return
        paths = sorted(
            {
                e.path
                for e in service.endpoints.values()
                if not _VERSION_SEGMENT.search(e.path) and not _OPERATIONAL.match(e.path)
            }
        )
        if paths:
            yield self._finding(element_id, service, paths)

    def _finding(self, service_id: str, service: Service, paths: list[str]) -> Finding:
        shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        if service.versioning and service.versioning.scheme == "header":
            return self.finding(
                service_id,
                f"{service_id} declares header versioning but names no header, and "
                f"{len(paths)} path(s) carry no version: {shown}",
                "name the header (versioning: {scheme: header, header: Api-Version})",
            )
        return self.finding(
            service_id,
            f"{len(paths)} path(s) of {service_id} carry no version and no version header "
            f"is declared: {shown}",
            f"put the version in the path ({_versioned_example(paths[0])}) or declare "
            "versioning: {scheme: header, header: Api-Version}",
        )


def _header_versioned(service: Service) -> bool:
    versioning = service.versioning
    return bool(versioning and versioning.scheme == "header" and versioning.header)


def _versioned_example(path: str) -> str:
    if path.startswith("/api/"):
        return "/api/v1/" + path.removeprefix("/api/")
    return "/v1" + path


class UnpaginatedCollection(Rule):
    """A collection ``GET`` returns every item at once.

    *Anti-pattern*: ``GET /api/v1/orders`` answering with the whole list: fine with 50 rows in
    the demo, a timeout and an out-of-memory with 5 million in production.

    *Best practice*: page every collection (cursor/keyset paging scales best) and say so with
    ``pagination: cursor``. The rule treats a ``GET`` as a collection when its path does not
    end in a ``{param}`` and a 2xx body is a list (or an object with a list field), or its
    summary starts with "List", "Search" or "Get all". Declared paging query parameters
    (``cursor``, ``page``, ``limit``...) count as pagination, and an explicit
    ``pagination: none`` records a deliberate choice (a result bounded by its parameters,
    such as a time series over a capped range) and is respected.
    """

    code = "ARC302"
    name = "api.unpaginated-collection"
    groups = ("api",)
    default_severity = Severity.WARNING
    reads = frozenset({"service"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per collection endpoint of the service without paging."""
        for endpoint_id, endpoint in _service(design, element_id).endpoints.items():
            if endpoint.pagination is not None or _pages(endpoint):
                continue  # paged, or 'pagination: none' records a bounded result
            why = _collection_reason(endpoint)
            if why:
                yield self._finding(element_id, endpoint_id, endpoint, why)

    def _finding(self, service_id: str, endpoint_id: str, endpoint: Endpoint, why: str) -> Finding:
        return self.finding(
            _eid(service_id, endpoint_id),
            f"{endpoint_label(endpoint)} on {service_id} {why} but has no pagination: "
            "the response grows with the data",
            "page it: set 'pagination: cursor' and document a 'cursor' and 'limit' query "
            "parameter and a next-cursor field in the response",
        )


def _pages(endpoint: Endpoint) -> bool:
    return any(
        p.location == "query" and name.lower() in _PAGING_PARAMS
        for name, p in endpoint.parameters.items()
    )


def _collection_reason(endpoint: Endpoint) -> str:
    """Why the endpoint looks like a collection read, or ``""``."""
    if endpoint.method is not HttpMethod.GET or re.search(r"\{[^/]*\}/?$", endpoint.path):
        return ""
    for body in _success_bodies(endpoint):
        if isinstance(body, list):
            return "returns a list"
        if isinstance(body, dict):
            fields = sorted(str(k) for k, v in body.items() if isinstance(v, list))
            if fields:
                return f"returns a list in '{fields[0]}'"
    if _LIST_SUMMARY.match(endpoint.summary):
        return f"lists items ('{endpoint.summary.strip()}')"
    return ""


class LongRunningWithoutAsync(Rule):
    """A long-running operation is served synchronously, or its async pattern is incomplete.

    *Anti-pattern*: a report generation or bulk import that holds the HTTP request open for
    minutes: load balancers cut it, clients retry it, and the work runs twice.

    *Best practice*: accept the work with ``202 Accepted``, return a status resource
    (``status_path``, served by a ``GET`` endpoint) the client polls, and set ``mode: async``.
    Fire-and-forget intake (``mode: async`` and ``202`` without ``long_running``) needs no
    status resource; a ``status_path`` that no ``GET`` endpoint of the service serves is
    reported.
    """

    code = "ARC303"
    name = "api.long-running-sync"
    groups = ("api",)
    default_severity = Severity.WARNING
    reads = frozenset({"service"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per long-running or async endpoint missing part of the pattern."""
        service = _service(design, element_id)
        for endpoint_id, endpoint in service.endpoints.items():
            if endpoint.long_running:
                missing = _missing_async_parts(service, endpoint)
            elif endpoint.status_path and not _serves(service, endpoint.status_path):
                missing = [f"GET endpoint serving its status path {endpoint.status_path}"]
            else:
                continue
            if missing:
                yield self._finding(element_id, endpoint_id, endpoint, missing)

    def _finding(
        self, service_id: str, endpoint_id: str, endpoint: Endpoint, missing: list[str]
    ) -> Finding:
        what = "is long-running" if endpoint.long_running else "has a status resource"
        return self.finding(
            _eid(service_id, endpoint_id),
            f"{endpoint_label(endpoint)} on {service_id} {what} but lacks the async pattern: "
            f"no {', no '.join(missing)}",
            "answer 202 Accepted with a Location to a status resource, set 'mode: async' and "
            "'status_path', and add a GET endpoint for that status path",
        )


def _missing_async_parts(service: Service, endpoint: Endpoint) -> list[str]:
    missing = []
    if endpoint.mode != "async":
        missing.append("'mode: async'")
    if "202" not in {str(code) for code in endpoint.responses}:
        missing.append("202 Accepted response")
    if not endpoint.status_path:
        missing.append("status resource (status_path)")
    elif not _serves(service, endpoint.status_path):
        missing.append(f"GET endpoint serving its status path {endpoint.status_path}")
    return missing


def _serves(service: Service, path: str) -> bool:
    return any(e.method is HttpMethod.GET and e.path == path for e in service.endpoints.values())


class MissingErrorResponses(Rule):
    """An endpoint documents no error response.

    *Anti-pattern*: only the ``200`` is written down; clients learn the error format (or that
    there is none) in production, and every team invents its own.

    *Best practice*: document at least the client errors (``400``/``404``/``409``/``422``) and
    the server error (``500``/``503``) with one consistent error body (RFC 9457 problem
    details). ``4XX``, ``5XX`` and ``default`` count.
    """

    code = "ARC304"
    name = "api.undocumented-errors"
    groups = ("api",)
    default_severity = Severity.WARNING
    reads = frozenset({"service"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per endpoint of the service without an error response."""
        for endpoint_id, endpoint in _service(design, element_id).endpoints.items():
            codes = [str(code) for code in endpoint.responses]
            if any(code[:1] in ("4", "5") or code == "default" for code in codes):
                continue
            documented = ", ".join(codes) if codes else "no response at all"
            yield self.finding(
                _eid(element_id, endpoint_id),
                f"{endpoint_label(endpoint)} on {element_id} documents no 4xx/5xx error "
                f"response (documented: {documented})",
                "add the error responses clients must handle, e.g. '400' (validation), "
                "'404', '500', with one shared error body {error: string, details: [...]}",
            )


class UnauthenticatedEndpoint(Rule):
    """An endpoint reachable from outside requires no authentication.

    *Anti-pattern*: a service that is public, or that a client or external system calls
    directly, with endpoints that state no ``auth``, or that accept anonymous writes. An
    endpoint without ``auth`` inherits the service's ``security.authn`` only when none of the
    service's endpoints states its own ``auth``; otherwise the one left out is reported.

    *Best practice*: authenticate every exposed endpoint (``auth: bearer`` / OAuth2, mTLS or
    signed webhooks). Anonymous access must be a visible choice: ``auth: none`` is accepted on
    reads; on a ``POST``/``PUT``/``PATCH``/``DELETE`` it is reported, and a deliberate one
    (sign-up, login) is suppressed with its reason. ``public: false`` on an endpoint keeps it
    internal.
    """

    code = "ARC305"
    name = "api.unauthenticated-endpoint"
    groups = ("api", "security")
    default_severity = Severity.ERROR
    reads = _EXPOSURE_READS
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per exposed endpoint of the service that needs no authentication."""
        service = _service(design, element_id)
        inherits = _inherits_authn(service)
        for endpoint_id, endpoint, why in service_endpoints(design, element_id, service):
            auth = endpoint.auth.strip().lower()
            if auth and auth not in _NO_AUTH:
                continue
            if auth and endpoint.method not in _UNSAFE:
                continue  # a deliberate anonymous read
            if not auth and inherits:
                continue
            yield self._finding(element_id, endpoint_id, endpoint, why, declared=bool(auth))

    def _finding(
        self, service_id: str, endpoint_id: str, endpoint: Endpoint, why: str, declared: bool
    ) -> Finding:
        what = (
            f"accepts anonymous {endpoint.method.value} requests ('auth: {endpoint.auth}')"
            if declared
            else "declares no authentication ('auth' is not set)"
        )
        return self.finding(
            _eid(service_id, endpoint_id),
            f"{endpoint_label(endpoint)} on {service_id} ({why}) {what}",
            "require authentication ('auth: bearer' with OAuth2/OIDC, or set security.authn on "
            "the service); if it must stay anonymous, rate-limit it and suppress this finding "
            "with the reason",
        )


def _inherits_authn(service: Service) -> bool:
    """Endpoints without ``auth`` inherit ``security.authn`` only when no endpoint of the
    service states its own: once some do, a missing one stands out as unauthenticated."""
    has_authn = bool(service.security and service.security.authn)
    return has_authn and not any(e.auth for e in service.endpoints.values())


class MissingRateLimit(Rule):
    """A public endpoint has no rate limit, or does not tell clients how to back off.

    *Anti-pattern*: an exposed endpoint with no per-client limit: one buggy or hostile client
    exhausts capacity for everyone. Or a ``429`` without ``Retry-After``, so clients retry
    immediately and amplify the overload.

    *Best practice*: set ``rate_limit`` (``100/min`` per client) and document the ``429``
    response with a ``Retry-After`` header, so well-behaved clients degrade gracefully. Either
    one shows the endpoint is limited; a documented ``429`` without ``Retry-After`` is
    reported.
    """

    code = "ARC306"
    name = "api.missing-rate-limit"
    groups = ("api", "security")
    default_severity = Severity.WARNING
    reads = _EXPOSURE_READS
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per exposed endpoint of the service without a documented limit."""
        service = _service(design, element_id)
        for endpoint_id, endpoint, why in service_endpoints(design, element_id, service):
            problem = _rate_limit_problem(endpoint)
            if problem:
                yield self.finding(
                    _eid(element_id, endpoint_id),
                    f"{endpoint_label(endpoint)} on {element_id} ({why}) {problem}",
                    "set 'rate_limit' (e.g. 100/min per client) and document a '429' response "
                    "with headers: [Retry-After]",
                )


def _rate_limit_problem(endpoint: Endpoint) -> str:
    too_many = next((r for c, r in endpoint.responses.items() if str(c) == "429"), None)
    if too_many is None:
        return "" if endpoint.rate_limit else "has no rate limit and documents no 429 response"
    if not any(h.lower() == "retry-after" for h in too_many.headers):
        return "documents 429 without a Retry-After header, so clients cannot back off"
    return ""


class RetriedPostWithoutIdempotency(Rule):
    """A ``POST`` that callers retry has no idempotency key.

    *Anti-pattern*: clients (browsers, mobile apps on flaky networks) and services with a retry
    policy re-send a ``POST /orders`` whose first attempt timed out after it succeeded: the
    customer gets two orders and is charged twice.

    *Best practice*: accept an ``Idempotency-Key`` header (``idempotency: Idempotency-Key``),
    store the key with the result, and replay the stored result for a repeated key.
    """

    code = "ARC307"
    name = "api.retried-post-without-idempotency"
    groups = ("api", "resilience")
    default_severity = Severity.WARNING
    reads = frozenset({"service", "client", "relations"})
    scope = frozenset({"service"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per retried ``POST`` of the service without an idempotency key."""
        posts = [
            (eid, e)
            for eid, e in _service(design, element_id).endpoints.items()
            if e.method is HttpMethod.POST and not _idempotent(e)
        ]
        if not posts:
            return
        retrying, clients = _retriers(design, element_id)
        for endpoint_id, endpoint in posts:
            who = retrying + ([] if endpoint.public is False else clients)
            if who:
                yield self._finding(element_id, endpoint_id, endpoint, who)

    def _finding(
        self, service_id: str, endpoint_id: str, endpoint: Endpoint, who: list[str]
    ) -> Finding:
        return self.finding(
            _eid(service_id, endpoint_id),
            f"{endpoint_label(endpoint)} on {service_id} has no idempotency key, but "
            f"{' and '.join(who)}: a retry after a lost response repeats the operation",
            "accept an idempotency key ('idempotency: Idempotency-Key'), store it with the "
            "result and replay that result when the key repeats",
        )


def _idempotent(endpoint: Endpoint) -> bool:
    return bool(endpoint.idempotency.strip()) or any(
        "idempotency" in name.lower() for name in endpoint.parameters
    )


def _retriers(design: Design, service_id: str) -> tuple[list[str], list[str]]:
    """Callers that retry by policy (``x retries it (3 attempts)``) and calling clients."""
    retrying, clients = [], []
    for rel in design.in_relations(service_id):
        if rel.kind is not RelationKind.CALLS:
            continue
        if rel.retries and rel.retries.attempts > 1:
            retrying.append(f"{rel.source} retries it ({rel.retries.attempts} attempts)")
        elif design.kind(rel.source) is ElementKind.CLIENT:
            clients.append(f"client {rel.source} may retry it")
    return sorted(retrying), sorted(clients)
