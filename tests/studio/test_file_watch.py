"""Changes on disk behind the studio's back: reload when clean, ask when modified, never
silently overwrite a newer file; the studio's own saves are not mistaken for such changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from models.io import dumps_design, loads_design, write_atomic
from studio.commands import RenameElement
from studio.document import Document
from studio.mainwindow import MainWindow
from tests.studio.conftest import small_design

WAIT_MS = 5000
Button = QMessageBox.StandardButton


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "design.yaml"
    target.write_text(dumps_design(small_design()), encoding="utf-8")
    return target


@pytest.fixture
def window(qtbot: object, settings: QSettings, path: Path) -> MainWindow:
    win = MainWindow(Document.open(path), settings)
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())  # type: ignore[attr-defined]
    return win


def _edit_on_disk(path: Path, name: str) -> None:
    """What ``git checkout`` or another editor does: an atomic replace of the file."""
    design = loads_design(path.read_text(encoding="utf-8"))
    design.replace_element("api", replace(design.element("api"), name=name))
    write_atomic(path, dumps_design(design).encode("utf-8"))


def _reload_prompt(monkeypatch: pytest.MonkeyPatch, answer: str) -> list[str]:
    """Answer the reload question with the button whose text starts with ``answer``."""
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        box.chosen = next(b for b in box.buttons() if b.text().startswith(answer))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(QMessageBox, "clickedButton", lambda box: box.chosen)
    return asked


def test_clean_document_reloads_silently_keeping_the_view(qtbot: object, window: MainWindow,
                                                          path: Path) -> None:
    window.view.set_zoom(0.5)
    old = window.document
    with qtbot.waitSignal(window.document_changed, timeout=WAIT_MS):  # type: ignore[attr-defined]
        _edit_on_disk(path, "Gateway")
    assert window.document is not old
    assert window.document.design.element("api").name == "Gateway"
    assert window.document.undo_stack.count() == 0 and not window.document.modified
    assert window.view.zoom == pytest.approx(0.5)
    # The watch is re-armed after the atomic replace: a second change is noticed as well.
    with qtbot.waitSignal(window.document_changed, timeout=WAIT_MS):  # type: ignore[attr-defined]
        _edit_on_disk(path, "Edge")
    assert window.document.design.element("api").name == "Edge"


def test_modified_document_asks_and_reloads(qtbot: object, window: MainWindow, path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    window.document.undo_stack.push(RenameElement(window.document.design, "web", "Mine"))
    asked = _reload_prompt(monkeypatch, "Reload")
    with qtbot.waitSignal(window.document_changed, timeout=WAIT_MS):  # type: ignore[attr-defined]
        _edit_on_disk(path, "Theirs")
    assert asked and "changed on disk" in asked[0]
    assert window.document.design.element("api").name == "Theirs"
    assert window.document.design.element("web").name == "Web"  # our change was discarded


def test_keep_mine_then_save_asks_before_overwriting(qtbot: object, window: MainWindow,
                                                     path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    document = window.document
    document.undo_stack.push(RenameElement(document.design, "web", "Mine"))
    asked = _reload_prompt(monkeypatch, "Keep mine")
    with qtbot.waitSignal(document.changed_on_disk, timeout=WAIT_MS):  # type: ignore[attr-defined]
        _edit_on_disk(path, "Theirs")
    qtbot.wait(50)  # type: ignore[attr-defined]
    assert len(asked) == 1 and window.document is document and document.modified
    warnings: list[str] = []

    def warning(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        warnings.append(str(args[2]))
        return answer

    monkeypatch.setattr(QMessageBox, "warning", warning)
    answer = Button.Cancel
    assert not window.save()
    assert warnings and "changed on disk" in warnings[0]
    assert "Theirs" in path.read_text(encoding="utf-8")  # nothing overwritten
    answer = Button.Save
    assert window.save()
    assert "Mine" in path.read_text(encoding="utf-8") and not document.modified
    assert len(asked) == 1  # our save did not prompt a reload


def test_save_conflict_without_a_watcher(window: MainWindow, path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Save compares the file's content itself, even if no notification came in."""
    window.document.unwatch()
    window.document.undo_stack.push(RenameElement(window.document.design, "web", "Mine"))
    _edit_on_disk(path, "Theirs")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda *a, **k: warnings.append(str(a[2])) or Button.Cancel)
    assert not window.save()
    assert warnings and "Theirs" in path.read_text(encoding="utf-8")


def test_own_saves_do_not_prompt(qtbot: object, window: MainWindow, path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    document = window.document
    asked = _reload_prompt(monkeypatch, "Reload")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(str(a[2])))
    for name in ("One", "Two"):
        document.undo_stack.push(RenameElement(document.design, "api", name))
        assert window.save()
        qtbot.wait(400)  # type: ignore[attr-defined]  # longer than the settle delay
    assert window.document is document and not asked and not warnings
    assert "Two" in path.read_text(encoding="utf-8")


def test_touching_the_file_without_changing_it_is_ignored(qtbot: object, window: MainWindow,
                                                           path: Path) -> None:
    document = window.document
    with qtbot.assertNotEmitted(document.changed_on_disk, wait=400):  # type: ignore[attr-defined]
        write_atomic(path, path.read_bytes())
    assert window.document is document


def test_unreadable_new_content_keeps_the_document(qtbot: object, window: MainWindow,
                                                   path: Path) -> None:
    document = window.document
    with qtbot.waitSignal(document.changed_on_disk, timeout=WAIT_MS):  # type: ignore[attr-defined]
        write_atomic(path, b"archstudio: 1\nservices:\n  api:\n    nmae: x\n")
    qtbot.wait(50)  # type: ignore[attr-defined]
    assert window.document is document
    assert "cannot be read" in window.statusBar().currentMessage()


def test_a_deleted_file_is_saved_again_without_asking(window: MainWindow, path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window.document.undo_stack.push(RenameElement(window.document.design, "web", "Mine"))
    path.unlink()
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail("asked"))
    assert window.save()
    assert "Mine" in path.read_text(encoding="utf-8")
