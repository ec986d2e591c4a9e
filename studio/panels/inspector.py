"""The Inspector: forms for the selected element's or relation's properties.

Each element kind (and relations) has a form of collapsible sections (:mod:`.forms`) built from
the editors in :mod:`.widgets`. Every change is an undo step: an
:class:`~studio.commands.EditElement` or a merging :class:`~studio.commands.EditRelation`;
consecutive typing in one field merges into one step. What is typed is validated as it is
typed; a problem is shown under the field and nothing invalid reaches the model. The panel
follows the design's events and keeps no copy of the model: it reads the element on every
event and every edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.design import KIND_OF, ModelError, kind_of
from models.elements import Datastore, ElementKind, Relation, RelationKind
from models.events import (
    DesignEvent,
    ElementAdded,
    ElementChanged,
    ElementRemoved,
    RelationChanged,
    RelationRemoved,
)
from studio.canvas import style
from studio.commands import EditElement, EditRelation
from studio.document import Document
from studio.panels.forms import (
    FORMS,
    NESTED,
    RELATION_FORM,
    FieldSpec,
    Section,
    applies,
    check_object,
    enabled,
    read_field,
    with_field,
)
from studio.panels.widgets import CollapsibleSection, FieldEditor

__all__ = ["EditRelationField", "InspectorPanel"]

RelationKey = tuple[str, str, RelationKind]

_EDIT_RELATION_ID = 1101
_PLACEHOLDER = "Select an element or a relation on the canvas or in the outline to edit it."


class EditRelationField(EditRelation):
    """An :class:`EditRelation` of one field; consecutive edits of that field merge."""

    def __init__(self, design: Any, relation: Relation, field: str | None, text: str) -> None:
        super().__init__(design, relation)
        self.field = field
        self.setText(text)

    def id(self) -> int:
        return _EDIT_RELATION_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, EditRelationField) or self.field is None:
            return False
        if (other.new.key, other.field) != (self.new.key, self.field):
            return False
        self.new = other.new
        self.setObsolete(self.new == self.old)
        return True


class FormPage(QWidget):
    """The sections of one form; built once per kind and reused for every selection."""

    def __init__(
        self,
        sections: tuple[Section, ...],
        owner: type,
        commit: Callable[[FieldSpec, Any, str | None], str | None],
        link: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.sections: dict[str, CollapsibleSection] = {}
        self.fields: dict[str, FieldEditor] = {}
        self.summaries: dict[str, QLabel] = {}
        self.rows: dict[str, tuple[QWidget, ...]] = {}
        self.specs: dict[str, FieldSpec] = {}
        self.members: dict[str, tuple[FieldSpec, ...]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for section in sections:
            box = CollapsibleSection(section.title)
            box.set_expanded(section.expanded)
            self.sections[section.title] = box
            self.members[section.title] = section.fields
            layout.addWidget(box)
            for spec in section.fields:
                self.specs[spec.path] = spec
                self._add_row(box, spec, owner, commit, link)
        self._align_labels()

    def _align_labels(self) -> None:
        """One label column for all sections, so the fields line up down the page."""
        labels = [widgets[0] for path, widgets in self.rows.items() if not self.specs[path].wide]
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)

    def _add_row(
        self,
        box: CollapsibleSection,
        spec: FieldSpec,
        owner: type,
        commit: Callable[[FieldSpec, Any, str | None], str | None],
        link: Callable[[str], None],
    ) -> None:
        label = QLabel(spec.label)
        if spec.summary:
            summary = QLabel(objectName=f"summary:{spec.path}", wordWrap=True)
            summary.linkActivated.connect(link)
            self.summaries[spec.path] = summary
            box.form.addRow(label, summary)
            self.rows[spec.path] = (label, summary)
            return
        editor = FieldEditor(spec, lambda value, key: commit(spec, value, key), owner)
        self.fields[spec.path] = editor
        label.setBuddy(editor.input)
        label.setToolTip(editor.input.toolTip())
        if spec.wide:
            box.form.addRow(label)
            box.form.addRow(editor)
        else:
            box.form.addRow(label, editor)
        self.rows[spec.path] = (label, editor)

    def load(self, obj: Any, read_only: bool) -> None:
        """Show the values of ``obj`` (an element or a relation)."""
        for path, widgets in self.rows.items():
            visible = applies(obj, self.specs[path])
            for widget in widgets:
                widget.setVisible(visible)
        for path, editor in self.fields.items():
            if applies(obj, editor.spec):
                value = read_field(obj, path)
                editor.set_value(value is not None if editor.spec.editor == "present" else value)
                editor.setEnabled(enabled(obj, editor.spec))
        for title, box in self.sections.items():
            box.body.setEnabled(not read_only)
            box.setVisible(any(applies(obj, spec) for spec in self.members[title]))


class InspectorPanel(QWidget):
    """Edits the selected element or relation through forms.

    Signals:
        editor_requested(str, str): A summary link asked for an editor tab (``api`` or
            ``schema``) on an element id.
    """

    editor_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.element_id: str | None = None
        self.relation_key: RelationKey | None = None
        self.pages: dict[Any, FormPage] = {}
        self.page: FormPage | None = None
        self._session = 0
        # The design's groups, zones and datastores are offered again once per burst of
        # changes (a multi-delete emits one event per element).
        self._suggestions = QTimer(self, singleShot=True, interval=0)
        self._suggestions.timeout.connect(self._suggest)
        self._unsubscribe: Callable[[], None] = lambda: None
        self.icon = QLabel()
        self.title = QLabel(textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.note = QLabel(wordWrap=True, enabled=False)
        self.placeholder = QLabel(_PLACEHOLDER, wordWrap=True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop)
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.title, 1)
        self.body = QWidget()
        self.pages_layout = QVBoxLayout()
        self.pages_layout.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.note)
        layout.addWidget(self.placeholder)
        layout.addLayout(self.pages_layout)
        layout.addStretch(1)
        self.scroll = QScrollArea(widgetResizable=True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.show_element(None)

    # ------------------------------------------------------------------ the current form

    @property
    def fields(self) -> dict[str, FieldEditor]:
        """The editors of the form shown, by field path."""
        return self.page.fields if self.page else {}

    @property
    def editors(self) -> dict[str, QWidget]:
        """The input widgets of the form shown, by field path."""
        return {path: field.input for path, field in self.fields.items()}

    @property
    def errors(self) -> dict[str, QLabel]:
        """The problem labels of the form shown, by field path."""
        return {path: field.error for path, field in self.fields.items()}

    def _page(self, key: Any) -> FormPage:
        if key not in self.pages:
            sections = RELATION_FORM if key == "relation" else FORMS[key]
            owner = Relation if key == "relation" else _CLASSES[key]
            page = FormPage(sections, owner, self._commit, self._link)
            for editor in page.fields.values():
                editor.finished.connect(self._end_session)
                editor.reverted.connect(self._load)
            self.pages[key] = page
            self.pages_layout.addWidget(page)
        return self.pages[key]

    def _switch(self, key: Any | None) -> None:
        self._end_session()
        self.page = None if key is None else self._page(key)
        for page in self.pages.values():
            page.setVisible(page is self.page)
        self.placeholder.setVisible(self.page is None)

    def _end_session(self) -> None:
        """The next keystroke starts a new undo step (the user left the field)."""
        self._session += 1

    # ------------------------------------------------------------------ document

    def set_document(self, document: Document) -> None:
        """Edit elements and relations of ``document``."""
        self._unsubscribe()
        self.document = document
        self._unsubscribe = document.design.subscribe(self._on_event)
        self.show_element(None)

    def _on_event(self, event: DesignEvent) -> None:
        if isinstance(event, ElementAdded | ElementChanged | ElementRemoved) and self.page:
            self._suggestions.start()
        match event:
            case ElementChanged(id=eid) if eid == self.element_id:
                self._load()
            case ElementRemoved(id=eid) if eid == self.element_id:
                self.show_element(None)
            case RelationChanged(new=new) if new.key == self.relation_key:
                self._load()
            case RelationRemoved(relation=old) if old.key == self.relation_key:
                self.show_element(None)

    def current(self) -> Any:
        """The element or relation shown, read from the model (None when nothing is)."""
        if self.document is None:
            return None
        design = self.document.design
        if self.element_id is not None and self.element_id in design:
            return design.element(self.element_id)
        if self.relation_key is not None:
            return design.relation(*self.relation_key)
        return None

    def show_element(self, element_id: str | None, count: int = 1) -> None:
        """Show the element's form, or a placeholder (``count`` elements selected)."""
        design = self.document.design if self.document else None
        self.relation_key = None
        if design is None or element_id is None or element_id not in design:
            self.element_id = None
            self._switch(None)
            self.icon.clear()
            self.note.hide()
            self.title.setText("<b>Inspector</b>")
            self.placeholder.setText(f"{count} elements selected." if count > 1 else _PLACEHOLDER)
            return
        self.element_id = element_id
        kind = kind_of(design.element(element_id))
        self.icon.setPixmap(style.kind_icon(kind, 28).pixmap(28, 28))
        self.title.setText(f"<b>{style.KIND_LABELS[kind]}</b><br><small>{element_id}</small>")
        self._switch(kind)
        self._show_form()

    def show_relation(self, key: RelationKey | None) -> None:
        """Show the form of the relation ``(source, target, kind)``."""
        design = self.document.design if self.document else None
        if design is None or key is None or design.relation(*key) is None:
            self.show_element(None)
            return
        self.element_id, self.relation_key = None, key
        source, target, kind = key
        self.icon.setPixmap(style.kind_icon(design.kind(source), 28).pixmap(28, 28))
        mode = "synchronous" if kind.is_sync else "asynchronous"
        self.title.setText(
            f"<b>Relation</b> <small>({mode})</small><br>"
            f"<small>{source} <i>{kind.value}</i> {target}</small>"
        )
        self._switch("relation")
        self._show_form()

    def _show_form(self) -> None:
        read_only = self.document is not None and self.document.read_only
        self.note.setText("Read-only: the design is open for review.")
        self.note.setVisible(read_only)
        self._suggest()
        self._load()

    def _suggest(self) -> None:
        if self.document is None or self.page is None:
            return
        design = self.document.design
        elements = list(design.elements())
        suggestions = {
            "groups": sorted({getattr(e, "group", "") for _, e in elements} - {""}),
            "zones": sorted({getattr(e, "zone", "") for _, e in elements} - {""}),
            "datastores": sorted(eid for eid, e in elements if isinstance(e, Datastore)),
        }
        for editor in self.fields.values():
            editor.set_suggestions(suggestions)

    def _load(self) -> None:
        """Copy the model's values into the form (never echoed back as edits)."""
        obj = self.current()
        if obj is None or self.page is None:
            return
        self.page.load(obj, self.document.read_only)
        for path, label in self.page.summaries.items():
            label.setText(_summary(path, obj))

    def _link(self, target: str) -> None:
        if self.element_id is not None:
            self.editor_requested.emit(target, self.element_id)

    # ------------------------------------------------------------------ editing

    def _commit(self, spec: FieldSpec, value: Any, merge_key: str | None) -> str | None:
        """Apply one edit of ``spec``'s field; returns the problem when there is one."""
        obj = self.current()
        if obj is None or self.document is None or self.document.read_only:
            return None
        if spec.editor == "present":
            value = NESTED[spec.path][0]() if value else None
        try:
            new = with_field(obj, spec.path, value)
        except (TypeError, ValueError) as exc:
            return str(exc)
        problem = check_object(new)
        if problem is not None and problem != check_object(obj):
            return problem[1]
        if new == obj and repr(new) == repr(obj):  # == ignores the order of named records
            return None
        field = None if merge_key is None else f"{spec.path}:{merge_key}#{self._session}"
        try:
            self.document.undo_stack.push(self._command(new, field, spec.label))
        except (ModelError, ValueError) as exc:
            return str(exc)
        if field is None:
            self._end_session()
        return None

    def _command(self, new: Any, field: str | None, label: str) -> QUndoCommand:
        design = self.document.design
        if isinstance(new, Relation):
            text = f"Edit {new.source} {new.kind.value} {new.target}: {label.lower()}"
            return EditRelationField(design, new, field, text)
        text = f"Edit {self.element_id}: {label.lower()}"
        return EditElement(design, self.element_id, new, field, text)


#: The class of each element kind (where the forms' field documentation comes from).
_CLASSES: dict[ElementKind, type] = {kind: cls for cls, kind in KIND_OF.items()}


def _summary(path: str, obj: Any) -> str:
    """The read-only line of a field edited in an editor tab, with a link to that tab."""
    if path == "endpoints":
        count = len(obj.endpoints)
        return f"{count} endpoint{'s' * (count != 1)} · <a href='api'>API editor</a>"
    parts = [(len(obj.tables), "table"), (len(obj.views), "view"), (len(obj.queries), "query")]
    text = ", ".join(
        f"{n} {word if n == 1 else word + 's'}".replace("querys", "queries") for n, word in parts
    )
    return f"{text} · <a href='schema'>schema editor</a>"
