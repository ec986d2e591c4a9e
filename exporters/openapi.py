"""OpenAPI 3.1: one document per service with endpoints, built as a dict and dumped as YAML.

The document is plain data (``dict``/``list``/``str``) in a fixed key order, written by
PyYAML's safe dumper with libyaml's emitter (:func:`exporters.yamltext.libyaml_dump`), keys
unsorted, so the same design always gives the same bytes. Tests validate it with
openapi-spec-validator and lint it with ``redocly lint``.

What the design says and what the document gets:

- shapes (``{field: type}``, ``[item]``, type names) -> JSON Schema components
  (``uuid`` -> ``string``/``uuid``, ``decimal`` -> ``string``/``decimal``, lists -> arrays);
- error responses (4xx/5xx) -> ``application/problem+json`` with the RFC 9457 ``Problem``;
- ``auth`` -> security schemes and requirements (``none`` -> ``security: []``);
- ``pagination`` -> its query parameters and a paginated envelope;
- ``mode: async`` / ``long_running`` -> ``202`` with ``Location`` and a status resource, linked
  to the status operation;
- ``rate_limit`` -> ``429`` with ``Retry-After``; ``idempotency`` -> the key header parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from exporters.base import ExportError, ExportOptions, Files
from exporters.files import safe_name, unique_names
from exporters.markdown import inline as md
from exporters.yamltext import libyaml_dump
from models.design import Design
from models.elements import Endpoint, HttpMethod, Pagination, Parameter, Response, Service

__all__ = ["OpenApiExporter", "openapi_document", "operation_id", "shape_schema"]

OPENAPI_VERSION = "3.1.0"
PROBLEM_MEDIA_TYPE = "application/problem+json"
JSON = "application/json"

Schema = dict[str, Any]


class OpenApiExporter:
    """``openapi``: an OpenAPI 3.1 document per service that has endpoints."""

    name = "openapi"
    title = "OpenAPI 3.1"
    description = "One OpenAPI 3.1 YAML document per service with endpoints"

    def export(self, design: Design, options: ExportOptions) -> Files:
        """Return ``<service-id>.yaml`` for every service with endpoints.

        The caller puts them in ``DIR/openapi/`` when several formats are exported at once.
        """
        ids = [service_id for service_id, service in design.services() if service.endpoints]
        names = unique_names({service_id: safe_name(service_id) for service_id in ids})
        return {
            f"{names[service_id]}.yaml": dump(openapi_document(design, service_id))
            for service_id in ids
        }


def dump(document: Mapping[str, Any]) -> str:
    """The document as YAML, keys in build order, no line folding (byte-stable).

    libyaml's emitter, with multi-line text as ``|`` blocks (readable descriptions); see
    :func:`exporters.yamltext.libyaml_dump`.
    """
    return libyaml_dump(document, literal_blocks=True)


def openapi_document(design: Design, service_id: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of service ``service_id`` as plain data."""
    service = design.element(service_id)
    if not isinstance(service, Service):
        raise ExportError(f"'{service_id}' is not a service")
    builder = _DocumentBuilder(design, service_id, service)
    return builder.build()


# --------------------------------------------------------------------------- the document


@dataclass(slots=True)
class _DocumentBuilder:
    design: Design
    service_id: str
    service: Service
    schemas: dict[str, Schema] = field(default_factory=dict)
    schemes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    operation_ids: dict[str, str] = field(default_factory=dict)

    def build(self) -> dict[str, Any]:
        self.operation_ids = _operation_ids(self.service.endpoints)
        paths = self.paths()
        document: dict[str, Any] = {
            "openapi": OPENAPI_VERSION,
            "info": self.info(),
            "servers": [self.server()],
            "tags": [{"name": n, "description": d} for n, d in self.tags.items()],
            "paths": paths,
        }
        components: dict[str, Any] = {}
        if self.schemas:
            components["schemas"] = dict(sorted(self.schemas.items()))
        if self.schemes:
            components["securitySchemes"] = self.schemes
        if components:
            document["components"] = components
        return document

    def info(self) -> dict[str, Any]:
        service, info = self.service, self.design.info
        lines = [md(service.purpose or f"The API of {service.name or self.service_id}.")]
        facts = [
            ("Technology", service.technology),
            ("Owner", service.owner),
            ("Design", f"{info.name} {info.version}"),
        ]
        if service.sla is not None:
            facts.append(("SLA", _sla_text(service)))
        lines += [f"- **{label}**: {md(value)}" for label, value in facts if value]
        return {
            "title": service.name or self.service_id,
            "version": info.version,
            "description": "\n\n".join([lines[0], "\n".join(lines[1:])]).strip(),
        }

    def server(self) -> dict[str, Any]:
        zone = "public" if self.service.public else (self.service.zone or "internal")
        return {
            "url": "https://{host}",
            "description": f"The {self.service.name or self.service_id} deployment ({zone})",
            "variables": {
                "host": {
                    "default": f"{self.service_id}.{zone}",
                    "description": "Host name of the deployment",
                }
            },
        }

    def paths(self) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        for endpoint_id, endpoint in self.service.endpoints.items():
            methods = paths.setdefault(endpoint.path, {})
            method = endpoint.method.value.lower()
            if method in methods:
                raise ExportError(
                    f"{self.service_id}: two endpoints are {endpoint.method.value} "
                    f"{endpoint.path}; give one another path or method"
                )
            methods[method] = _OperationBuilder(self, endpoint_id, endpoint).build()
        return paths

    # ----------------------------------------------------------------- shared components

    def tag(self, name: str, description: str) -> str:
        self.tags.setdefault(name, description)
        return name

    def schema(self, name: str, schema: Schema) -> Schema:
        """Register a component schema (a unique name) and return a ``$ref`` to it."""
        base, number = name, 2
        while name in self.schemas and self.schemas[name] != schema:
            name, number = f"{base}{number}", number + 1
        self.schemas[name] = schema
        return {"$ref": f"#/components/schemas/{name}"}

    def problem(self) -> Schema:
        return self.schema("Problem", _PROBLEM)

    def security(self, auth: str) -> list[dict[str, list[str]]]:
        scheme = _security_scheme(auth)
        if scheme is None:
            return []
        name, definition = scheme
        self.schemes.setdefault(name, definition)
        return [{name: []}]


# --------------------------------------------------------------------------- one operation


@dataclass(slots=True)
class _OperationBuilder:
    doc: _DocumentBuilder
    endpoint_id: str
    endpoint: Endpoint
    notes: list[str] = field(default_factory=list)

    @property
    def op_id(self) -> str:
        return self.doc.operation_ids[self.endpoint_id]

    @property
    def is_async(self) -> bool:
        return self.endpoint.mode == "async" or self.endpoint.long_running

    def build(self) -> dict[str, Any]:
        endpoint = self.endpoint
        operation: dict[str, Any] = {
            "operationId": self.op_id,
            "summary": _one_line(endpoint.summary) or f"{endpoint.method.value} {endpoint.path}",
            "tags": self.tags(),
        }
        parameters = self.parameters()
        body = self.request_body()
        responses = self.responses()
        security = self.security()
        description = "\n\n".join(self.notes)
        if description:
            operation["description"] = description
        if parameters:
            operation["parameters"] = parameters
        if body:
            operation["requestBody"] = body
        operation["responses"] = responses
        operation["security"] = security
        return operation

    def tags(self) -> list[str]:
        service = self.doc.service
        if self.endpoint.tags:
            return [self.doc.tag(t, f"Operations tagged {t}") for t in self.endpoint.tags]
        name = service.name or self.doc.service_id
        return [self.doc.tag(name, md(service.purpose or f"Operations of {name}"))]

    def security(self) -> list[dict[str, list[str]]]:
        auth = self.endpoint.auth
        if not auth and self.doc.service.security is not None:
            auth = self.doc.service.security.authn
        if not auth:
            self.notes.append("The design declares no authentication for this endpoint.")
            return []
        requirement = self.doc.security(auth)
        if auth.strip().lower() not in _PLAIN_AUTH:
            self.notes.append(f"Authentication: {md(auth)}.")
        return requirement

    # ----------------------------------------------------------------- parameters

    def parameters(self) -> list[dict[str, Any]]:
        params: dict[tuple[str, str], dict[str, Any]] = {}
        for name, param in self.endpoint.parameters.items():
            params[(param.location, name.lower())] = _parameter(name, param)
        for name in _path_names(self.endpoint.path):
            params.setdefault(("path", name.lower()), _parameter(name, Parameter("path", "string")))
        for param in self.pagination_parameters():
            params.setdefault((param["in"], param["name"].lower()), param)
        header = self.idempotency_header()
        if header:
            params.setdefault(("header", header.lower()), _idempotency_parameter(header))
        versioning = self.doc.service.versioning
        if versioning is not None and versioning.scheme == "header" and versioning.header:
            params.setdefault(
                ("header", versioning.header.lower()),
                {
                    "name": versioning.header,
                    "in": "header",
                    "required": True,
                    "description": "API version",
                    "schema": {"type": "string"},
                },
            )
        return list(params.values())

    def pagination_parameters(self) -> list[dict[str, Any]]:
        style = self.endpoint.pagination
        if style is None or style is Pagination.NONE:
            return []
        return [dict(p) for p in _PAGE_PARAMETERS[style]]

    def idempotency_header(self) -> str:
        text = self.endpoint.idempotency.strip()
        if not text:
            return ""
        if _HEADER_RE.match(text):
            return text
        self.notes.append(f"Idempotency: {md(text)}.")
        return ""

    # ----------------------------------------------------------------- bodies

    def request_body(self) -> dict[str, Any] | None:
        request = self.endpoint.request
        if request is None:
            return None
        schema = self.doc.schema(f"{_pascal(self.op_id)}Request", shape_schema(request))
        return {"required": True, "content": {JSON: {"schema": schema}}}

    def responses(self) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for status, response in self.endpoint.responses.items():
            responses[str(status)] = self.response(str(status), response)
        self.add_standard_responses(responses)
        return dict(sorted(responses.items(), key=lambda item: _status_key(item[0])))

    def response(self, status: str, response: Response) -> dict[str, Any]:
        result: dict[str, Any] = {"description": md(response.description) or status}
        headers = {h: _header(h) for h in response.headers}
        if status.startswith(("4", "5")):
            if status in ("429", "503"):
                headers.setdefault("Retry-After", _header("Retry-After"))
            result["content"] = {PROBLEM_MEDIA_TYPE: {"schema": self.problem_schema(response)}}
        elif status == "202" and self.is_async:
            headers.setdefault("Location", _header("Location"))
            result["content"] = {JSON: {"schema": self.accepted_schema(response.body)}}
            self.add_status_link(result, response.body)
        elif response.body is not None:
            result["content"] = {JSON: {"schema": self.success_schema(status, response.body)}}
        if headers:
            result["headers"] = headers
        return result

    def problem_schema(self, response: Response) -> Schema:
        problem = self.doc.problem()
        extra = shape_schema(response.body) if response.body is not None else None
        if not extra or extra.get("type") != "object":
            return problem
        own = {k: v for k, v in extra.get("properties", {}).items() if k not in _PROBLEM_FIELDS}
        if not own:
            return problem
        return {"allOf": [problem, {"type": "object", "properties": own}]}

    def success_schema(self, status: str, body: Any) -> Schema:
        style = self.endpoint.pagination
        name = f"{_pascal(self.op_id)}Response{'' if status == '200' else status}"
        if style is not None and style is not Pagination.NONE and isinstance(body, list):
            item = shape_schema(body[0]) if body else {}
            item_ref = self.doc.schema(f"{_pascal(self.op_id)}Item", item)
            return self.doc.schema(f"{_pascal(self.op_id)}Page", _page_envelope(style, item_ref))
        return self.doc.schema(name, shape_schema(body))

    def accepted_schema(self, body: Any) -> Schema:
        if body is None:
            return self.doc.schema("OperationStatus", _OPERATION_STATUS)
        return self.doc.schema(f"{_pascal(self.op_id)}Accepted", shape_schema(body))

    def add_status_link(self, response: dict[str, Any], body: Any) -> None:
        status_path = self.endpoint.status_path
        if not status_path:
            return
        target = self.status_operation(status_path)
        response["description"] = _sentence(response["description"]) + (
            f" Poll `{status_path.replace('`', '')}` for the outcome."
        )
        if target is None:
            return
        fields = set(body) if isinstance(body, dict) else {"id"}
        parameters = {
            name: f"$response.body#/{name}" for name in _path_names(status_path) if name in fields
        }
        link: dict[str, Any] = {"operationId": target, "description": "The status resource"}
        if parameters:
            link["parameters"] = parameters
        response["links"] = {"status": link}

    def status_operation(self, status_path: str) -> str | None:
        for endpoint_id, endpoint in self.doc.service.endpoints.items():
            if endpoint.path == status_path and endpoint.method is HttpMethod.GET:
                return self.doc.operation_ids[endpoint_id]
        return None

    def add_standard_responses(self, responses: dict[str, Any]) -> None:
        endpoint, problem = self.endpoint, self.doc.problem
        if self.is_async and "202" not in responses:
            accepted = {
                "description": "Accepted; the work continues in the background",
                "headers": {"Location": _header("Location")},
                "content": {JSON: {"schema": self.accepted_schema(None)}},
            }
            self.add_status_link(accepted, None)
            responses["202"] = accepted
        if endpoint.rate_limit is not None:
            self.notes.append(f"Rate limit: {endpoint.rate_limit} per client.")
            responses.setdefault("429", _problem_response("Too many requests", problem()))
            headers = responses["429"].setdefault("headers", {})
            headers.setdefault("Retry-After", _header("Retry-After"))
        if not any(s.startswith("2") for s in responses):
            responses["200"] = {"description": "OK"}
        if not any(s.startswith("4") for s in responses):
            fallback = "Bad request" if endpoint.request or endpoint.parameters else "Client error"
            key = "400" if endpoint.request or endpoint.parameters else "4XX"
            responses[key] = _problem_response(fallback, problem())


# --------------------------------------------------------------------------- shapes


_SCALARS: dict[str, Schema] = {
    "uuid": {"type": "string", "format": "uuid"},
    "string": {"type": "string"},
    "str": {"type": "string"},
    "text": {"type": "string"},
    "int": {"type": "integer", "format": "int32"},
    "integer": {"type": "integer"},
    "long": {"type": "integer", "format": "int64"},
    "bigint": {"type": "integer", "format": "int64"},
    "number": {"type": "number"},
    "float": {"type": "number", "format": "float"},
    "double": {"type": "number", "format": "double"},
    # Money must not go through binary floating point: a decimal string keeps it exact.
    "decimal": {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "string", "format": "date-time"},
    "time": {"type": "string", "format": "time"},
    "duration": {"type": "string", "format": "duration"},
    "boolean": {"type": "boolean"},
    "bool": {"type": "boolean"},
    "object": {"type": "object"},
    "map": {"type": "object"},
    "array": {"type": "array", "items": {}},
    "list": {"type": "array", "items": {}},
    "email": {"type": "string", "format": "email"},
    "url": {"type": "string", "format": "uri"},
    "uri": {"type": "string", "format": "uri"},
    "binary": {"type": "string", "contentEncoding": "base64"},
    "bytes": {"type": "string", "contentEncoding": "base64"},
    "any": {},
}
_ENUM_RE = re.compile(r"^[A-Za-z0-9_.-]+(\s*\|\s*[A-Za-z0-9_.-]+)+$")


def shape_schema(shape: Any) -> Schema:
    """The JSON Schema of a design shape: ``{field: type}``, ``[item]`` or a type name."""
    if isinstance(shape, Mapping):
        properties = {}
        required = []
        for key, value in shape.items():
            name = str(key)
            optional = name.endswith("?")
            name = name.rstrip("?")
            properties[name] = shape_schema(value)
            if not optional and not (isinstance(value, str) and value.strip().endswith("?")):
                required.append(name)
        schema: Schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema
    if isinstance(shape, list | tuple):
        return {"type": "array", "items": shape_schema(shape[0]) if shape else {}}
    if isinstance(shape, bool):
        return {"type": "boolean"}
    if isinstance(shape, int | float):
        return {"type": "number", "examples": [shape]}
    return _scalar_schema(str(shape) if shape is not None else "any")


def _scalar_schema(text: str) -> Schema:
    name = text.strip().rstrip("?").strip()
    known = _SCALARS.get(name.lower())
    if known is not None:
        return dict(known)
    if _ENUM_RE.match(name):
        return {"type": "string", "enum": [v.strip() for v in name.split("|")]}
    if name in ("...", "…", ""):
        return {}
    # A literal such as "pending" or a domain type name: a string, documented as written.
    return {"type": "string", "description": name}


_PROBLEM: Schema = {
    "type": "object",
    "description": "Problem Details for HTTP APIs (RFC 9457)",
    "properties": {
        "type": {
            "type": "string",
            "format": "uri-reference",
            "default": "about:blank",
            "description": "Identifies the problem type",
        },
        "title": {"type": "string", "description": "Short summary of the problem type"},
        "status": {
            "type": "integer",
            "minimum": 100,
            "maximum": 599,
            "description": "The HTTP status code",
        },
        "detail": {"type": "string", "description": "Explanation of this occurrence"},
        "instance": {
            "type": "string",
            "format": "uri-reference",
            "description": "Identifies this occurrence",
        },
    },
}
_PROBLEM_FIELDS = frozenset(_PROBLEM["properties"]) | {"error", "message"}

_OPERATION_STATUS: Schema = {
    "type": "object",
    "description": "The status resource of an asynchronous operation",
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string", "enum": ["pending", "running", "succeeded", "failed"]},
        "status_url": {"type": "string", "format": "uri-reference"},
    },
    "required": ["status"],
}


def _problem_response(description: str, problem: Schema) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": problem}}}


# --------------------------------------------------------------------------- pagination


def _query(name: str, schema: Schema, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_LIMIT = _query(
    "limit",
    {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    "Maximum number of items to return",
)
_PAGE_PARAMETERS: dict[Pagination, tuple[dict[str, Any], ...]] = {
    Pagination.CURSOR: (
        _query("cursor", {"type": "string"}, "Opaque cursor from the previous page's next_cursor"),
        _LIMIT,
    ),
    Pagination.KEYSET: (
        _query("after", {"type": "string"}, "Key of the last item of the previous page"),
        _LIMIT,
    ),
    Pagination.OFFSET: (
        _query("offset", {"type": "integer", "minimum": 0, "default": 0}, "Items to skip"),
        _LIMIT,
    ),
    Pagination.PAGE: (
        _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number, from 1"),
        _query(
            "size",
            {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            "Items per page",
        ),
    ),
}


def _page_envelope(style: Pagination, item: Schema) -> Schema:
    data = {"type": "array", "items": item}
    nullable_string = {"type": ["string", "null"]}
    count = {"type": "integer", "minimum": 0}
    properties: dict[str, Schema]
    if style is Pagination.CURSOR:
        properties = {"data": data, "next_cursor": nullable_string}
    elif style is Pagination.KEYSET:
        properties = {"data": data, "next_after": nullable_string}
    elif style is Pagination.OFFSET:
        properties = {"data": data, "offset": count, "limit": count, "total": count}
    else:
        properties = {"data": data, "page": count, "size": count, "total": count}
    return {"type": "object", "properties": properties, "required": ["data"]}


# --------------------------------------------------------------------------- security

_PLAIN_AUTH = {"bearer", "jwt", "oauth2", "api-key", "apikey", "mtls", "none", "public", "basic"}
_HEADER_NAME_RE = re.compile(r"([A-Za-z][A-Za-z0-9-]*)\s+header", re.IGNORECASE)


def _security_scheme(auth: str) -> tuple[str, dict[str, Any]] | None:
    """The (name, securityScheme) an ``auth`` text asks for, or None for public endpoints."""
    text = auth.strip().lower()
    if text in ("none", "public", "anonymous"):
        return None
    if "mtls" in text or "mutual" in text or "client cert" in text:
        return "mutualTLS", {"type": "mutualTLS", "description": "Mutual TLS client certificate"}
    if "oauth" in text or "oidc" in text or "openid" in text:
        return "oauth2", {
            "type": "oauth2",
            "description": md(auth),
            "flows": {
                "clientCredentials": {"tokenUrl": "/oauth2/token", "scopes": {}},
                "authorizationCode": {
                    "authorizationUrl": "/oauth2/authorize",
                    "tokenUrl": "/oauth2/token",
                    "scopes": {},
                },
            },
        }
    if "bearer" in text or "jwt" in text or "token" in text:
        return "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    if "basic" in text:
        return "basicAuth", {"type": "http", "scheme": "basic"}
    match = _HEADER_NAME_RE.search(auth)
    if "hmac" in text or "signature" in text:
        header = match.group(1) if match else "Signature"
        return _api_key(header, md(auth))
    header = match.group(1) if match else "X-API-Key"
    return _api_key(header, md(auth))


def _api_key(header: str, description: str) -> tuple[str, dict[str, Any]]:
    name = _camel(header) + "Auth" if header != "X-API-Key" else "apiKeyAuth"
    return name, {"type": "apiKey", "in": "header", "name": header, "description": description}


# --------------------------------------------------------------------------- helpers

_HEADER_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_PATH_PARAM_RE = re.compile(r"{([^{}]+)}")
_HEADER_SCHEMAS: dict[str, tuple[Schema, str]] = {
    "retry-after": ({"type": "integer", "minimum": 0}, "Seconds to wait before retrying"),
    "location": ({"type": "string", "format": "uri-reference"}, "URL of the created resource"),
    "etag": ({"type": "string"}, "Entity tag of the representation"),
}


def _path_names(path: str) -> Iterator[str]:
    return iter(dict.fromkeys(_PATH_PARAM_RE.findall(path)))


def _parameter(name: str, param: Parameter) -> dict[str, Any]:
    location = (
        param.location if param.location in ("path", "query", "header", "cookie") else "query"
    )
    result: dict[str, Any] = {
        "name": name,
        "in": location,
        "required": True if location == "path" else param.required,
    }
    if param.description:
        result["description"] = md(param.description)
    result["schema"] = _scalar_schema(param.type or "string")
    return result


def _idempotency_parameter(header: str) -> dict[str, Any]:
    return {
        "name": header,
        "in": "header",
        "required": False,
        "description": "Client-chosen key; a retry with the same key returns the first outcome",
        "schema": {"type": "string", "maxLength": 255},
    }


def _header(name: str) -> dict[str, Any]:
    schema, description = _HEADER_SCHEMAS.get(name.lower(), ({"type": "string"}, name))
    return {"description": description, "schema": dict(schema)}


def _status_key(status: str) -> tuple[int, str]:
    return (int(status[0]) if status[:1].isdigit() else 9, status)


def _operation_ids(endpoints: Mapping[str, Endpoint]) -> dict[str, str]:
    """Unique camelCase operationIds from endpoint ids (``create-order`` -> ``createOrder``)."""
    result: dict[str, str] = {}
    taken: set[str] = set()
    for endpoint_id in endpoints:
        base = operation_id(endpoint_id)
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}{number}", number + 1
        taken.add(candidate)
        result[endpoint_id] = candidate
    return result


def operation_id(endpoint_id: str) -> str:
    """``create-order`` -> ``createOrder`` (URL-safe, as redocly asks)."""
    return _camel(endpoint_id)


def _camel(text: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]
    if not words:
        return "operation"
    return words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:])


def _pascal(text: str) -> str:
    camel = _camel(text)
    return camel[0].upper() + camel[1:]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _sla_text(service: Service) -> str:
    sla = service.sla
    assert sla is not None
    parts = [f"{sla.availability} availability" if sla.availability else ""]
    parts += [f"p{q} {v}" for q, v in (("99", sla.p99), ("95", sla.p95), ("50", sla.p50)) if v]
    return ", ".join(p for p in parts if p)
