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


def test_summary_names_the_groups_that_fit_and_counts_the_rest(qtbot: object) -> None:
    from types import SimpleNamespace

    from studio.review import ReviewBar, ReviewCounts

    bar = ReviewBar()
    qtbot.addWidget(bar)  # type: ignore[attr-defined]
    groups = {"security": 4, "resilience": 3, "observability": 2, "performance": 2, "sql": 1,
              "api": 1, "topology": 1}
    bar.document = SimpleNamespace(checking=False)  # type: ignore[assignment]
    bar.counts = ReviewCounts({"error": 2, "warning": 8, "info": 4}, groups)
    bar.summary_label.setToolTip("")
    bar.show()
    label = bar.summary_label
    bar.resize(2000, 40)
    qtbot.waitUntil(lambda: label.width() > 1500)  # type: ignore[attr-defined]
    assert "topology" in label.text() and "more" not in label.text()
    bar.resize(760, 40)
    qtbot.waitUntil(lambda: "more" in label.text())  # type: ignore[attr-defined]
    text = label.text()
    assert "security" in text  # the largest group stays
    named = sum(f"{group}&nbsp;" in text for group in groups)
    assert 0 <= named < len(groups) and f"+{len(groups) - named} more" in text
    assert "2 errors" in text and "8 warnings" in text
    from studio.review import _html_width

    assert _html_width(text, label) <= label.contentsRect().width()  # nothing is clipped


def test_summary_tooltip_lists_every_group() -> None:
    from studio.review import ReviewCounts, _summary_tip

    tip = _summary_tip(ReviewCounts({"error": 1, "warning": 0, "info": 0},
                                    {"security": 1, "sql": 1}))
    assert "security: 1" in tip and "sql: 1" in tip and "1 error" in tip
