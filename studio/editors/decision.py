"""The decision (ADR) editor: the design's architecture decisions, a form, and their Markdown.

The tab ``decisions`` lists the decisions with their status (colour-coded); the form edits the
selected one (title, status, dates, deciders, context, decision, alternatives with pros and
cons, consequences, supersedes, concerned elements) and the preview shows the record exactly
as the ADR exporter writes it, refreshed ~300 ms after the last edit. Every edit is one
:class:`EditDecision` undo step; typing in one field of one decision merges. Invalid input
(an empty title, a malformed date, an unknown status) is flagged in place and nothing is
pushed. The editor keeps no copy of the decisions: it reads the design and follows its events.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QUndoCommand,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.design import Design
from models.elements import Alternative, Decision, DecisionStatus
from models.events import DecisionChanged, ElementAdded, ElementRemoved
from studio.commands import SetDecision
from studio.document import Document
from studio.editors.editor_widgets import UndoToDocument, button_row, colour_dot, tool_button

__all__ = ["HEADING_SCALE", "PREVIEW_DELAY_MS", "STATUS_COLOURS", "DecisionEditor", "EditDecision",
           "GrowingText", "install", "next_decision_id", "open_decisions", "tame_headings"]

#: Quiet time after the last edit before the Markdown preview is rendered again.
PREVIEW_DELAY_MS = 300
STATUS_COLOURS = {DecisionStatus.PROPOSED: "#4a7fd4", DecisionStatus.ACCEPTED: "#2e7d32",
                  DecisionStatus.DEPRECATED: "#7b8794", DecisionStatus.SUPERSEDED: "#c98a0c"}
_EDIT_DECISION_ID = 2001
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INVALID = "border: 1px solid #d64545; background: #fff4f4;"
_NUMBER = re.compile(r"(\d+)")


class EditDecision(SetDecision):
    """Replace a decision by an edited version; edits of one field of it in a row merge.

    Args:
        design: The design.
        decision_id: The decision edited.
        decision: Its new version.
        field: The field typed in: consecutive edits of the same field of the same decision
            merge into one undo step. ``None`` never merges.
    """

    def __init__(self, design: Design, decision_id: str, decision: Decision,
                 field: str | None = None) -> None:
        super().__init__(design, decision_id, decision,
                         f"Edit decision {decision_id}" + (f" {field}" if field else ""))
        self.field = field

    def id(self) -> int:
        return _EDIT_DECISION_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditDecision) or self.field is None:
            return False
        if (other.decision_id, other.field) != (self.decision_id, self.field):
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)
        return True


#: The alternatives table grows with its rows up to this height (then it scrolls).
_ALTERNATIVES_MAX_HEIGHT = 320
#: Heading sizes in the preview, relative to its body text (Markdown's defaults reach 2x).
HEADING_SCALE = {1: 1.45, 2: 1.2, 3: 1.08}


def tame_headings(document: QTextDocument) -> None:
    """Size the Markdown headings of ``document`` as :data:`HEADING_SCALE` says: a narrow
    preview shows a long H1 in two lines, not five."""
    base = document.defaultFont().pointSizeF()
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level:
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock,
                                QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat(cursor.charFormat())
            fmt.clearProperty(QTextCharFormat.Property.FontSizeAdjustment)
            fmt.setFontPointSize(base * HEADING_SCALE.get(level, 1.0))
            cursor.setCharFormat(fmt)
            cursor.setBlockCharFormat(fmt)
        block = block.next()


class GrowingText(QPlainTextEdit):
    """A plain-text box as tall as its wrapped text: from :attr:`MIN_LINES` up to
    :attr:`MAX_LINES` lines, then it scrolls."""

    MIN_LINES = 4
    MAX_LINES = 14

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.textChanged.connect(self.fit)
        self.fit()

    def lines(self) -> int:
        """How many lines the text takes at the current width."""
        width = max(self.viewport().width() - 2 * int(self.document().documentMargin()), 40)
        text = self.toPlainText() or " "
        box = self.fontMetrics().boundingRect(QRect(0, 0, width, 1 << 20),
                                              Qt.TextFlag.TextWordWrap, text)
        return max(1, round(box.height() / self.fontMetrics().lineSpacing()))

    def fit(self) -> None:
        """Take the height the text needs, within the limits."""
        lines = min(max(self.lines(), self.MIN_LINES), self.MAX_LINES)
        margins = 2 * (self.frameWidth() + int(self.document().documentMargin())) + 4
        height = lines * self.fontMetrics().lineSpacing() + margins
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()


def next_decision_id(design: Design) -> str:
    """A fresh id in the design's ADR numbering: ``adr-NNN`` after the highest number used."""
    numbers = [int(m.group(1)) for did in design.decisions if (m := _NUMBER.search(did))]
    number = max(numbers, default=0) + 1
    while f"adr-{number:03d}" in design.decisions:
        number += 1
    return f"adr-{number:03d}"




def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _items(text: str, separator: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(separator) if part.strip())


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` (empty is no date). Raises ValueError with a message for the user."""
    text = text.strip()
    if not text:
        return None
    if not _ISO_DATE.match(text):
        raise ValueError(f"'{text}' is not a date: write YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"'{text}' is not a date: {error}") from None


class DecisionEditor(QWidget):
    """The design's decisions: a list, a form for the selected one and its Markdown."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.design = document, document.design
        self.current: str | None = None
        self.invalid: set[str] = set()
        self._loading = False
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.render_preview)
        self._build()
        self._undo_filter = UndoToDocument(self)
        # (the combo box too: key events its line edit declines go on to the combo box)
        self._undo_filter.watch(self.title, self.status, self.status.lineEdit(), self.date,
                                self.review, self.deciders, self.context, self.decision,
                                self.consequences)
        unsubscribe = self.design.subscribe(self._on_event)
        self.destroyed.connect(lambda *_: unsubscribe())
        self.refresh()
        if self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))
        self.render_preview()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_list())
        splitter.addWidget(self._build_form())
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        font = self.preview.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.preview.document().setDefaultFont(font)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([280, 600, 280])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _build_list(self) -> QWidget:
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Decision", "Status"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setStretchLastSection(False)
        self.list.setWordWrap(True)  # long titles take two lines rather than an ellipsis
        self.list.setUniformRowHeights(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setMinimumWidth(240)
        self.list.currentItemChanged.connect(self._current_changed)
        self.add_button = tool_button("Add", "list-add", "Add a decision", self.add_decision)
        self.delete_button = tool_button("Delete", "list-remove", "Delete the decision",
                                        lambda: self.delete_decision(self.current))
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.list, 1)
        layout.addLayout(button_row(self.add_button, self.delete_button))
        return box

    def _build_form(self) -> QWidget:
        self.id_label = QLabel()
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.id_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.id_label.setStyleSheet("color: #5b6770;")
        self.title = QLineEdit(placeholderText="Short title of the decision")
        self.title.textEdited.connect(lambda _t: self._edited("title"))
        self.status = QComboBox(editable=True)
        for status in DecisionStatus:
            self.status.addItem(colour_dot(STATUS_COLOURS[status]), status.value, status)
        self.status.currentTextChanged.connect(lambda _t: self._edited("status"))
        self.date = QLineEdit(placeholderText="YYYY-MM-DD")
        self.date.textEdited.connect(lambda _t: self._edited("date"))
        self.review = QLineEdit(placeholderText="YYYY-MM-DD: when to revisit it")
        self.review.textEdited.connect(lambda _t: self._edited("review"))
        self.deciders = QLineEdit(placeholderText="Comma-separated: team-orders, dba")
        self.deciders.textEdited.connect(lambda _t: self._edited("deciders"))
        self.context = self._text("The problem and the forces at play", "context")
        self.decision = self._text("What was chosen, and how", "decision")
        self.consequences = self._text("One trade-off per line", "consequences")
        self.alternatives = self._build_alternatives()
        self.supersedes = self._checklist("supersedes")
        self.concerns = self._checklist("concerns")
        self.superseded_by = QLabel()
        self.superseded_by.setWordWrap(True)
        self.superseded_by.setStyleSheet(f"color: {STATUS_COLOURS[DecisionStatus.SUPERSEDED]};")
        self.message = QLabel()
        self.message.setStyleSheet("color: #d64545;")
        self.message.setWordWrap(True)
        return self._form_layout()

    def _form_layout(self) -> QWidget:
        dates = QHBoxLayout()
        dates.addWidget(self.date, 1)
        dates.addWidget(QLabel("Review"))
        dates.addWidget(self.review, 1)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(QLabel("Id"))
        top.addWidget(self.id_label, 2)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in (("Title", self.title), ("Status", top), ("Date", dates),
                             ("Deciders", self.deciders), ("Context", self.context),
                             ("Decision", self.decision),
                             ("Alternatives", self.alternatives_box),
                             ("Consequences", self.consequences),
                             ("Supersedes", self.supersedes), ("", self.superseded_by),
                             ("Concerns", self.concerns)):
            form.addRow(label, field)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        self.form = inner
        return scroll

    def _text(self, placeholder: str, field: str) -> QPlainTextEdit:
        edit = GrowingText(placeholderText=placeholder)
        edit.setTabChangesFocus(True)
        edit.setUndoRedoEnabled(False)  # undo is the document's
        edit.textChanged.connect(lambda: self._edited(field))
        return edit

    def _checklist(self, field: str) -> QListWidget:
        checklist = QListWidget()
        checklist.setMaximumHeight(120)
        checklist.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        checklist.setTextElideMode(Qt.TextElideMode.ElideRight)
        checklist.itemChanged.connect(lambda _i: self._edited(field))
        return checklist

    def _build_alternatives(self) -> QTableWidget:
        table = QTableWidget(0, 3)
        table.setHorizontalHeaderLabels(["Option", "Pros", "Cons"])
        for column in (1, 2):
            table.horizontalHeaderItem(column).setToolTip("Separate the arguments with ';'")
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 120)
        # Wrapped rows need their height again once the columns have their width.
        header.sectionResized.connect(lambda *_: self._fit_alternatives())
        table.setMinimumHeight(110)
        table.setMaximumHeight(_ALTERNATIVES_MAX_HEIGHT)
        table.setWordWrap(True)  # pros and cons in full, on as many lines as they need
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.itemChanged.connect(lambda _i: self._edited("alternatives"))
        self.add_alternative_button = tool_button("Add option", "list-add", "Add an option",
                                                 self.add_alternative)
        self.remove_alternative_button = tool_button("Remove option", "list-remove",
                                                    "Remove the selected option",
                                                    self.remove_alternative)
        self.alternatives_box = QWidget()
        layout = QVBoxLayout(self.alternatives_box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(table)
        layout.addLayout(button_row(self.add_alternative_button,
                                    self.remove_alternative_button))
        return table

    # ------------------------------------------------------------------ the model

    @property
    def read_only(self) -> bool:
        """Whether edits are refused (review mode)."""
        return self.document.read_only

    def selected(self) -> Decision | None:
        """The selected decision as the model has it."""
        return self.design.decisions.get(self.current) if self.current else None

    def _on_event(self, event: Any) -> None:
        if isinstance(event, DecisionChanged | ElementAdded | ElementRemoved):
            self.refresh()
            self._preview_timer.start()

    def push_field(self, field: str, value: Any) -> bool:
        """Set one field of the selected decision (one undo step; typing merges)."""
        decision = self.selected()
        if decision is None or self.read_only or getattr(decision, field) == value:
            return False
        new = replace(decision, **{field: value})
        self.document.undo_stack.push(EditDecision(self.design, self.current, new, field))
        return True

    def set_supersedes(self, supersedes: tuple[str, ...]) -> bool:
        """Set what the selected decision supersedes, and mark those decisions superseded by
        it (status and ``superseded_by``), as one undo step; unchecking reverses the link."""
        decision, did = self.selected(), self.current
        if decision is None or did is None or self.read_only \
                or decision.supersedes == supersedes:
            return False
        stack = self.document.undo_stack
        stack.beginMacro(f"Edit decision {did} supersedes")
        stack.push(EditDecision(self.design, did, replace(decision, supersedes=supersedes)))
        for other_id in set(supersedes) ^ set(decision.supersedes):
            other = self.design.decisions.get(other_id)
            if other is None:
                continue
            if other_id in supersedes:
                other = replace(other, status=DecisionStatus.SUPERSEDED, superseded_by=did)
            elif other.superseded_by == did:
                other = replace(other, status=DecisionStatus.ACCEPTED, superseded_by="")
            stack.push(EditDecision(self.design, other_id, other))
        stack.endMacro()
        return True

    def add_decision(self) -> str | None:
        """Add a proposed decision dated today and select it; returns its id."""
        if self.read_only:
            return None
        did = next_decision_id(self.design)
        decision = Decision(title="New decision", date=dt.date.today())
        self.document.undo_stack.push(SetDecision(self.design, did, decision))
        self.select(did)
        self.title.setFocus()
        self.title.selectAll()
        return did

    def delete_decision(self, did: str | None) -> None:
        """Delete a decision (one undo step)."""
        if self.read_only or did not in self.design.decisions:
            return
        self.document.undo_stack.push(SetDecision(self.design, did, None))

    def add_alternative(self) -> None:
        """Add an option named ``option-N`` to the selected decision."""
        decision = self.selected()
        if decision is None or self.read_only:
            return
        n = len(decision.alternatives) + 1
        while f"option-{n}" in decision.alternatives:
            n += 1
        self.push_field("alternatives", {**decision.alternatives, f"option-{n}": Alternative()})

    def remove_alternative(self) -> None:
        """Remove the option selected in the table."""
        decision, row = self.selected(), self.alternatives.currentRow()
        if decision is None or self.read_only or not 0 <= row < len(decision.alternatives):
            return
        name = list(decision.alternatives)[row]
        self.push_field("alternatives",
                        {k: a for k, a in decision.alternatives.items() if k != name})

    # ------------------------------------------------------------------ reading the form

    def _edited(self, field: str) -> None:
        if self._loading or self.selected() is None:
            return
        try:
            value = self._read(field)
        except ValueError as error:
            self._flag(field, str(error))
            return
        self._flag(field, "")
        if field == "supersedes":
            self.set_supersedes(value)
        else:
            self.push_field(field, value)

    def _read(self, field: str) -> Any:
        """The value of ``field`` in the form; ValueError says why it is invalid."""
        readers: dict[str, Callable[[], Any]] = {
            "title": self._read_title, "status": self._read_status,
            "date": lambda: parse_date(self.date.text()),
            "review": lambda: parse_date(self.review.text()),
            "deciders": lambda: _items(self.deciders.text(), ","),
            "context": lambda: self.context.toPlainText().strip(),
            "decision": lambda: self.decision.toPlainText().strip(),
            "consequences": lambda: _lines(self.consequences.toPlainText()),
            "alternatives": self._read_alternatives,
            "supersedes": lambda: self._checked(self.supersedes),
            "concerns": lambda: self._checked(self.concerns),
        }
        return readers[field]()

    def _read_title(self) -> str:
        title = self.title.text().strip()
        if not title:
            raise ValueError("A decision needs a title.")
        return title

    def _read_status(self) -> DecisionStatus:
        text = self.status.currentText().strip().lower()
        try:
            return DecisionStatus(text)
        except ValueError:
            known = ", ".join(s.value for s in DecisionStatus)
            raise ValueError(f"Unknown status '{text}': use one of {known}.") from None

    def _read_alternatives(self) -> dict[str, Alternative]:
        result: dict[str, Alternative] = {}
        for row in range(self.alternatives.rowCount()):
            name, pros, cons = (self._cell(row, c) for c in range(3))
            if not name:
                raise ValueError(f"Option {row + 1} needs a name.")
            if name in result:
                raise ValueError(f"There are two options named '{name}'.")
            result[name] = Alternative(_items(pros, ";"), _items(cons, ";"))
        return result

    def _cell(self, row: int, column: int) -> str:
        item = self.alternatives.item(row, column)
        return item.text().strip() if item is not None else ""

    @staticmethod
    def _checked(checklist: QListWidget) -> tuple[str, ...]:
        return tuple(checklist.item(r).data(Qt.ItemDataRole.UserRole)
                     for r in range(checklist.count())
                     if checklist.item(r).checkState() == Qt.CheckState.Checked)

    def _widget(self, field: str) -> QWidget:
        return getattr(self, field)

    def _flag(self, field: str, message: str) -> None:
        """Mark ``field`` invalid (``message``) or valid again (empty message)."""
        if message:
            self.invalid.add(field)
        else:
            self.invalid.discard(field)
        self._widget(field).setStyleSheet(_INVALID if message else "")
        self._widget(field).setToolTip(message)
        self.message.setText(message or "")
        self.message.setVisible(bool(message))

    # ------------------------------------------------------------------ showing the model

    def refresh(self) -> None:
        """Show the model: the list of decisions and the selected one's form."""
        self._loading = True
        try:
            self._fill_list()
            self._fill_form()
        finally:
            self._loading = False

    def _fill_list(self) -> None:
        decisions = self.design.decisions
        shown = [self.list.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                 for i in range(self.list.topLevelItemCount())]
        if shown != list(decisions):
            self.list.clear()
            for did in decisions:
                item = QTreeWidgetItem()
                item.setData(0, Qt.ItemDataRole.UserRole, did)
                self.list.addTopLevelItem(item)
        for row, (did, decision) in enumerate(decisions.items()):
            item = self.list.topLevelItem(row)
            colour = STATUS_COLOURS[decision.status]
            item.setText(0, decision.title or did)
            item.setToolTip(0, f"{did}: {decision.title}")
            item.setText(1, decision.status.value)
            item.setIcon(1, colour_dot(colour))
            item.setForeground(1, QColor(colour))
            if did == self.current:
                self.list.setCurrentItem(item)
        if self.current not in decisions:
            self.current = next(iter(decisions), None)
            if self.current is not None:
                self.list.setCurrentItem(self.list.topLevelItem(0))
        self.delete_button.setEnabled(self.current is not None and not self.read_only)
        self.add_button.setEnabled(not self.read_only)

    def _fill_form(self) -> None:
        decision = self.selected()
        self.form.setEnabled(decision is not None)
        for widget in (self.title, self.date, self.review, self.deciders, self.context,
                       self.decision, self.consequences):
            widget.setReadOnly(self.read_only)
        for widget in (self.status, self.alternatives, self.supersedes, self.concerns,
                       self.add_alternative_button, self.remove_alternative_button):
            widget.setEnabled(not self.read_only)
        self.id_label.setText(self.current or "")
        if decision is None:
            return
        self._sync_line("title", self.title, decision.title)
        if "status" not in self.invalid and self.status.currentText() != decision.status.value:
            self.status.setCurrentIndex(self.status.findData(decision.status))
        self._sync_line("date", self.date, decision.date.isoformat() if decision.date else "")
        self._sync_line("review", self.review,
                        decision.review.isoformat() if decision.review else "")
        self._sync_line("deciders", self.deciders, ", ".join(decision.deciders))
        for field in ("context", "decision", "consequences"):
            self._sync_text(field, getattr(decision, field))
        self._sync_alternatives(decision)
        later = self.design.decisions.get(decision.superseded_by)
        self.superseded_by.setText(
            f"Superseded by {decision.superseded_by}" + (f": {later.title}" if later else "")
            if decision.superseded_by else "")
        self.superseded_by.setVisible(bool(decision.superseded_by))
        self._sync_checklist(self.supersedes, decision.supersedes, [
            (did, f"{did}: {d.title}") for did, d in self.design.decisions.items()
            if did != self.current])
        self._sync_checklist(self.concerns, decision.concerns, [
            (eid, f"{eid}  ({type(e).__name__.lower()})") for eid, e in self.design.elements()])

    def _sync_line(self, field: str, edit: QLineEdit, text: str) -> None:
        if field in self.invalid:
            return
        try:
            same = self._read(field) == self._read_value(field)
        except ValueError:
            same = False
        if not same and edit.text() != text:
            edit.setText(text)
            if not edit.hasFocus():
                edit.setCursorPosition(0)  # show the start of a long title

    def _read_value(self, field: str) -> Any:
        return getattr(self.selected(), field)

    def _sync_text(self, field: str, value: Any) -> None:
        if self._read(field) == value:
            return
        edit: QPlainTextEdit = self._widget(field)  # type: ignore[assignment]
        edit.setPlainText("\n".join(value) if isinstance(value, tuple) else value)

    def _sync_alternatives(self, decision: Decision) -> None:
        if "alternatives" in self.invalid:
            return
        try:
            if self._read_alternatives() == decision.alternatives:
                return
        except ValueError:
            pass
        table = self.alternatives
        table.setRowCount(len(decision.alternatives))
        for row, (name, alt) in enumerate(decision.alternatives.items()):
            for column, text in enumerate((name, "; ".join(alt.pros), "; ".join(alt.cons))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(row, column, item)
        self._fit_alternatives()

    def _fit_alternatives(self) -> None:
        """Rows as tall as their wrapped text; the table as tall as its rows (up to a limit)."""
        table = self.alternatives
        table.resizeRowsToContents()
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        height = rows + table.horizontalHeader().height() + 2 * table.frameWidth() + 4
        table.setFixedHeight(max(110, min(height, _ALTERNATIVES_MAX_HEIGHT)))

    def _sync_checklist(self, checklist: QListWidget, checked: tuple[str, ...],
                        choices: list[tuple[str, str]]) -> None:
        shown = [(checklist.item(r).data(Qt.ItemDataRole.UserRole), checklist.item(r).text())
                 for r in range(checklist.count())]
        if shown != choices:
            checklist.clear()
            for key, label in choices:
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, key)
                checklist.addItem(item)
        for row in range(checklist.count()):
            item = checklist.item(row)
            state = Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in checked \
                else Qt.CheckState.Unchecked
            if item.data(Qt.ItemDataRole.CheckStateRole) != state:
                item.setCheckState(state)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags if not self.read_only else Qt.ItemFlag.ItemIsEnabled)

    def select(self, did: str | None) -> None:
        """Select a decision in the list (and show it in the form)."""
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            if item.data(0, Qt.ItemDataRole.UserRole) == did:
                self.list.setCurrentItem(item)
                return

    def _current_changed(self, item: QTreeWidgetItem | None, _previous: Any = None) -> None:
        if self._loading:
            return
        self.current = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        for field in list(self.invalid):
            self._flag(field, "")
        self.message.hide()
        self.refresh()
        self.render_preview()

    # ------------------------------------------------------------------ the preview

    def render_preview(self) -> None:
        """Render the selected decision's record as the ADR exporter writes it."""
        from exporters.adr import AdrExporter, adr_files
        from exporters.base import ExportOptions

        self._preview_timer.stop()
        if self.current not in self.design.decisions:
            self.preview.setMarkdown("*No decision selected.*")
            return
        files = AdrExporter().export(self.design, ExportOptions())
        self.markdown = files[adr_files(self.design)[self.current]]
        scroll = self.preview.verticalScrollBar().value()
        self.preview.setMarkdown(self.markdown)
        tame_headings(self.preview.document())
        self.preview.verticalScrollBar().setValue(scroll)


# --------------------------------------------------------------------------- entry point


def open_decisions(window: Any) -> DecisionEditor | None:
    """Open the decision editor as the tab ``decisions``."""
    document = window.document
    if document is None:
        return None
    return window.open_tab("decisions", "Decisions", lambda: DecisionEditor(document))


def install(window: Any) -> None:
    """Add Design > Decisions… to ``window``."""
    action = QAction("&Decisions…", window)
    action.setStatusTip("Edit the design's architecture decision records (ADR)")
    action.triggered.connect(lambda: open_decisions(window))
    window.menus["design"].addAction(action)
    window.decision_editor_action = action
