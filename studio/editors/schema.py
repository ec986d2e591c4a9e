"""The schema editor: tables, columns, indexes and partitioning of one SQL datastore.

Design > Edit Schema… opens the tab ``schema:<datastore id>`` for the selected SQL datastore
(or one chosen from a list). The tab shows the datastore's tables, the current table's column
grid (name, type from the dialect's vocabulary, nullable, default, primary key, unique,
references), its index list (columns or expressions in order, unique, partial ``WHERE``,
method, covering columns), its partitioning, estimated rows and growth; beside them the
datastore's ER diagram (:class:`~studio.editors.er.ErScene`) and a read-only DDL preview in the
datastore's dialect, refreshed 300 ms after the last edit.

Every edit is one :class:`~studio.commands.EditElement` on the document's undo stack (typing in
one field merges); an edit that would add a problem (duplicate name, unknown type, a foreign key
to a missing table or column, an index on a missing column) is refused with the reason shown
and nothing pushed. The editor reads the design on every refresh and follows its events, undo
and redo included; a read-only document can be browsed but not edited.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from exporters.base import ExportError
from exporters.ddl import datastore_ddl, engine_label
from models.design import Design
from models.elements import Datastore, DatastoreEngine, Table
from models.events import DesignEvent, ElementAdded, ElementChanged, ElementRemoved
from studio.commands import EditElement
from studio.document import Document
from studio.editors import schema_ops as ops
from studio.editors.er import ErScene, ErView
from studio.editors.query import followed
from studio.editors.schema_models import (
    CheckDelegate,
    ChecksModel,
    ColumnsModel,
    ComboDelegate,
    ForeignKeysModel,
    IndexesModel,
    RecordsModel,
    TableModel,
    TablesModel,
    method_choices,
    on_delete_choices,
    reference_choices,
    table_choices,
    type_choices,
)
from studio.editors.schema_ops import Problem
from studio.editors.sql_highlight import SqlHighlighter

__all__ = ["DDL_DELAY_MS", "SchemaEditor", "install", "open_schema_editor"]

#: Quiet time after the last edit before the DDL preview is regenerated.
DDL_DELAY_MS = 300

#: Longer DDL previews are shown without syntax highlighting (~35 ms per 1,000 lines).
HIGHLIGHT_MAX_LINES = 1500

_PARTITION_BY = ("none", "range", "list", "hash")
_INTERVALS = ("daily", "weekly", "monthly", "quarterly", "yearly")
_ERROR_STYLE = ("QLabel { background: palette(base); color: #b42318; border: 1px solid #f0b4ae;"
                " border-radius: 4px; padding: 4px 8px; }")
_NOTE_STYLE = ("QLabel { color: palette(window-text); background: palette(alternate-base);"
               " border-radius: 4px; padding: 4px 8px; }")


class SchemaEditor(QWidget):
    """The schema of datastore ``store_id`` of ``document``'s design.

    Signals:
        title_changed(str): the tab title changed (the datastore was renamed).
        ddl_updated(): the DDL preview shows a new text.
    """

    title_changed = Signal(str)
    ddl_updated = Signal()

    def __init__(self, document: Document, store_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.design, self.store_id = document, document.design, store_id
        self.current_table: str | None = None
        self._tables_shown: list[str] = []  # the table names at the last refresh
        self._fitted: tuple[str | None, tuple[int, ...]] = (None, ())  # grids sized for
        self._problems: list[Problem] | None = None
        self._checked: tuple[Datastore | None, list[Problem]] = (None, [])
        self._source: QWidget | None = None  # the field being typed in (not refreshed)
        self._ddl_timer = QTimer(self, singleShot=True, interval=DDL_DELAY_MS)
        self._ddl_timer.timeout.connect(self.update_ddl)
        self._ddl_generation = 0
        self._ddl_jobs = _DdlJobs()  # no parent: it outlives the editor while a job runs
        self._ddl_jobs.done.connect(self._ddl_done)
        self._build()
        self._title = self.title()
        unsubscribe = self.design.subscribe(self._on_event)
        self.destroyed.connect(lambda *_: unsubscribe())
        store = self.store()
        self.select_table(next(iter(store.tables), None) if store is not None else None)
        self.refresh()
        self.update_ddl()

    # ------------------------------------------------------------------ the context

    @property
    def read_only(self) -> bool:
        """Whether the document refuses edits."""
        return bool(self.document.read_only)

    def store(self) -> Datastore | None:
        """The datastore as it is in the design now (None once deleted)."""
        element = self.design.element(self.store_id) if self.store_id in self.design else None
        return element if isinstance(element, Datastore) else None

    def table(self) -> Table | None:
        """The current table as it is now."""
        store = self.store()
        return store.tables.get(self.current_table or "") if store is not None else None

    def problems(self) -> list[Problem]:
        """The datastore's problems (computed once per change)."""
        if self._problems is None:
            store = self.store()
            checked, problems = self._checked
            if store is None:
                self._problems = []
            else:
                self._problems = problems if store is checked else ops.schema_problems(store)
        return self._problems

    def title(self) -> str:
        """The tab title: ``Schema — <datastore name>``."""
        store = self.store()
        return f"Schema — {(store.name if store is not None else '') or self.store_id}"

    def apply(self, store: Datastore, field: str | None, text: str) -> bool:
        """Push ``store`` as one undo step, unless read-only or it adds a problem."""
        current = self.store()
        if self.read_only or current is None:
            self.refuse("This design is read-only." if self.read_only else "The datastore is gone.")
            return False
        renamed = _renamed_tables(current, store)  # a renamed table keeps its old problems
        before = {replace(p, table=renamed.get(p.table, p.table)) for p in self.problems()}
        after = ops.schema_problems(store)
        added = [p for p in after if p not in before]
        if added:
            self.refuse("; ".join(str(p) for p in added[:3]))
            return False
        self.message.hide()
        self._checked = (store, after)  # the refresh that follows reuses them
        self.document.undo_stack.push(
            EditElement(self.design, self.store_id, store, field=field, text=text))
        return True

    def refuse(self, message: str) -> None:
        """Show why an edit was not made (until the next edit that succeeds)."""
        self.message.setStyleSheet(_ERROR_STYLE)
        self.message.setText(message)
        self.message.show()

    def inform(self, message: str) -> None:
        """Show a note about the last edit (what else it removed)."""
        self.message.setStyleSheet(_NOTE_STYLE)
        self.message.setText(message)
        self.message.show()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self._grid_keys = _GridKeys(self)
        self.tables_model = TablesModel(self)
        self.columns_model = ColumnsModel(self)
        self.indexes_model = IndexesModel(self)
        self.foreign_keys_model = ForeignKeysModel(self)
        self.checks_model = ChecksModel(self)
        self.record_models: dict[str, RecordsModel] = {
            "indexes": self.indexes_model, "foreign_keys": self.foreign_keys_model,
            "checks": self.checks_model}
        self.record_views: dict[str, QTableView] = {}
        self.record_actions: dict[str, list[QAction]] = {}
        self.stack = QStackedWidget()
        self.gone = QLabel(f"The datastore “{self.store_id}” is not in the design any more "
                           "(undo brings it back).")
        self.gone.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self._main_page())
        self.stack.addWidget(self.gone)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def _main_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 8, 6)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.header)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self._tables_pane())
        self.splitter.addWidget(self._table_pane())
        self.splitter.addWidget(self._side_pane())
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 1)
        # The grids get most of the room; the diagram a third of what is left (drag to change).
        self.splitter.setSizes([150, 700, 260])
        self.splitter.setCollapsible(1, False)
        # Squeezed by the docks, the tables list keeps room for a name and its row count.
        self.splitter.widget(0).setMinimumWidth(140)
        layout.addWidget(self.splitter, 1)
        return page

    def _action(self, text: str, slot: Callable[[], Any], tip: str, icon: str = "",
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
        from PySide6.QtGui import QIcon

        action = QAction(QIcon.fromTheme(icon), text, self)
        action.setToolTip(tip + (f" ({QKeySequence(shortcut).toString()})" if shortcut else ""))
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        return action

    def _toolbar(self, *actions: QAction) -> QToolBar:
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setIconSize(bar.iconSize() * 0.75)
        for action in actions:
            bar.addAction(action)
        return bar

    def _view(self, model: TableModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        for at, column in enumerate(model.COLUMNS):
            if column.kind == "check":
                view.setItemDelegateForColumn(at, CheckDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.installEventFilter(self._grid_keys)
        view.selectionModel().currentRowChanged.connect(lambda *_: self._refresh_enabled())
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        view.horizontalHeader().setHighlightSections(False)
        view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        return view

    def _tables_pane(self) -> QWidget:
        self.add_table_action = self._action("Add", self.add_table, "Add a table",
                                             "list-add")
        self.delete_table_action = self._action("Delete", self.delete_table,
                                                "Delete the table and the foreign keys to it",
                                                "list-remove")
        self.tables_view = self._view(self.tables_model)
        self.tables_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                         | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.tables_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tables_view.selectionModel().currentRowChanged.connect(self._table_row_changed)
        self.delete_table_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_table_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.tables_view.addActions([self.add_table_action, self.delete_table_action])
        return _pane("Tables", self._toolbar(self.add_table_action, self.delete_table_action),
                     self.tables_view)

    def _table_pane(self) -> QWidget:
        pane = QWidget()
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(4, 0, 4, 0)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.read_only_note = QLabel("Read-only: this design is open for review; "
                                     "use File › Save As… to edit a copy.")
        self.read_only_note.setStyleSheet(_NOTE_STYLE)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.message)
        layout.addWidget(self._table_form())
        layout.addWidget(self._partition_form())
        grids = QSplitter(Qt.Orientation.Vertical)
        grids.addWidget(self._columns_pane())
        grids.addWidget(self._records_pane())
        grids.setSizes([420, 220])
        layout.addWidget(grids, 1)
        return pane

    def _line(self, field: str, placeholder: str, tip: str,
              commit: Callable[[QLineEdit, str], None]) -> QLineEdit:
        line = QLineEdit()
        line.setPlaceholderText(placeholder)
        line.setToolTip(tip)
        line.setProperty("field", field)
        line.textEdited.connect(lambda text: commit(line, text))
        return line

    def _table_form(self) -> QGroupBox:
        self.name_edit = QLineEdit()
        self.name_edit.setToolTip("The table's name (foreign keys to it follow a rename)")
        self.name_edit.editingFinished.connect(self._rename_from_form)
        edit = self._edit_table_field
        self.rows_edit = self._line("rows", "e.g. 50M", "Estimated rows today", edit)
        self.growth_edit = self._line("growth", "e.g. 2.4M/month", "Rows added over time", edit)
        self.retention_edit = self._line("retention", "e.g. 2555d", "How long rows are kept",
                                         edit)
        self.comment_edit = self._line("comment", "Why the table looks the way it does",
                                       "Table comment", edit)
        self.archival_edit = self._line("archival", "How old rows leave the table",
                                        "Archival plan for old rows", edit)
        self.table_widgets: list[QWidget] = [self.name_edit, self.rows_edit, self.growth_edit,
                                             self.retention_edit, self.comment_edit,
                                             self.archival_edit]
        _fit_text(self.rows_edit, "999.9M")
        _fit_text(self.growth_edit, "99.9M/month")
        _fit_text(self.retention_edit, "99999d")
        return _grid_box("Table", [[("Name", self.name_edit), ("Rows", self.rows_edit)],
                                   [("Growth", self.growth_edit),
                                    ("Retention", self.retention_edit)],
                                   [("Comment", self.comment_edit)],
                                   [("Archival", self.archival_edit)]], (3, 1))

    def _partition_form(self) -> QGroupBox:
        self.partition_by = _narrow(QComboBox())
        self.partition_by.addItems(_PARTITION_BY)
        self.partition_by.setToolTip("Declarative partitioning strategy (none: not partitioned)")
        self.partition_by.activated.connect(
            lambda _i: self._edit_partition("by", self.partition_by.currentText()))
        self.partition_key = self._combo("key", "Partition key column or expression")
        self.partition_interval = self._combo("interval", "Partition size (range partitioning)")
        self.partition_interval.addItems(_INTERVALS)
        self.partition_retention = self._line(
            "retention", "e.g. 730d", "How long partitions are kept",
            lambda _line, text: self._edit_partition("retention", text, _line))
        self.partition_widgets: list[QWidget] = [self.partition_key, self.partition_interval,
                                                 self.partition_retention]
        self.partition_key.setMinimumContentsLength(12)
        self.partition_interval.setMinimumContentsLength(9)
        _fit_text(self.partition_retention, "99999d")
        return _grid_box("Partitioning", [[("By", self.partition_by),
                                           ("Key", self.partition_key)],
                                          [("Interval", self.partition_interval),
                                           ("Retention", self.partition_retention)]],
                         (1, 1))

    def _combo(self, field: str, tip: str) -> QComboBox:
        combo = _narrow(QComboBox())
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setToolTip(tip)
        line = combo.lineEdit()
        assert line is not None
        line.editingFinished.connect(lambda: self._edit_partition(field, combo.currentText()))
        combo.activated.connect(lambda _i: self._edit_partition(field, combo.currentText()))
        return combo

    def _row_actions(self, noun: str, add: Callable[[], Any], add_tip: str,
                     delete: Callable[[], Any], delete_tip: str,
                     move: Callable[[int], Any]) -> list[QAction]:
        """Add, Delete, Up and Down for the rows of a grid (shortcuts work in the grid)."""
        return [
            self._action(f"Add {noun}", add, add_tip, "list-add", "Ctrl+Shift+N"),
            self._action("Delete", delete, delete_tip, "list-remove",
                         QKeySequence.StandardKey.Delete),
            self._action("Up", lambda: move(-1), f"Move the {noun} up", "go-up", "Ctrl+Up"),
            self._action("Down", lambda: move(1), f"Move the {noun} down", "go-down",
                         "Ctrl+Down"),
        ]

    def _columns_pane(self) -> QWidget:
        self.columns_view = view = self._view(self.columns_model)
        actions = self._row_actions("column", self.add_column,
                                    "Add a column after the current one", self.delete_column,
                                    "Delete the column (and the keys built on it)",
                                    self.move_column)
        (self.add_column_action, self.delete_column_action, self.column_up_action,
         self.column_down_action) = actions
        view.addActions(actions)
        view.setItemDelegateForColumn(1, ComboDelegate(type_choices(self), view))
        view.setItemDelegateForColumn(6, ComboDelegate(reference_choices(self), view))
        view.horizontalHeader().setStretchLastSection(True)
        return _pane("Columns", self._toolbar(*actions), view)

    def _records_pane(self) -> QWidget:
        """Indexes, foreign keys and checks of the current table, one tab each."""
        self.records_tabs = QTabWidget()
        self.records_tabs.setDocumentMode(True)
        tips = {"indexes": "Add an index on the current column",
                "foreign_keys": "Add a foreign key from the current column",
                "checks": "Add a check constraint"}
        for kind, model in self.record_models.items():
            view = self.record_views[kind] = self._view(model)
            noun = ops.RECORDS[kind]
            actions = self.record_actions[kind] = self._row_actions(
                noun, functools.partial(self.add_record, kind), tips[kind],
                functools.partial(self.delete_record, kind), f"Delete the {noun}",
                functools.partial(self.move_record, kind))
            view.addActions(actions)
            view.horizontalHeader().setStretchLastSection(True)
            self.records_tabs.addTab(_pane("", self._toolbar(*actions), view), noun)
        self.indexes_view = self.record_views["indexes"]
        (self.add_index_action, self.delete_index_action, self.index_up_action,
         self.index_down_action) = self.record_actions["indexes"]
        self.foreign_keys_view = self.record_views["foreign_keys"]
        self.checks_view = self.record_views["checks"]
        self.indexes_view.setItemDelegateForColumn(
            4, ComboDelegate(method_choices(self), self.indexes_view))
        self.foreign_keys_view.setItemDelegateForColumn(
            2, ComboDelegate(table_choices(self), self.foreign_keys_view))
        self.foreign_keys_view.setItemDelegateForColumn(
            4, ComboDelegate(on_delete_choices, self.foreign_keys_view))
        return self.records_tabs

    def _side_pane(self) -> QWidget:
        self.side_tabs = QTabWidget()
        self.side_tabs.setDocumentMode(True)
        self.er_scene = ErScene(self.design, self.store_id, self)
        self.er_scene.selectionChanged.connect(self._diagram_selected)
        self.er_view = ErView(self.er_scene, follow_shape=True)
        self.fit_action = self._action("Fit", self.er_view.fit, "Show the whole diagram",
                                       "zoom-fit-best")
        zoom_in = self._action("Zoom in", lambda: self.er_view.zoom(1.25), "Zoom in",
                               "zoom-in")
        zoom_out = self._action("Zoom out", lambda: self.er_view.zoom(0.8), "Zoom out",
                                "zoom-out")
        self.er_legend = QLabel("<span style='color:#c48a00'><b>PK</b></span> primary key · "
                                "<span style='color:#2f6fde'><b>FK</b></span> foreign key · "
                                "<span style='color:#8b5cf6'><b>UK</b></span> unique · "
                                "<i>type?</i> nullable")
        self.er_legend.setStyleSheet("color: gray")
        self.er_legend.setWordWrap(True)
        diagram = _pane("", self._toolbar(self.fit_action, zoom_in, zoom_out), self.er_view,
                        self.er_legend)
        self.side_tabs.addTab(diagram, "ER diagram")
        self.ddl_view = QPlainTextEdit()
        self.ddl_view.setReadOnly(True)
        self.ddl_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.ddl_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        store = self.store()
        self.highlighter = SqlHighlighter(self.ddl_view.document(),
                                          ops.dialect_of(store) if store else "postgres")
        self.ddl_label = QLabel()
        self.ddl_label.setWordWrap(True)
        self.side_tabs.addTab(_pane("", self.ddl_label, self.ddl_view), "DDL")
        return self.side_tabs

    # ------------------------------------------------------------------ following the model

    def _on_event(self, event: DesignEvent) -> None:
        if isinstance(event, ElementAdded | ElementChanged | ElementRemoved) and \
                event.id == self.store_id:
            self.refresh()
            self._ddl_timer.start()

    def refresh(self) -> None:
        """Show the design as it is now (after any change, undo and redo included)."""
        self._problems = None
        self.message.hide()  # it spoke of the edit before this change
        store = self.store()
        self.stack.setCurrentIndex(0 if store is not None and store.engine.is_sql else 1)
        if store is None:
            return
        names = list(store.tables)
        if names != self._tables_shown:  # an undo, a redo or an edit elsewhere: follow it
            self.current_table = followed(self._tables_shown, names, self.current_table)
            self._tables_shown = names
        for model in (self.tables_model, self.columns_model, *self.record_models.values()):
            model.refresh()
        if self._fitted != (self.current_table, self._shape()):
            self._fit_grids()
        self._refresh_record_titles()
        self._sync_table_selection()
        self._refresh_header(store)
        self._refresh_forms()
        self._refresh_enabled()
        if self.title() != self._title:
            self._title = self.title()
            self.title_changed.emit(self._title)

    def _shape(self) -> tuple[int, ...]:
        """How many rows each grid has: a new column or index sizes the grids again."""
        return tuple(m.rowCount() for m in (self.columns_model, *self.record_models.values()))

    def _fit_grids(self) -> None:
        """Size the grids' columns to the current table's content (the last one stretches)."""
        self._fitted = (self.current_table, self._shape())
        for view in (self.columns_view, *self.record_views.values()):
            _fit_columns(view)

    def _refresh_header(self, store: Datastore) -> None:
        count = len(store.tables)
        indexes = sum(len(t.indexes) for t in store.tables.values())
        fks = sum(len(t.foreign_keys) for t in store.tables.values())
        version = f" {store.version}" if store.version else ""
        problems = len(self.problems())
        flag = (f" · <span style='color:#b42318'>{problems} problem"
                f"{'s' if problems != 1 else ''}</span>") if problems else ""
        self.header.setText(
            f"<b>{_html(store.name or self.store_id)}</b> <span style='color:gray'>"
            f"{_html(self.store_id)} · {engine_label(store)}{version} · {count} "
            f"table{'s' if count != 1 else ''} · {indexes} indexes · {fks} foreign keys"
            f"</span>{flag}")
        self.ddl_label.setText(f"{engine_label(store)} DDL, as File › Export › SQL DDL "
                               "writes it")

    def _refresh_forms(self) -> None:
        table = self.table()
        texts = {self.name_edit: self.current_table or ""}
        if table is not None:
            texts |= {self.rows_edit: _text(table.rows), self.growth_edit: _text(table.growth),
                      self.retention_edit: _text(table.retention),
                      self.comment_edit: table.comment, self.archival_edit: table.archival}
        part = table.partitioning if table is not None else None
        texts[self.partition_retention] = _text(part.retention) if part else ""
        for line, text in texts.items():
            if line is not self._source and line.text() != text:
                line.setText(text)
                line.setCursorPosition(0)  # long comments show their start
        self._refresh_partition(table)

    def _refresh_partition(self, table: Table | None) -> None:
        part = table.partitioning if table is not None else None
        columns = list(table.columns) if table is not None else []
        with _blocked(self.partition_by, self.partition_key, self.partition_interval):
            self.partition_by.setCurrentText(part.by if part else "none")
            if [self.partition_key.itemText(i) for i in range(self.partition_key.count())] \
                    != columns:
                self.partition_key.clear()
                self.partition_key.addItems(columns)
            for combo, text in ((self.partition_key, part.key if part else ""),
                                (self.partition_interval, part.interval if part else "")):
                combo.setEditText(text)
                line = combo.lineEdit()
                if line is not None:
                    line.setCursorPosition(0)

    def _refresh_record_titles(self) -> None:
        titles = {"indexes": "Indexes", "foreign_keys": "Foreign keys", "checks": "Checks"}
        for at, (kind, model) in enumerate(self.record_models.items()):
            count = model.rowCount()
            self.records_tabs.setTabText(at, titles[kind] + (f" ({count})" if count else ""))

    def _refresh_enabled(self) -> None:
        editable = not self.read_only
        has_table = self.table() is not None
        self.read_only_note.setVisible(not editable)
        self.add_table_action.setEnabled(editable)
        adds = [self.delete_table_action, self.add_column_action,
                *(actions[0] for actions in self.record_actions.values())]
        for action in adds:
            action.setEnabled(editable and has_table)
        rows = [(self.columns_view, [self.delete_column_action, self.column_up_action,
                                     self.column_down_action]),
                *((self.record_views[k], a[1:]) for k, a in self.record_actions.items())]
        for view, actions in rows:
            for action in actions:
                action.setEnabled(editable and has_table and view.currentIndex().isValid())
        for widget in self.table_widgets:
            widget.setEnabled(has_table)
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(not editable)
        partitioned = has_table and self.partition_by.currentText() != "none"
        self.partition_by.setEnabled(editable and has_table)
        for widget in self.partition_widgets:
            widget.setEnabled(editable and partitioned)
        if not editable:
            for view in (self.tables_view, self.columns_view, *self.record_views.values()):
                view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

    # ------------------------------------------------------------------ tables

    def select_table(self, name: str | None) -> None:
        """Make ``name`` the current table (in the list, the grids and the diagram)."""
        self.current_table = name
        self._sync_table_selection()
        grids: list[tuple[QTableView, TableModel]] = [(self.columns_view, self.columns_model)]
        grids += [(self.record_views[k], m) for k, m in self.record_models.items()]
        for view, grid in grids:
            grid.refresh()
            if grid.rowCount():  # a current row: Delete, Up and Down are ready
                view.setCurrentIndex(grid.index(0, 0))
        self._fit_grids()
        self._refresh_record_titles()
        self.message.hide()
        self._refresh_forms()
        self._refresh_enabled()
        self._scroll_ddl()

    def _sync_table_selection(self) -> None:
        row = self.tables_model.row_of(self.current_table or "")
        current = self.tables_view.currentIndex()
        if row >= 0 and current.row() != row:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | \
                QItemSelectionModel.SelectionFlag.Rows
            self.tables_view.selectionModel().setCurrentIndex(self.tables_model.index(row, 0),
                                                              flags)
        selected = [self.current_table] if self.current_table else []
        if self.er_scene.selected_tables() != selected:
            self.er_scene.blockSignals(True)
            self.er_scene.select_tables(selected)
            self.er_scene.blockSignals(False)
            self.er_scene.update()

    def _table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        name = self.tables_model.key(current.row())
        if name is not None and name != self.current_table:
            self.select_table(name)

    def _diagram_selected(self) -> None:
        selected = self.er_scene.selected_tables()
        if len(selected) == 1 and selected[0] != self.current_table:
            self.select_table(selected[0])

    def add_table(self) -> str | None:
        """Add a table (keyed by ``id``), select it and start editing its name."""
        store = self.store()
        if store is None:
            return None
        new, name = ops.add_table(store)
        if not self.apply(new, None, f"Add table {name}"):
            return None
        self.select_table(name)
        if self.isVisible():
            self.tables_view.edit(self.tables_model.index(self.tables_model.row_of(name), 0))
        return name

    def delete_table(self) -> None:
        """Delete the current table and the foreign keys of other tables to it."""
        store, name = self.store(), self.current_table
        if store is None or name is None:
            return
        new, dropped = ops.delete_table(store, name)
        if self.apply(new, None, f"Delete table {name}") and dropped:
            self.inform(f"Also removed the foreign keys to {name}: {', '.join(dropped)}.")

    def rename_table(self, new_name: str) -> bool:
        """Rename the current table (foreign keys to it follow)."""
        store, old = self.store(), self.current_table
        if store is None or old is None or new_name == old:
            return False
        try:
            new = ops.rename_table(store, old, new_name)
        except ops.SchemaError as exc:
            self.refuse(str(exc))
            return False
        at = list(store.tables).index(old)
        if not self.apply(new, f"tables[{at}].name", f"Rename table {old}"):
            return False
        self.select_table(new_name.strip())
        return True

    def _rename_from_form(self) -> None:
        changed = self.name_edit.text().strip() != (self.current_table or "")
        if changed and not self.rename_table(self.name_edit.text()):
            self.name_edit.setText(self.current_table or "")

    def _edit_table_field(self, line: QLineEdit, text: str) -> None:
        store, table, name = self.store(), self.table(), self.current_table
        if store is None or table is None or name is None:
            return
        field = str(line.property("field"))
        try:
            new = ops.set_table_field(table, field, text)
        except ops.SchemaError as exc:
            self.refuse(f"{field.capitalize()}: {exc}")
            return
        self._push_from(line, ops.with_table(store, name, new),
                        f"tables[{list(store.tables).index(name)}].{field}",
                        f"Edit {name} {field}")

    def _edit_partition(self, field: str, text: str, source: QWidget | None = None) -> None:
        store, table, name = self.store(), self.table(), self.current_table
        if store is None or table is None or name is None or self.read_only:
            return
        current = table.partitioning
        if field != "by" and current is None:
            return
        if field == "by" and (current.by if current else "none") == text:
            return
        try:
            new = ops.set_partitioning(table, field, text)
        except ops.SchemaError as exc:
            self.refuse(f"Partition retention: {exc}")
            return
        if new != table:
            self._push_from(source, ops.with_table(store, name, new),
                            f"tables[{list(store.tables).index(name)}].partitioning.{field}",
                            f"Edit {name} partitioning")

    def _push_from(self, source: QWidget | None, store: Datastore, field: str, text: str) -> None:
        self._source = source
        try:
            self.apply(store, field, text)
        finally:
            self._source = None

    # ------------------------------------------------------------------ columns

    def _current_key(self, view: QTableView, model: TableModel) -> str | None:
        return model.key(view.currentIndex().row())

    def add_column(self) -> str | None:
        """Add a column after the current one and start editing its name."""
        store, table, name = self.store(), self.table(), self.current_table
        if store is None or table is None or name is None:
            return None
        after = self._current_key(self.columns_view, self.columns_model)
        new_table, column = ops.add_column(table, ops.type_vocabulary(ops.dialect_of(store))[0]
                                           if store.engine is DatastoreEngine.CLICKHOUSE
                                           else "TEXT", after)
        if not self.apply(ops.with_table(store, name, new_table), None,
                          f"Add column {name}.{column}"):
            return None
        self._edit_row(self.columns_view, self.columns_model, column)
        return column

    def delete_column(self) -> None:
        """Delete the current column with the keys and indexes built on it."""
        store, name = self.store(), self.current_table
        column = self._current_key(self.columns_view, self.columns_model)
        if store is None or name is None or column is None:
            return
        new, dropped = ops.delete_column(store, name, column)
        if self.apply(new, None, f"Delete column {name}.{column}") and dropped:
            self.inform(f"Also removed {', '.join(dropped)} (built on {column}).")

    def move_column(self, step: int) -> None:
        """Move the current column ``step`` places (one undo step)."""
        store, table, name = self.store(), self.table(), self.current_table
        column = self._current_key(self.columns_view, self.columns_model)
        if store is None or table is None or name is None or column is None:
            return
        columns = ops.move_key(table.columns, column, step)
        if list(columns) != list(table.columns):
            new = ops.with_table(store, name, replace(table, columns=columns))
            if self.apply(new, None, f"Move column {name}.{column} {_way(step)}"):
                self._select_row(self.columns_view, self.columns_model, column)

    # ------------------------------------------------------------------ indexes, keys, checks

    def add_index(self) -> str | None:
        """Add an index on the current column and start editing its columns."""
        return self.add_record("indexes")

    def delete_index(self) -> None:
        """Delete the current index."""
        self.delete_record("indexes")

    def move_index(self, step: int) -> None:
        """Move the current index ``step`` places."""
        self.move_record("indexes", step)

    def add_record(self, kind: str) -> str | None:
        """Add an index, foreign key (from the current column) or check; start editing it."""
        store, table, name = self.store(), self.table(), self.current_table
        if store is None or table is None or name is None:
            return None
        column = self._current_key(self.columns_view, self.columns_model)
        if kind == "indexes":
            new_table, key = ops.add_index(table, name, column)
        elif kind == "foreign_keys":
            new_table, key = ops.add_foreign_key(store, name, column)
        else:
            new_table, key = ops.add_check(table, name)
        noun = ops.RECORDS[kind]
        if not self.apply(ops.with_table(store, name, new_table), None, f"Add {noun} {key}"):
            return None
        self.records_tabs.setCurrentIndex(list(self.record_models).index(kind))
        self._edit_row(self.record_views[kind], self.record_models[kind], key, column=1)
        return key

    def delete_record(self, kind: str) -> None:
        """Delete the current index, foreign key or check."""
        store, table, name = self.store(), self.table(), self.current_table
        key = self._current_key(self.record_views[kind], self.record_models[kind])
        if store is None or table is None or name is None or key is None:
            return
        self.apply(ops.with_table(store, name, ops.delete_record(table, kind, key)), None,
                   f"Delete {ops.RECORDS[kind]} {key}")

    def move_record(self, kind: str, step: int) -> None:
        """Move the current index, foreign key or check ``step`` places."""
        store, table, name = self.store(), self.table(), self.current_table
        view, model = self.record_views[kind], self.record_models[kind]
        key = self._current_key(view, model)
        if store is None or table is None or name is None or key is None:
            return
        records = getattr(table, kind)
        moved = ops.move_key(records, key, step)
        if list(moved) != list(records):
            new = ops.with_table(store, name, ops.with_changes(table, **{kind: moved}))
            if self.apply(new, None, f"Move {ops.RECORDS[kind]} {key} {_way(step)}"):
                self._select_row(view, model, key)

    def _select_row(self, view: QTableView, model: TableModel, key: str, column: int = 0) -> None:
        row = model.row_of(key)
        if row >= 0:
            view.setCurrentIndex(model.index(row, column))
            self._refresh_enabled()

    def _edit_row(self, view: QTableView, model: TableModel, key: str, column: int = 0) -> None:
        self._select_row(view, model, key, column)
        if self.isVisible():
            view.edit(model.index(model.row_of(key), column))

    # ------------------------------------------------------------------ previews

    def ddl_text(self) -> str:
        """The datastore's DDL in its dialect, as the DDL exporter writes it (synchronously)."""
        return _ddl_text(self.design, self.store_id)

    def update_ddl(self) -> None:
        """Regenerate the DDL preview in a worker thread (edits schedule it after a pause).

        The worker reads a snapshot of the datastore; a result overtaken by a newer request is
        dropped, so the preview always ends on the latest state.
        """
        self._ddl_timer.stop()
        if self.store() is None:
            return
        self._ddl_generation += 1
        generation, jobs = self._ddl_generation, self._ddl_jobs
        snapshot, store_id = _ddl_snapshot(self.design, self.store_id), self.store_id
        QThreadPool.globalInstance().start(
            lambda: jobs.done.emit(generation, _ddl_text(snapshot, store_id)))

    def _ddl_done(self, generation: int, text: str) -> None:
        if generation != self._ddl_generation or text == self.ddl_view.toPlainText():
            return
        first = not self.ddl_view.toPlainText()
        bar = self.ddl_view.verticalScrollBar()
        position = bar.value()
        # Highlighting runs in Python block by block: past a few thousand lines it would stall
        # the window for a second, so a long script is shown plain.
        highlight = text.count("\n") <= HIGHLIGHT_MAX_LINES
        document = self.ddl_view.document()
        if (self.highlighter.document() is document) != highlight:
            self.highlighter.setDocument(document if highlight else None)
        self.ddl_view.setPlainText(text)
        if first:
            self._scroll_ddl()
        else:
            bar.setValue(position)
        self.ddl_updated.emit()

    def _scroll_ddl(self) -> None:
        if not self.current_table:
            return
        found = self.ddl_view.document().find(f'CREATE TABLE "{self.current_table}"')
        if not found.isNull():
            cursor = QTextCursor(found)
            cursor.clearSelection()
            self.ddl_view.setTextCursor(cursor)
            self.ddl_view.centerCursor()


# --------------------------------------------------------------------------- helpers


def _renamed_tables(old: Datastore, new: Datastore) -> dict[str, str]:
    """``{old name: new name}`` when ``new`` renames tables of ``old`` in place."""
    if len(old.tables) != len(new.tables) or set(old.tables) == set(new.tables):
        return {}
    return {a: b for a, b in zip(old.tables, new.tables, strict=True) if a != b}


class _GridKeys(QObject):
    """Gives a grid's own shortcuts (Delete, Ctrl+Up...) precedence over the window's.

    The window's Delete (the canvas selection) and a grid's Delete would otherwise be
    ambiguous, and Qt would run neither.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kinds = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        if event.type() not in kinds or not isinstance(watched, QWidget):
            return False
        pressed = QKeySequence(event.keyCombination())  # type: ignore[attr-defined]
        action = next((a for a in watched.actions() if a.isEnabled()
                       and pressed in a.shortcuts()), None)
        if action is None:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # deliver it as a key press to this grid
        else:
            action.trigger()
        return True


class _DdlJobs(QObject):
    """Carries DDL texts from the worker threads back to the GUI thread."""

    done = Signal(int, str)


def _ddl_snapshot(design: Design, store_id: str) -> Design:
    """What the DDL of ``store_id`` depends on (the datastore, the header, the decisions'
    dates), copied so that a worker thread can read it while the user edits."""
    snapshot = Design(design.info)
    snapshot.add_element(store_id, design.element(store_id))
    for decision_id, decision in design.decisions.items():
        snapshot.set_decision(decision_id, decision)
    return snapshot


def _ddl_text(design: Design, store_id: str) -> str:
    try:
        return datastore_ddl(design, store_id)
    except ExportError as exc:
        return f"-- The DDL cannot be generated: {exc}\n"


def _pane(title: str, toolbar: QWidget, body: QWidget, *below: QWidget) -> QWidget:
    pane = QWidget()
    layout = QVBoxLayout(pane)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    row = QHBoxLayout()
    if title:
        row.addWidget(QLabel(f"<b>{title}</b>"))
    row.addWidget(toolbar)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addWidget(body, 1)
    for widget in below:
        layout.addWidget(widget)
    return pane


def _grid_box(title: str, rows: list[list[tuple[str, QWidget]]],
              stretch: tuple[int, ...]) -> QGroupBox:
    """A group of labelled fields in rows; a row with one field spans the whole width."""
    box = QGroupBox(title)
    grid = QGridLayout(box)
    grid.setContentsMargins(8, 4, 8, 6)
    grid.setVerticalSpacing(4)
    width = 2 * max(len(row) for row in rows)
    for at, fields in enumerate(rows):
        for pair, (label, widget) in enumerate(fields):
            grid.addWidget(QLabel(label), at, 2 * pair)
            span = width - 1 if len(fields) == 1 else 1
            grid.addWidget(widget, at, 2 * pair + 1, 1, span)
    for pair, factor in enumerate(stretch):
        grid.setColumnStretch(2 * pair + 1, factor)
    return box


def _narrow(combo: QComboBox) -> QComboBox:
    """A combo box that may shrink to a few characters (the editor shares the window)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(4)
    return combo


def _fit_columns(view: QTableView, cap: int = 260) -> None:
    """Size each column but the last (which stretches) to its header and cells, up to ``cap``
    pixels: long defaults and predicates show in full without pushing the rest out of view."""
    header = view.horizontalHeader()
    for column in range(header.count() - 1):
        view.resizeColumnToContents(column)
        header.resizeSection(column, min(header.sectionSize(column), cap))


def _fit_text(line: QLineEdit, sample: str) -> None:
    """Keep a field wide enough for a typical value (``sample``) however the form is squeezed."""
    line.setMinimumWidth(line.fontMetrics().horizontalAdvance(sample) + 16)


class _blocked:
    """Block the signals of widgets for the duration of a ``with`` block."""

    def __init__(self, *widgets: QWidget) -> None:
        self.widgets = widgets

    def __enter__(self) -> None:
        for widget in self.widgets:
            widget.blockSignals(True)

    def __exit__(self, *_exc: object) -> None:
        for widget in self.widgets:
            widget.blockSignals(False)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _way(step: int) -> str:
    return "up" if step < 0 else "down"


# --------------------------------------------------------------------------- entry point


def _inform(window: Any, text: str) -> None:
    """Tell the user why no editor opened (a dialog; tests replace it)."""
    QMessageBox.information(window, "Edit Schema", text)


def open_schema_editor(window: Any, store_id: str | None = None) -> SchemaEditor | None:
    """Open the schema editor of ``store_id``, else of the selected datastore, else a chosen one.

    A datastore without SQL (Redis, S3...) opens nothing: the user is told it has no SQL schema.
    """
    document = window.document
    if document is None:
        return None
    design = document.design
    stores = dict(design.datastores())
    if store_id is None:
        selected = [i for i in window.selected_ids() if i in stores]
        store_id = selected[0] if selected else _choose_store(window, stores)
    if store_id is None or store_id not in stores:
        return None
    store = stores[store_id]
    if not store.engine.is_sql:
        _inform(window, f"{store.name or store_id} is a {engine_label(store)} datastore: "
                        "it has no SQL schema to edit.")
        return None
    editor = window.open_tab(f"schema:{store_id}", f"Schema — {store.name or store_id}",
                             lambda: SchemaEditor(document, store_id))
    _follow_title(window, editor)
    return editor


def _choose_store(window: Any, stores: dict[str, Datastore]) -> str | None:
    sql = {sid: s for sid, s in stores.items() if s.engine.is_sql}
    if len(sql) <= 1:
        if not sql:
            _inform(window, "The design has no SQL datastore: add a PostgreSQL, MySQL, "
                            "SQLite or ClickHouse datastore first.")
        return next(iter(sql), None)
    labels = [f"{s.name or sid} ({sid})" for sid, s in sql.items()]
    label, ok = QInputDialog.getItem(window, "Edit Schema", "SQL datastore:", labels, 0, False)
    return list(sql)[labels.index(label)] if ok and label in labels else None


def _follow_title(window: Any, editor: Any) -> None:
    if isinstance(editor, SchemaEditor) and not editor.property("titleFollowed"):
        editor.setProperty("titleFollowed", True)
        tabs = window.tabs
        editor.title_changed.connect(lambda title: tabs.setTabText(tabs.indexOf(editor), title))


def install(window: Any) -> None:
    """Add Design › Edit Schema… to ``window``."""
    action = QAction("Edit &Schema…", window)
    action.setStatusTip("Edit the tables, columns, keys and indexes of a SQL datastore, "
                        "with its ER diagram and DDL")
    action.triggered.connect(lambda: open_schema_editor(window))
    window.menus["design"].addAction(action)
    window.schema_editor_action = action
