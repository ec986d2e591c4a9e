"""The API editor: a service's endpoints, their details and the OpenAPI it exports.

Design > Edit API… opens one tab per service (``api:<service-id>``): a table of endpoints
(method, path, summary, auth, pagination, rate limit, idempotency, mode) with add, duplicate,
reorder and delete; a detail pane for parameters, request body, responses and behaviour; and a
live, validated OpenAPI preview with the review's findings and the validator's errors listed
under it and badged on the endpoint they concern.

Every edit is one :class:`~studio.commands.EditElement` pushed on the document's undo stack
(typing in one field merges into one step through its field name, ``endpoints[3].summary``).
The editor keeps no copy of the endpoints: it follows the design's events, so undo and redo
refresh it, and it empties itself while its service is deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from models.elements import Service
from models.events import DesignEvent, ElementAdded, ElementChanged, ElementRemoved, InfoChanged
from studio.commands import EditElement
from studio.document import Document
from studio.editors.api_detail import EndpointDetail
from studio.editors.api_edits import (
    Problem,
    add_endpoint,
    delete_endpoints,
    duplicate_endpoint,
    endpoint_problems,
    move_endpoint,
)
from studio.editors.api_preview import OpenApiPreview
from studio.editors.api_table import COLUMNS, EndpointDelegate, EndpointTableModel

__all__ = ["ApiEditor", "choose_service", "edit_api", "install",
           "open_api_editor", "rule_problems"]

ACTION_NAME = "action:edit-api"


# --------------------------------------------------------------------------- entry points


def install(window: Any) -> None:
    """Add Design > Edit API… to ``window``."""
    action = QAction("Edit &API…", window)
    action.setObjectName(ACTION_NAME)
    action.setStatusTip("Edit a service's endpoints, with a live OpenAPI preview")
    action.triggered.connect(lambda: edit_api(window))
    menu = window.menus["design"]
    menu.addAction(action)
    menu.aboutToShow.connect(lambda: _update_action(window, action))
    _update_action(window, action)


def _update_action(window: Any, action: QAction) -> None:
    """Name the selected service in the menu; without one, the action asks which."""
    selected = _selected_service(window)
    action.setText(f"Edit &API of {selected}…" if selected else "Edit &API…")


def _selected_service(window: Any) -> str | None:
    ids = window.selected_ids() if window.document is not None else []
    if len(ids) == 1 and isinstance(window.document.design.element(ids[0]), Service):
        return ids[0]
    return None


def edit_api(window: Any, service_id: str | None = None) -> ApiEditor | None:
    """Open the API editor of ``service_id``, of the selected service, or of one chosen."""
    service_id = service_id or _selected_service(window) or choose_service(window)
    return open_api_editor(window, service_id) if service_id else None


def choose_service(window: Any) -> str | None:
    """Ask which service's API to edit (None when cancelled or there is none)."""
    services = list(window.document.design.services()) if window.document else []
    if not services:
        QMessageBox.information(window, "Edit API", "The design has no services yet.")
        return None
    if len(services) == 1:
        return services[0][0]
    labels = [f"{s.name or sid} ({sid}) · {len(s.endpoints)} endpoints" for sid, s in services]
    label, ok = QInputDialog.getItem(window, "Edit API", "Service:", labels, 0, False)
    return services[labels.index(label)][0] if ok and label in labels else None


def open_api_editor(window: Any, service_id: str) -> ApiEditor:
    """Show the ``api:<service-id>`` tab, creating it the first time."""
    service = window.document.design.element(service_id)

    def factory() -> ApiEditor:
        editor = ApiEditor(window.document, service_id)
        editor.title_changed.connect(partial(_retitle, window.tabs, editor))
        return editor

    return window.open_tab(f"api:{service_id}", _title(service_id, service), factory)


def _title(service_id: str, service: Any) -> str:
    return f"API — {getattr(service, 'name', '') or service_id}"


def _retitle(tabs: Any, editor: QWidget, title: str) -> None:
    index = tabs.indexOf(editor)
    if index >= 0:
        tabs.setTabText(index, title)


# --------------------------------------------------------------------------- findings


def rule_problems(findings: Iterable[Any], service_id: str,
                  endpoint_ids: Iterable[str]) -> list[Problem]:
    """The review's findings on ``service_id``, each tied to its endpoint when it names one.

    A finding concerns an endpoint when its element is ``service.endpoint`` or its path points
    under ``services.<service>.endpoints.<endpoint>``; it concerns the service as a whole when
    it names the service or points elsewhere inside it.
    """
    endpoints = set(endpoint_ids)
    by_path = f"services.{service_id}.endpoints."
    problems = []
    for finding in findings:
        element, path = finding.element, finding.path or ""
        if element.startswith(f"{service_id}."):
            endpoint = element[len(service_id) + 1:].split(".")[0]
        elif path.startswith(by_path):
            endpoint = path[len(by_path):].split(".")[0]
        elif element == service_id or path.startswith(f"services.{service_id}."):
            endpoint = ""
        else:
            continue
        problems.append(Problem(finding.severity.value, finding.code,
                                endpoint if endpoint in endpoints else "",
                                finding.message, finding.hint))
    return problems


# --------------------------------------------------------------------------- the editor


class _TableKeys(QObject):
    """Delete in the endpoint table deletes endpoints (not the canvas selection)."""

    def __init__(self, on_delete: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.on_delete = on_delete

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and (
                event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and watched.state() != QAbstractItemView.State.EditingState):
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self.on_delete()
            return True
        return False


class ApiEditor(QWidget):
    """The API of one service: endpoint table, detail pane and OpenAPI preview.

    Signals:
        title_changed(str): the tab title (the service was renamed or deleted).
    """

    title_changed = Signal(str)

    def __init__(self, document: Document, service_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.design, self.service_id = document, document.design, service_id
        self.validator_problems: list[Problem] = []
        self.problems: dict[str, list[Problem]] = {}
        self._last_selected: list[str] = []
        self.model = EndpointTableModel(self.design, service_id, self)
        self.model.problems = lambda endpoint_id: self.problems.get(endpoint_id, ())
        self.model.edited.connect(self.push)
        self.model.problem.connect(self._show_message)
        self.detail = EndpointDetail(self.design, service_id)
        self.detail.edited.connect(self.push)
        self.preview = OpenApiPreview(self.design, service_id)
        self.preview.validated.connect(self._validated)
        self.preview.problem_activated.connect(self.select_endpoint)
        self._build()
        self.set_read_only(document.read_only)
        unsubscribe = self.design.subscribe(self._on_event)
        self.destroyed.connect(partial(_call, unsubscribe))
        document.findings_changed.connect(self._findings_changed)
        self.refresh()
        self._fit_columns()
        self._findings_changed()
        self.preview.update_now()
        if self.model.rowCount():
            self.select_endpoint(self.model.endpoint_id(0))

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.banner = QLabel("Read-only review: File › Save As… makes an editable copy.")
        self.banner.setStyleSheet("background: #fff4d6; color: #6b4e00; padding: 4px 8px; "
                                  "border: 1px solid #e8d08a; border-radius: 3px;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #d64545;")
        self.message.hide()
        self.table = self._make_table()
        self.empty_hint = QLabel("No endpoints yet. <b>Add</b> (Insert) creates one; the "
                                 "OpenAPI preview follows as you edit.")
        self.empty_hint.setStyleSheet("color: gray; padding: 6px;")
        self.toolbar = self._make_toolbar()
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.toolbar)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_hint)
        left_layout.addWidget(self.message)
        left_split = QSplitter(Qt.Orientation.Vertical)
        left_split.addWidget(left)
        left_split.addWidget(self.detail)
        left_split.setSizes([250, 450])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left_split)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([900, 560])
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self.removed = QLabel()
        self.removed.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.removed.setStyleSheet("color: gray; font-size: 14px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(page)
        self.stack.addWidget(self.removed)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        self.delegate = EndpointDelegate(table)
        self.delegate.problem.connect(self._show_message)
        table.setItemDelegate(self.delegate)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(26)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._keys = _TableKeys(self.delete_selected, self)
        table.installEventFilter(self._keys)
        return table

    def _fit_columns(self) -> None:
        """Size the columns to their contents once; the user may resize them after."""
        self.table.resizeColumnsToContents()
        for column, spec in enumerate(COLUMNS):
            cap = 320 if spec.field in ("path", "summary") else 150
            width = self.table.columnWidth(column) + 12
            self.table.setColumnWidth(column, max(56, min(cap, width)))

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        specs = (("add", "Add", self.add, "Insert", "Add an endpoint after the selected one"),
                 ("duplicate", "Duplicate", self.duplicate, "Ctrl+D",
                  "Copy the selected endpoint"),
                 ("up", "Move Up", lambda: self.move(-1), "Alt+Up", "Move the endpoint up"),
                 ("down", "Move Down", lambda: self.move(1), "Alt+Down",
                  "Move the endpoint down"),
                 ("delete", "Delete", self.delete_selected, None,
                  "Delete the selected endpoints (Del)"))
        self.actions_: dict[str, QAction] = {}
        for key, text, slot, shortcut, tip in specs:
            action = QAction(text, self)
            action.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            bar.addAction(action)
            self.actions_[key] = action
        return bar

    # ------------------------------------------------------------------ following the model

    def _on_event(self, event: DesignEvent) -> None:
        if isinstance(event, ElementAdded | ElementChanged | ElementRemoved):
            if event.id == self.service_id:
                self.refresh()
        elif isinstance(event, InfoChanged):
            self.preview.schedule()

    def service(self) -> Service | None:
        """The service as the design has it now (None while it is deleted)."""
        return self.model.service()

    def refresh(self) -> None:
        """Follow the design: table, detail, header, actions, problems and (soon) preview."""
        service = self.service()
        if service is None:
            self.model.refresh()
            self.removed.setText(f"The service '{self.service_id}' was deleted.\n"
                                 "Undo (Ctrl+Z) brings it back.")
            self.stack.setCurrentWidget(self.removed)
            self.title_changed.emit(f"API — {self.service_id} (deleted)")
            return
        self.stack.setCurrentIndex(0)
        selected = self.selected_endpoints() or self._last_selected
        row = self.table.currentIndex().row()
        self.model.refresh()
        self._restore_selection(selected, row)
        self.detail.show_endpoint(self.current_endpoint())
        self._update_header(service)
        self.empty_hint.setVisible(not service.endpoints)
        self._update_problems()
        self._update_actions()
        self.title_changed.emit(_title(self.service_id, service))
        self.preview.schedule()

    def _restore_selection(self, selected: list[str], row: int) -> None:
        rows = [self.model.row_of(eid) for eid in selected]
        rows = [r for r in rows if r >= 0]
        if not rows and self.model.rowCount() and row >= 0:
            rows = [min(row, self.model.rowCount() - 1)]
        if rows and rows != [self.model.row_of(e) for e in self.selected_endpoints()]:
            self._select_rows(rows)

    def _update_header(self, service: Service) -> None:
        count = len(service.endpoints)
        facts = [f"{count} endpoint{'s' * (count != 1)}"]
        facts += [v for v in (service.technology, service.owner) if v]
        self.header.setText(f"<span style='font-size:15px'><b>{service.name or self.service_id}"
                            f"</b></span> &nbsp;<span style='color:gray'>{self.service_id} · "
                            f"{' · '.join(facts)}</span>")

    def _update_actions(self) -> None:
        editable = not self.document.read_only and self.service() is not None
        rows = sorted(self.model.row_of(e) for e in self.selected_endpoints())
        one = len(rows) == 1
        self.actions_["add"].setEnabled(editable)
        self.actions_["duplicate"].setEnabled(editable and one)
        self.actions_["up"].setEnabled(editable and one and rows[0] > 0)
        self.actions_["down"].setEnabled(editable and one
                                         and rows[0] < self.model.rowCount() - 1)
        self.actions_["delete"].setEnabled(editable and bool(rows))

    def set_read_only(self, read_only: bool) -> None:
        """Review mode: every edit is refused and every control disabled."""
        self.model.read_only = read_only
        self.detail.set_read_only(read_only)
        self.banner.setVisible(read_only)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only
                                   else QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self._update_actions()

    # ------------------------------------------------------------------ problems

    def _findings_changed(self) -> None:
        self._update_problems()

    def _validated(self, problems: list[Problem]) -> None:
        self.validator_problems = list(problems)
        self._update_problems()

    def all_problems(self) -> list[Problem]:
        """Rule findings, validator errors and invalid paths of this service."""
        service = self.service()
        if service is None:
            return []
        problems = rule_problems(self.document.findings, self.service_id, service.endpoints)
        problems += self.validator_problems
        problems += [Problem("error", "PATH", eid, message)
                     for eid, message in endpoint_problems(service).items()]
        return problems

    def _update_problems(self) -> None:
        problems = self.all_problems()
        self.problems = {}
        for problem in problems:
            self.problems.setdefault(problem.endpoint, []).append(problem)
        if self.model.rowCount():
            self.model.dataChanged.emit(self.model.index(0, 0),
                                        self.model.index(self.model.rowCount() - 1, 0))
        self.preview.show_problems(problems)

    # ------------------------------------------------------------------ selection

    def selected_endpoints(self) -> list[str]:
        """The ids of the selected endpoints, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.endpoint_id(r) for r in rows if r < self.model.rowCount()]

    def current_endpoint(self) -> str | None:
        """The endpoint the detail pane shows (the single selected one)."""
        selected = self.selected_endpoints()
        return selected[0] if len(selected) == 1 else None

    def select_endpoint(self, endpoint_id: str) -> None:
        """Select ``endpoint_id``'s row and show its details."""
        row = self.model.row_of(endpoint_id)
        if row >= 0:
            self._select_rows([row])

    def _select_rows(self, rows: list[int]) -> None:
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        selection.clearSelection()
        for row in rows:
            selection.select(self.model.index(row, 0), flags.Select | flags.Rows)
        selection.setCurrentIndex(self.model.index(rows[0], 0), flags.NoUpdate)
        self.table.scrollTo(self.model.index(rows[0], 0))

    def _selection_changed(self) -> None:
        if self.model.rowCount():
            # An empty table (a reorder's first step, a deleted service) keeps the memory.
            self._last_selected = self.selected_endpoints()
        endpoint_id = self.current_endpoint()
        self.detail.show_endpoint(endpoint_id)
        self._update_actions()
        service = self.service()
        if endpoint_id and service is not None:
            endpoint = service.endpoints[endpoint_id]
            self.preview.scroll_to(endpoint.method.value, endpoint.path)

    def _show_message(self, message: str) -> None:
        self.message.setText(f"✖ {message}" if message else "")
        self.message.setVisible(bool(message))

    # ------------------------------------------------------------------ editing

    def push(self, service: Service, field: str | None = None, text: str = "") -> bool:
        """Push ``service`` as one undo step (merging with the last one of ``field``)."""
        if self.document.read_only or self.service() is None:
            return False
        self._show_message("")
        self.document.undo_stack.push(EditElement(self.design, self.service_id, service,
                                                  field=field, text=text))
        return True

    def add(self) -> str | None:
        """Add an endpoint after the selected one; returns its id."""
        service = self.service()
        if service is None:
            return None
        selected = self.selected_endpoints()
        endpoint_id, new = add_endpoint(service, selected[-1] if selected else None)
        return self._push_and_select(new, endpoint_id, f"Add endpoint {endpoint_id}")

    def duplicate(self) -> str | None:
        """Copy the selected endpoint right after it; returns the copy's id."""
        service, endpoint_id = self.service(), self.current_endpoint()
        if service is None or endpoint_id is None:
            return None
        copy_id, new = duplicate_endpoint(service, endpoint_id)
        return self._push_and_select(new, copy_id, f"Duplicate endpoint {endpoint_id}")

    def move(self, offset: int) -> None:
        """Move the selected endpoint ``offset`` rows (one undo step)."""
        service, endpoint_id = self.service(), self.current_endpoint()
        if service is None or endpoint_id is None:
            return
        new = move_endpoint(service, endpoint_id, offset)
        if list(new.endpoints) == list(service.endpoints) or self.document.read_only:
            return
        self.document.undo_stack.push(EditElement(self.design, self.service_id, new,
                                                  text=f"Move endpoint {endpoint_id}"))
        self.select_endpoint(endpoint_id)

    def delete_selected(self) -> None:
        """Delete the selected endpoints (one undo step)."""
        service, selected = self.service(), self.selected_endpoints()
        if service is None or not selected:
            return
        text = (f"Delete endpoint {selected[0]}" if len(selected) == 1
                else f"Delete {len(selected)} endpoints")
        self.push(delete_endpoints(service, selected), None, text)

    def _push_and_select(self, service: Service, endpoint_id: str, text: str) -> str | None:
        if not self.push(service, None, text):
            return None
        self.select_endpoint(endpoint_id)
        return endpoint_id


def _call(function: Callable[[], Any], *_args: Any) -> None:
    function()
