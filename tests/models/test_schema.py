"""The JSON Schema: valid draft-07, accepts every sample, and the shipped copy is in sync."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from models.schema import design_schema
from studio.cli import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "resources" / "design.schema.json"
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
FIXTURES = sorted((Path(__file__).parent / "designs").glob("*.yaml"))


def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(design_schema())


def _as_json(value: Any) -> Any:
    """What an editor's language server sees: dates are strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value


def test_schema_is_valid_draft_07() -> None:
    schema = design_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_samples_exist() -> None:
    assert len(SAMPLES) >= 3


@pytest.mark.parametrize("path", SAMPLES + FIXTURES, ids=lambda p: p.name)
def test_every_design_validates_against_the_schema(path: Path) -> None:
    data = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.mark.parametrize(
    ("snippet", "where"),
    [
        ({"archstudio": 1, "servces": {}}, []),
        ({"archstudio": 1, "services": {"a": {"purpse": "x"}}}, ["services", "a"]),
        ({"archstudio": 1, "services": {"bad id": {}}}, ["services"]),
        ({"archstudio": 1, "services": {"a": {"sla": {"p99": "fast"}}}}, ["services", "a"]),
        ({"archstudio": 1, "queues": {"q": {"delivery": "sometimes"}}}, ["queues", "q"]),
        ({"archstudio": 2}, ["archstudio"]),
        ({"design": {}}, []),
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(
    snippet: dict[str, Any], where: list[str]
) -> None:
    errors = list(_validator().iter_errors(snippet))
    assert errors
    assert any(list(e.absolute_path)[: len(where)] == where for e in errors)


def test_shipped_schema_matches_archstudio_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == design_schema()
    assert SHIPPED.read_text(encoding="utf-8") == printed, (
        "resources/design.schema.json is stale: run "
        "'archstudio schema -o resources/design.schema.json'"
    )


def test_samples_carry_the_schema_modeline() -> None:
    for path in SAMPLES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../resources/design.schema.json", path
