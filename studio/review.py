"""Review mode's summary: findings counted by severity and by rule group, above the canvas.

:class:`ReviewBar` is the strip over the architecture canvas. In review mode (a read-only
document, e.g. a shipped sample) it starts with a banner — "Review of <sample> — read-only;
Save As… to make an editable copy" — and always shows the counts of the latest review, which
follow :attr:`Document.findings_changed`. :func:`review_report` is the design document (the
``doc`` exporter) with those findings as its quality review.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio.document import Document

__all__ = [
    "SEVERITIES", "ReviewBar", "ReviewCounts", "review_counts", "review_report", "severity_count"]

SEVERITIES = ("error", "warning", "info")
_SEVERITY_COLOURS = {"error": "#d64545", "warning": "#c98a0b", "info": "#3d7bd9"}


@dataclass(frozen=True, slots=True)
class ReviewCounts:
    """Findings by severity (``error``, ``warning``, ``info``) and by rule group."""

    by_severity: dict[str, int]
    by_group: dict[str, int]

    @property
    def total(self) -> int:
        """Every finding."""
        return sum(self.by_severity.values())


def _rule_groups() -> dict[str, str]:
    """Each rule's code -> its first (primary) group."""
    try:
        from checks.registry import RULES
    except ImportError:
        return {}
    return {rule.code: (rule.groups[0] if rule.groups else "other") for rule in RULES}


def review_counts(findings: Iterable[Any]) -> ReviewCounts:
    """Count ``findings`` by severity and by their rule's primary group (largest first)."""
    groups = _rule_groups()
    severities: Counter[str] = Counter()
    by_group: Counter[str] = Counter()
    for finding in findings:
        severities[getattr(finding.severity, "value", str(finding.severity))] += 1
        by_group[groups.get(finding.code, "other")] += 1
    ordered = sorted(by_group.items(), key=lambda item: (-item[1], item[0]))
    return ReviewCounts({s: severities[s] for s in SEVERITIES}, dict(ordered))


def review_report(design: Any, findings: Sequence[Any]) -> dict[str, str | bytes]:
    """The design document with ``findings`` as its quality review: ``{path: content}``."""
    from exporters.base import ExportOptions
    from exporters.registry import get_exporter

    return get_exporter("doc").export(design, ExportOptions(review=tuple(findings)))


class ReviewBar(QWidget):
    """The review banner (review mode) and the counts of the latest review.

    Signals:
        save_as_requested(): the banner's "Save As…" button.
        report_requested(): the "Export Review Report…" button.
    """

    save_as_requested = Signal()
    report_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewBar")
        self.document: Document | None = None
        self.banner = QFrame(objectName="reviewBanner")
        self.banner_label = QLabel()
        self.banner_label.setTextFormat(Qt.TextFormat.RichText)
        save_as = QPushButton("Save As…")
        save_as.setToolTip("Save an editable copy of this design")
        save_as.clicked.connect(self.save_as_requested)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 5, 6, 5)
        row.addWidget(self.banner_label, 1)
        row.addWidget(save_as)
        self.summary = QFrame(objectName="reviewSummary")
        self.summary_label = _WidthLabel(self._fit_summary)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        # The groups that fit are shown, then "+N more" (the tooltip has them all); the label
        # never widens the window.
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                         QSizePolicy.Policy.Preferred)
        self.report_button = QPushButton("Export Review Report…")
        self.report_button.setFlat(True)
        self.report_button.clicked.connect(self.report_requested)
        line = QHBoxLayout(self.summary)
        line.setContentsMargins(10, 3, 6, 3)
        line.addWidget(self.summary_label, 1)
        line.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        self._style()
        self.counts = review_counts(())

    def _style(self) -> None:
        self.banner.setStyleSheet(
            "#reviewBanner { background: palette(highlight); }"
            "#reviewBanner QLabel { color: palette(highlighted-text); }")
        self.summary.setStyleSheet(
            "#reviewSummary { background: palette(alternate-base);"
            " border-bottom: 1px solid palette(mid); }")

    def set_document(self, document: Document, summary: bool = True) -> None:
        """Follow ``document``; ``summary`` shows the counts strip outside review mode too."""
        self.document = document
        document.findings_changed.connect(self.refresh)
        stem = document.path.stem if document.path else "Untitled"
        name = html.escape(document.design.info.name or stem)
        self.banner_label.setText(
            f"<b>Review of {name}</b> — read-only; <b>Save As…</b> to make an editable copy")
        self.banner.setVisible(document.read_only)
        self.show_summary(summary)
        self.refresh()

    def show_summary(self, on: bool) -> None:
        """Show the counts strip (always shown in review mode; needs the check engine)."""
        document = self.document
        self.summary.setVisible(document is not None and document.has_checker
                                and (on or document.read_only))

    def refresh(self) -> None:
        """Show the counts of the document's latest review."""
        document = self.document
        if document is None:
            return
        self.counts = review_counts(document.findings)
        self.summary_label.setToolTip(_summary_tip(self.counts) if not document.checking else "")
        self._fit_summary()

    def _fit_summary(self) -> None:
        """Show as many groups, largest first, as the strip's width holds, then "+N more"."""
        document = self.document
        if document is None:
            return
        checking, label = document.checking, self.summary_label
        groups = len(self.counts.by_group)
        width = label.contentsRect().width() if label.width() > 0 else 1 << 20
        text = _summary_html(self.counts, checking)
        for shown in range(groups, -1, -1):
            text = _summary_html(self.counts, checking, shown)
            if _html_width(text, label) <= width:
                break
        if label.text() != text:
            label.setText(text)


class _WidthLabel(QLabel):
    """A label that calls ``on_resize`` when its width changes (to fit its text again)."""

    def __init__(self, on_resize: Any) -> None:
        super().__init__()
        self._on_resize = on_resize

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._on_resize()


def _html_width(text: str, label: QLabel) -> float:
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(text)
    return document.idealWidth()


def _summary_html(counts: ReviewCounts, checking: bool, groups: int | None = None) -> str:
    """The strip's text; ``groups``: how many groups to name (the rest are "+N more")."""
    if checking:
        return "<i>Checking the design…</i>"
    if not counts.total:
        return "<b>Review:</b> no findings"
    chips = " &nbsp; ".join(
        f"<span style='color:{_SEVERITY_COLOURS[s]}'>●</span> {n} {_plural(s, n)}"
        for s, n in counts.by_severity.items())
    items = list(counts.by_group.items())
    shown = items if groups is None else items[:groups]
    named = " · ".join(f"{group}&nbsp;{n}" for group, n in shown)
    rest = len(items) - len(shown)
    more = f"{' · ' if named else ''}<i>+{rest} more</i>" if rest else ""
    return f"<b>Review:</b> &nbsp;{chips} &nbsp;&nbsp;|&nbsp;&nbsp; by group: {named}{more}"


def _summary_tip(counts: ReviewCounts) -> str:
    """Every group and its count, one a line, for the strip's tooltip."""
    if not counts.total:
        return "No findings"
    severities = ", ".join(severity_count(s, n) for s, n in counts.by_severity.items())
    lines = "".join(f"<br>{html.escape(group)}: {n}" for group, n in counts.by_group.items())
    return f"<b>{severities}</b><br><br><b>By group</b>{lines}"


def _plural(severity: str, n: int) -> str:
    return severity if severity == "info" or n == 1 else f"{severity}s"


def severity_count(severity: str, n: int) -> str:
    """``1 error``, ``2 warnings``, ``3 info``."""
    return f"{n} {_plural(severity, n)}"
