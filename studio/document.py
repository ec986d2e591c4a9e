"""The :class:`Document`: one design being edited, its file, its undo history and its review.

The window is a projection of the document: modified means ``not undo_stack.isClean()``, and
findings come from the check engine's incremental mode, refreshed (debounced) after edits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QIODevice, QObject, QSaveFile, QTimer, Signal
from PySide6.QtGui import QUndoStack

from models.design import Design
from models.io import SaveError, dumps_design, load_design
from studio.layout import layered_layout

__all__ = ["RECHECK_DELAY_MS", "Document", "SaveError", "make_checker"]

#: Quiet time after the last edit before the review is refreshed (keeps typing fluid).
RECHECK_DELAY_MS = 250


def make_checker(design: Design) -> Any | None:
    """The check engine's live review of ``design``, or None when the engine is not installed."""
    try:
        from checks.incremental import IncrementalChecker
    except ImportError:
        return None
    return IncrementalChecker(design)


class Document(QObject):
    """A design, its path, its :class:`QUndoStack` and its latest findings.

    Signals:
        modified_changed(bool): the undo stack's clean state changed.
        path_changed(): the document was saved under a new name.
        findings_changed(): :attr:`findings` holds a new review.
    """

    modified_changed = Signal(bool)
    path_changed = Signal()
    findings_changed = Signal()

    def __init__(self, design: Design | None = None, path: Path | None = None, *,
                 read_only: bool = False, parent: QObject | None = None,
                 checker_factory: Callable[[Design], Any | None] = make_checker) -> None:
        super().__init__(parent)
        self.design = design if design is not None else Design()
        self.path = path
        self.read_only = read_only
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.findings: tuple[Any, ...] = ()
        self._checker = checker_factory(self.design)
        self._recheck = QTimer(self, singleShot=True, interval=RECHECK_DELAY_MS)
        self._recheck.timeout.connect(self.refresh_findings)
        if self._checker is not None:
            self._checker.subscribe(self._recheck.start)
        self._place_unpositioned()
        self.refresh_findings()

    # ------------------------------------------------------------------ life cycle

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False,
             parent: QObject | None = None) -> Document:
        """Load ``path``; raises :class:`models.io.LoadError` listing every problem."""
        return cls(load_design(path), Path(path), read_only=read_only, parent=parent)

    def close(self) -> None:
        """Stop following the design (the checker unsubscribes)."""
        self._recheck.stop()
        if self._checker is not None:
            self._checker.close()
            self._checker = None

    def _place_unpositioned(self) -> None:
        """Lay out a design without positions; this is part of opening, not an undo step."""
        design = self.design
        if len(design) and not any(eid in design.layout for eid, _ in design.elements()):
            design.set_positions(layered_layout(design))

    # ------------------------------------------------------------------ state

    def _clean_changed(self, clean: bool) -> None:
        self.modified_changed.emit(not clean)

    @property
    def modified(self) -> bool:
        """Whether there are changes since the last save (the undo stack is not clean)."""
        return not self.undo_stack.isClean()

    @property
    def has_checker(self) -> bool:
        """Whether a check engine reviews this document."""
        return self._checker is not None

    @property
    def display_name(self) -> str:
        """The file name, or ``Untitled`` for a new design."""
        return self.path.name if self.path else "Untitled"

    def refresh_findings(self) -> None:
        """Read the current review from the checker (it re-checks only what changed)."""
        if self._checker is None:
            return
        self._recheck.stop()
        self.findings = tuple(self._checker.findings)
        self.findings_changed.emit()

    # ------------------------------------------------------------------ saving

    def save(self, path: Path | None = None) -> None:
        """Write the design atomically (``QSaveFile``) and mark the undo stack clean.

        Raises:
            SaveError: the file could not be written; the old file, the document and its undo
                history are left exactly as they were.
        """
        target = Path(path or self.path or "")
        if not str(target) or target == Path():
            raise SaveError(0, "the document has no file name yet; use Save As")
        data = dumps_design(self.design).encode("utf-8")
        out = QSaveFile(str(target))
        if not out.open(QIODevice.OpenModeFlag.WriteOnly):
            raise SaveError(0, f"cannot save {target}: {out.errorString()}")
        written = out.write(data)
        if written != len(data) or not out.commit():
            out.cancelWriting()
            raise SaveError(0, f"cannot save {target}: {out.errorString()}")
        renamed = target != self.path
        self.path = target
        self.undo_stack.setClean()
        if renamed:
            self.path_changed.emit()
