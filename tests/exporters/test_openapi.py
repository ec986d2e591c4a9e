"""The OpenAPI exporter: golden files, openapi-spec-validator, redocly lint, and behaviour."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema_path import SchemaPath
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from exporters.base import ExportOptions
from exporters.openapi import OpenApiExporter, openapi_document, shape_schema
from models.design import Design
from models.elements import (
    Endpoint,
    HttpMethod,
    Pagination,
    Parameter,
    Response,
    Service,
)
from models.io import load_design
from models.units import Rate
from tests.exporters.golden_files import DATA, check_golden, design_paths
from tests.support.tools import redocly_env, require_redocly

DOCUMENTS = [
    pytest.param(path, name, id=f"{path.stem}.{Path(name).stem}")
    for path in design_paths()
    for name in OpenApiExporter().export(load_design(path), ExportOptions())
]


class _NoRemoteRefs(Exception):
    """A ``$ref`` tried to leave the document."""


def _refuse(uri: str) -> Any:
    raise _NoRemoteRefs(uri)


def validate(document: dict[str, Any]) -> list[str]:
    """openapi-spec-validator's errors, with remote and file ``$ref`` resolution turned off."""
    handlers = {scheme: _refuse for scheme in ("<all_urls>", "http", "https", "file")}
    path = SchemaPath.from_dict(document, handlers=handlers)
    return [error.message for error in OpenAPIV31SpecValidator(path).iter_errors()]


def _export(path: Path, name: str) -> str:
    return OpenApiExporter().export(load_design(path), ExportOptions())[name]


# --------------------------------------------------------------------------- real consumers


@pytest.mark.parametrize("path", design_paths(), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    check_golden(path.stem, "openapi", OpenApiExporter().export(load_design(path), ExportOptions()))


@pytest.mark.parametrize(("path", "name"), DOCUMENTS)
def test_valid_under_openapi_spec_validator(path: Path, name: str) -> None:
    assert validate(yaml.safe_load(_export(path, name))) == []


@pytest.mark.needs_tool
def test_redocly_lint_recommended_has_no_errors(tmp_path: Path) -> None:
    redocly = require_redocly()
    (tmp_path / "redocly.yaml").write_text("extends:\n  - recommended\n")
    files = []
    for param in DOCUMENTS:
        path, name = param.values
        target = tmp_path / path.stem / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_export(path, name))
        files.append(str(target.relative_to(tmp_path)))
    assert files, "no OpenAPI documents to lint"
    result = subprocess.run(
        [redocly, "lint", "--config", "redocly.yaml", "--format", "stylish", *files],
        cwd=tmp_path,
        env=redocly_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert " error " not in report, report
    # Warnings are allowed but looked at: only a missing licence (the design has none).
    warnings = {line.split()[2] for line in report.splitlines() if " warning " in line}
    assert warnings <= {"info-license"}, report


# --------------------------------------------------------------------------- behaviour


def _one(endpoint: Endpoint, **service: Any) -> dict[str, Any]:
    design = Design()
    design.add_element("svc", Service(name="Svc", endpoints={"op": endpoint}, **service))
    document = openapi_document(design, "svc")
    assert validate(document) == []
    return document


def _operation(document: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    return document["paths"][path][method]


def test_shapes_become_json_schema() -> None:
    schema = shape_schema(
        {"id": "uuid", "total": "decimal", "at": "datetime", "items": [{"n": "int"}], "x": "object"}
    )
    props = schema["properties"]
    assert props["id"] == {"type": "string", "format": "uuid"}
    assert props["total"]["type"] == "string" and props["total"]["format"] == "decimal"
    assert props["at"] == {"type": "string", "format": "date-time"}
    assert props["items"]["type"] == "array"
    assert props["items"]["items"]["properties"]["n"]["type"] == "integer"
    assert schema["required"] == ["id", "total", "at", "items", "x"]
    assert shape_schema({"note?": "string"}).get("required") is None


def test_path_parameters_are_derived_even_if_undeclared() -> None:
    doc = _one(
        Endpoint(
            HttpMethod.GET,
            "/a/{a_id}/b/{b_id}",
            auth="none",
            parameters={"a_id": Parameter("path", "uuid", True)},
        )
    )
    params = _operation(doc, "/a/{a_id}/b/{b_id}")["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in params] == [
        ("a_id", "path", True),
        ("b_id", "path", True),
    ]
    assert params[0]["schema"]["format"] == "uuid"


@pytest.mark.parametrize(
    ("auth", "scheme"),
    [
        ("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
        ("mtls", {"type": "mutualTLS"}),
        ("api-key", {"type": "apiKey", "in": "header", "name": "X-API-Key"}),
        ("OAuth2 / OIDC", {"type": "oauth2"}),
    ],
)
def test_auth_becomes_a_security_scheme(auth: str, scheme: dict[str, str]) -> None:
    doc = _one(Endpoint(HttpMethod.GET, "/x", auth=auth))
    (name,) = doc["components"]["securitySchemes"]
    assert scheme.items() <= doc["components"]["securitySchemes"][name].items()
    assert _operation(doc, "/x")["security"] == [{name: []}]


def test_public_endpoints_have_empty_security() -> None:
    doc = _one(Endpoint(HttpMethod.GET, "/health", auth="none"))
    assert _operation(doc, "/health")["security"] == []
    assert "securitySchemes" not in doc.get("components", {})


def test_errors_are_problem_details() -> None:
    doc = _one(
        Endpoint(
            HttpMethod.GET,
            "/x",
            auth="none",
            responses={"404": Response("Missing", {"error": "string"})},
        )
    )
    content = _operation(doc, "/x")["responses"]["404"]["content"]
    assert list(content) == ["application/problem+json"]
    assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    problem = doc["components"]["schemas"]["Problem"]["properties"]
    assert {"type", "title", "status", "detail", "instance"} <= set(problem)


def test_async_operations_answer_202_with_location_and_a_status_link() -> None:
    design = Design()
    endpoints = {
        "start": Endpoint(
            HttpMethod.POST,
            "/jobs",
            auth="bearer",
            mode="async",
            status_path="/jobs/{job_id}",
            request={"n": "int"},
            responses={"202": Response("Queued", {"job_id": "uuid"})},
        ),
        "job": Endpoint(
            HttpMethod.GET,
            "/jobs/{job_id}",
            auth="bearer",
            responses={"200": Response("State", {"state": "string"})},
        ),
    }
    design.add_element("svc", Service(endpoints=endpoints))
    doc = openapi_document(design, "svc")
    assert validate(doc) == []
    accepted = _operation(doc, "/jobs", "post")["responses"]["202"]
    assert "Location" in accepted["headers"]
    assert accepted["links"]["status"] == {
        "operationId": "job",
        "description": "The status resource",
        "parameters": {"job_id": "$response.body#/job_id"},
    }


def test_rate_limits_answer_429_with_retry_after() -> None:
    doc = _one(Endpoint(HttpMethod.GET, "/x", auth="bearer", rate_limit=Rate(100, "min")))
    response = _operation(doc, "/x")["responses"]["429"]
    assert response["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "100/min" in _operation(doc, "/x")["description"]


def test_idempotency_key_header() -> None:
    doc = _one(Endpoint(HttpMethod.POST, "/x", auth="bearer", idempotency="Idempotency-Key"))
    params = _operation(doc, "/x", "post")["parameters"]
    assert {"name": "Idempotency-Key", "in": "header"}.items() <= params[0].items()


@pytest.mark.parametrize(
    ("style", "names", "envelope"),
    [
        (Pagination.CURSOR, ["cursor", "limit"], "next_cursor"),
        (Pagination.OFFSET, ["offset", "limit"], "total"),
        (Pagination.PAGE, ["page", "size"], "total"),
    ],
)
def test_pagination_parameters_and_envelope(
    style: Pagination, names: list[str], envelope: str
) -> None:
    doc = _one(
        Endpoint(
            HttpMethod.GET,
            "/items",
            auth="bearer",
            pagination=style,
            responses={"200": Response("Items", [{"id": "uuid"}])},
        )
    )
    operation = _operation(doc, "/items")
    assert [p["name"] for p in operation["parameters"]] == names
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert page["properties"]["data"]["type"] == "array"
    assert envelope in page["properties"]


def test_operation_ids_are_unique() -> None:
    design = Design()
    endpoints = {
        "get-order": Endpoint(HttpMethod.GET, "/a", auth="none"),
        "get_order": Endpoint(HttpMethod.GET, "/b", auth="none"),
    }
    design.add_element("svc", Service(endpoints=endpoints))
    ids = [op["get"]["operationId"] for op in openapi_document(design, "svc")["paths"].values()]
    assert ids == ["getOrder", "getOrder2"]


def test_user_text_cannot_inject_markdown_or_html() -> None:
    doc = _one(
        Endpoint(
            HttpMethod.GET,
            "/x",
            auth="none",
            responses={"200": Response("<img src=x onerror=alert(1)> [a](javascript:x)")},
        ),
        purpose="# Heading <script>alert(1)</script>",
    )
    assert "<" not in yaml.safe_dump(doc)
    assert doc["info"]["description"].startswith("\\# Heading &lt;script>")


def test_output_is_byte_stable() -> None:
    design = load_design(DATA / "storefront.yaml")
    assert OpenApiExporter().export(design, ExportOptions()) == OpenApiExporter().export(
        load_design(DATA / "storefront.yaml"), ExportOptions()
    )
