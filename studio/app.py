"""The studio's entry point for the ``archstudio`` command: ``run_studio(path, review)``.

This module imports no Qt itself. :mod:`studio.cli` imports it lazily, only when a window is
asked for, and import-linter checks that the CLI's static import graph stays Qt-free; so the
Qt application (:mod:`studio.application`) is imported by name when the studio starts. When
PySide6 is missing, importing this module raises ``ImportError`` so that the CLI can fall back
to validating the file.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

__all__ = ["run_studio"]

if importlib.util.find_spec("PySide6") is None:  # pragma: no cover - depends on the install
    raise ImportError("PySide6 is not installed (pip install PySide6-Essentials)")


def run_studio(path: Path | None, review: bool = False) -> int:
    """Open the studio on ``path`` (or an empty design) and run it; returns the exit code."""
    application = importlib.import_module("studio.application")
    return int(application.run_studio(path, review=review))
