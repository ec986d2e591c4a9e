"""The API editor's endpoint table: a Qt model over one service's endpoints, and its delegate.

The model reads the service from the design on every ``data()`` call (the design is the only
copy of the endpoints); ``setData()`` validates and hands the edited service to the editor,
which pushes it as one :class:`~studio.commands.EditElement`. Cell editors validate as the user
types and refuse to commit an invalid value (the message is shown in place).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from models.design import Design
from models.elements import Endpoint, HttpMethod, Pagination, Service
from models.units import Rate
from studio.editors.api_edits import (
    Problem,
    id_problem,
    method_path_problem,
    pagination_of,
    path_problem,
    rate_problem,
    replace_endpoint,
)

__all__ = ["COLUMNS", "EndpointDelegate", "EndpointTableModel", "ValidatingDelegate",
           "severity_icon"]

_INDEX = QModelIndex | QPersistentModelIndex

#: Severity colours shared with the Problems panel.
SEVERITY_COLORS = {"error": "#d64545", "warning": "#c98a0c", "info": "#4a7fd4"}
METHOD_COLORS = {"GET": "#2f8f5b", "POST": "#c77818", "PUT": "#3a6fc4", "PATCH": "#7a56c2",
                 "DELETE": "#c94040", "HEAD": "#6b7280", "OPTIONS": "#6b7280"}
AUTH_CHOICES = ("bearer", "oauth2", "api-key", "mtls", "basic", "none")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the endpoint field it shows, its header and its fixed choices."""

    field: str
    title: str
    tip: str
    choices: tuple[str, ...] = ()
    free_choice: bool = False


COLUMNS = (
    Column("id", "Endpoint", "The endpoint's id (findings and suppressions refer to it)"),
    Column("method", "Method", "HTTP method", tuple(m.value for m in HttpMethod)),
    Column("path", "Path", "URL path template, e.g. /api/v1/orders/{order_id}"),
    Column("summary", "Summary", "One line on what it does"),
    Column("auth", "Auth", "Authentication required (none for public)", AUTH_CHOICES, True),
    Column("pagination", "Pagination", "How a collection result is paged",
           ("", *(p.value for p in Pagination))),
    Column("rate_limit", "Rate limit", "Per-client rate limit, e.g. 100/min"),
    Column("idempotency", "Idempotency", "Idempotency key header, e.g. Idempotency-Key"),
    Column("mode", "Mode", "sync, or async (202 Accepted + a status resource)",
           ("sync", "async")),
)
FIELDS = [column.field for column in COLUMNS]


def severity_icon(severity: str, size: int = 14) -> QIcon:
    """A round badge in the severity's colour: ``!`` for errors and warnings, ``i`` for info."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(SEVERITY_COLORS.get(severity, "#888")))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.72))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter,
                     "i" if severity == "info" else "!")
    painter.end()
    return QIcon(pixmap)


def cell_text(endpoint_id: str, endpoint: Endpoint, field: str) -> str:
    """The text a cell shows and edits."""
    if field == "id":
        return endpoint_id
    value = getattr(endpoint, field)
    if field == "method":
        return value.value
    if field == "pagination":
        return value.value if value is not None else ""
    if field == "rate_limit":
        return str(value) if value is not None else ""
    if field == "mode":
        return "async" if value == "async" else "sync"
    return str(value or "")


def cell_value(field: str, text: str) -> Any:
    """The endpoint field value for a cell's (validated) text."""
    if field == "method":
        return HttpMethod(text.upper())
    if field == "pagination":
        return pagination_of(text)
    if field == "rate_limit":
        return Rate.parse(text) if text else None
    return text


class EndpointTableModel(QAbstractTableModel):
    """The endpoints of one service, one row each, in the design's order.

    Signals:
        edited(object, str, str): a valid cell edit: (new service, field path, undo text).
        problem(str): the last edit was refused; the message says why ("" when accepted).
    """

    edited = Signal(object, str, str)
    problem = Signal(str)

    def __init__(self, design: Design, service_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.design, self.service_id = design, service_id
        self.read_only = False
        self.problems: Callable[[str], Sequence[Problem]] = lambda _eid: ()
        self._ids: list[str] = self._current_ids()

    # ------------------------------------------------------------------ reading

    def service(self) -> Service | None:
        """The service as the design has it now (None once it is removed)."""
        if self.service_id not in self.design:
            return None
        service = self.design.element(self.service_id)
        return service if isinstance(service, Service) else None

    def _current_ids(self) -> list[str]:
        service = self.service()
        return list(service.endpoints) if service is not None else []

    def endpoint_id(self, row: int) -> str:
        """The id of the endpoint on ``row``."""
        return self._ids[row]

    def row_of(self, endpoint_id: str) -> int:
        """The row of ``endpoint_id``, or -1."""
        return self._ids.index(endpoint_id) if endpoint_id in self._ids else -1

    def refresh(self) -> None:
        """Follow the design: new rows reset the model, same rows repaint."""
        ids = self._current_ids()
        if ids != self._ids:
            self.beginResetModel()
            self._ids = ids
            self.endResetModel()
        elif ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(COLUMNS) - 1))

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip
        return None

    def flags(self, index: _INDEX) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        service = self.service()
        if not index.isValid() or service is None or index.row() >= len(self._ids):
            return None
        endpoint_id = self._ids[index.row()]
        endpoint = service.endpoints.get(endpoint_id)
        if endpoint is None:
            return None
        field = FIELDS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return cell_text(endpoint_id, endpoint, field)
        if field == "id":
            return self._badge(endpoint_id, role)
        if role == Qt.ItemDataRole.ForegroundRole and field == "method":
            return QBrush(QColor(METHOD_COLORS.get(endpoint.method.value, "#666")))
        if role == Qt.ItemDataRole.FontRole and field in ("method", "path"):
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setBold(field == "method")
            return font
        if role == Qt.ItemDataRole.ToolTipRole and field == "summary":
            return endpoint.summary or None
        return None

    def _badge(self, endpoint_id: str, role: int) -> Any:
        problems = sorted(self.problems(endpoint_id), key=lambda p: -p.rank)
        if not problems:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return severity_icon(problems[0].severity)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(f"{p.severity}: {p.code} {p.message}"
                             + (f"\n    fix: {p.hint}" if p.hint else "") for p in problems)
        return None

    # ------------------------------------------------------------------ editing

    def validate(self, index: _INDEX, text: str) -> str:
        """What is wrong with ``text`` in the cell ``index``, or ``""``."""
        service = self.service()
        if service is None:
            return "The service was deleted."
        endpoint_id = self._ids[index.row()]
        endpoint = service.endpoints[endpoint_id]
        field = FIELDS[index.column()]
        if field == "id":
            others = (k for k in service.endpoints if k != endpoint_id)
            return id_problem(text, others)
        if field == "path":
            return path_problem(text) or method_path_problem(
                service, endpoint_id, endpoint.method, text)
        if field == "method":
            if text.upper() not in HttpMethod.__members__:
                return f"'{text}' is not an HTTP method."
            return method_path_problem(service, endpoint_id, text, endpoint.path)
        if field == "rate_limit":
            return rate_problem(text)
        if field == "pagination" and text and text not in {p.value for p in Pagination}:
            return f"'{text}' is not a pagination style."
        return ""

    def setData(self, index: _INDEX, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        service = self.service()
        if role != Qt.ItemDataRole.EditRole or self.read_only or service is None:
            return False
        text = str(value).strip()
        problem = self.validate(index, text)
        self.problem.emit(problem)
        if problem:
            return False
        row, field = index.row(), FIELDS[index.column()]
        endpoint_id = self._ids[row]
        endpoint = service.endpoints[endpoint_id]
        if text == cell_text(endpoint_id, endpoint, field):
            return True
        if field == "id":
            new = replace_endpoint(service, endpoint_id, endpoint, new_id=text)
            self.edited.emit(new, f"endpoints[{row}].id", f"Rename endpoint {endpoint_id}")
            return True
        edited = replace(endpoint, **{field: cell_value(field, text)})
        new = replace_endpoint(service, endpoint_id, edited)
        label = COLUMNS[index.column()].title.lower()
        self.edited.emit(new, f"endpoints[{row}].{field}", f"Edit {endpoint_id} {label}")
        return True


class ValidatingDelegate(QStyledItemDelegate):
    """Line edits that validate as the user types.

    An invalid value is outlined in red with the message as its tooltip, reported through
    ``problem``, and Enter does not commit it (Escape leaves the cell as it was).

    Args:
        validate: ``(index, text) -> message`` ("" when the text is acceptable).

    Signals:
        problem(str): the editor's text is invalid (the message), or valid again ("").
    """

    problem = Signal(str)

    def __init__(self, validate: Callable[[Any, str], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.validate = validate

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _INDEX) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        cell = QPersistentModelIndex(index)
        editor.textEdited.connect(lambda text: self._check(editor, cell, text))
        return editor

    def _check(self, editor: QLineEdit, index: QPersistentModelIndex, text: str) -> str:
        problem = self.validate(index, text.strip()) if index.isValid() else ""
        editor.setProperty("invalid", bool(problem))
        editor.setStyleSheet("border: 2px solid #d64545;" if problem else "")
        editor.setToolTip(problem)
        self.problem.emit(problem)
        return problem

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (isinstance(editor, QLineEdit) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and editor.property("invalid")):
            return True  # keep the editor open on an invalid value
        return super().eventFilter(editor, event)


class EndpointDelegate(ValidatingDelegate):
    """The endpoint table's editors: combo boxes for the vocabularies, validating line edits
    for the rest (through :meth:`EndpointTableModel.validate`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda index, text: index.model().validate(index, text), parent)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _INDEX) -> QWidget:
        column = COLUMNS[index.column()]
        if not column.choices:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setEditable(column.free_choice)
        combo.addItems(list(column.choices))
        return combo

    def setEditorData(self, editor: QWidget, index: _INDEX) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QComboBox):
            position = editor.findText(text)
            if position >= 0:
                editor.setCurrentIndex(position)
            else:
                editor.setEditText(text)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: _INDEX) -> None:
        text = editor.currentText() if isinstance(editor, QComboBox) else editor.text()
        model.setData(index, text)
