"""The :class:`Document`: one design being edited, its file, its undo history and its review.

The window is a projection of the document: modified means ``not undo_stack.isClean()``, and
findings come from the check engine's incremental mode, refreshed (debounced) after edits. The
first full check of a large design runs in a worker on a snapshot, so opening RM-1k does not
freeze the window; a result for a design that has changed since is dropped and re-run.

The document remembers what its file held when it was loaded or saved (:class:`DiskState`) and
watches the file (and its folder, because an atomic replace swaps the file's inode): when the
content changes behind the studio's back, :attr:`Document.changed_on_disk` is emitted; the
studio's own saves update the remembered content first, so they never look like a change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QIODevice, QObject, QSaveFile, QTimer, Signal
from PySide6.QtGui import QUndoStack

from models.design import Design
from models.events import DesignEvent, LayoutChanged
from models.io import SaveError, dumps_design, load_design
from studio.layout import ROW_GAP, layered_layout

__all__ = ["BACKGROUND_CHECK_ELEMENTS", "RECHECK_DELAY_MS", "DiskState", "Document",
           "SaveError", "make_checker"]

#: Quiet time after the last edit before the review is refreshed (keeps typing fluid).
RECHECK_DELAY_MS = 250
#: Designs with more elements than this get their first full check in a worker thread.
BACKGROUND_CHECK_ELEMENTS = 300
#: Quiet time after a file-system notification before the file is compared (editors and
#: ``git checkout`` write in several steps).
DISK_SETTLE_MS = 150


@dataclass(frozen=True, slots=True)
class DiskState:
    """What a file held: its size, modification time and content digest (None = no file)."""

    size: int = -1
    mtime_ns: int = 0
    digest: str = ""

    @classmethod
    def of(cls, path: Path, data: bytes | None = None) -> DiskState:
        """The state of ``path`` now (``data``: its content, when the caller has it)."""
        try:
            stat = path.stat()
            if data is None:
                data = path.read_bytes()
        except OSError:
            return cls()
        return cls(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())

    @property
    def exists(self) -> bool:
        """Whether there was a file."""
        return self.size >= 0

    def same_content(self, path: Path) -> bool:
        """Whether ``path`` still holds this content (the digest is computed only when the
        size or modification time differ)."""
        try:
            stat = path.stat()
        except OSError:
            return not self.exists
        if (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns):
            return True
        return DiskState.of(path).digest == self.digest


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
        changed_on_disk(): the file no longer holds what was loaded or saved.
    """

    modified_changed = Signal(bool)
    path_changed = Signal()
    findings_changed = Signal()
    changed_on_disk = Signal()

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
        self._reviewed = False
        #: Counts the edits that can change findings (not moves): a background review made
        #: for an older version is stale.
        self.version = 0
        self._unsubscribe = self.design.subscribe(self._count_edit)
        self._checker_factory = checker_factory
        self._checker = checker_factory(self.design)
        self._background: Any = None
        self._recheck = QTimer(self, singleShot=True, interval=RECHECK_DELAY_MS)
        self._recheck.timeout.connect(self.refresh_findings)
        if self._checker is not None:
            self._checker.subscribe(self._recheck.start)
        self.disk = DiskState.of(self.path) if self.path else DiskState()
        self._watcher: QFileSystemWatcher | None = None
        self._kept_over = ""
        self._settle = QTimer(self, singleShot=True, interval=DISK_SETTLE_MS)
        self._settle.timeout.connect(self._compare_disk)
        self._place_unpositioned()
        if self._checker is not None and len(self.design) > BACKGROUND_CHECK_ELEMENTS:
            self.check_in_background()
        else:
            self.refresh_findings()

    # ------------------------------------------------------------------ life cycle

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False,
             parent: QObject | None = None) -> Document:
        """Load ``path``; raises :class:`models.io.LoadError` listing every problem."""
        path = Path(path)
        disk = DiskState.of(path)  # before loading: a change while loading is then noticed
        document = cls(load_design(path), path, read_only=read_only, parent=parent)
        document.disk = disk
        return document

    def close(self) -> None:
        """Stop following the design and the file (the checker unsubscribes)."""
        self._recheck.stop()
        self._settle.stop()
        self.unwatch()
        self._unsubscribe()
        self._unsubscribe = lambda: None
        if self._background is not None:
            self._background.cancel()
            self._background = None
        if self._checker is not None:
            self._checker.close()
            self._checker = None

    def _count_edit(self, event: DesignEvent) -> None:
        if not isinstance(event, LayoutChanged):
            self.version += 1

    def _place_unpositioned(self) -> None:
        """Lay out the elements without positions; part of opening, not an undo step.

        A design without any positions is laid out whole; elements added to the file by hand
        (or by a merge) are laid out among themselves, below what is already placed.
        """
        design = self.design
        missing = [eid for eid, _ in design.elements() if eid not in design.layout]
        if not missing:
            return
        if len(missing) == len(design):
            design.set_positions(layered_layout(design))
            return
        from studio.clipboard import selection_design

        placed = design.layout.values()
        left, bottom = min(x for x, _ in placed), max(y for _, y in placed)
        laid = layered_layout(selection_design(design, missing))
        low = min(x for x, _ in laid.values())
        design.set_positions({eid: (left + x - low, bottom + 1.5 * ROW_GAP + y)
                              for eid, (x, y) in laid.items()})

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

    @property
    def checking(self) -> bool:
        """Whether a full check is running in the background."""
        return self._background is not None

    def refresh_findings(self) -> None:
        """Read the current review from the checker (it re-checks only what changed)."""
        if self._checker is None:
            return
        self._recheck.stop()
        if self._background is not None:
            return  # the background check is running; its result (or re-run) comes next
        findings = tuple(self._checker.findings)
        if findings == self.findings and self._reviewed:
            return  # most edits (a description, a move) change nothing: views keep their state
        self.findings, self._reviewed = findings, True
        self.findings_changed.emit()

    def check_in_background(self) -> None:
        """Run the full check in a worker on a snapshot; adopt it if the design is unchanged.

        The worker's checker, bound to the snapshot, is re-bound to the live design when its
        result arrives, so later edits are re-checked incrementally from it. A result for an
        older :attr:`version` is discarded and the check runs again on a new snapshot.
        """
        from studio.workers import Task

        if self._checker is None:
            return
        version, factory, copy = self.version, self._checker_factory, self.design.copy()

        def work(token: Any) -> Any:
            checker = factory(copy)
            token.check()
            checker.findings  # noqa: B018 - computing the review is the work
            return checker

        self._background = Task(work, self)
        self._background.finished.connect(lambda checker: self._adopt(checker, version))
        self._background.failed.connect(lambda _error: self._background_failed())
        self._background.start()

    def _adopt(self, checker: Any, version: int) -> None:
        self._background = None
        if self._checker is None:  # closed meanwhile
            checker.close()
            return
        if version != self.version:
            checker.close()
            self.check_in_background()
            return
        checker.rebind(self.design)
        self._checker.close()
        self._checker = checker
        checker.subscribe(self._recheck.start)
        self.findings, self._reviewed = tuple(checker.findings), True
        self.findings_changed.emit()

    def _background_failed(self) -> None:
        self._background = None
        self.refresh_findings()  # the same check on this thread reports the problem

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
        self.disk = DiskState.of(target, data)
        self.undo_stack.setClean()
        if renamed:
            self.path_changed.emit()
            if self._watcher is not None:
                self.watch()

    def disk_conflict(self) -> bool:
        """Whether the file changed on disk since it was loaded or saved (Save must ask); a
        file deleted meanwhile is no conflict: saving writes it again."""
        return (self.path is not None and self.path.exists()
                and not self.disk.same_content(self.path))

    # ------------------------------------------------------------------ watching the file

    def watch(self) -> None:
        """Follow the file: :attr:`changed_on_disk` is emitted when its content changes."""
        self.unwatch()
        if self.path is None:
            return
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(lambda _p: self._settle.start())
        self._watcher.directoryChanged.connect(lambda _p: self._settle.start())
        self._arm()

    def unwatch(self) -> None:
        """Stop following the file."""
        if self._watcher is not None:
            self._watcher.deleteLater()
            self._watcher = None

    def _arm(self) -> None:
        """Watch the file and its folder (re-armed after an atomic replace drops the file)."""
        if self._watcher is None or self.path is None:
            return
        wanted = [str(p) for p in (self.path, self.path.parent) if p.exists()]
        missing = [p for p in wanted if p not in {*self._watcher.files(),
                                                  *self._watcher.directories()}]
        if missing:
            self._watcher.addPaths(missing)

    def _compare_disk(self) -> None:
        self._arm()
        if self.path is None or self.disk.same_content(self.path):
            return
        now = DiskState.of(self.path)
        # A deleted file is not news (Save writes it again); a version the user chose to
        # keep their changes over is not asked about twice.
        if now.exists and now.digest != self._kept_over:
            self.changed_on_disk.emit()

    def keep_mine(self) -> None:
        """The user keeps their changes over the file's new content: do not ask again for
        this version (Save still asks before overwriting it)."""
        if self.path is not None:
            self._kept_over = DiskState.of(self.path).digest
