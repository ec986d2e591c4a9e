"""Review mode: the read-only banner, the summary by severity and group, the review report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from studio.commands import RemoveElements
from studio.document import Document
from studio.mainwindow import MainWindow
from studio.review import review_counts
from tests.studio.conftest import SAMPLES, small_design

pytest.importorskip("checks.incremental")

WAIT_MS = 30_000


def _window(qtbot: object, settings: QSettings, document: Document) -> MainWindow:
    win = MainWindow(document, settings)
    qtbot.addWidget(win, before_close_func=lambda w: w.document.undo_stack.setClean())  # type: ignore[attr-defined]
    return win


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_review_mode_banner_and_summary_counts(qtbot: object, settings: QSettings,
                                               sample: Path) -> None:
    from checks.registry import RULES

    window = _window(qtbot, settings, Document.open(sample, read_only=True))
    bar = window.review_bar
    assert bar.banner.isVisibleTo(window) and bar.summary.isVisibleTo(window)
    assert "Review of" in bar.banner_label.text() and "read-only" in bar.banner_label.text()
    assert "Save As" in bar.banner_label.text()
    findings = window.document.findings
    severities = Counter(f.severity.value for f in findings)
    assert bar.counts.by_severity == {s: severities[s] for s in ("error", "warning", "info")}
    group = {rule.code: rule.groups[0] for rule in RULES}
    assert bar.counts.by_group == dict(sorted(Counter(group[f.code] for f in findings).items(),
                                              key=lambda item: (-item[1], item[0])))
    text = bar.summary_label.text()
    if findings:
        assert f"{severities['error']} error" in text and "by group" in text
    else:
        assert "no findings" in text
    assert not window.save_action.isEnabled() and not window.layout_action.isEnabled()


def test_summary_follows_edits_and_can_be_hidden_outside_review(qtbot: object,
                                                                settings: QSettings) -> None:
    window = _window(qtbot, settings, Document.open(SAMPLES[0]))
    bar = window.review_bar
    assert not bar.banner.isVisibleTo(window)  # an editable document has no banner
    assert bar.summary.isVisibleTo(window)
    document = window.document
    before = document.findings
    culprit = next(f.element.split(".")[0] for f in document.findings
                   if f.element.split(".")[0] in document.design)
    document.undo_stack.push(RemoveElements(document.design, [culprit]))
    document.refresh_findings()
    assert document.findings != before
    assert bar.counts == review_counts(document.findings)
    window.summary_action.trigger()
    assert not bar.summary.isVisibleTo(window)
    assert settings.value("view/reviewSummary", type=bool) is False


def test_review_mode_from_the_command_line_opens_read_only(qtbot: object, settings: QSettings,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """``archstudio --review FILE`` reaches run_studio(path, review=True): read-only."""
    import sys

    from studio import application, cli

    opened: list[MainWindow] = []

    def make_window() -> MainWindow:
        opened.append(MainWindow(settings=settings))
        return opened[-1]

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_studio installs its own
    monkeypatch.setattr(application, "MainWindow", make_window)
    monkeypatch.setattr(application.QApplication, "exec", lambda self: 0)
    assert cli.main(["--review", str(SAMPLES[0])]) == 0
    window = opened[0]
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert window.document.read_only and window.document.path == SAMPLES[0]
    assert "read-only" in window.windowTitle()
    assert window.review_bar.banner.isVisibleTo(window)
    assert not window.paste_action.isEnabled() and not window.delete_action.isEnabled()


def test_export_review_report_writes_the_doc_with_the_findings(qtbot: object,
                                                               settings: QSettings,
                                                               tmp_path: Path) -> None:
    window = _window(qtbot, settings, Document.open(SAMPLES[0], read_only=True))
    assert window.report_action.isEnabled()  # read-only: exporting is not editing
    task = window.export_review_report(str(tmp_path))
    with qtbot.waitSignal(task.finished, timeout=WAIT_MS):  # type: ignore[attr-defined]
        pass
    report = (tmp_path / "design.md").read_text(encoding="utf-8")
    assert "Quality Review" in report
    for finding in window.document.findings:
        assert finding.code in report
    assert "No review run" not in report


def test_empty_review(qtbot: object, settings: QSettings) -> None:
    window = _window(qtbot, settings, Document(small_design()))
    counts = review_counts(window.document.findings)
    assert counts.total == len(window.document.findings)
    assert sum(counts.by_group.values()) == counts.total
