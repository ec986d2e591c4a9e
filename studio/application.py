"""The studio application: ``run_studio(path, review)`` behind :mod:`studio.app`.

Sets up the application (name and organisation for ``QSettings``, the system palette, high-DPI
rendering), offers recovery copies left by a crash, opens the window, and installs an
exception hook that writes a recovery copy and shows an error dialog instead of dying.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from models.io import LoadError
from studio import recovery
from studio.document import Document
from studio.mainwindow import MainWindow, show_load_problems

__all__ = ["APP_NAME", "ORGANISATION", "install_excepthook", "make_application", "run_studio"]

APP_NAME = "archstudio"
ORGANISATION = "archstudio"
_STYLESHEET = Path(__file__).resolve().parent.parent / "resources" / "studio.qss"


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), named for QSettings and following the system look."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(ORGANISATION)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationDisplayName("archstudio")
    app.setStyle("Fusion")  # the same widgets everywhere; colours follow the system palette
    if _STYLESHEET.is_file():
        app.setStyleSheet(_STYLESHEET.read_text(encoding="utf-8"))
    return app


def install_excepthook(windows: list[MainWindow]) -> None:
    """Show unexpected errors in a dialog and write recovery copies, instead of dying."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(details)
        saved = []
        for window in windows:
            if window.document is not None and window.document.modified:
                try:
                    saved.append(str(recovery.write_recovery(window.document)))
                except OSError as exc:
                    saved.append(f"(recovery copy failed: {exc})")
        where = ("\n\nA recovery copy of your work was written to:\n" + "\n".join(saved)
                 if saved else "")
        box = QMessageBox(windows[0] if windows else None)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Unexpected error")
        box.setText(f"archstudio hit an unexpected error: {value}{where}\n\n"
                    "You can keep working; please report this with the details below.")
        box.setDetailedText(details)
        box.exec()

    sys.excepthook = hook


def _offer_recovery(window: MainWindow) -> None:
    copies = recovery.pending_copies()
    if not copies:
        return
    newest = copies[0]
    answer = QMessageBox.question(
        window, "Recover unsaved work?",
        f"archstudio did not close cleanly last time. Open the recovered copy "
        f"{newest.name}?\n\n(Copies are kept in {newest.parent}.)",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Ignore, QMessageBox.StandardButton.Open)
    if answer == QMessageBox.StandardButton.Open:
        window.open_path(newest, review=True, ask=False)
    elif answer == QMessageBox.StandardButton.Discard:
        for path in copies:
            path.unlink(missing_ok=True)


def run_studio(path: Path | None, review: bool = False) -> int:
    """Open the studio on ``path`` (or an empty design); returns the exit code."""
    app = make_application()
    window = MainWindow()
    install_excepthook([window])
    window.show()
    if path is not None:
        try:
            window.set_document(Document.open(Path(path), read_only=review, parent=window))
        except LoadError as exc:
            show_load_problems(window, Path(path), exc)
        except OSError as exc:
            QMessageBox.critical(window, "Cannot open",
                                 f"Cannot open {path}: {exc.strerror or exc}")
    else:
        _offer_recovery(window)
    return app.exec()
