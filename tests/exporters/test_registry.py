"""The exporter registry: explicit order, the protocol, lookups with hints, ``all``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from exporters import registry
from exporters.base import ExportOptions
from exporters.registry import (
    EXPORTERS,
    UnknownExporterError,
    exporter_names,
    get_exporter,
    resolve_formats,
)
from models.design import Design

#: The order of the issue; formats not built yet are simply absent.
ORDER = ("mermaid", "openapi", "ddl", "adr", "doc", "dot", "svg", "png")


def test_names_are_unique_and_in_the_documented_order() -> None:
    names = exporter_names()
    assert len(set(names)) == len(names)
    assert list(names) == [n for n in ORDER if n in names]
    assert {"mermaid", "adr", "dot", "svg", "png"} <= set(names)


@pytest.mark.parametrize("exporter", EXPORTERS, ids=lambda e: e.name)
def test_every_exporter_follows_the_protocol(exporter: object) -> None:
    for attribute in ("name", "title", "description"):
        value = getattr(exporter, attribute)
        assert isinstance(value, str) and value.strip()
    assert callable(exporter.export)  # type: ignore[attr-defined]


@pytest.mark.parametrize("exporter", [e for e in EXPORTERS if not getattr(e, "needs_tool", None)],
                         ids=lambda e: e.name)
def test_every_exporter_handles_an_empty_design(exporter: object) -> None:
    files = exporter.export(Design(), ExportOptions())  # type: ignore[attr-defined]
    assert isinstance(files, dict)


def test_unknown_format_suggests_the_closest() -> None:
    with pytest.raises(UnknownExporterError, match="did you mean 'mermaid'"):
        get_exporter("mermiad")
    with pytest.raises(UnknownExporterError, match="known: mermaid"):
        get_exporter("xyzzy")


def test_all_is_every_format_in_order_and_skips_missing_tools(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen, skipped = resolve_formats(["all"])
    assert [e.name for e in chosen + skipped] == list(exporter_names())
    monkeypatch.setattr(registry.shutil, "which", lambda name: None)
    chosen, skipped = resolve_formats(["all"])
    assert [e.name for e in skipped] == ["svg", "png"]
    chosen, skipped = resolve_formats(["png", "mermaid", "png"])
    assert [e.name for e in chosen] == ["mermaid", "png"] and not skipped


def test_exporters_import_without_qt() -> None:
    code = ("import sys; sys.modules['PySide6'] = None\n"
            "import exporters.registry, exporters.files, studio.cli\n"
            "assert not any(m.startswith('PySide6.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
