"""Load -> save is byte-identical, saving is deterministic, and one edit changes one line."""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import pytest

from models.design import Design
from models.elements import Datastore, DesignInfo, Service
from models.io import dumps_design, load_design, loads_design, save_design

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
FIXTURES = sorted((Path(__file__).parent / "designs").glob("*.yaml"))


def test_the_samples_are_there() -> None:
    """The parametrised round-trip below must not pass by having nothing to check."""
    assert len(SAMPLES) >= 3, f"expected the shipped samples in {ROOT / 'samples'}"


@pytest.mark.parametrize("path", SAMPLES + FIXTURES, ids=lambda p: p.name)
def test_load_save_load_is_byte_identical(path: Path, tmp_path: Path) -> None:
    original = path.read_bytes()
    design = load_design(path)
    copy = tmp_path / path.name
    save_design(design, copy)
    assert copy.read_bytes() == original, _diff(original, copy.read_bytes())
    again = load_design(copy)
    assert dumps_design(again) == original.decode("utf-8")


@pytest.mark.parametrize("path", SAMPLES + FIXTURES, ids=lambda p: p.name)
def test_saving_twice_gives_the_same_bytes(path: Path, tmp_path: Path) -> None:
    design = load_design(path)
    save_design(design, tmp_path / "a.yaml")
    save_design(design, tmp_path / "b.yaml")
    assert (tmp_path / "a.yaml").read_bytes() == (tmp_path / "b.yaml").read_bytes()
    assert dumps_design(design) == dumps_design(design)


@pytest.mark.parametrize("path", SAMPLES + FIXTURES[:1], ids=lambda p: p.name)
def test_replacing_one_purpose_changes_exactly_one_line(path: Path) -> None:
    design = load_design(path)
    before = dumps_design(design)
    service_id, service = next(
        (i, s) for i, s in design.services() if s.purpose and "\n" not in s.purpose
    )
    design.replace_element(service_id, dataclasses.replace(service, purpose="A brand new purpose"))
    after = dumps_design(design)
    changed = _changed_lines(before, after)
    assert changed == ([f"    purpose: {service.purpose}"], ["    purpose: A brand new purpose"])


def test_a_one_field_edit_deep_inside_changes_one_line() -> None:
    path = next(p for p in FIXTURES if p.name == "full.yaml")
    design = load_design(path)
    before = dumps_design(design)
    store = design.element("orders-db")
    assert isinstance(store, Datastore)
    table = store.tables["orders"]
    tables = {**store.tables, "orders": dataclasses.replace(table, comment="Orders, one per row")}
    design.replace_element("orders-db", dataclasses.replace(store, tables=tables))
    assert _changed_lines(before, dumps_design(design)) == (
        ["        comment: One row per order"],
        ["        comment: Orders, one per row"],
    )


def test_adding_an_element_adds_only_its_lines() -> None:
    path = next(p for p in FIXTURES if p.name == "full.yaml")
    design = load_design(path)
    before = dumps_design(design)
    design.add_element("audit-service", Service(purpose="Audit trail"))
    removed, added = _changed_lines(before, dumps_design(design))
    assert removed == []
    assert added == ["  audit-service:", "    purpose: Audit trail", ""]


def test_the_preamble_comment_block_is_kept_and_other_comments_are_dropped() -> None:
    text = (
        "# yaml-language-server: $schema=../resources/design.schema.json\n"
        "# Second line of the preamble.\n"
        "archstudio: 1\n"
        "services:\n"
        "  a:  # an inline comment\n"
        "    # a comment line\n"
        "    purpose: x\n"
    )
    design = loads_design(text)
    assert design.preamble.startswith("# yaml-language-server: $schema=")
    assert dumps_design(design) == (
        "# yaml-language-server: $schema=../resources/design.schema.json\n"
        "# Second line of the preamble.\n"
        "archstudio: 1\n"
        "\n"
        "services:\n"
        "  a:\n"
        "    purpose: x\n"
    )


def test_an_empty_design_saves_as_the_version_line() -> None:
    assert dumps_design(Design()) == "archstudio: 1\n"


def test_units_are_normalised_on_save() -> None:
    text = (
        "archstudio: 1\n"
        "services:\n"
        "  a:\n"
        "    sla: {availability: 99.950%, p99: 200 ms}\n"
        "    scaling: {capacity: 1500/sec}\n"
    )
    saved = dumps_design(loads_design(text))
    assert "sla: {availability: 99.95%, p99: 200ms}" in saved
    assert "capacity: 1.5K/s" in saved


@pytest.mark.parametrize("name", ["no", "on", "off", "yes", "1e3", "0x10", "0o17", "1.0", "012"])
def test_names_stay_text_and_round_trip(name: str) -> None:
    """Unquoted, YAML 1.1 would read these as booleans or numbers; a text field keeps text."""
    text = f"archstudio: 1\ndesign:\n  name: {name}\nservices:\n  a:\n    owner: {name}\n"
    design = loads_design(text)
    assert design.info.name == name
    assert design.element("a").owner == name  # type: ignore[union-attr]
    saved = dumps_design(design)
    assert loads_design(saved).info.name == name
    assert f"  name: '{name}'\n" in saved  # quoted, so other YAML tools read text too


def test_tricky_names_are_quoted_for_other_yaml_readers() -> None:
    """Other YAML 1.1 (PyYAML) and 1.2 tools read the saved file as the same text."""
    import yaml

    path = next(p for p in FIXTURES if p.name == "tricky-strings.yaml")
    design = load_design(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert tuple(data["design"]["constraints"]) == design.info.constraints
    assert data["services"]["no"]["owner"] == "1e3"
    assert set(data["services"]) == {"no", "1e3", "0x10", "on"}
    text = path.read_text(encoding="utf-8")
    for word in ("'no'", "'on'", "'1e3'", "'0x10'", "'0o17'", "'null'", "'~'", "'yes'", "'off'"):
        assert word in text


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def _diff(a: bytes, b: bytes) -> str:
    return "".join(
        difflib.unified_diff(
            a.decode().splitlines(keepends=True), b.decode().splitlines(keepends=True)
        )
    )


@pytest.mark.parametrize(
    "value", ["a\n\n", "\n", "a\nb\n", "a\nb", "  lead\nx", "x\n\n\n", "\n\nx"]
)
def test_multi_line_text_round_trips_before_another_section(value: str) -> None:
    """A text ending in blank lines once ended the YAML document (`|+` then `...`)."""
    design = Design(DesignInfo(summary=value))
    design.add_element("a", Service(purpose=value))
    text = dumps_design(design)
    assert "\n...\n" not in text
    loaded = loads_design(text)
    assert loaded.info.summary == value
    assert loaded.element("a").purpose == value  # type: ignore[union-attr]
    assert dumps_design(loaded) == text
