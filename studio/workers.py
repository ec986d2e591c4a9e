"""Long work off the GUI thread: auto-layout, exports and full checks of large designs.

A :class:`Task` runs a plain function in Qt's thread pool on a copy of the design
(:meth:`models.design.Design.copy`), so the user may keep editing while it runs; the result
comes back to the GUI thread through a queued signal. The function receives a
:class:`CancelToken`: it reports progress, checks :attr:`CancelToken.cancelled` between
steps and registers the external processes it starts (``dot``), which Cancel kills.
:func:`run_with_progress` adds a ``QProgressDialog`` with a Cancel button that only shows
up when the work takes a while.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

__all__ = ["CancelToken", "Cancelled", "Task", "run_with_progress"]

#: How long work may run before its progress dialog appears, in milliseconds.
SHOW_PROGRESS_AFTER_MS = 400


class Cancelled(Exception):
    """Raised inside a task's function when the user cancelled it."""


class CancelToken:
    """What a task's function sees of its task: progress, cancellation, its processes."""

    def __init__(self, report: Callable[[int, int, str], None] | None = None) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._processes: list[subprocess.Popen[Any]] = []
        self._report = report or (lambda _done, _total, _text: None)

    @property
    def cancelled(self) -> bool:
        """Whether the user asked to stop."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` when the user asked to stop."""
        if self._event.is_set():
            raise Cancelled

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        """Report progress (``total`` 0 = unknown); raises :class:`Cancelled` when cancelled."""
        self.check()
        self._report(done, total, text)

    def cancel(self) -> None:
        """Stop: set the flag and kill the processes the task started."""
        self._event.set()
        with self._lock:
            processes = list(self._processes)
        for process in processes:
            if process.poll() is None:
                process.kill()

    def add_process(self, process: subprocess.Popen[Any]) -> None:
        """Kill ``process`` if the task is cancelled (at once if it already is)."""
        with self._lock:
            self._processes.append(process)
        if self._event.is_set() and process.poll() is None:
            process.kill()


class _Signals(QObject):
    progressed = Signal(int, int, str)
    done = Signal(object, object)  # result, error (an exception or None)


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.work, self.signals = work, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result, error = self.work(), None
        except BaseException as exc:  # any failure is reported to the GUI thread
            result, error = None, exc
        self.signals.done.emit(result, error)


class Task(QObject):
    """One function run in the thread pool; its outcome comes back as a signal.

    Signals:
        progressed(int, int, str): done, total (0 = unknown) and a short text.
        finished(object): the function's result (not emitted when cancelled).
        failed(object): the exception the function raised (not :class:`Cancelled`).
        cancelled(): the task was cancelled; its result, if any, is dropped.
        ended(): after any of the three above.
    """

    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()

    def __init__(self, function: Callable[[CancelToken], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.progressed.connect(self.progressed, Qt.ConnectionType.QueuedConnection)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self.token = CancelToken(self._signals.progressed.emit)
        self._function = function
        self.running = False

    def start(self, pool: QThreadPool | None = None) -> Task:
        """Run the function in ``pool`` (Qt's global pool by default)."""
        self.running = True
        token, function = self.token, self._function
        (pool or QThreadPool.globalInstance()).start(_Runnable(lambda: function(token),
                                                               self._signals))
        return self

    def cancel(self) -> None:
        """Ask the function to stop and kill its processes; :attr:`cancelled` follows."""
        if self.running and not self.token.cancelled:
            self.token.cancel()

    def _done(self, result: Any, error: BaseException | None) -> None:
        self.running = False
        if self.token.cancelled or isinstance(error, Cancelled):
            self.cancelled.emit()
        elif error is not None:
            self.failed.emit(error)
        else:
            self.finished.emit(result)
        self.ended.emit()


def run_with_progress(parent: QWidget, title: str, function: Callable[[CancelToken], Any],
                      on_finished: Callable[[Any], None],
                      on_failed: Callable[[BaseException], None] | None = None) -> Task:
    """Run ``function`` in a worker behind a progress dialog with a Cancel button.

    The dialog appears after :data:`SHOW_PROGRESS_AFTER_MS`; Cancel stops the task at once
    (its processes are killed, its late result is dropped) and gives the window back.
    """
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title.rstrip("…. "))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
    dialog.setMinimumWidth(380)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    task = Task(function, parent)
    task.dialog = dialog  # type: ignore[attr-defined]
    dialog.canceled.connect(task.cancel)
    task.progressed.connect(lambda done, total, text: _show(dialog, done, total, text))
    task.finished.connect(on_finished)
    if on_failed is not None:
        task.failed.connect(on_failed)
    task.ended.connect(dialog.close)
    task.ended.connect(dialog.deleteLater)
    task.ended.connect(task.deleteLater)
    dialog.setValue(0)
    return task.start()


def _show(dialog: QProgressDialog, done: int, total: int, text: str) -> None:
    dialog.setMaximum(max(total, 0))
    dialog.setValue(min(done, total) if total else 0)
    if text:
        dialog.setLabelText(text)
