"""Nothing is lost: autosave copies and crash recovery copies, outside the user's folders.

Copies live in the platform's app-data location (``QStandardPaths.AppDataLocation``) under
``recovery/``; the studio offers them at the next start.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from models.io import dumps_design, write_atomic
from studio.document import Document

__all__ = ["autosave_path", "clear_autosave", "pending_copies", "recovery_dir",
           "write_autosave", "write_recovery"]


def recovery_dir() -> Path:
    """Where autosave and recovery copies are kept (created on demand)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base or Path.home() / ".archstudio") / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stem(document: Document) -> str:
    origin = str(document.path.resolve()) if document.path else f"untitled-{id(document)}"
    digest = hashlib.sha1(origin.encode()).hexdigest()[:10]
    name = document.path.stem if document.path else "untitled"
    return f"{name}-{digest}"


def autosave_path(document: Document) -> Path:
    """The autosave copy of ``document``."""
    return recovery_dir() / f"{_stem(document)}.autosave.yaml"


def write_autosave(document: Document) -> Path | None:
    """Write the autosave copy of a modified document; returns its path."""
    if not document.modified:
        clear_autosave(document)
        return None
    path = autosave_path(document)
    write_atomic(path, _text(document).encode("utf-8"))
    return path


def clear_autosave(document: Document) -> None:
    """Forget the autosave copy (after a save, a discard or a clean close)."""
    autosave_path(document).unlink(missing_ok=True)


def write_recovery(document: Document) -> Path:
    """Write a time-stamped recovery copy (after an unexpected error)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = recovery_dir() / f"{_stem(document)}.{stamp}.recovered.yaml"
    write_atomic(path, _text(document).encode("utf-8"))
    return path


def pending_copies() -> list[Path]:
    """Copies left by a session that did not end cleanly, newest first."""
    copies = [*recovery_dir().glob("*.autosave.yaml"), *recovery_dir().glob("*.recovered.yaml")]
    return sorted(copies, key=lambda p: p.stat().st_mtime, reverse=True)


def _text(document: Document) -> str:
    origin = f"# Recovered copy of {document.path}\n" if document.path else ""
    return origin + dumps_design(document.design)
