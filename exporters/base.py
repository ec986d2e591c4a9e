"""The exporter protocol: a pure function from a design to named files.

Exporters never write to disk themselves: they return ``{relative path: content}`` and the
caller (the CLI's ``export``, the studio's Export menu) writes the files atomically inside the
chosen folder. Output is byte-stable: the same design always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from models.design import Design

__all__ = ["ExportError", "ExportOptions", "Exporter", "Files"]

#: Relative output path -> file content (text is written as UTF-8).
Files = dict[str, str | bytes]


class ExportError(Exception):
    """An export could not be produced (e.g. Graphviz missing for PNG); says how to fix it."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Options shared by all exporters.

    Attributes:
        dialect: SQL dialect for DDL (``postgres``, ``mysql``, ``sqlite``); empty (the
            default) writes each datastore in its own engine's dialect (``--dialect`` overrides).
        review: The check engine's findings, for documents that include the quality review.
            Plain objects with ``id``, ``code``, ``severity``, ``element``, ``message``,
            ``hint`` (exporters do not import the check engine).
        extra: Exporter-specific settings.
    """

    dialect: str = ""
    review: Sequence[Any] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


class Exporter(Protocol):
    """What every exporter provides; instances are listed in ``exporters.registry.EXPORTERS``."""

    name: str  # the --to FORMAT name, e.g. "mermaid"
    title: str  # the menu label, e.g. "Mermaid diagrams"
    description: str  # one line for --help and the docs

    def export(self, design: Design, options: ExportOptions) -> Files:
        """Produce the files for ``design``."""
        ...
