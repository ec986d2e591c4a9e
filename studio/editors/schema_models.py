"""Item models and delegates of the schema editor: tables, the column grid and the index list.

The models read the design on every ``data()`` call through a :class:`SchemaContext` (the
editor) and keep nothing but their row count (which Qt needs to signal inserted and removed
rows); ``setData()`` turns a cell edit into a new datastore and hands it to the context, which
validates it and pushes one undo command. :meth:`TableModel.refresh` follows the design after
every change (undo and redo included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from exporters.ddl import DIALECTS
from models.elements import Datastore, Table
from studio.canvas import style
from studio.editors import schema_ops as ops
from studio.editors.schema_ops import Problem

__all__ = [
    "CheckDelegate",
    "ChecksModel",
    "ColumnsModel",
    "ComboDelegate",
    "ForeignKeysModel",
    "IndexesModel",
    "RecordsModel",
    "SchemaContext",
    "TablesModel",
]

Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole
Flag = Qt.ItemFlag


class SchemaContext(Protocol):
    """What the models need from the editor."""

    current_table: str | None

    @property
    def read_only(self) -> bool:
        """Whether edits are refused."""

    def store(self) -> Datastore | None:
        """The datastore as it is in the design now."""

    def problems(self) -> list[Problem]:
        """The problems of the datastore as it is now."""

    def apply(self, store: Datastore, field: str | None, text: str) -> bool:
        """Validate and push ``store`` as one undo step; False when refused."""

    def refuse(self, message: str) -> None:
        """Show why an edit was not made."""


@dataclass(frozen=True, slots=True)
class GridColumn:
    """One column of a grid: its title, the field it edits and how."""

    title: str
    field: str
    kind: str = "text"  # text, check, combo
    tip: str = ""


def _error_brush() -> QBrush:
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return QBrush(style.blend(QColor("#d64545"), base, 0.78))


class TableModel(QAbstractTableModel):
    """A grid over the design: rows come from :meth:`row_keys`, cells from :meth:`cell`."""

    COLUMNS: tuple[GridColumn, ...] = ()

    def __init__(self, context: SchemaContext) -> None:
        super().__init__()
        self.context = context
        self._count = 0

    # ---------------------------------------------------------------- to implement

    def row_keys(self) -> list[str]:
        """The rows' names, in order."""
        raise NotImplementedError

    def cell(self, key: str, field: str) -> Any:
        """What a cell shows (a bool for check columns)."""
        raise NotImplementedError

    def edit(self, key: str, field: str, value: Any) -> tuple[Datastore, str]:
        """The datastore after the edit, and the field path that names it (for merging)."""
        raise NotImplementedError

    def where(self, key: str) -> tuple[str, ...]:
        """The problem locations (``column x``) that concern row ``key``."""
        return ()

    # ---------------------------------------------------------------- Qt

    def refresh(self) -> None:
        """Follow the design: reset when the row count changed, else repaint every cell."""
        count = len(self.row_keys())
        if count != self._count:
            self.beginResetModel()
            self._count = count
            self.endResetModel()
        elif count:
            self.dataChanged.emit(self.index(0, 0), self.index(count - 1, len(self.COLUMNS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Role.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or section >= len(self.COLUMNS):
            return None
        column = self.COLUMNS[section]
        if role == Role.DisplayRole:
            return column.title
        return column.tip or None if role == Role.ToolTipRole else None

    def key(self, row: int) -> str | None:
        """The name of row ``row`` now."""
        keys = self.row_keys()
        return keys[row] if 0 <= row < len(keys) else None

    def row_of(self, key: str) -> int:
        """The row of ``key``, or -1."""
        keys = self.row_keys()
        return keys.index(key) if key in keys else -1

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        key = self.key(index.row())
        if key is None or not index.isValid():
            return None
        column = self.COLUMNS[index.column()]
        if role == Role.CheckStateRole and column.kind == "check":
            return Qt.CheckState.Checked if self.cell(key, column.field) else \
                Qt.CheckState.Unchecked
        if role in (Role.DisplayRole, Role.EditRole) and column.kind != "check":
            return self.cell(key, column.field)
        if role in (Role.ToolTipRole, Role.BackgroundRole):
            found = self._problem_data(key, column, role)
            if found is not None:
                return found
        return self.extra(key, column, role)

    def extra(self, key: str, column: GridColumn, role: int) -> Any:
        """Other roles (fonts, placeholders): none by default."""
        return None

    def _problem_data(self, key: str, column: GridColumn, role: int) -> Any:
        places = self.where(key)
        found = [p.message for p in self.context.problems()
                 if p.table == self.context.current_table and p.where in places
                 and self.concerns(p, column)]
        if not found:
            return None
        return "\n".join(found) if role == Role.ToolTipRole else _error_brush()

    def concerns(self, problem: Problem, column: GridColumn) -> bool:
        """Whether ``problem`` of this row is about the cell of ``column``."""
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Flag.ItemIsEnabled | Flag.ItemIsSelectable
        if self.context.read_only or not index.isValid():
            return flags
        kind = self.COLUMNS[index.column()].kind
        return flags | (Flag.ItemIsUserCheckable if kind == "check" else Flag.ItemIsEditable)

    def setData(self, index: Index, value: Any, role: int = Role.EditRole) -> bool:
        key = self.key(index.row())
        if key is None or self.context.read_only:
            return False
        column = self.COLUMNS[index.column()]
        if column.kind == "check":
            if role != Role.CheckStateRole:
                return False
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Role.EditRole:
            return False
        if value == self.cell(key, column.field):
            return False
        try:
            store, path = self.edit(key, column.field, value)
        except ops.SchemaError as exc:
            self.context.refuse(str(exc))
            return False
        # Typing in a cell merges into one step; each click on a check box is a step of its own.
        merge = path if column.kind != "check" else None
        return self.context.apply(store, merge, f"Edit {self.label(key)} {column.title.lower()}")

    def label(self, key: str) -> str:
        """How row ``key`` is named in undo texts."""
        return f"{self.context.current_table}.{key}"


# --------------------------------------------------------------------------- tables


class TablesModel(TableModel):
    """The datastore's tables: name (rename in place), column count, estimated rows."""

    COLUMNS: tuple[GridColumn, ...] = (
        GridColumn("Table", "name"),
        GridColumn("Rows", "rows", "info", "Estimated rows today"),
    )

    def row_keys(self) -> list[str]:
        store = self.context.store()
        return list(store.tables) if store is not None else []

    def cell(self, key: str, field: str) -> Any:
        table = self._table(key)
        if field == "name":
            return key
        return str(table.rows) if table.rows is not None else ""

    def _table(self, key: str) -> Table:
        store = self.context.store()
        assert store is not None
        return store.tables[key]

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags if index.column() == 0 else flags & ~Flag.ItemIsEditable

    def extra(self, key: str, column: GridColumn, role: int) -> Any:
        if role == Role.TextAlignmentRole and column.kind == "info":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _problem_data(self, key: str, column: GridColumn, role: int) -> Any:
        found = [p.message for p in self.context.problems() if p.table == key]
        if role == Role.ToolTipRole:
            table = self._table(key)
            counts = (f"{key}: {len(table.columns)} columns, {len(table.indexes)} indexes, "
                      f"{len(table.foreign_keys)} foreign keys")
            return "\n".join([*found, counts, *([table.comment] if table.comment else [])])
        return _error_brush() if found and column.field == "name" else None

    def edit(self, key: str, field: str, value: Any) -> tuple[Datastore, str]:
        store = self.context.store()
        assert store is not None
        at = list(store.tables).index(key)
        return ops.rename_table(store, key, str(value)), f"tables[{at}].name"

    def label(self, key: str) -> str:
        return key


# --------------------------------------------------------------------------- columns


class ColumnsModel(TableModel):
    """The column grid of the current table."""

    COLUMNS: tuple[GridColumn, ...] = (
        GridColumn("Name", "name"),
        GridColumn("Type", "type", "combo", "SQL type in the datastore's dialect"),
        GridColumn("Null", "nullable", "check", "NULL allowed"),
        GridColumn("Default", "default", tip="Default expression (SQL), e.g. now()"),
        GridColumn("PK", "primary", "check", "Part of the primary key"),
        GridColumn("Unique", "unique", "check", "A one-column unique constraint"),
        GridColumn("References", "references", "combo", "Foreign key target: table.column"),
        GridColumn("Comment", "comment"),
    )

    def table(self) -> Table | None:
        """The current table as it is now."""
        store = self.context.store()
        name = self.context.current_table
        return store.tables.get(name) if store is not None and name else None

    def row_keys(self) -> list[str]:
        table = self.table()
        return list(table.columns) if table is not None else []

    def cell(self, key: str, field: str) -> Any:
        table = self.table()
        assert table is not None
        column = table.columns[key]
        readers: dict[str, Callable[[], Any]] = {
            "name": lambda: key,
            "type": lambda: column.type,
            "nullable": lambda: column.nullable,
            "default": lambda: column.default or "",
            "primary": lambda: key in table.primary_key,
            "unique": lambda: (key,) in table.unique.values(),
            "references": lambda: ops.reference_of(table, key),
            "comment": lambda: column.comment,
        }
        return readers[field]()

    def where(self, key: str) -> tuple[str, ...]:
        table = self.table()
        fks = [] if table is None else [f"foreign key {n}" for n, fk in
                                         table.foreign_keys.items() if key in fk.columns]
        return (f"column {key}", *fks)

    def concerns(self, problem: Problem, column: GridColumn) -> bool:
        if problem.where.startswith("foreign key"):
            return column.field == "references"
        return column.field == "type"

    def extra(self, key: str, column: GridColumn, role: int) -> Any:
        if role == Role.FontRole and column.field == "name":
            font = QFont()
            font.setBold(self.cell(key, "primary"))
            return font
        if role == Role.ToolTipRole and column.field == "type":
            store = self.context.store()
            warning = ops.check_type(self.cell(key, "type"), ops.dialect_of(store))[1] \
                if store is not None else ""
            return warning or None
        return None

    def edit(self, key: str, field: str, value: Any) -> tuple[Datastore, str]:
        store, table, name = self._where()
        path = (f"tables[{list(store.tables).index(name)}]"
                f".columns[{list(table.columns).index(key)}].{field}")
        if field == "name":
            return ops.rename_column(store, name, key, str(value)), path
        if field == "references":
            return ops.set_reference(store, name, key, str(value)), path
        if field == "primary":
            table = ops.set_primary(table, key, bool(value))
        elif field == "unique":
            table = ops.set_unique(table, name, key, bool(value))
        else:
            table = ops.set_column(table, key, field, value)
        return ops.with_table(store, name, table), path

    def _where(self) -> tuple[Datastore, Table, str]:
        store, table, name = self.context.store(), self.table(), self.context.current_table
        assert store is not None and table is not None and name is not None
        return store, table, name


# --------------------------------------------------------------------------- indexes


class RecordsModel(ColumnsModel):
    """The named records of the current table of one kind (indexes, foreign keys, checks)."""

    KIND = "indexes"

    def records(self) -> dict[str, Any]:
        """The records as they are now."""
        table = self.table()
        return getattr(table, self.KIND) if table is not None else {}

    def row_keys(self) -> list[str]:
        return list(self.records())

    def cell(self, key: str, field: str) -> Any:
        if field == "name":
            return key
        value = getattr(self.records()[key], field)
        return ", ".join(value) if isinstance(value, tuple) else value

    def where(self, key: str) -> tuple[str, ...]:
        return (f"{ops.RECORDS[self.KIND]} {key}",)

    def extra(self, key: str, column: GridColumn, role: int) -> Any:
        return None

    def edit(self, key: str, field: str, value: Any) -> tuple[Datastore, str]:
        store, table, name = self._where()
        path = (f"tables[{list(store.tables).index(name)}]"
                f".{self.KIND}[{list(self.records()).index(key)}].{field}")
        if field == "name":
            table = ops.rename_record(table, self.KIND, key, str(value))
        else:
            table = self.set(table, key, field, value)
        return ops.with_table(store, name, table), path

    def set(self, table: Table, key: str, field: str, value: Any) -> Table:
        """``table`` with ``field`` of record ``key`` set to ``value``."""
        raise NotImplementedError

    def label(self, key: str) -> str:
        return f"{ops.RECORDS[self.KIND]} {key}"


class IndexesModel(RecordsModel):
    """The index list of the current table."""

    KIND = "indexes"
    COLUMNS: tuple[GridColumn, ...] = (
        GridColumn("Index", "name"),
        GridColumn("Columns", "columns", tip="Columns or expressions in order, comma-separated: "
                   "user_id, created_at DESC, lower(email)"),
        GridColumn("Unique", "unique", "check"),
        GridColumn("Where", "where", tip="Predicate of a partial index, e.g. status <> 'done'"),
        GridColumn("Method", "method", "combo", "Access method (empty: the default, btree)"),
        GridColumn("Include", "include", tip="Covering columns (INCLUDE), comma-separated"),
    )

    def concerns(self, problem: Problem, column: GridColumn) -> bool:
        if ": WHERE:" in problem.message:
            return column.field == "where"
        if "to include" in problem.message:
            return column.field == "include"
        return column.field == "columns"

    def set(self, table: Table, key: str, field: str, value: Any) -> Table:
        return ops.set_index(table, key, field, value)


class ForeignKeysModel(RecordsModel):
    """The foreign keys of the current table (composite ones and ``ON DELETE`` included)."""

    KIND = "foreign_keys"
    COLUMNS: tuple[GridColumn, ...] = (
        GridColumn("Foreign key", "name"),
        GridColumn("Columns", "columns", tip="Referencing columns in order, comma-separated"),
        GridColumn("Table", "table", "combo", "The referenced table"),
        GridColumn("References", "references", tip="Referenced columns, in the same order"),
        GridColumn("On delete", "on_delete", "combo", "What deleting a referenced row does"),
    )

    def concerns(self, problem: Problem, column: GridColumn) -> bool:
        message = problem.message
        if "references missing table" in message:
            return column.field == "table"
        if ("references missing column" in message or " columns reference " in message
                or "primary or unique key" in message or "no primary key" in message):
            return column.field == "references"
        if "ON DELETE" in message:
            return column.field == "on_delete"
        return column.field == "columns"

    def set(self, table: Table, key: str, field: str, value: Any) -> Table:
        store = self.context.store()
        target = store.tables.get(str(value).strip()) if store is not None else None
        return ops.set_foreign_key(table, key, field, str(value), target)


class ChecksModel(RecordsModel):
    """The check constraints of the current table."""

    KIND = "checks"
    COLUMNS: tuple[GridColumn, ...] = (
        GridColumn("Check", "name"),
        GridColumn("Condition", "condition", tip="A SQL condition on the row, e.g. total >= 0"),
    )

    def cell(self, key: str, field: str) -> Any:
        return key if field == "name" else self.records()[key]

    def concerns(self, problem: Problem, column: GridColumn) -> bool:
        return column.field == "condition"

    def set(self, table: Table, key: str, field: str, value: Any) -> Table:
        return ops.set_check(table, key, str(value))


# --------------------------------------------------------------------------- delegates


class ComboDelegate(QStyledItemDelegate):
    """An editable combo box whose choices come from ``choices()`` when the editor opens."""

    def __init__(self, choices: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(self.choices())
        combo.setMaxVisibleItems(20)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setEditText(str(index.data(Role.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Role.EditRole)


class CheckDelegate(QStyledItemDelegate):
    """A check box drawn in the middle of its cell; a click anywhere in the cell toggles it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        checked = opt.checkState == Qt.CheckState.Checked
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        box = QStyleOptionViewItem(opt)
        size = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, opt, widget)
        box.rect = QRect(0, 0, size, size)
        box.rect.moveCenter(option.rect.center())
        box.state = (opt.state & ~QStyle.StateFlag.State_HasFocus) | (
            QStyle.StateFlag.State_On if checked else QStyle.StateFlag.State_Off)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck, box,
                            painter, widget)

    def editorEvent(self, event: QEvent, model: Any, option: QStyleOptionViewItem,
                    index: Index) -> bool:
        if not index.flags() & Flag.ItemIsUserCheckable:
            return False
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            return True  # toggled on release; no editing on a double click
        toggle = kind == QEvent.Type.MouseButtonRelease and \
            event.button() == Qt.MouseButton.LeftButton  # type: ignore[attr-defined]
        toggle = toggle or (kind == QEvent.Type.KeyPress and event.key()  # type: ignore[attr-defined]
                            in (Qt.Key.Key_Space, Qt.Key.Key_Select))
        if not toggle:
            return False
        checked = index.data(Role.CheckStateRole) == Qt.CheckState.Checked
        new = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
        model.setData(index, new.value, Role.CheckStateRole)
        return True


def type_choices(context: SchemaContext) -> Callable[[], list[str]]:
    """The type vocabulary of the datastore's dialect."""
    def choices() -> list[str]:
        store = context.store()
        return list(ops.type_vocabulary(ops.dialect_of(store))) if store is not None else []
    return choices


def reference_choices(context: SchemaContext) -> Callable[[], list[str]]:
    """``''`` then every ``table.column`` of the datastore."""
    def choices() -> list[str]:
        store = context.store()
        tables = store.tables.items() if store is not None else ()
        return ["", *(f"{t}.{c}" for t, table in tables for c in table.columns)]
    return choices


def table_choices(context: SchemaContext) -> Callable[[], list[str]]:
    """The datastore's tables."""
    def choices() -> list[str]:
        store = context.store()
        return list(store.tables) if store is not None else []
    return choices


def on_delete_choices() -> list[str]:
    """``''`` (the engine's default, NO ACTION) then every ``ON DELETE`` action."""
    return ["", *ops.ON_DELETE]


def method_choices(context: SchemaContext) -> Callable[[], list[str]]:
    """``''`` then the index access methods the datastore's dialect accepts."""
    def choices() -> list[str]:
        store = context.store()
        traits = DIALECTS.get(ops.dialect_of(store)) if store is not None else None
        return ["", *sorted(traits.methods)] if traits is not None else [""]
    return choices
