"""Work off the GUI thread: Graphviz auto-layout (and its fallback), exports, cancel."""

from __future__ import annotations

import itertools
import json
import os
import stat
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton

import studio.layout as layout
from models.design import Design
from studio.commands import RenameElement
from studio.document import Document
from studio.layout import dot_layout, layered_layout, positions_from_json
from studio.mainwindow import MainWindow
from studio.workers import Cancelled, CancelToken, Task
from tests.studio.conftest import small_design
from tests.support.tools import require_tool

WAIT_MS = 20_000


@pytest.fixture
def window(qtbot: object, settings: QSettings) -> MainWindow:
    win = MainWindow(Document(small_design()), settings)
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())  # type: ignore[attr-defined]
    return win


def test_positions_from_json_flip_y_and_centre() -> None:
    data = json.dumps({"bb": "0,0,400,200", "objects": [
        {"name": "cluster_1", "bb": "0,0,10,10"},  # subgraphs have no pos
        {"name": "a", "pos": "100,180"},
        {"name": "b", "pos": "300,80"},
    ]})
    assert positions_from_json(data, {"a", "b"}) == {"a": (-100.0, 0.0), "b": (100.0, 100.0)}
    with pytest.raises(layout.DotLayoutError):
        positions_from_json(data, {"a", "b", "c"})
    with pytest.raises(layout.DotLayoutError):
        positions_from_json("not json", {"a"})


def test_dot_layout_follows_the_flow_at_canvas_scale(design: Design) -> None:
    require_tool("dot", "apt-get install graphviz")
    positions = dot_layout(design, (184.0, 60.0))
    assert set(positions) == {eid for eid, _ in design.elements()}
    y = {eid: pos[1] for eid, pos in positions.items()}
    # web calls api, which writes orders-db and publishes events, read by worker: top down.
    assert y["web"] < y["api"] < y["orders-db"]
    assert y["api"] < y["events"] < y["worker"]
    # One rank is ROW_GAP (100 scene units) below the other: dot's points are scene units.
    assert y["api"] - y["web"] == pytest.approx(layout.ROW_GAP, abs=1)
    same_rank = [p for p in positions.values() if p[1] == y["events"]]
    if len(same_rank) > 1:
        xs = sorted(p[0] for p in same_rank)
        assert min(b - a for a, b in itertools.pairwise(xs)) >= 184.0


def test_without_dot_the_layered_layout_is_used(design: Design,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout.shutil, "which", lambda _name: None)
    assert layout.auto_layout(design) == layered_layout(design)
    with pytest.raises(layout.DotLayoutError):
        dot_layout(design)


def test_auto_layout_runs_in_a_worker_and_is_one_undo_step(qtbot: object, window: MainWindow,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    design = window.document.design
    monkeypatch.setattr(layout.shutil, "which", lambda _name: None)  # deterministic: layered
    design.set_positions({eid: (0.0, 0.0) for eid, _ in design.elements()})
    before = dict(design.layout)
    task = window.auto_layout()
    assert isinstance(task, Task) and window.task is task
    with qtbot.waitSignal(task.ended, timeout=WAIT_MS):  # type: ignore[attr-defined]
        pass
    assert dict(design.layout) == layered_layout(design)
    assert window.document.undo_stack.count() == 1 and window.task is None
    window.undo_action.trigger()
    assert dict(design.layout) == before


def test_auto_layout_with_dot_in_the_window(qtbot: object, window: MainWindow) -> None:
    require_tool("dot", "apt-get install graphviz")
    design = window.document.design
    task = window.auto_layout()
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):  # type: ignore[attr-defined]
        pass
    assert dict(design.layout) == dot_layout(design.copy())


def _slow_dot(tmp_path: Path) -> Path:
    script = tmp_path / "dot"
    script.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'pid'}\nexec sleep 60\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_cancel_kills_dot_and_changes_nothing(qtbot: object, window: MainWindow, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _slow_dot(tmp_path)
    monkeypatch.setattr(layout.shutil, "which", lambda _name: str(fake))
    before = dict(window.document.design.layout)
    task = window.auto_layout()
    qtbot.waitUntil(lambda: (tmp_path / "pid").exists(), timeout=WAIT_MS)  # type: ignore[attr-defined]
    pid = int((tmp_path / "pid").read_text())
    assert window.auto_layout() is None  # one task at a time
    assert "running task" in window.statusBar().currentMessage()
    started = time.monotonic()
    with qtbot.waitSignal(task.cancelled, timeout=WAIT_MS):  # type: ignore[attr-defined]
        task.dialog.findChild(QPushButton).click()  # the progress dialog's Cancel button
    assert time.monotonic() - started < 5
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the dot process is gone (killed, and reaped by communicate)
    assert dict(window.document.design.layout) == before
    assert window.document.undo_stack.count() == 0 and window.task is None


def test_edits_during_layout_keep_the_undo_stack_consistent(qtbot: object, window: MainWindow,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr(layout.shutil, "which", lambda _name: None)
    task = window.auto_layout()
    window.document.undo_stack.push(RenameElement(window.document.design, "api", "Edge"))
    with qtbot.waitSignal(task.ended, timeout=WAIT_MS):  # type: ignore[attr-defined]
        pass
    assert window.document.undo_stack.count() == 2
    assert window.document.design.element("api").name == "Edge"


def test_export_runs_in_a_worker_and_writes_files(qtbot: object, window: MainWindow,
                                                  tmp_path: Path) -> None:
    from exporters.registry import get_exporter

    task = window.export(get_exporter("mermaid"), str(tmp_path))
    assert task is not None
    # The GUI thread is free while the worker runs: editing goes on.
    window.document.undo_stack.push(RenameElement(window.document.design, "api", "Later"))
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):  # type: ignore[attr-defined]
        pass
    written = list(tmp_path.rglob("*.mmd"))
    assert written
    text = "".join(path.read_text(encoding="utf-8") for path in written)
    assert "API" in text and "Later" not in text  # the snapshot taken when Export was chosen


def test_cancelled_export_writes_nothing(qtbot: object, window: MainWindow,
                                         tmp_path: Path) -> None:
    import threading

    running, release = threading.Event(), threading.Event()

    class Slow:
        title = "Slow"

        def export(self, design: Design, options: object) -> dict[str, str]:
            running.set()
            release.wait(10)
            return {"out.txt": "late"}

    task = window.export(Slow(), str(tmp_path))
    assert running.wait(10)  # the exporter runs in the worker while the GUI thread goes on
    with qtbot.waitSignal(task.cancelled, timeout=WAIT_MS):  # type: ignore[attr-defined]
        window.cancel_task()
        release.set()
    assert list(tmp_path.iterdir()) == []
    assert window.task is None


def test_export_failure_is_reported(qtbot: object, window: MainWindow, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from exporters.base import ExportError

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(str(a[2])))

    class Broken:
        title = "Broken"

        def export(self, design: Design, options: object) -> dict[str, str]:
            raise ExportError("needs a tool")

    task = window.export(Broken(), str(tmp_path))
    with qtbot.waitSignal(task.failed, timeout=WAIT_MS):  # type: ignore[attr-defined]
        pass
    assert shown and "needs a tool" in shown[0]


def test_token_progress_raises_once_cancelled() -> None:
    seen: list[tuple[int, int, str]] = []
    token = CancelToken(lambda *args: seen.append(args))
    token.progress(1, 2, "half")
    token.cancel()
    with pytest.raises(Cancelled):
        token.progress(2, 2)
    assert seen == [(1, 2, "half")]


def test_snapshot_is_independent(design: Design) -> None:
    copy = design.copy()
    assert dict(copy.elements()) == dict(design.elements())
    assert {r.key for r in copy.relations()} == {r.key for r in design.relations()}
    assert dict(copy.layout) == dict(design.layout)
    copy.remove_element("api")
    assert "api" in design
