"""The Inspector's editors: one widget per field kind, lists, and collapsible sections.

An editor shows a value handed to it (:meth:`FieldEditor.set_value`, never echoed back as an
edit) and reports what the user did through its ``commit(value, merge_key)`` callback, which
returns a problem message or ``None``. Invalid text is never committed: the editor shows the
problem under itself with a red frame. The editors hold no domain state beyond the value they
display; the panel reloads them from the model after every change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.panels.forms import (
    QUANTITIES,
    FieldSpec,
    format_value,
    move_key,
    new_key,
    parse_value,
    rename_key,
    tooltip,
)

__all__ = ["CollapsibleSection", "FieldEditor", "RecordListEditor", "StringListEditor"]

#: ``commit(value, merge_key)``: apply an edit; returns the problem, or None when applied.
Commit = Callable[[Any, "str | None"], "str | None"]

ERROR_COLOR = "#d64545"
_INVALID_STYLE = f"border: 1px solid {ERROR_COLOR}; border-radius: 3px; padding: 2px;"


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setContentsMargins(0, 0, 0, 0)
    form.setHorizontalSpacing(8)
    form.setVerticalSpacing(6)
    return form


def _column(owner: QWidget, spacing: int, *items: QWidget) -> QVBoxLayout:
    """Lay ``items`` out top to bottom in ``owner``, without margins."""
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for item in items:
        layout.addWidget(item)
    return layout


class CollapsibleSection(QWidget):
    """A titled group of rows that folds away behind its header."""

    toggled = Signal(bool)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._expanded = True
        self.header = QToolButton(text=title, autoRaise=True)
        self.header.setObjectName(f"section:{title}")
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.header.clicked.connect(lambda: self.set_expanded(not self._expanded))
        self.body = QWidget()
        self.form = _form()
        self.form.setContentsMargins(6, 2, 0, 8)
        self.body.setLayout(self.form)
        rule = QFrame(frameShape=QFrame.Shape.HLine, frameShadow=QFrame.Shadow.Sunken)
        _column(self, 2, rule, self.header, self.body)
        self.set_expanded(True)

    def set_expanded(self, expanded: bool) -> None:
        """Unfold or fold the section."""
        self._expanded = expanded
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)
        self.toggled.emit(expanded)

    def is_expanded(self) -> bool:
        """Whether the section is unfolded."""
        return self._expanded


class _Watch(QObject):
    """Calls back when the watched widget receives events of one type (and, with ``key``,
    that key is pressed)."""

    def __init__(
        self,
        widget: QWidget,
        kind: QEvent.Type,
        callback: Callable[[], None],
        key: Qt.Key | None = None,
    ) -> None:
        super().__init__(widget)
        self.kind, self.callback, self.key = kind, callback, key
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != self.kind:
            return False
        if self.key is not None and event.key() != self.key:  # type: ignore[attr-defined]
            return False
        self.callback()
        return self.key is not None  # a handled key goes no further


def _fit_text(edit: QPlainTextEdit, fewest: int = 2, most: int = 8) -> None:
    """Grow a text box with its wrapped lines, between ``fewest`` and ``most`` lines."""
    margin = int(edit.document().documentMargin())
    width = max(40, edit.viewport().width() - 2 * margin)
    flags = int(Qt.TextFlag.TextWordWrap)
    height = (
        edit.fontMetrics()
        .boundingRect(0, 0, width, 10_000, flags, edit.toPlainText() or "x")
        .height()
    )
    spacing = edit.fontMetrics().lineSpacing()
    lines = max(fewest, min(most, -(-height // spacing)))
    edit.setFixedHeight(spacing * lines + 2 * (edit.frameWidth() + margin) + 2)


def _fit_rows(widget: QListWidget, fewest: int = 2, most: int = 8) -> None:
    """Size a list to its rows (between ``fewest`` and ``most``) so short lists stay short."""
    row = widget.sizeHintForRow(0) if widget.count() else widget.fontMetrics().height() + 2
    rows = max(fewest, min(most, widget.count()))
    widget.setFixedHeight(row * rows + 2 * widget.frameWidth() + 2)


class FieldEditor(QWidget):
    """One field: its input widget and, under it, the problem with what was typed.

    Signals:
        finished: The user left the field (a new typing session starts next time).
        reverted: The user pressed Escape: show the model's value again.
    """

    finished = Signal()
    reverted = Signal()

    def __init__(
        self,
        spec: FieldSpec,
        commit: Commit,
        owner: type | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec, self.commit = spec, commit
        self._committing = False
        # Kept referenced: a Python event filter only works while its wrapper lives.
        self._watches: tuple[_Watch, ...] = ()
        self.setObjectName(f"field:{spec.path}")
        self.input = self._make_input()
        self.input.setObjectName(f"input:{spec.path}")
        self.tip = tooltip(owner, spec)
        self.input.setToolTip(self.tip)
        self.error = QLabel(objectName="fieldError", wordWrap=True)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        _column(self, 2, self.input, self.error)

    # ------------------------------------------------------------------ building

    def _make_input(self) -> QWidget:
        kind = self.spec.editor
        factory = {
            "bool": self._check_box,
            "present": self._check_box,
            "enum": self._enum,
            "choice": self._choice,
            "multiline": self._multiline,
            "strings": self._strings,
            "records": self._records,
            "shape": self._multiline,
        }.get(kind, self._line)
        return factory()

    def _line(self) -> QLineEdit:
        line = QLineEdit(placeholderText=self.spec.placeholder, clearButtonEnabled=False)
        line.textEdited.connect(self._typed)
        line.editingFinished.connect(self.finished)
        self._watch_escape(line)
        return line

    def _multiline(self) -> QPlainTextEdit:
        text = QPlainTextEdit(placeholderText=self.spec.placeholder, tabChangesFocus=True)
        text.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        text.textChanged.connect(lambda: self._typed(text.toPlainText()))
        text.textChanged.connect(lambda: _fit_text(text))
        self._watches += (
            _Watch(text, QEvent.Type.FocusOut, self.finished.emit),
            _Watch(text.viewport(), QEvent.Type.Resize, lambda: _fit_text(text)),
        )
        self._watch_escape(text)
        _fit_text(text)
        return text

    def _watch_escape(self, widget: QWidget) -> None:
        escape = _Watch(widget, QEvent.Type.KeyPress, self.reverted.emit, Qt.Key.Key_Escape)
        self._watches += (escape,)

    def _check_box(self) -> QCheckBox:
        box = QCheckBox()
        box.toggled.connect(lambda on: self._apply(on, None))
        return box

    def _enum(self) -> QComboBox:
        combo = QComboBox()
        for _value, label in self.spec.choices:
            combo.addItem(label)
        combo.activated.connect(lambda i: self._apply(self.spec.choices[i][0], None))
        return combo

    def _choice(self) -> QComboBox:
        combo = QComboBox(editable=True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        combo.lineEdit().setPlaceholderText(self.spec.placeholder)
        combo.lineEdit().textEdited.connect(self._typed)
        combo.lineEdit().editingFinished.connect(self.finished)
        self._watch_escape(combo.lineEdit())
        combo.textActivated.connect(lambda text: self._apply(text.strip(), None))
        combo.addItems(sorted(value for value, _label in self.spec.choices))
        combo.setEditText("")
        return combo

    def _strings(self) -> StringListEditor:
        return StringListEditor(self.spec, self._apply)

    def _records(self) -> RecordListEditor:
        editor = RecordListEditor(self.spec, self._apply)
        for field in editor.fields.values():
            field.finished.connect(self.finished)
            field.reverted.connect(self.reverted)
        return editor

    # ------------------------------------------------------------------ model -> view

    def set_value(self, value: Any) -> None:
        """Show the model's value (clears any problem; never reported as an edit).

        While the user's own edit is being applied, a text editor keeps what was typed
        (``200 ms`` stays, the cursor does not jump); lists always follow the model.
        """
        widget = self.input
        if self._committing and isinstance(widget, QLineEdit | QPlainTextEdit | QComboBox):
            return
        widget.blockSignals(True)
        try:
            self._show(widget, value)
        finally:
            widget.blockSignals(False)
        self.show_error(None)

    def _show(self, widget: QWidget, value: Any) -> None:
        if isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, StringListEditor | RecordListEditor):
            widget.set_value(value)
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            values = [choice for choice, _label in self.spec.choices]
            widget.setCurrentIndex(values.index(value) if value in values else -1)
        elif isinstance(widget, QComboBox):
            if widget.currentText() != (value or ""):
                widget.setEditText(value or "")
        else:
            text = value if self.spec.editor in ("text", "multiline") else None
            text = format_value(self.spec, value) if text is None else text
            if isinstance(widget, QPlainTextEdit):
                if widget.toPlainText() != text:
                    widget.setPlainText(text)
                    _fit_text(widget)
            elif widget.text() != text:
                widget.setText(text)
                widget.setCursorPosition(0)  # show the start of a long value

    def set_suggestions(self, suggestions: Mapping[str, list[str]] | tuple[()]) -> None:
        """Offer the design's groups, zones or datastore ids in a ``choice`` editor."""
        if isinstance(self.input, RecordListEditor):
            self.input.set_suggestions(suggestions)
            return
        if self.spec.editor != "choice" or not isinstance(self.input, QComboBox):
            return
        found = dict(suggestions).get(self.spec.suggest, []) if self.spec.suggest else []
        words = sorted({*found, *(value for value, _label in self.spec.choices)})
        combo, text = self.input, self.input.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(words)
        combo.setEditText(text)
        combo.blockSignals(False)

    # ------------------------------------------------------------------ view -> model

    def _typed(self, text: str) -> None:
        if self.spec.editor in QUANTITIES:
            try:
                value = parse_value(self.spec, text)
            except ValueError as exc:
                self.show_error(str(exc))
                return
        else:
            value = text if self.spec.editor == "multiline" else text.strip()
            if not value and not self.spec.optional:
                self.show_error(f"{self.spec.label} is required")
                return
        self._apply(value, self.spec.path)

    def _apply(self, value: Any, merge_key: str | None) -> str | None:
        self._committing = True
        try:
            problem = self.commit(value, merge_key)
        finally:
            self._committing = False
        self.show_error(problem)
        return problem

    def show_error(self, message: str | None) -> None:
        """Show a problem under the field with a red frame, or clear it."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        target = self.input
        if isinstance(target, StringListEditor | RecordListEditor | QCheckBox):
            return
        target.setStyleSheet(f"{type(target).__name__} {{{_INVALID_STYLE}}}" if message else "")
        target.setToolTip(message or self.tip)


class _ListButtons(QWidget):
    """Add, remove, move up and move down buttons under a list."""

    def __init__(self, owner: Any, noun: str) -> None:
        super().__init__()
        self.add = _tool_button(self, _sign_icon(self, "+"), f"Add a {noun}", owner.add)
        self.remove = _tool_button(self, _sign_icon(self, "-"), f"Remove the {noun}", owner.remove)
        self.up = _tool_button(self, _sign_icon(self, "up"), "Move up", lambda: owner.move(-1))
        self.down = _tool_button(self, _sign_icon(self, "down"), "Move down", lambda: owner.move(1))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        for button in (self.add, self.remove):
            row.addWidget(button)
        row.addStretch(1)
        for button in (self.up, self.down):
            row.addWidget(button)


def _tool_button(parent: QWidget, icon: QIcon, tip: str, slot: Callable[[], None]) -> QToolButton:
    button = QToolButton(parent, toolTip=tip, autoRaise=True)
    button.setIcon(icon)
    button.setIconSize(QSize(16, 16))
    button.clicked.connect(slot)
    return button


def _sign_icon(widget: QWidget, sign: str) -> QIcon:
    """A crisp +, -, up or down sign in the palette's text colour, greyed when disabled."""
    icon = QIcon()
    palette = widget.palette()
    for mode, group in (
        (QIcon.Mode.Normal, QPalette.ColorGroup.Active),
        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled),
    ):
        ratio = widget.devicePixelRatioF()
        pixmap = QPixmap(QSize(16, 16) * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.color(group, QPalette.ColorRole.Text), 1.6))
        for a, b, c, d in _SIGNS[sign]:
            painter.drawLine(QPointF(a, b), QPointF(c, d))
        painter.end()
        icon.addPixmap(pixmap, mode)
    return icon


_SIGNS = {
    "+": ((3.5, 8, 12.5, 8), (8, 3.5, 8, 12.5)),
    "-": ((3.5, 8, 12.5, 8),),
    "up": ((3.5, 10.5, 8, 5.5), (8, 5.5, 12.5, 10.5)),
    "down": ((3.5, 5.5, 8, 10.5), (8, 10.5, 12.5, 5.5)),
}


def _list_widget() -> QListWidget:
    widget = QListWidget()
    widget.setAlternatingRowColors(True)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    _fit_rows(widget)
    return widget


class StringListEditor(QWidget):
    """An ordered list of strings (tags, metrics, data classes) edited in place.

    Each add, remove, move or item edit is one undo step through ``commit``.
    """

    def __init__(self, spec: FieldSpec, commit: Commit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec, self.commit = spec, commit
        self.values: tuple[str, ...] = ()
        self.list = _list_widget()
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.list.itemChanged.connect(self._item_edited)
        self.buttons = _ListButtons(self, spec.label.lower().rstrip("s") or "item")
        _column(self, 0, self.list, self.buttons)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self._update_buttons()

    def set_value(self, values: tuple[str, ...] | None) -> None:
        """Show the model's list, keeping the current row."""
        self.values = tuple(values or ())
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for text in self.values:
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
        self.list.setCurrentRow(min(row, len(self.values) - 1))
        self.list.blockSignals(False)
        _fit_rows(self.list)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        self.buttons.remove.setEnabled(row >= 0)
        self.buttons.up.setEnabled(row > 0)
        self.buttons.down.setEnabled(0 <= row < len(self.values) - 1)

    def _push(self, values: tuple[str, ...], row: int) -> str | None:
        problem = self.commit(values, None)
        if problem is None:
            self.list.setCurrentRow(row)
        return problem

    def add(self) -> None:
        """Append a new entry and start editing it."""
        stem = self.spec.placeholder or "item"
        text = new_key(dict.fromkeys(self.values), stem)
        if self._push((*self.values, text), len(self.values)) is None:
            self.list.editItem(self.list.item(self.list.count() - 1))

    def remove(self) -> None:
        """Remove the current entry."""
        row = self.list.currentRow()
        if row >= 0:
            values = self.values[:row] + self.values[row + 1 :]
            self._push(values, min(row, len(values) - 1))

    def move(self, step: int) -> None:
        """Move the current entry up (-1) or down (+1)."""
        row = self.list.currentRow()
        target = row + step
        if row >= 0 and 0 <= target < len(self.values):
            values = list(self.values)
            values.insert(target, values.pop(row))
            self._push(tuple(values), target)

    def _item_edited(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        text = item.text().strip()
        values = list(self.values)
        problem = None
        if not text:
            problem = "an entry cannot be empty; remove it instead"
        elif text in values[:row] + values[row + 1 :]:
            problem = f"'{text}' is already in the list"
        if problem is None:
            values[row] = text
            problem = self._push(tuple(values), row)
        if problem is not None:
            self.set_value(self.values)
            self.commit_problem(problem)

    def commit_problem(self, problem: str) -> None:
        """Show a problem of the last gesture (under the list, by the owning field)."""
        editor = self.parent()
        while editor is not None and not isinstance(editor, FieldEditor):
            editor = editor.parent()
        if editor is not None:
            editor.show_error(problem)


class RecordListEditor(QWidget):
    """A named list of records (alerts, failure modes, pools, events): the names above, the
    selected record's fields below.

    Adding, removing and moving are one undo step each; typing in a record's field merges like
    any other field (its merge key names the row and the field).
    """

    def __init__(self, spec: FieldSpec, commit: Commit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec, self.commit = spec, commit
        self.records: dict[str, Any] = {}
        self.suggestions: Mapping[str, list[str]] | tuple[()] = ()
        self.list = _list_widget()
        self.list.currentRowChanged.connect(self._row_changed)
        self.buttons = _ListButtons(self, spec.label.lower().rstrip("s") or "entry")
        self.detail = QFrame(objectName="recordDetail", frameShape=QFrame.Shape.StyledPanel)
        form = _form()
        form.setContentsMargins(8, 6, 8, 6)
        self.detail.setLayout(form)
        self.fields: dict[str, FieldEditor] = {}
        for item_spec in spec.item_fields:
            editor = FieldEditor(item_spec, self._commit_for(item_spec), spec.record)
            self.fields[item_spec.path] = editor
            if item_spec.wide:
                form.addRow(QLabel(item_spec.label))
                form.addRow(editor)
            else:
                form.addRow(item_spec.label, editor)
        self.empty = QLabel(f"No {spec.label.lower()} yet.", enabled=False)
        _column(self, 0, self.list, self.empty, self.buttons, self.detail)
        self.set_value({})

    # ------------------------------------------------------------------ model -> view

    def set_value(self, records: Mapping[str, Any] | None) -> None:
        """Show the model's records, keeping the current row."""
        self.records = dict(records or {})
        row = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for key, value in self.records.items():
            item = QListWidgetItem(key)
            item.setToolTip(self._describe(value))
            self.list.addItem(item)
        row = min(max(row, 0), len(self.records) - 1)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        _fit_rows(self.list)
        self._row_changed(row)

    def set_suggestions(self, suggestions: Mapping[str, list[str]] | tuple[()]) -> None:
        """Pass the design's ids and names on to the record's fields."""
        for editor in self.fields.values():
            editor.set_suggestions(suggestions)

    def _describe(self, value: Any) -> str:
        if dataclasses.is_dataclass(value):
            return "\n".join(
                f"{f.name}: {getattr(value, f.name)}"
                for f in dataclasses.fields(value)
                if getattr(value, f.name)
            )
        return format_value(FieldSpec("@value", "", "shape"), value)

    def current_key(self) -> str | None:
        """The name of the selected record."""
        row = self.list.currentRow()
        return list(self.records)[row] if 0 <= row < len(self.records) else None

    def _row_changed(self, row: int) -> None:
        key = self.current_key()
        self.detail.setVisible(key is not None)
        self.empty.setVisible(not self.records)
        self.list.setVisible(bool(self.records))
        self.buttons.remove.setEnabled(key is not None)
        self.buttons.up.setEnabled(row > 0)
        self.buttons.down.setEnabled(0 <= row < len(self.records) - 1)
        if key is None:
            return
        record = self.records[key]
        for path, editor in self.fields.items():
            value = key if path == "@key" else record if path == "@value" else getattr(record, path)
            editor.set_value(value)

    # ------------------------------------------------------------------ view -> model

    def _commit_for(self, item_spec: FieldSpec) -> Commit:
        def commit(value: Any, merge_key: str | None) -> str | None:
            key = self.current_key()
            if key is None:
                return None
            merge = None if merge_key is None else f"{self.list.currentRow()}.{item_spec.path}"
            if item_spec.path == "@key":
                return self._rename(key, value, merge)
            new = (
                value
                if item_spec.path == "@value"
                else dataclasses.replace(self.records[key], **{item_spec.path: value})
            )
            return self.commit({**self.records, key: new}, merge)

        return commit

    def _rename(self, old: str, new: str, merge: str | None) -> str | None:
        if not new:
            return "a name is required"
        if new != old and new in self.records:
            return f"'{new}' is already used; choose another name"
        return self.commit(rename_key(self.records, old, new), merge)

    def _push(self, records: dict[str, Any], row: int) -> None:
        if self.commit(records, None) is None:
            self.list.setCurrentRow(row)

    def add(self) -> None:
        """Add a record with a fresh name, select it and put the cursor in its name."""
        key = new_key(self.records, self.spec.placeholder or "new")
        value = self.spec.record() if self.spec.record is not None else None
        self._push({**self.records, key: value}, len(self.records))
        name = self.fields.get("@key")
        if name is not None and self.current_key() == key:
            line = name.input.lineEdit() if isinstance(name.input, QComboBox) else name.input
            line.setFocus()
            line.selectAll()

    def remove(self) -> None:
        """Remove the selected record."""
        key, row = self.current_key(), self.list.currentRow()
        if key is not None:
            records = {name: value for name, value in self.records.items() if name != key}
            self._push(records, min(row, len(records) - 1))

    def move(self, step: int) -> None:
        """Move the selected record up (-1) or down (+1)."""
        key, row = self.current_key(), self.list.currentRow()
        if key is not None and 0 <= row + step < len(self.records):
            self._push(move_key(self.records, key, step), row + step)
