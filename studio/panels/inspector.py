"""The Inspector: a form for the selected element's main properties.

Every change is an :class:`~studio.commands.EditElement` undo step; consecutive typing in one
field merges into one step. Quantities (``99.95%``, ``200ms``) are validated as typed and the
problem is shown under the field; nothing invalid reaches the model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.design import ModelError, kind_of
from models.elements import DatastoreEngine, Element, Scaling, Sla
from models.events import DesignEvent, ElementChanged, ElementRemoved
from models.units import Duration, Percent, UnitError
from studio.canvas import style
from studio.commands import EditElement
from studio.document import Document

__all__ = ["FIELDS", "FieldSpec", "InspectorPanel", "with_field"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One row of the form: a (possibly dotted) field, its label and its editor."""

    path: str
    label: str
    editor: str  # text, multiline, bool, engine, group, percent, duration, count
    placeholder: str = ""


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "Name", "text", "Display name"),
    FieldSpec("engine", "Engine", "engine"),
    FieldSpec("version", "Version", "text", "16"),
    FieldSpec("technology", "Technology", "text", "Go + Gin"),
    FieldSpec("purpose", "Purpose", "multiline", "Its single responsibility"),
    FieldSpec("owner", "Owner", "text", "team-orders"),
    FieldSpec("group", "Group", "group", "Bounded context"),
    FieldSpec("public", "Public", "bool"),
    FieldSpec("sla.availability", "SLA availability", "percent", "99.95%"),
    FieldSpec("sla.p99", "SLA p99 latency", "duration", "200ms"),
    FieldSpec("scaling.min", "Instances (min)", "count"),
    FieldSpec("scaling.max", "Instances (max)", "count"),
)

_PARSERS: dict[str, Callable[[str], Any]] = {"percent": Percent.parse,
                                             "duration": Duration.parse}
_NESTED_DEFAULTS = {"sla": Sla, "scaling": Scaling}


def applies(element: Element, spec: FieldSpec) -> bool:
    """Whether the element's kind has the field."""
    return spec.path.split(".")[0] in element.__dataclass_fields__  # type: ignore[union-attr]


def read_field(element: Element, path: str) -> Any:
    """The value of a (dotted) field, None when the nested object is absent."""
    head, _, rest = path.partition(".")
    value = getattr(element, head)
    if rest:
        return None if value is None else getattr(value, rest)
    return value


def with_field(element: Element, path: str, value: Any) -> Element:
    """A copy of ``element`` with the (dotted) field set; empty nested objects become None."""
    head, _, rest = path.partition(".")
    if not rest:
        return dataclasses.replace(element, **{head: value})  # type: ignore[type-var]
    factory = _NESTED_DEFAULTS[head]
    nested = getattr(element, head) or factory()
    nested = dataclasses.replace(nested, **{rest: value})
    return dataclasses.replace(element, **{head: None if nested == factory() else nested})  # type: ignore[type-var]


class InspectorPanel(QWidget):
    """Edits the selected element through a form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.element_id: str | None = None
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        self._editing: str | None = None
        self._unsubscribe: Callable[[], None] = lambda: None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.icon = QLabel()
        self.placeholder = QLabel("Select an element on the canvas or in the outline "
                                  "to edit its properties.")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.form_widget = QWidget()
        self.form = QFormLayout(self.form_widget)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for spec in FIELDS:
            self._add_row(spec)
        header = QHBoxLayout()
        header.addWidget(self.icon)
        header.addWidget(self.title, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addLayout(header)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.form_widget)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.show_element(None)

    # ------------------------------------------------------------------ building

    def _add_row(self, spec: FieldSpec) -> None:
        editor = self._make_editor(spec)
        editor.setObjectName(f"field:{spec.path}")
        error = QLabel()
        error.setObjectName("fieldError")
        error.setStyleSheet("color: #d64545;")
        error.setWordWrap(True)
        error.hide()
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        column.addWidget(error)
        label = QLabel(spec.label)
        self.form.addRow(label, cell)
        self.editors[spec.path] = editor
        self.errors[spec.path] = error
        self._rows[spec.path] = (label, cell)

    def _make_editor(self, spec: FieldSpec) -> QWidget:
        path = spec.path
        if spec.editor == "bool":
            box = QCheckBox("Reachable from outside the system's network")
            box.toggled.connect(lambda on: self._apply(path, on, merge=False))
            return box
        if spec.editor == "engine":
            combo = QComboBox()
            for engine in DatastoreEngine:
                combo.addItem(engine.value, engine)
            combo.activated.connect(lambda _i: self._apply(path, combo.currentData(), False))
            return combo
        if spec.editor == "group":
            combo = QComboBox(editable=True)
            combo.lineEdit().setPlaceholderText(spec.placeholder)
            combo.lineEdit().textEdited.connect(lambda text: self._apply(path, text.strip()))
            combo.textActivated.connect(lambda text: self._apply(path, text.strip(), False))
            return combo
        if spec.editor == "count":
            spin = QSpinBox(minimum=0, maximum=100_000)
            spin.valueChanged.connect(lambda value: self._apply(path, value))
            return spin
        if spec.editor == "multiline":
            text = QPlainTextEdit(placeholderText=spec.placeholder)
            text.setFixedHeight(text.fontMetrics().lineSpacing() * 4 + 10)
            text.textChanged.connect(lambda: self._apply(path, text.toPlainText()))
            return text
        line = QLineEdit(placeholderText=spec.placeholder)
        if spec.editor in _PARSERS:
            line.textEdited.connect(lambda text: self._apply_quantity(spec, text))
        else:
            line.textEdited.connect(lambda text: self._apply(path, text))
        return line

    # ------------------------------------------------------------------ document

    def set_document(self, document: Document) -> None:
        """Edit elements of ``document``."""
        self._unsubscribe()
        self.document = document
        self._unsubscribe = document.design.subscribe(self._on_event)
        self.show_element(None)

    def _on_event(self, event: DesignEvent) -> None:
        match event:
            case ElementChanged(id=eid) if eid == self.element_id:
                self._load()
            case ElementRemoved(id=eid) if eid == self.element_id:
                self.show_element(None)

    def show_element(self, element_id: str | None, count: int = 1) -> None:
        """Show the element's properties, or a placeholder (``count`` elements selected)."""
        design = self.document.design if self.document else None
        if design is None or element_id is None or element_id not in design:
            self.element_id = None
            self.form_widget.hide()
            self.icon.clear()
            self.title.setText("<b>Inspector</b>")
            self.placeholder.setText(
                f"{count} elements selected." if count > 1 else
                "Select an element on the canvas or in the outline to edit its properties.")
            self.placeholder.show()
            return
        self.element_id = element_id
        element = design.element(element_id)
        kind = kind_of(element)
        self.icon.setPixmap(style.kind_icon(kind, 28).pixmap(28, 28))
        self.title.setText(f"<b>{style.KIND_LABELS[kind]}</b><br><small>{element_id}</small>")
        for spec in FIELDS:
            label, cell = self._rows[spec.path]
            visible = applies(element, spec)
            label.setVisible(visible)
            cell.setVisible(visible)
            self.errors[spec.path].hide()
        self._load_groups()
        self.placeholder.hide()
        self.form_widget.show()
        self.form_widget.setEnabled(not self.document.read_only)
        self._load()

    def _load_groups(self) -> None:
        combo = self.editors["group"]
        assert isinstance(combo, QComboBox)
        groups = sorted({getattr(e, "group", "") for _, e in self.document.design.elements()}
                        - {""})
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(groups)
        combo.blockSignals(False)

    def _load(self) -> None:
        """Copy the model's values into the editors (never echoing back as edits)."""
        element = self.document.design.element(self.element_id)
        for spec in FIELDS:
            if applies(element, spec) and spec.path != self._editing:
                self._set_editor(spec, read_field(element, spec.path))

    def _set_editor(self, spec: FieldSpec, value: Any) -> None:
        editor = self.editors[spec.path]
        editor.blockSignals(True)
        try:
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(value if value is not None else 1))
            elif isinstance(editor, QComboBox) and spec.editor == "engine":
                editor.setCurrentIndex(editor.findData(value))
            elif isinstance(editor, QComboBox):
                editor.setEditText(value or "")
            elif isinstance(editor, QPlainTextEdit):
                if editor.toPlainText() != (value or ""):
                    editor.setPlainText(value or "")
            elif isinstance(editor, QLineEdit):
                text = "" if value is None else str(value)
                if editor.text() != text:
                    editor.setText(text)
                self.errors[spec.path].hide()
        finally:
            editor.blockSignals(False)

    # ------------------------------------------------------------------ editing

    def _apply_quantity(self, spec: FieldSpec, text: str) -> None:
        text = text.strip()
        try:
            value = _PARSERS[spec.editor](text) if text else None
        except UnitError as exc:
            self._show_error(spec.path, str(exc))
            return
        self._apply(spec.path, value)

    def _show_error(self, path: str, message: str) -> None:
        self.errors[path].setText(message)
        self.errors[path].setVisible(bool(message))

    def _apply(self, path: str, value: Any, merge: bool = True) -> None:
        """Push one edit of ``path`` (merging with the previous edit of the same field)."""
        if self.document is None or self.element_id is None or self.document.read_only:
            return
        design = self.document.design
        element = design.element(self.element_id)
        try:
            new = with_field(element, path, value)
            _validate(new)
        except (ValueError, TypeError) as exc:
            self._show_error(path, str(exc))
            return
        self._show_error(path, "")
        if new == element:
            return
        self._editing = path
        try:
            self.document.undo_stack.push(
                EditElement(design, self.element_id, new, path if merge else None))
        except ModelError as exc:
            self._show_error(path, str(exc))
        finally:
            self._editing = None


def _validate(element: Element) -> None:
    scaling = getattr(element, "scaling", None)
    if scaling is not None and scaling.min > scaling.max:
        raise ValueError(f"the minimum ({scaling.min}) is above the maximum ({scaling.max})")
