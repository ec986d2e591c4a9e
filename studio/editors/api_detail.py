"""The API editor's detail pane: parameters, request body, responses and behaviour of one
endpoint.

The pane is a projection of the design: :meth:`EndpointDetail.refresh` rebuilds it from the
current service, and every edit goes out through ``edited(service, field, text)`` for the
editor to push as one :class:`~studio.commands.EditElement` (typing in one field merges).
Invalid input (a bad status, YAML that does not parse, a duplicate name) is shown in place and
nothing is pushed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.design import Design
from models.elements import Endpoint, Parameter, Response, Service
from studio.editors.api_edits import (
    parse_shape,
    path_problem,
    replace_endpoint,
    shape_text,
    status_problem,
    unique_id,
)
from studio.editors.api_table import ValidatingDelegate

__all__ = ["EndpointDetail", "ShapeEdit", "monospace"]

_INDEX = QModelIndex | QPersistentModelIndex
LOCATIONS = ("path", "query", "header", "cookie")
_ERROR_STYLE = "color: #d64545;"


def monospace() -> QFont:
    """The system's fixed-pitch font."""
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


class _ChoiceDelegate(QStyledItemDelegate):
    """A combo box for one column of a table widget."""

    def __init__(self, choices: tuple[str, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _INDEX) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(list(self.choices))
        return combo

    def setEditorData(self, editor: QWidget, index: _INDEX) -> None:
        editor.setCurrentText(index.data() or "")

    def setModelData(self, editor: QWidget, model: Any, index: _INDEX) -> None:
        model.setData(index, editor.currentText())


class ShapeEdit(QWidget):
    """A YAML editor for a body shape with its parse problem shown underneath.

    Signals:
        shape_edited(object): the text parses; the new shape (None when empty).
    """

    shape_edited = Signal(object)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit()
        self.text.setFont(monospace())
        self.text.setPlaceholderText(placeholder)
        self.text.setTabChangesFocus(True)
        self.message = QLabel()
        self.message.setStyleSheet(_ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.message)
        self.text.textChanged.connect(self._changed)
        self._loading = False

    def show_shape(self, shape: Any, force: bool = False) -> None:
        """Show ``shape`` unless the text already says it (so typing is never disturbed)."""
        parsed, problem = parse_shape(self.text.toPlainText())
        if not force and not problem and parsed == shape:
            return
        self._loading = True
        self.text.setPlainText(shape_text(shape))
        self._loading = False
        self._show_problem("")

    def _changed(self) -> None:
        if self._loading:
            return
        shape, problem = parse_shape(self.text.toPlainText())
        self._show_problem(problem)
        if not problem:
            self.shape_edited.emit(shape)

    def _show_problem(self, problem: str) -> None:
        self.message.setText(problem)
        self.message.setVisible(bool(problem))
        self.text.setStyleSheet("QPlainTextEdit { border: 2px solid #d64545; }"
                                if problem else "")


class EndpointDetail(QWidget):
    """Parameters, request body, responses and behaviour of the current endpoint.

    Signals:
        edited(object, str, str): (new service, field path, undo text) for a valid edit.
    """

    edited = Signal(object, str, str)

    def __init__(self, design: Design, service_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.design, self.service_id = design, service_id
        self.endpoint_id: str | None = None
        self.read_only = False
        self._loading = False
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel()
        self.message.setStyleSheet(_ERROR_STYLE)
        self.message.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._make_parameters(), "Parameters")
        self.tabs.addTab(self._make_request(), "Request body")
        self.tabs.addTab(self._make_responses(), "Responses")
        self.tabs.addTab(self._make_behaviour(), "Behaviour")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.show_endpoint(None)

    # ------------------------------------------------------------------ building

    def _table(self, headers: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(24)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def _buttons(self, add: Any, remove: Any, noun: str) -> tuple[QHBoxLayout, list[QToolButton]]:
        row = QHBoxLayout()
        buttons = []
        for text, slot, tip in ((f"Add {noun}", add, f"Add a {noun}"),
                                ("Remove", remove, f"Remove the selected {noun}")):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            row.addWidget(button)
            buttons.append(button)
        row.addStretch(1)
        return row, buttons

    def _make_parameters(self) -> QWidget:
        self.parameters = self._table(("Name", "In", "Type", "Required", "Description"))
        self.parameters.setItemDelegateForColumn(1, _ChoiceDelegate(LOCATIONS, self))
        names = ValidatingDelegate(self._parameter_name_problem, self)
        names.problem.connect(self.message.setText)
        self.parameters.setItemDelegateForColumn(0, names)
        self.parameters.itemChanged.connect(self._parameter_changed)
        row, self.parameter_buttons = self._buttons(self.add_parameter,
                                                    self.remove_parameter, "parameter")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.parameters)
        return page

    def _make_request(self) -> QWidget:
        self.request = ShapeEdit("No request body. Write its shape in YAML, e.g.\n"
                                 "user_id: uuid\nitems:\n- {product_id: uuid, quantity: int}")
        self.request.shape_edited.connect(self._request_edited)
        return self.request

    def _make_responses(self) -> QWidget:
        self.responses = self._table(("Status", "Description", "Headers"))
        self.responses.itemChanged.connect(self._response_changed)
        statuses = ValidatingDelegate(self._status_problem, self)
        statuses.problem.connect(self.message.setText)
        self.responses.setItemDelegateForColumn(0, statuses)
        self.responses.itemSelectionChanged.connect(self._response_selected)
        self.response_body = ShapeEdit("No body. Write its shape in YAML, e.g.\n"
                                       "order_id: uuid\nstatus: string")
        self.response_body.shape_edited.connect(self._response_body_edited)
        row, self.response_buttons = self._buttons(self.add_response, self.remove_response,
                                                   "response")
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        self.response_body_label = QLabel("Body")
        body_layout.addWidget(self.response_body_label)
        body_layout.addWidget(self.response_body)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.responses)
        split.addWidget(body)
        split.setSizes([420, 300])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(split)
        return page

    def _make_behaviour(self) -> QWidget:
        self.status_path = QLineEdit(placeholderText="/api/v1/orders/{order_id}/status")
        self.status_path.textEdited.connect(self._status_path_edited)
        self.long_running = QCheckBox("The work takes longer than a request should")
        self.long_running.toggled.connect(
            lambda on: self._set_field("long_running", on, "long-running"))
        self.public = QComboBox()
        self.public.addItems(["As the service", "Public", "Internal"])
        self.public.activated.connect(self._public_chosen)
        self.tags = QLineEdit(placeholderText="orders, checkout")
        self.tags.textEdited.connect(self._tags_edited)
        page = QWidget()
        form = QFormLayout(page)
        form.addRow("Status resource", self.status_path)
        form.addRow("Long-running", self.long_running)
        form.addRow("Exposure", self.public)
        form.addRow("Tags", self.tags)
        return page

    # ------------------------------------------------------------------ reading

    def service(self) -> Service | None:
        """The service as the design has it now."""
        if self.service_id not in self.design:
            return None
        service = self.design.element(self.service_id)
        return service if isinstance(service, Service) else None

    def endpoint(self) -> Endpoint | None:
        """The endpoint shown, as the design has it now."""
        service = self.service()
        if service is None or self.endpoint_id is None:
            return None
        return service.endpoints.get(self.endpoint_id)

    def show_endpoint(self, endpoint_id: str | None) -> None:
        """Show ``endpoint_id`` (None: nothing selected)."""
        changed = endpoint_id != self.endpoint_id
        self.endpoint_id = endpoint_id
        self.refresh(force=changed)

    def set_read_only(self, read_only: bool) -> None:
        """Refuse every edit (review mode)."""
        self.read_only = read_only
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        """Rebuild the pane from the design."""
        endpoint = self.endpoint()
        self.tabs.setEnabled(endpoint is not None)
        if endpoint is None:
            self.endpoint_id = None
            self.title.setText("<i>Select an endpoint to edit its parameters, request and "
                               "responses.</i>")
            endpoint = Endpoint()
        else:
            self.title.setText(f"<b>{endpoint.method.value} {_html(endpoint.path)}</b>"
                               f" &nbsp;<span style='color:gray'>{self.endpoint_id}</span>")
        if force:
            self.message.clear()
        self._loading = True
        blocked = [(w, w.blockSignals(True)) for w in (self.parameters, self.responses)]
        try:
            self._fill_parameters(endpoint)
            self._fill_responses(endpoint)
            self._fill_behaviour(endpoint)
        finally:
            for widget, was in blocked:
                widget.blockSignals(was)
            self._loading = False
        self.request.show_shape(endpoint.request, force)
        self._response_selected(force)
        self._apply_read_only()

    def _apply_read_only(self) -> None:
        editable = not self.read_only
        triggers = (QAbstractItemView.EditTrigger.DoubleClicked
                    | QAbstractItemView.EditTrigger.EditKeyPressed
                    | QAbstractItemView.EditTrigger.AnyKeyPressed)
        for table in (self.parameters, self.responses):
            table.setEditTriggers(triggers if editable else
                                  QAbstractItemView.EditTrigger.NoEditTriggers)
        for button in (*self.parameter_buttons, *self.response_buttons):
            button.setEnabled(editable)
        for edit in (self.request.text, self.response_body.text):
            edit.setReadOnly(not editable)
        for widget in (self.status_path, self.long_running, self.public, self.tags):
            widget.setEnabled(editable)

    def _fill_parameters(self, endpoint: Endpoint) -> None:
        table = self.parameters
        table.setRowCount(len(endpoint.parameters))
        for row, (name, param) in enumerate(endpoint.parameters.items()):
            texts = (name, param.location, param.type, "", param.description)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable
                                  | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if param.required
                                       else Qt.CheckState.Unchecked)
                table.setItem(row, column, item)

    def _fill_responses(self, endpoint: Endpoint) -> None:
        selected = self.selected_status()
        table = self.responses
        table.setRowCount(len(endpoint.responses))
        for row, (status, response) in enumerate(endpoint.responses.items()):
            texts = (str(status), response.description, ", ".join(response.headers))
            for column, text in enumerate(texts):
                table.setItem(row, column, QTableWidgetItem(text))
            table.item(row, 0).setForeground(_status_color(str(status)))
            if str(status) == selected:
                table.selectRow(row)
        if table.currentRow() < 0 and table.rowCount():
            table.selectRow(0)

    def _fill_behaviour(self, endpoint: Endpoint) -> None:
        if self.status_path.text() != endpoint.status_path:
            self.status_path.setText(endpoint.status_path)
        self.long_running.setChecked(endpoint.long_running)
        self.public.setCurrentIndex({None: 0, True: 1, False: 2}[endpoint.public])
        tags = ", ".join(endpoint.tags)
        if _split(self.tags.text()) != endpoint.tags:
            self.tags.setText(tags)

    def selected_status(self) -> str | None:
        """The status of the response selected in the responses table."""
        rows = self.responses.selectionModel().selectedRows()
        item = self.responses.item(rows[0].row(), 0) if rows else None
        return item.text() if item is not None else None

    # ------------------------------------------------------------------ editing

    def _push(self, endpoint: Endpoint, field: str, text: str, new_id: str | None = None) -> None:
        service = self.service()
        if self.read_only or service is None or self.endpoint_id is None:
            return
        row = list(service.endpoints).index(self.endpoint_id)
        self.message.clear()
        self.edited.emit(replace_endpoint(service, self.endpoint_id, endpoint, new_id),
                         f"endpoints[{row}].{field}", f"{text} of {self.endpoint_id}")

    def _refuse(self, problem: str) -> None:
        self.message.setText(problem)
        self.refresh()

    def _set_field(self, field: str, value: Any, label: str) -> None:
        endpoint = self.endpoint()
        if self._loading or endpoint is None or getattr(endpoint, field) == value:
            return
        self._push(replace(endpoint, **{field: value}), field, f"Edit {label}")

    def _request_edited(self, shape: Any) -> None:
        self._set_field("request", shape, "request body")

    def _status_path_edited(self, text: str) -> None:
        problem = path_problem(text.strip()) if text.strip() else ""
        self.status_path.setStyleSheet("border: 2px solid #d64545;" if problem else "")
        self.status_path.setToolTip(problem)
        self.message.setText(problem)
        if not problem:
            self._set_field("status_path", text.strip(), "status resource")

    def _public_chosen(self, index: int) -> None:
        self._set_field("public", (None, True, False)[index], "exposure")

    def _tags_edited(self, text: str) -> None:
        self._set_field("tags", _split(text), "tags")

    # ------------------------------------------------------------------ parameters

    def add_parameter(self) -> None:
        """Add a query parameter with a free name."""
        endpoint = self.endpoint()
        if endpoint is None or self.read_only:
            return
        name = unique_id(endpoint.parameters, "param")
        parameters = {**endpoint.parameters, name: Parameter("query", "string")}
        self._push(replace(endpoint, parameters=parameters), f"parameters.{name}",
                   f"Add parameter {name}")

    def remove_parameter(self) -> None:
        """Remove the selected parameter."""
        endpoint = self.endpoint()
        rows = self.parameters.selectionModel().selectedRows()
        if endpoint is None or not rows or self.read_only:
            return
        name = list(endpoint.parameters)[rows[0].row()]
        parameters = {k: v for k, v in endpoint.parameters.items() if k != name}
        self._push(replace(endpoint, parameters=parameters), f"parameters.{name}",
                   f"Remove parameter {name}")

    def _parameter_name_problem(self, index: Any, name: str) -> str:
        endpoint = self.endpoint()
        names = list(endpoint.parameters) if endpoint else []
        return _name_problem(name, (n for i, n in enumerate(names) if i != index.row()))

    def _status_problem(self, index: Any, status: str) -> str:
        endpoint = self.endpoint()
        statuses = [str(s) for s in endpoint.responses] if endpoint else []
        return status_problem(status, (s for i, s in enumerate(statuses) if i != index.row()))

    def _parameter_changed(self, item: QTableWidgetItem) -> None:
        endpoint = self.endpoint()
        if self._loading or endpoint is None:
            return
        names = list(endpoint.parameters)
        name = names[item.row()]
        param = endpoint.parameters[name]
        column, text = item.column(), item.text().strip()
        if column == 0:
            problem = _name_problem(text, (n for n in names if n != name))
            if problem:
                return self._refuse(problem)
            items = [(text if k == name else k, v) for k, v in endpoint.parameters.items()]
            return self._push(replace(endpoint, parameters=dict(items)),
                              f"parameters.{name}.name", f"Rename parameter {name}")
        if column == 1 and text not in LOCATIONS:
            return self._refuse(f"'{text}' is not a location ({', '.join(LOCATIONS)}).")
        field, value = {0: ("", ""), 1: ("location", text), 2: ("type", text or "string"),
                        3: ("required", item.checkState() == Qt.CheckState.Checked),
                        4: ("description", text)}[column]
        if getattr(param, field) == value:
            return None
        parameters = {**endpoint.parameters, name: replace(param, **{field: value})}
        return self._push(replace(endpoint, parameters=parameters),
                          f"parameters.{name}.{field}", f"Edit parameter {name}")

    # ------------------------------------------------------------------ responses

    def add_response(self) -> None:
        """Add the first free status of 200, 201, 400, 404, 500..."""
        endpoint = self.endpoint()
        if endpoint is None or self.read_only:
            return
        taken = {str(s) for s in endpoint.responses}
        status = next(s for s in ("200", "201", "400", "401", "403", "404", "409", "422",
                                  "429", "500", "503", "default") if s not in taken)
        responses = {**endpoint.responses, status: Response(description="")}
        responses = dict(sorted(responses.items(), key=lambda kv: str(kv[0])))
        self._push(replace(endpoint, responses=responses), f"responses.{status}",
                   f"Add response {status}")

    def remove_response(self) -> None:
        """Remove the selected response."""
        endpoint, status = self.endpoint(), self.selected_status()
        if endpoint is None or status is None or self.read_only:
            return
        responses = {k: v for k, v in endpoint.responses.items() if str(k) != status}
        self._push(replace(endpoint, responses=responses), f"responses.{status}",
                   f"Remove response {status}")

    def _response_changed(self, item: QTableWidgetItem) -> None:
        endpoint = self.endpoint()
        if self._loading or endpoint is None:
            return
        statuses = [str(s) for s in endpoint.responses]
        status = statuses[item.row()]
        response = endpoint.responses[status]
        text = item.text().strip()
        if item.column() == 0:
            problem = status_problem(text, (s for s in statuses if s != status))
            if problem:
                return self._refuse(problem)
            items = [(text if str(k) == status else k, v) for k, v in endpoint.responses.items()]
            return self._push(replace(endpoint, responses=dict(items)),
                              f"responses.{status}.status", f"Change response {status}")
        field, value = (("description", text) if item.column() == 1
                        else ("headers", _split(text)))
        if getattr(response, field) == value:
            return None
        responses = {**endpoint.responses, status: replace(response, **{field: value})}
        return self._push(replace(endpoint, responses=responses),
                          f"responses.{status}.{field}", f"Edit response {status}")

    def _response_selected(self, force: bool = True) -> None:
        endpoint, status = self.endpoint(), self.selected_status()
        response = endpoint.responses.get(status) if endpoint and status else None
        self.response_body.setEnabled(response is not None)
        self.response_body_label.setText(f"Body of {status}" if response else "Body")
        self.response_body.show_shape(response.body if response else None, force)

    def _response_body_edited(self, shape: Any) -> None:
        endpoint, status = self.endpoint(), self.selected_status()
        response = endpoint.responses.get(status) if endpoint and status else None
        if self._loading or response is None or response.body == shape:
            return
        responses = {**endpoint.responses, status: replace(response, body=shape)}
        self._push(replace(endpoint, responses=responses), f"responses.{status}.body",
                   f"Edit response {status} body")


def _split(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())


def _name_problem(name: str, taken: Any) -> str:
    if not name:
        return "A parameter needs a name."
    if any(c.isspace() for c in name):
        return "A parameter name has no spaces."
    if name in set(taken):
        return f"There is already a parameter '{name}'."
    return ""


def _status_color(status: str) -> Any:
    from PySide6.QtGui import QColor

    colors = {"2": "#2f8f5b", "3": "#3a6fc4", "4": "#c77818", "5": "#c94040"}
    return QColor(colors.get(status[:1], "#666"))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
