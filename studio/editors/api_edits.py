"""Pure edits and validation of a service's endpoints, used by the API editor.

Every function returns a new :class:`~models.elements.Service` (the model's value objects are
frozen); the editor wraps the result in one :class:`~studio.commands.EditElement`. Validation
functions return a message for the user, or ``""`` when the text is acceptable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import yaml

from models.elements import ID_PATTERN, Endpoint, HttpMethod, Pagination, Service
from models.units import Rate, UnitError

__all__ = [
    "Problem",
    "add_endpoint",
    "delete_endpoints",
    "duplicate_endpoint",
    "endpoint_problems",
    "method_path_problem",
    "move_endpoint",
    "parse_shape",
    "path_problem",
    "rate_problem",
    "replace_endpoint",
    "shape_text",
    "status_problem",
    "unique_id",
]

_PARAM = re.compile(r"\{([^{}]*)\}")
_PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_STATUS = re.compile(r"^(?:[1-5][0-9]{2}|[1-5]XX|default)$")


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem shown next to an endpoint: a rule finding or an OpenAPI validator error.

    Attributes:
        severity: ``error``, ``warning`` or ``info``.
        code: The rule's code, or ``OpenAPI`` for the validator.
        endpoint: The endpoint id it concerns; empty for the whole service.
        message: What is wrong.
        hint: How to fix it.
    """

    severity: str
    code: str
    endpoint: str
    message: str
    hint: str = ""

    @property
    def rank(self) -> int:
        """Higher is more serious (error 3, warning 2, info 1)."""
        return {"error": 3, "warning": 2}.get(self.severity, 1)


# --------------------------------------------------------------------------- edits


def replace_endpoint(service: Service, endpoint_id: str, endpoint: Endpoint,
                     new_id: str | None = None) -> Service:
    """``service`` with ``endpoint_id`` replaced (and renamed to ``new_id``), in place."""
    items = ((new_id or key, endpoint) if key == endpoint_id else (key, value)
             for key, value in service.endpoints.items())
    return replace(service, endpoints=dict(items))


def add_endpoint(service: Service, after: str | None = None) -> tuple[str, Service]:
    """A new ``GET`` endpoint with a free id and path, after ``after`` (or at the end)."""
    endpoint_id = unique_id(service.endpoints, "new-endpoint")
    base = _common_prefix(e.path for e in service.endpoints.values())
    path = _unique_path(service, HttpMethod.GET, f"{base}/{endpoint_id}")
    endpoint = Endpoint(HttpMethod.GET, path, summary="", responses={})
    return endpoint_id, _insert(service, endpoint_id, endpoint, after)


def duplicate_endpoint(service: Service, endpoint_id: str) -> tuple[str, Service]:
    """A copy of ``endpoint_id`` right after it, with a free id and a path of its own."""
    original = service.endpoints[endpoint_id]
    copy_id = unique_id(service.endpoints, f"{endpoint_id}-copy")
    path = _unique_path(service, original.method, f"{original.path.rstrip('/')}-copy")
    return copy_id, _insert(service, copy_id, replace(original, path=path), endpoint_id)


def delete_endpoints(service: Service, endpoint_ids: Iterable[str]) -> Service:
    """``service`` without ``endpoint_ids``."""
    gone = set(endpoint_ids)
    return replace(service, endpoints={k: v for k, v in service.endpoints.items()
                                       if k not in gone})


def move_endpoint(service: Service, endpoint_id: str, offset: int) -> Service:
    """``service`` with ``endpoint_id`` moved ``offset`` places (clamped to the list)."""
    ids = list(service.endpoints)
    row = ids.index(endpoint_id)
    target = max(0, min(len(ids) - 1, row + offset))
    ids.insert(target, ids.pop(row))
    return replace(service, endpoints={k: service.endpoints[k] for k in ids})


def _insert(service: Service, endpoint_id: str, endpoint: Endpoint,
            after: str | None) -> Service:
    items = list(service.endpoints.items())
    ids = [key for key, _ in items]
    at = ids.index(after) + 1 if after in ids else len(items)
    items.insert(at, (endpoint_id, endpoint))
    return replace(service, endpoints=dict(items))


def unique_id(taken: Iterable[str], base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken."""
    used = set(taken)
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _unique_path(service: Service, method: HttpMethod, path: str) -> str:
    candidate, number = path, 2
    while method_path_problem(service, "", method, candidate):
        candidate, number = f"{path}-{number}", number + 1
    return candidate


def _common_prefix(paths: Iterable[str]) -> str:
    """The static segments every path starts with (``/api/v1``), or ``""``."""
    split = [[s for s in p.strip("/").split("/")] for p in paths]
    if not split:
        return ""
    prefix: list[str] = []
    for segments in zip(*split, strict=False):
        if len(set(segments)) != 1 or "{" in segments[0]:
            break
        prefix.append(segments[0])
    if prefix and all(len(s) == len(prefix) for s in split):
        prefix.pop()  # every path is the prefix itself: keep the parent
    return "".join(f"/{s}" for s in prefix if s)


# --------------------------------------------------------------------------- validation


def path_problem(path: str) -> str:
    """What is wrong with an endpoint path template, or ``""``."""
    if not path:
        return "A path is required (e.g. /api/v1/orders)."
    if not path.startswith("/"):
        return "A path starts with '/'."
    if any(c.isspace() for c in path):
        return "A path has no spaces."
    if "?" in path or "#" in path:
        return "Query strings are parameters, not part of the path."
    if "//" in path:
        return "The path has an empty segment ('//')."
    if "{" in _PARAM.sub("", path) or "}" in _PARAM.sub("", path):
        return "Unbalanced '{' or '}' in the path."
    names = _PARAM.findall(path)
    for name in names:
        if not _PARAM_NAME.match(name):
            return f"'{{{name}}}' is not a parameter name (letters, digits, '_', '-')."
    repeated = sorted({n for n in names if names.count(n) > 1})
    return f"'{{{repeated[0]}}}' appears twice in the path." if repeated else ""


def method_path_problem(service: Service, endpoint_id: str, method: HttpMethod | str,
                        path: str) -> str:
    """A conflict of ``method path`` with another endpoint of ``service``, or ``""``.

    Templates that differ only in parameter names (``/o/{id}``, ``/o/{order_id}``) are the same
    path to OpenAPI, so they conflict too.
    """
    verb = HttpMethod(str(getattr(method, "value", method)).upper())
    key = _PARAM.sub("{}", path)
    for other_id, other in service.endpoints.items():
        if other_id != endpoint_id and other.method is verb and _PARAM.sub("{}", other.path) == key:
            return f"{verb.value} {other.path} is already endpoint '{other_id}'."
    return ""


def rate_problem(text: str) -> str:
    """What is wrong with a rate limit (``100/min``), or ``""`` (empty means none)."""
    if not text.strip():
        return ""
    try:
        Rate.parse(text.strip())
    except UnitError as exc:
        return f"{exc}."
    return ""


def status_problem(status: str, taken: Iterable[str] = ()) -> str:
    """What is wrong with a response status (``200``, ``4XX``, ``default``), or ``""``."""
    if not _STATUS.match(status):
        return f"'{status}' is not a status code (100-599, 4XX or default)."
    if status in set(taken):
        return f"There is already a {status} response."
    return ""


def id_problem(endpoint_id: str, taken: Iterable[str]) -> str:
    """What is wrong with a new endpoint id, or ``""``."""
    if not ID_PATTERN.match(endpoint_id):
        return "An id is letters, digits, '_' and '-', starting with a letter or digit."
    if endpoint_id in set(taken):
        return f"There is already an endpoint '{endpoint_id}'."
    return ""


def endpoint_problems(service: Service) -> dict[str, str]:
    """The invalid path or conflicting ``method path`` of each endpoint (shown as errors)."""
    result: dict[str, str] = {}
    for endpoint_id, endpoint in service.endpoints.items():
        problem = path_problem(endpoint.path) or method_path_problem(
            service, endpoint_id, endpoint.method, endpoint.path)
        if problem:
            result[endpoint_id] = problem
    return result


def pagination_of(text: str) -> Pagination | None:
    """``cursor`` -> :class:`Pagination`; empty -> None."""
    return Pagination(text) if text else None


# --------------------------------------------------------------------------- shapes


def shape_text(shape: Any) -> str:
    """A body shape as the YAML the user edits (empty for no body)."""
    if shape is None:
        return ""
    return yaml.safe_dump(shape, sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=100).rstrip("\n")


def parse_shape(text: str) -> tuple[Any, str]:
    """(shape, problem): the YAML text as a shape, or the YAML error with its line."""
    if not text.strip():
        return None, ""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        return None, f"Not valid YAML ({where}{getattr(exc, 'problem', None) or exc})."
    if isinstance(value, Mapping | list | str | int | float | bool):
        return value, ""
    return None, "A body is {field: type}, [item] or a type name."
