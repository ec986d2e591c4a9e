"""The exporters, in one explicit, ordered tuple.

The CLI's ``export --to`` choices, the studio's Export menu and the docs are generated from
:data:`EXPORTERS`; nothing registers itself on import. To add a format, write a class that
satisfies :class:`exporters.base.Exporter` and list an instance here.

Optional attributes an exporter may set (read with ``getattr``, default in brackets):

- ``needs_review`` [False]: the caller runs the check engine and passes the findings in
  :attr:`ExportOptions.review` (the design document's quality review).
- ``needs_tool`` [None]: an executable the exporter runs (``dot`` for images); ``all`` skips the
  format when it is missing, asking for it explicitly is an error.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable

from exporters.adr import AdrExporter
from exporters.base import Exporter, ExportError
from exporters.ddl import DdlExporter
from exporters.doc import DocExporter
from exporters.dot import DotExporter, PngExporter, SvgExporter
from exporters.mermaid import MermaidExporter
from exporters.openapi import OpenApiExporter
from models.design import did_you_mean

__all__ = [
    "EXPORTERS",
    "UnknownExporterError",
    "available",
    "exporter_names",
    "get_exporter",
    "resolve_formats",
]

EXPORTERS: tuple[Exporter, ...] = (
    MermaidExporter(),
    OpenApiExporter(),
    DdlExporter(),
    AdrExporter(),
    DocExporter(),
    DotExporter(),
    SvgExporter(),
    PngExporter(),
)


class UnknownExporterError(ExportError):
    """No exporter has that name."""


def exporter_names() -> tuple[str, ...]:
    """The format names, in registry order."""
    return tuple(exporter.name for exporter in EXPORTERS)


def get_exporter(name: str) -> Exporter:
    """The exporter called ``name``; raises :class:`UnknownExporterError` with a hint."""
    for exporter in EXPORTERS:
        if exporter.name == name:
            return exporter
    hint = did_you_mean(name, (*exporter_names(), "all"))
    known = ", ".join((*exporter_names(), "all"))
    raise UnknownExporterError(f"unknown format '{name}'; " + (hint or f"known: {known}"))


def available(exporter: Exporter) -> bool:
    """Whether the tool the exporter runs (if any) is installed."""
    tool = getattr(exporter, "needs_tool", None)
    return tool is None or shutil.which(tool) is not None


def resolve_formats(names: Iterable[str]) -> tuple[list[Exporter], list[Exporter]]:
    """The exporters asked for (``all`` = every one), in registry order, without duplicates.

    Returns ``(chosen, skipped)``: ``all`` leaves out exporters whose tool is missing and lists
    them in ``skipped``; a format named explicitly is always chosen.
    """
    wanted: set[str] = set()
    from_all = False
    for name in names:
        if name == "all":
            from_all = True
        else:
            wanted.add(get_exporter(name).name)
    chosen, skipped = [], []
    for exporter in EXPORTERS:
        if exporter.name in wanted:
            chosen.append(exporter)
        elif from_all:
            (chosen if available(exporter) else skipped).append(exporter)
    return chosen, skipped
