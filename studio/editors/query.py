"""The query editor: a SQL datastore's named queries, with the index advisor's verdict live.

One tab per datastore (``queries:<id>``). The list holds the datastore's queries (add,
rename in place, duplicate, delete); the SQL editor highlights the dialect's keywords,
underlines parse errors where sqlglot reports them, and, ~300 ms after the last keystroke,
shows whether an index serves the query, which table is read in full and why, and the
``CREATE INDEX`` that would serve it, with a button that adds it to the schema in one undo
step. Every change is an :class:`~studio.commands.EditElement` on the datastore: typing in
the SQL merges into one step per query (``field="queries[<id>].sql"``). The editor keeps no
copy of the datastore: it reads the design, and refreshes on its events (undo, redo).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QFontDatabase,
    QIcon,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.elements import ID_PATTERN, Datastore, Query, Table
from models.elements import Index as ModelIndex
from models.events import ElementAdded, ElementChanged, ElementRemoved
from models.units import Rate, UnitError
from studio.commands import EditElement, SetChecks
from studio.document import Document
from studio.editors.editor_widgets import UndoToDocument, button_row, colour_dot, tool_button
from studio.editors.sql_highlight import SqlHighlighter, error_span

__all__ = [
    "ADVISE_DELAY_MS", "QueryEditor", "followed", "index_from_sql", "install", "open_queries",
]

#: Quiet time after the last keystroke before the index advisor looks at the query.
ADVISE_DELAY_MS = 300

_COLOURS = {"served": "#2e7d32", "full": "#c98a0c", "error": "#d64545", "none": "#7b8794"}
_CODE = re.compile(r"`([^`]+)`")




def _rich(text: str) -> str:
    """Plain text with `code` spans, as HTML."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text, quote=False))


def index_from_sql(sql: str, dialect: str) -> tuple[str, str, ModelIndex]:
    """(table, index name, model index) of a ``CREATE INDEX`` statement, read with sqlglot."""
    import sqlglot
    from sqlglot import exp

    create = sqlglot.parse_one(sql, read=dialect)
    index = create.this
    if not isinstance(create, exp.Create) or not isinstance(index, exp.Index):
        raise ValueError(f"not a CREATE INDEX: {sql}")
    columns = []
    for item in index.args["params"].args.get("columns") or ():
        node = item.this if isinstance(item, exp.Ordered) else item
        node = node.this if isinstance(node, exp.Paren) else node
        columns.append(node.sql(dialect=dialect))
    return index.args["table"].name, index.name, ModelIndex(columns=tuple(columns))


def _unique(name: str, taken: Any) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate


class QueryEditor(QWidget):
    """The named queries of one SQL datastore, with highlighting and live index advice."""

    def __init__(self, document: Document, store_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document, self.design, self.store_id = document, document.design, store_id
        self.current: str | None = None
        self._shown: str | None = None  # the query whose SQL the text editor holds
        self.verdict: Any = None
        self._loading = False
        self._advise_timer = QTimer(self, singleShot=True, interval=ADVISE_DELAY_MS)
        self._advise_timer.timeout.connect(self.advise_now)
        self._build()
        self._undo_filter = UndoToDocument(self)
        self._undo_filter.watch(self.sql, self.rate, self.description)
        unsubscribe = self.design.subscribe(self._on_event)
        self.destroyed.connect(lambda *_: unsubscribe())
        self.refresh()
        if self.list.count():
            self.list.setCurrentRow(0)
        self.advise_now()

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_list())
        splitter.addWidget(self._build_editor())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 760])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _build_list(self) -> QWidget:
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600; padding: 2px 2px 4px 2px;")
        self.list = QListWidget()
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemChanged.connect(self._item_renamed)
        self.add_button = tool_button("Add", "list-add", "Add a query", self.add_query)
        self.rename_button = tool_button("Rename", "edit-rename", "Rename the query (F2)",
                                        self._rename_clicked)
        self.duplicate_button = tool_button("Duplicate", "edit-copy", "Duplicate the query",
                                           lambda: self.duplicate_query(self.current))
        self.delete_button = tool_button("Delete", "list-remove", "Delete the query",
                                        lambda: self.delete_query(self.current))
        delete = QAction("Delete", self.list, shortcut=QKeySequence.StandardKey.Delete,
                         shortcutContext=Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(lambda: self.delete_query(self.current))
        self.list.addAction(delete)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(button_row(self.add_button, self.rename_button, self.duplicate_button,
                                    self.delete_button))
        return box

    def _build_editor(self) -> QWidget:
        self.service = QComboBox()
        self.service.currentIndexChanged.connect(self._service_changed)
        self.rate = QLineEdit(placeholderText="e.g. 200/s, 100K/h")
        self.rate.editingFinished.connect(self._rate_edited)
        self.description = QLineEdit(placeholderText="What the query is for")
        self.description.textEdited.connect(self._description_edited)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        row = QHBoxLayout()
        row.addWidget(self.service, 2)
        row.addWidget(QLabel("Rate"))
        row.addWidget(self.rate, 1)
        form.addRow("Issued by", row)
        form.addRow("Description", self.description)
        self.sql = QPlainTextEdit()
        self.sql.setUndoRedoEnabled(False)  # undo is the document's, one step per query edit
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(max(font.pointSize(), 11))
        self.sql.setFont(font)
        self.sql.setTabStopDistance(4 * self.sql.fontMetrics().horizontalAdvance(" "))
        self.sql.setPlaceholderText("SELECT … FROM … WHERE …")
        self.sql.textChanged.connect(self._sql_edited)
        self.sql.cursorPositionChanged.connect(self._show_position)
        self.highlighter = SqlHighlighter(self.sql.document())
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.position = QLabel()
        self.position.setStyleSheet("color: #7b8794;")
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.position)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(6, 6, 6, 0)
        top_layout.addLayout(form)
        top_layout.addWidget(self.sql, 1)
        top_layout.addLayout(status_row)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self._build_advice())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.empty = QLabel("This datastore has no queries yet: click Add to write one.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #7b8794;")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.empty, 1)
        self.editor_area = splitter
        return box

    def _build_advice(self) -> QWidget:
        group = QGroupBox("Index advisor")
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextFormat(Qt.TextFormat.RichText)
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.suggestion = QPlainTextEdit(readOnly=True)
        self.suggestion.setFont(self.sql.font())
        self.suggestion.setFrameShape(QFrame.Shape.StyledPanel)
        self.suggestion.setMaximumHeight(64)
        self.suggestion_highlighter = SqlHighlighter(self.suggestion.document())
        self.add_index_button = QPushButton("Add index")
        self.add_index_button.setIcon(QIcon.fromTheme("list-add"))
        self.add_index_button.setToolTip("Add the suggested index to the datastore's table "
                                         "(one undo step)")
        self.add_index_button.clicked.connect(self.add_suggested_indexes)
        row = QHBoxLayout()
        row.addWidget(self.suggestion, 1)
        row.addWidget(self.add_index_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(group)
        layout.addWidget(self.verdict_label)
        layout.addLayout(row)
        layout.addStretch(1)
        box = QWidget()
        outer = QVBoxLayout(box)
        outer.setContentsMargins(6, 0, 6, 6)
        outer.addWidget(group)
        return box

    # ------------------------------------------------------------------ the model

    @property
    def store(self) -> Datastore | None:
        """The datastore edited, or None once it is gone from the design."""
        if self.store_id not in self.design:
            return None
        store = self.design.element(self.store_id)
        return store if isinstance(store, Datastore) else None

    @property
    def dialect(self) -> str:
        """The sqlglot dialect of the datastore's engine."""
        store = self.store
        return (store.engine.dialect if store else None) or "postgres"

    @property
    def read_only(self) -> bool:
        """Whether edits are refused (review mode, or the datastore is gone)."""
        return self.document.read_only or self.store is None

    def query(self) -> Query | None:
        """The selected query, as the model has it."""
        store = self.store
        return store.queries.get(self.current) if store and self.current else None

    def _on_event(self, event: Any) -> None:
        if isinstance(event, ElementAdded | ElementChanged | ElementRemoved) \
                and event.id == self.store_id:
            self.refresh()
            self._advise_timer.start()

    def _push(self, store: Datastore, text: str, field: str | None = None) -> None:
        self.document.undo_stack.push(
            EditElement(self.design, self.store_id, store, field, text))

    def _push_queries(self, queries: dict[str, Query], text: str,
                      field: str | None = None) -> None:
        store = self.store
        if store is not None and queries != store.queries:
            self._push(replace(store, queries=queries), text, field)

    def _push_with_suppressions(self, queries: dict[str, Query], text: str, old: str,
                                new: str | None) -> None:
        """Change the queries, and in the same undo step carry the accepted findings of query
        ``old`` over to ``new`` (a rename), or drop them (``None``, a delete)."""
        checks = self.design.checks
        suffix = f"@{self.store_id}.{old}"
        moved = {}
        for key, value in checks.suppress.items():
            if not key.endswith(suffix):
                moved[key] = value
            elif new:
                moved[key[: -len(old)] + new] = value
        stack = self.document.undo_stack
        stack.beginMacro(text)
        self._push_queries(queries, text)
        if moved != checks.suppress:
            stack.push(SetChecks(self.design, replace(checks, suppress=moved)))
        stack.endMacro()

    def _set_field(self, name: str, value: Any) -> None:
        """Change one field of the selected query (typing in one field merges)."""
        query, store = self.query(), self.store
        if query is None or store is None or self.read_only or getattr(query, name) == value:
            return
        queries = {**store.queries, self.current: replace(query, **{name: value})}
        self._push_queries(queries, f"Edit query {self.current} {name}",
                           f"queries[{self.current}].{name}")

    # ------------------------------------------------------------------ list gestures

    def add_query(self) -> str | None:
        """Add an empty query and select it; returns its id."""
        store = self.store
        if store is None or self.read_only:
            return None
        query_id = _unique("new-query", store.queries)
        self._push_queries({**store.queries, query_id: Query()}, f"Add query {query_id}")
        self.select(query_id)
        self.sql.setFocus()
        return query_id

    def duplicate_query(self, query_id: str | None) -> str | None:
        """Copy a query under a new id, right after it; returns the new id."""
        store = self.store
        if store is None or self.read_only or query_id not in (store.queries if store else {}):
            return None
        new_id = _unique(f"{query_id}-copy", store.queries)
        queries: dict[str, Query] = {}
        for key, query in store.queries.items():
            queries[key] = query
            if key == query_id:
                queries[new_id] = query
        self._push_queries(queries, f"Duplicate query {query_id}")
        self.select(new_id)
        return new_id

    def delete_query(self, query_id: str | None) -> None:
        """Delete a query (one undo step); the next one is selected."""
        store = self.store
        if store is None or self.read_only or query_id not in store.queries:
            return
        ids = list(store.queries)
        row = ids.index(query_id)
        ids.remove(query_id)
        self._push_with_suppressions({k: store.queries[k] for k in ids},
                                     f"Delete query {query_id}", query_id, None)
        self.select(ids[min(row, len(ids) - 1)] if ids else None)

    def rename_query(self, old: str, new: str) -> str:
        """Rename a query keeping its place; returns an error message, empty on success."""
        store = self.store
        new = new.strip()
        if store is None or self.read_only or old not in store.queries:
            return "the query cannot be renamed"
        if new == old:
            return ""
        if not ID_PATTERN.match(new):
            return f"'{new}' is not a valid id: use letters, digits, '-' and '_'"
        if new in store.queries:
            return f"there is already a query '{new}'"
        queries = {(new if k == old else k): q for k, q in store.queries.items()}
        self._push_with_suppressions(queries, f"Rename query {old} to {new}", old, new)
        self.select(new)
        return ""

    def _rename_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None and not self.read_only:
            self.list.editItem(item)

    def _item_renamed(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        old = item.data(Qt.ItemDataRole.UserRole)
        error = self.rename_query(old, item.text())
        if error:
            self._show_status(error, "error")
            self.refresh()

    def select(self, query_id: str | None) -> None:
        """Select a query in the list (and show it in the editor)."""
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == query_id:
                self.list.setCurrentRow(row)
                return

    def _current_changed(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        if self._loading:
            return
        self.current = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self._show_query()
        self.advise_now()

    # ------------------------------------------------------------------ field gestures

    def _sql_edited(self) -> None:
        if self._loading or self._shown != self.current:
            return  # not typing: the editor is being filled, or shows another query
        self._set_field("sql", self.sql.toPlainText())
        self._advise_timer.start()

    def _description_edited(self, text: str) -> None:
        self._set_field("description", text)

    def _service_changed(self) -> None:
        if not self._loading:
            self._set_field("service", self.service.currentData() or "")

    def _rate_edited(self) -> None:
        text = self.rate.text().strip()
        try:
            rate = Rate.parse(text) if text else None
        except (UnitError, ValueError) as error:
            self.rate.setStyleSheet("border: 1px solid #d64545;")
            self.rate.setToolTip(str(error))
            self._show_status(f"Rate: {error}", "error")
            return
        self.rate.setStyleSheet("")
        self.rate.setToolTip("")
        self._set_field("rate", rate)

    # ------------------------------------------------------------------ showing the model

    def refresh(self) -> None:
        """Show the model: the list of queries, and the selected one's fields."""
        store = self.store
        self._loading = True
        try:
            self._fill_list(store)
            self._fill_services()
            # (re-highlighting emits textChanged: it must not read as typing)
            self.highlighter.set_dialect(self.dialect)
            self.suggestion_highlighter.set_dialect(self.dialect)
        finally:
            self._loading = False
        if self.current is None and self.list.currentItem() is not None:
            self.current = self.list.currentItem().data(Qt.ItemDataRole.UserRole)
        self._show_query()

    def _fill_list(self, store: Datastore | None) -> None:
        name = (store.name or self.store_id) if store else self.store_id
        self.title.setText(f"Queries of {name}" if store else f"{self.store_id} was removed")
        ids = list(store.queries) if store else []
        shown = [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())]
        if ids != shown:
            self.current = followed(shown, ids, self.current)
            self.list.clear()
            for query_id in ids:
                item = QListWidgetItem(colour_dot(_COLOURS["none"]), query_id)
                item.setData(Qt.ItemDataRole.UserRole, query_id)
                self.list.addItem(item)
        editable = Qt.ItemFlag.ItemIsEditable if not self.read_only else Qt.ItemFlag.NoItemFlags
        for row, query_id in enumerate(ids):
            item = self.list.item(row)
            if item.text() != query_id:  # a refused rename in place
                item.setText(query_id)
            item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | editable)
            item.setToolTip((store.queries[query_id].description if store else "") or query_id)
            if query_id == self.current:
                self.list.setCurrentRow(row)
        if self.current not in ids:
            self.current = None
            if ids:
                self.list.setCurrentRow(0)
                self.current = ids[0]

    def _fill_services(self) -> None:
        services = [sid for sid, _ in self.design.services()]
        shown = [self.service.itemData(i) for i in range(self.service.count())]
        if shown != ["", *services]:
            self.service.clear()
            self.service.addItem("(no service)", "")
            for sid in services:
                self.service.addItem(sid, sid)

    def _show_query(self) -> None:
        query = self.query()
        has_query = query is not None
        self.editor_area.setVisible(has_query)
        self.empty.setVisible(not has_query)
        read_only = self.read_only
        for widget in (self.add_button,):
            widget.setEnabled(not read_only)
        for widget in (self.rename_button, self.duplicate_button, self.delete_button):
            widget.setEnabled(has_query and not read_only)
        self.sql.setReadOnly(read_only)
        self._show_position()
        for widget in (self.service, self.rate, self.description):
            widget.setEnabled(not read_only)
        if query is None:
            self._shown = None
            return
        self._loading = True
        try:
            self._sync_text(query.sql)
            self._shown = self.current
            if self.description.text() != query.description:
                self.description.setText(query.description)
            self.service.setCurrentIndex(max(self.service.findData(query.service), 0))
            if not self.rate.hasFocus():
                self.rate.setText(str(query.rate) if query.rate else "")
        finally:
            self._loading = False

    def _sync_text(self, sql: str) -> None:
        """Show ``sql`` unless the editor holds it already (keeps the cursor while typing)."""
        if self.sql.toPlainText() == sql:
            return
        position = self.sql.textCursor().position()
        self.sql.setPlainText(sql)
        cursor = self.sql.textCursor()
        cursor.setPosition(min(position, len(sql)))
        self.sql.setTextCursor(cursor)

    def _show_position(self) -> None:
        cursor = self.sql.textCursor()
        where = f"Ln {cursor.blockNumber() + 1}, Col {cursor.positionInBlock() + 1}"
        self.position.setText(f"Read-only · {where}" if self.read_only else where)

    def _show_status(self, text: str, kind: str) -> None:
        self.status.setText(f"<span style='color:{_COLOURS[kind]}'>{html.escape(text)}</span>")

    # ------------------------------------------------------------------ the index advisor

    def verdict_of(self, query_id: str, sql: str) -> Any:
        """The index advisor's verdict on ``sql`` over the datastore's current schema."""
        from checks.index_advisor import Query as AdvisorQuery
        from checks.rules.sql import advisor_for

        store = self.store
        assert store is not None
        return advisor_for(self.store_id, store).check(AdvisorQuery(query_id, sql))

    def advise_now(self) -> None:
        """Check every query (the list's dots) and show the selected one's verdict."""
        self._advise_timer.stop()
        store = self.store
        if store is None:
            self.verdict = None
            return
        for row in range(self.list.count()):
            item = self.list.item(row)
            query_id = item.data(Qt.ItemDataRole.UserRole)
            query = store.queries.get(query_id)
            if query is not None:
                item.setIcon(colour_dot(_COLOURS[self._kind(self.verdict_of(query_id, query.sql),
                                                      query.sql)]))
        query = self.query()
        self.verdict = self.verdict_of(self.current, query.sql) if query and self.current else None
        self._show_verdict(query.sql if query else "")

    @staticmethod
    def _kind(verdict: Any, sql: str) -> str:
        if not sql.strip():
            return "none"
        if verdict.error:
            return "error"
        return "served" if verdict.indexed else "full"

    def _show_verdict(self, sql: str) -> None:
        verdict = self.verdict
        self._underline(None)
        self.suggestion.setPlainText(";\n".join(verdict.suggestions) + ";"
                                     if verdict and verdict.suggestions else "")
        has_suggestion = bool(verdict and verdict.suggestions and not verdict.error)
        self.suggestion.setVisible(has_suggestion)
        self.add_index_button.setVisible(has_suggestion)
        self.add_index_button.setEnabled(has_suggestion and not self.read_only)
        self.add_index_button.setText("Add indexes" if has_suggestion
                                      and len(verdict.suggestions) > 1 else "Add index")
        if verdict is None or not sql.strip():
            self.verdict_label.setText("<span style='color:#7b8794'>Type a query to see "
                                       "whether an index serves it.</span>")
            self.status.setText("")
            return
        kind = self._kind(verdict, sql)
        self.verdict_label.setText(self._verdict_html(verdict, kind))
        if kind == "error":
            self._underline(verdict)
            self._show_status(f"Line {verdict.line}, column {verdict.col}: {verdict.error}",
                              "error")
        else:
            self._show_status("SQL parses", "served")

    def _verdict_html(self, verdict: Any, kind: str) -> str:
        colour = _COLOURS[kind]
        if kind == "error":
            return (f"<b style='color:{colour}'>✖ Cannot be analysed</b><br>"
                    f"{_rich(verdict.error)}")
        if kind == "served":
            used = sorted(verdict.used_indexes)
            how = ", ".join(f"<code>{html.escape(i)}</code> on <code>{html.escape(t)}</code>"
                            for t, i in used)
            detail = f"Uses {how}." if used else "No table needs to be searched."
            return f"<b style='color:{colour}'>✔ Served by an index</b><br>{detail}"
        tables = ", ".join(f"<code>{html.escape(t)}</code>" for t in verdict.full_scans)
        reasons = "".join(f"<li>{_rich(r)}</li>" for r in verdict.reasons)
        tail = "Suggested:" if verdict.suggestions else "No single index would serve it."
        return (f"<b style='color:{colour}'>⚠ Reads {tables} in full</b>"
                f"<ul style='margin:2px 0 2px -20px'>{reasons}</ul>{tail}")

    def _underline(self, verdict: Any) -> None:
        """Underline the parse error (red wavy line), or clear the underline."""
        if verdict is None or not verdict.error:
            self.sql.setExtraSelections([])
            return
        text = self.sql.toPlainText()
        start, end = error_span(text, verdict.line, verdict.col, verdict.error)
        start = min(start, max(len(text) - 1, 0))
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        fmt.setUnderlineColor(QColor(_COLOURS["error"]))
        fmt.setToolTip(verdict.error)
        cursor = QTextCursor(self.sql.document())
        cursor.setPosition(start)
        cursor.setPosition(min(max(end, start + 1), len(text)), QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.format = fmt
        selection.cursor = cursor
        self.sql.setExtraSelections([selection])

    def add_suggested_indexes(self) -> list[str]:
        """Add the suggested index(es) to the datastore's tables in one undo step.

        Returns:
            The names of the indexes added.
        """
        store, verdict = self.store, self.verdict
        if store is None or self.read_only or not verdict or not verdict.suggestions:
            return []
        tables: dict[str, Table] = dict(store.tables)
        by_lower = {name.lower(): name for name in tables}
        added: list[str] = []
        for sql in verdict.suggestions:
            table_name, index_name, index = index_from_sql(sql, self.dialect)
            name = by_lower.get(table_name.lower())
            if name is None:
                continue
            table = tables[name]
            index_name = _unique(index_name, table.indexes)
            tables[name] = replace(table, indexes={**table.indexes, index_name: index})
            added.append(index_name)
        if added:
            text = f"Add index {added[0]}" if len(added) == 1 else f"Add {len(added)} indexes"
            self._push(replace(store, tables=tables), text)
            self.advise_now()
        return added


# --------------------------------------------------------------------------- entry point


def _sql_stores(document: Document) -> list[tuple[str, Datastore]]:
    return [(sid, s) for sid, s in document.design.datastores() if s.engine.is_sql]


def open_queries(window: Any, store_id: str | None = None,
                 query_id: str | None = None) -> QueryEditor | None:
    """Open the query editor of ``store_id`` (or of the selected SQL datastore, or one chosen
    from a list) as the tab ``queries:<id>``, showing ``query_id`` when given (e.g. from an
    ``ARC801@<store>.<query>`` finding)."""
    document = window.document
    if document is None:
        return None
    stores = dict(_sql_stores(document))
    if store_id is None:
        selected = [i for i in window.selected_ids() if i in stores]
        store_id = selected[0] if selected else next(iter(stores)) if len(stores) == 1 else None
    if store_id is None and stores:
        labels = [f"{s.name or sid} ({sid})" for sid, s in stores.items()]
        label, ok = QInputDialog.getItem(window, "Edit Queries", "SQL datastore:", labels, 0,
                                         False)
        store_id = list(stores)[labels.index(label)] if ok else None
    if store_id not in stores:
        if not stores:
            window.statusBar().showMessage("The design has no SQL datastore", 6000)
        return None
    name = stores[store_id].name or store_id
    editor = window.open_tab(f"queries:{store_id}", f"Queries — {name}",
                             lambda: QueryEditor(document, store_id))
    if query_id is not None:
        editor.select(query_id)
    return editor


def install(window: Any) -> None:
    """Add Design > Edit Queries… to ``window``."""
    action = QAction("Edit &Queries…", window)
    action.setStatusTip("Edit a SQL datastore's named queries, with the index advisor's "
                        "verdict as you type")
    action.triggered.connect(lambda: open_queries(window))
    window.menus["design"].addAction(action)
    window.query_editor_action = action


def followed(before: list[str], after: list[str], current: str | None) -> str | None:
    """Which item to select once the list changes from ``before`` to ``after`` (undo, redo, an
    edit elsewhere): the one item that appeared (an add redone, a delete undone, a rename),
    else the current one, else its neighbour where it was (an add undone)."""
    appeared = [key for key in after if key not in before]
    if before and len(appeared) == 1:
        return appeared[0]
    if current in after or not after:
        return current if current in after else None
    row = before.index(current) if current in before else 0
    return after[min(row, len(after) - 1)]
