"""The main window: one :class:`~studio.document.Document`, its canvas and its panels.

Menus follow the platform's conventions; the Export menu is generated from the exporter
registry; the title shows the file name and ``*`` while the undo stack is not clean; closing,
opening or creating with unsaved changes asks Save / Discard / Cancel.

Edit > Cut, Copy, Paste and Duplicate move elements (and the relations among them) through the
system clipboard as design YAML (:mod:`studio.clipboard`). Auto-layout and exports run in a
worker behind a progress dialog with Cancel (:mod:`studio.workers`). When the file changes on
disk, a clean document reloads in place and a modified one asks; Save never overwrites a file
changed behind the studio's back without asking. In review mode a banner above the canvas says
so, and the review summary (:mod:`studio.review`) counts the findings by severity and group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QPoint, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDrag,
    QGuiApplication,
    QIcon,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
    QUndoGroup,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.elements import Datastore, ElementKind, RelationKind, Service
from models.io import LoadError, SaveError, write_atomic
from studio import clipboard, recovery
from studio.canvas import style
from studio.canvas.scene import DiagramScene, finding_target
from studio.canvas.view import DiagramView, kind_mime
from studio.commands import RemoveElements, SetPositions
from studio.document import Document
from studio.layout import DOT_MAX_ELEMENTS, layered_layout
from studio.layout import auto_layout as compute_layout
from studio.panels.inspector import InspectorPanel
from studio.panels.outline import OutlinePanel
from studio.panels.problems import ProblemsPanel
from studio.reference import format_reference, rule_reference
from studio.review import ReviewBar, review_report, severity_count
from studio.workers import CancelToken, Task, run_with_progress

__all__ = ["FALLBACK_KEYS", "FILE_FILTER", "MainWindow", "editor_target", "load_problems_text",
           "sample_paths", "standard_shortcuts"]

FILE_FILTER = "Architecture designs (*.yaml *.yml);;All files (*)"
MAX_RECENT = 8
AUTOSAVE_MS = 60_000
#: The smallest an editor tab may get (the docks give way first).
EDITOR_MIN_SIZE = QSize(720, 420)
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
#: The stroke colour of our icons, replaced by the palette's text colour (light or dark theme).
ICON_INK = "#4a5568"


_KEY = QKeySequence.StandardKey
#: The usual keys of the standard actions, for a platform theme that binds none (Quit has no
#: key offscreen and under a bare X server; a user still expects Ctrl+Q).
FALLBACK_KEYS: dict[QKeySequence.StandardKey, tuple[str, ...]] = {
    _KEY.New: ("Ctrl+N",), _KEY.Open: ("Ctrl+O",), _KEY.Save: ("Ctrl+S",),
    _KEY.SaveAs: ("Ctrl+Shift+S",), _KEY.Close: ("Ctrl+W",), _KEY.Quit: ("Ctrl+Q",),
    _KEY.Undo: ("Ctrl+Z",), _KEY.Redo: ("Ctrl+Shift+Z", "Ctrl+Y"), _KEY.Delete: ("Del",),
    _KEY.Cut: ("Ctrl+X",), _KEY.Copy: ("Ctrl+C",), _KEY.Paste: ("Ctrl+V",),
    _KEY.SelectAll: ("Ctrl+A",), _KEY.Find: ("Ctrl+F",), _KEY.ZoomIn: ("Ctrl++", "Ctrl+="),
    _KEY.ZoomOut: ("Ctrl+-",),
}


def standard_shortcuts(key: QKeySequence.StandardKey) -> list[QKeySequence]:
    """The platform's bindings of ``key``, or :data:`FALLBACK_KEYS` where it has none."""
    return (QKeySequence.keyBindings(key)
            or [QKeySequence(text) for text in FALLBACK_KEYS.get(key, ())])


def sample_paths() -> list[Path]:
    """The shipped sample designs, by name."""
    return sorted(SAMPLES.glob("*.yaml"))


def load_problems_text(error: LoadError) -> str:
    """Every problem of a failed load, one ``file:line:col: message (hint)`` per line."""
    return "\n".join(str(problem) for problem in error.problems)


def _title_case(stem: str) -> str:
    return stem.replace("-", " ").replace("_", " ").capitalize()


class PaletteButton(QToolButton):
    """A palette entry: click to add at the centre of the view, or drag onto the canvas."""

    def __init__(self, kind: ElementKind, window: MainWindow) -> None:
        super().__init__()
        self.kind, self.window_ = kind, window
        self.setIcon(style.kind_icon(kind, 32))
        self.setText(style.KIND_LABELS[kind].split()[0])
        self.setToolTip(f"Add a {style.KIND_LABELS[kind].lower()} (click, or drag onto the "
                        "canvas)")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAutoRaise(True)
        self.setObjectName(f"palette:{kind.value}")
        self._press: QPoint | None = None
        self.clicked.connect(lambda: self.window_.view.add_at_centre(self.kind))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and (event.position().toPoint() - self._press
                                        ).manhattanLength() > QApplication.startDragDistance():
            self._press = None
            self.setDown(False)
            drag = QDrag(self)
            drag.setMimeData(kind_mime(self.kind))
            drag.setPixmap(self.icon().pixmap(32, 32))
            drag.exec(Qt.DropAction.CopyAction)
            return
        super().mouseMoveEvent(event)


class MainWindow(QMainWindow):
    """The studio's window.

    The central area is a tab widget: the architecture canvas is the first, permanent tab;
    editors (API, schema, queries, decisions) open as closable tabs through :meth:`open_tab`.
    Editors plug in through :data:`studio.editors.EDITORS`, each adding its actions to
    :attr:`menus` (``file``, ``edit``, ``view``, ``design``, ``help``).

    Signals:
        document_changed(object): a new :class:`Document` is shown (editor tabs close first).
    """

    document_changed = Signal(object)

    def __init__(self, document: Document | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings()
        self.undo_group = QUndoGroup(self)
        self.document: Document | None = None
        self.scene: DiagramScene | None = None
        self.view = DiagramView()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(True)
        self.review_bar = ReviewBar()
        self.canvas_page = QWidget()
        page = QVBoxLayout(self.canvas_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(0)
        page.addWidget(self.review_bar)
        page.addWidget(self.view, 1)
        self.tabs.addTab(self.canvas_page, "Architecture")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)
        self.menus: dict[str, QMenu] = {}
        self.inspector = InspectorPanel()
        self.outline = OutlinePanel()
        self.problems = ProblemsPanel()
        self.docks: dict[str, QDockWidget] = {}
        self._make_docks()
        self._make_actions()
        self._make_menus()
        self._make_toolbars()
        self._make_status_bar()
        self._connect_panels()
        self._install_editors()
        self._autosave = QTimer(self, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)
        self._autosave.start()
        self.task: Task | None = None  # the running auto-layout or export
        self._fit_to_screen()
        self._restore_settings()
        self.set_document(document or Document(parent=self))

    # ------------------------------------------------------------------ building

    def _make_docks(self) -> None:
        areas = (("outline", "Outline", self.outline, Qt.DockWidgetArea.LeftDockWidgetArea),
                 ("inspector", "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea),
                 ("problems", "Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea))
        for name, title, widget, area in areas:
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock:{name}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.resizeDocks([self.docks["outline"], self.docks["inspector"]], [230, 290],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["problems"]], [150], Qt.Orientation.Vertical)

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, QKeySequence.StandardKey):
                action.setShortcuts(standard_shortcuts(shortcut))
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        key = QKeySequence.StandardKey
        a = self._action
        self.new_action = a("&New", self.new_document, key.New, "Start an empty design")
        self.open_action = a("&Open…", self.open_dialog, key.Open, "Open a design file")
        self.save_action = a("&Save", self.save, key.Save, "Save the design")
        self.save_as_action = a("Save &As…", self.save_as, key.SaveAs, "Save under a new name")
        self.close_action = a("&Close", self.close_document, key.Close, "Close the design")
        self.quit_action = a("&Quit", self.close, key.Quit, "Quit archstudio")
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(standard_shortcuts(key.Undo))
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(standard_shortcuts(key.Redo))
        self.delete_action = a("&Delete", self.delete_selection, key.Delete,
                               "Delete the selection and its relations")
        # The key belongs to the canvas and the outline (whose selection is the canvas's): in
        # an editor tab, Delete is the editor's (the schema grid's, the API table's, the query
        # list's) and must not remove elements.
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(self.delete_action)
        self.cut_action = a("Cu&t", self.cut, key.Cut,
                            "Move the selected elements and their relations to the clipboard")
        self.copy_action = a("&Copy", self.copy, key.Copy,
                             "Copy the selected elements and the relations among them")
        self.paste_action = a("&Paste", self.paste, key.Paste,
                              "Add the clipboard's elements under new ids")
        self.duplicate_action = a("D&uplicate", self.duplicate, "Ctrl+D",
                                  "Copy the selected elements next to themselves")
        self.select_all_action = a("Select &All", self.select_all, key.SelectAll)
        self.find_action = a("&Find…", self.find, key.Find, "Find an element by name or id")
        self.rename_action = a("Re&name", lambda: self.view.rename_selected(), "F2")
        self.connect_action = a("&Connect", self.set_connect_mode, "C",
                                "Drag from one element to another to connect them")
        self.connect_action.setCheckable(True)
        self.zoom_in_action = a("Zoom &In", self.view.zoom_in, key.ZoomIn)
        self.zoom_out_action = a("Zoom &Out", self.view.zoom_out, key.ZoomOut)
        self.fit_action = a("&Fit to Window", self.view.fit, "Ctrl+0")
        self.actual_size_action = a("&Actual Size (100%)", self.view.reset_zoom, "Ctrl+1")
        self.layout_action = a("Auto-&Layout", self.auto_layout, "Ctrl+L",
                               "Arrange the elements with Graphviz, or in layers (one undo "
                               "step)")
        self.summary_action = a("Review &Summary", self._toggle_summary,
                                tip="Show the counts of the latest review above the canvas")
        self.summary_action.setCheckable(True)
        self.summary_action.setChecked(self.settings.value("view/reviewSummary", True,
                                                           type=bool))
        self.report_action = a("Export Review &Report…", self.export_review_report,
                               tip="Write the design document with its quality review")
        self.about_action = a("&About archstudio", self.about)
        self.format_action = a("&Format Reference", lambda: self.show_reference(
            "Format reference", format_reference()))
        self.rules_action = a("&Rule Reference", lambda: self.show_reference(
            "Rule reference", rule_reference()))

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self.menus["file"] = file
        file.addActions([self.new_action, self.open_action])
        self.samples_menu = file.addMenu("Open &Sample")
        for path in sample_paths():
            self.samples_menu.addAction(_title_case(path.stem),
                                        lambda p=path: self.open_path(p, review=True))
        self.recent_menu = file.addMenu("Open &Recent")
        file.addSeparator()
        file.addActions([self.save_action, self.save_as_action])
        self.export_menu = file.addMenu("&Export")
        self._fill_export_menu()
        file.addAction(self.report_action)
        file.addSeparator()
        file.addActions([self.close_action, self.quit_action])
        edit = bar.addMenu("&Edit")
        self.menus["edit"] = edit
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addActions([self.cut_action, self.copy_action, self.paste_action,
                         self.duplicate_action, self.delete_action])
        edit.addSeparator()
        edit.addActions([self.rename_action, self.select_all_action])
        edit.addSeparator()
        edit.addActions([self.connect_action, self.find_action])
        view = bar.addMenu("&View")
        self.menus["view"] = view
        view.addActions([self.zoom_in_action, self.zoom_out_action, self.fit_action,
                         self.actual_size_action])
        view.addSeparator()
        view.addAction(self.layout_action)
        view.addSeparator()
        view.addAction(self.summary_action)
        panels = view.addMenu("&Panels")
        for dock in self.docks.values():
            panels.addAction(dock.toggleViewAction())
        self.menus["design"] = bar.addMenu("&Design")
        help_menu = bar.addMenu("&Help")
        self.menus["help"] = help_menu
        help_menu.addActions([self.format_action, self.rules_action])
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        self._update_recent_menu()

    def _fill_export_menu(self) -> None:
        try:
            from exporters.registry import EXPORTERS, available
        except ImportError:
            EXPORTERS, available = (), None
        for exporter in EXPORTERS:
            action = self.export_menu.addAction(f"{exporter.title}…",
                                                lambda e=exporter: self.export(e))
            action.setStatusTip(exporter.description)
            if available is not None and not available(exporter):
                action.setEnabled(False)
                action.setStatusTip(f"needs {exporter.needs_tool}, which is not installed")
        if not EXPORTERS:
            self.export_menu.addAction("No exporters installed").setEnabled(False)

    def _make_toolbars(self) -> None:
        main = QToolBar("Main", self)
        main.setObjectName("toolbar:main")
        main.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons = {self.new_action: "document-new", self.open_action: "document-open",
                 self.save_action: "document-save", self.undo_action: "edit-undo",
                 self.redo_action: "edit-redo", self.delete_action: "edit-delete",
                 self.zoom_in_action: "zoom-in", self.zoom_out_action: "zoom-out",
                 self.fit_action: "zoom-fit-best", self.layout_action: "view-grid",
                 self.connect_action: "connect"}
        for action, name in icons.items():
            action.setIcon(self._theme_icon(name))
        main.addActions([self.new_action, self.open_action, self.save_action])
        main.addSeparator()
        main.addActions([self.undo_action, self.redo_action, self.delete_action])
        main.addSeparator()
        main.addAction(self.connect_action)
        main.addSeparator()
        main.addActions([self.zoom_out_action, self.zoom_in_action, self.fit_action,
                         self.layout_action])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, main)
        self.main_toolbar = main
        palette = QToolBar("Palette", self)
        palette.setObjectName("toolbar:palette")
        self.palette_buttons = {kind: PaletteButton(kind, self) for kind in ElementKind}
        for button in self.palette_buttons.values():
            palette.addWidget(button)
        palette.setIconSize(QSize(20, 20))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, palette)

    def _theme_icon(self, name: str) -> QIcon:
        """The platform theme's icon, else ours (``resources/icons``) in the palette's colour."""
        if QIcon.hasThemeIcon(name):
            return QIcon.fromTheme(name)
        path = ICONS / f"{name}.svg"
        if not path.exists():
            return QIcon()
        ink = self.palette().color(QPalette.ColorRole.WindowText).name()
        svg = path.read_text(encoding="utf-8").replace(ICON_INK, ink).encode()
        icon = QIcon()
        for size in (16, 24, 32, 48):
            renderer = QSvgRenderer(QByteArray(svg))
            image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            renderer.render(painter)
            painter.end()
            icon.addPixmap(QPixmap.fromImage(image))
        return icon

    def _make_status_bar(self) -> None:
        self.counts_label = QLabel()
        self.zoom_label = QLabel()
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z:.0%}"))

    def _install_editors(self) -> None:
        from studio.editors import EDITORS

        for install in EDITORS:
            install(self)

    def _connect_panels(self) -> None:
        self.outline.tree.addAction(self.delete_action)
        self.outline.selection_changed.connect(self._outline_selected)
        self.problems.element_activated.connect(self.reveal)
        self.problems.finding_activated.connect(self.open_finding_editor)
        self.inspector.editor_requested.connect(self.open_editor)
        self.review_bar.save_as_requested.connect(self.save_as)
        self.review_bar.report_requested.connect(self.export_review_report)
        QGuiApplication.clipboard().dataChanged.connect(self._update_edit_actions)

    # ------------------------------------------------------------------ documents

    def set_document(self, document: Document, fit: bool = True) -> None:
        """Show ``document`` (the previous one is closed without asking); ``fit`` zooms to
        the whole design (a reload keeps the view where it was)."""
        self.cancel_task()
        old_scene, old_document = self.scene, self.document
        self.close_editor_tabs()
        if old_document is not None:
            self.undo_group.removeStack(old_document.undo_stack)
        self.document = document
        document.setParent(self)
        self.scene = DiagramScene(document, self)
        self.scene.kind_chooser = self.choose_relation_kind
        self.scene.selectionChanged.connect(self._scene_selected)
        self.scene.status_message.connect(lambda m: self.statusBar().showMessage(m, 6000))
        document.undo_stack.indexChanged.connect(self._stack_changed)
        self.view.setScene(self.scene)
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        document.modified_changed.connect(self._update_title)
        document.path_changed.connect(self._update_title)
        document.findings_changed.connect(self._update_counts)
        document.changed_on_disk.connect(self._file_changed_on_disk)
        for panel in (self.inspector, self.outline, self.problems):
            panel.set_document(document)
        self.review_bar.set_document(document, self.summary_action.isChecked())
        document.watch()
        self._apply_read_only(document.read_only)
        self._update_title()
        self._update_counts()
        if old_scene is not None:
            old_scene.detach()
            old_scene.deleteLater()
        if old_document is not None:
            self._release(old_document)
            old_document.deleteLater()
        self.document_changed.emit(document)
        if fit:
            QTimer.singleShot(0, self.view, self.view.fit)  # not after the window is gone

    def _release(self, document: Document) -> None:
        """Stop following a document that goes away: its signals must not reach a window
        whose widgets are being destroyed (the undo stack signals while it is deleted)."""
        if document.property("released"):
            return  # closed twice (close() then the test's or the app's own close)
        document.setProperty("released", True)
        document.close()
        recovery.clear_autosave(document)
        for signal, slot in ((document.undo_stack.indexChanged, self._stack_changed),
                             (document.modified_changed, self._update_title),
                             (document.path_changed, self._update_title),
                             (document.findings_changed, self._update_counts),
                             (document.changed_on_disk, self._file_changed_on_disk)):
            signal.disconnect(slot)

    def _stack_changed(self, _index: int) -> None:
        self._update_counts()

    # ------------------------------------------------------------------ editor tabs

    def open_tab(self, key: str, title: str, factory: Any) -> QWidget:
        """Show the editor tab ``key``, creating it with ``factory()`` the first time."""
        for index in range(1, self.tabs.count()):
            widget = self.tabs.widget(index)
            if widget.property("tabKey") == key:
                self.tabs.setCurrentIndex(index)
                return widget
        widget = factory()
        widget.setProperty("tabKey", key)
        # Editors are tables side by side: never let the docks squeeze them below this.
        widget.setMinimumSize(widget.minimumSize().expandedTo(EDITOR_MIN_SIZE))
        self.tabs.setCurrentIndex(self.tabs.addTab(widget, title))
        return widget

    def open_editor(self, kind: str, element_id: str, part: str | None = None) -> Any:
        """Open the ``kind`` editor tab (``api``, ``schema`` or ``queries``) of an element,
        at ``part`` (an endpoint or a query) when given; None if it cannot be opened."""
        from studio.editors.api import edit_api
        from studio.editors.query import open_queries
        from studio.editors.schema import open_schema_editor

        if self.document is None or element_id not in self.document.design:
            return None
        if kind == "api":
            editor = edit_api(self, element_id)
            if editor is not None and part is not None:
                editor.select_endpoint(part)
            return editor
        if kind == "schema":
            editor = open_schema_editor(self, element_id)
            if editor is not None and part is not None:
                editor.select_table(part)
            return editor
        if kind == "queries":
            return open_queries(self, element_id, part)
        return None

    def open_finding_editor(self, finding: Any) -> Any:
        """Open the editor of what a finding concerns when it is a datastore's query or table
        (``store.query``, ``store.table``) or a service's endpoint (``service.endpoint``)."""
        target = editor_target(self.document.design if self.document else None, finding)
        return self.open_editor(*target) if target is not None else None

    def close_tab(self, index: int) -> None:
        """Close an editor tab (the architecture canvas stays)."""
        if index <= 0:
            return
        widget = self.tabs.widget(index)
        self.tabs.removeTab(index)
        widget.deleteLater()

    def close_editor_tabs(self) -> None:
        """Close every editor tab (before another document is shown)."""
        while self.tabs.count() > 1:
            self.close_tab(self.tabs.count() - 1)

    def selected_ids(self) -> list[str]:
        """The ids of the elements selected on the canvas."""
        return self.scene.selected_element_ids() if self.scene is not None else []

    def _apply_read_only(self, read_only: bool) -> None:
        for action in (self.save_action, self.delete_action, self.connect_action,
                       self.layout_action, self.rename_action):
            action.setEnabled(not read_only)
        for button in self.palette_buttons.values():
            button.setEnabled(not read_only)
        self._update_edit_actions()

    def _update_edit_actions(self) -> None:
        """Cut/Copy/Duplicate need a selection, Paste a design on the clipboard; nothing
        that edits is enabled in a read-only document (Copy is: it only reads)."""
        editable = self.document is not None and not self.document.read_only
        selected = bool(self.selected_ids())
        self.copy_action.setEnabled(selected)
        self.cut_action.setEnabled(editable and selected)
        self.duplicate_action.setEnabled(editable and selected)
        mime = QGuiApplication.clipboard().mimeData()
        pasteable = mime is not None and (mime.hasFormat(clipboard.DESIGN_MIME) or mime.hasText())
        self.paste_action.setEnabled(editable and pasteable)

    def maybe_save(self) -> bool:
        """Ask Save / Discard / Cancel when there are unsaved changes; True to go on."""
        if self.document is None or not self.document.modified:
            return True
        answer = QMessageBox.warning(
            self, "Unsaved changes",
            f"Save the changes to “{self.document.display_name}” before closing it?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_document(self) -> bool:
        """Start an empty design (after asking about unsaved changes)."""
        if not self.maybe_save():
            return False
        self.set_document(Document(parent=self))
        return True

    def close_document(self) -> bool:
        """Close the design, leaving an empty one."""
        return self.new_document()

    def open_dialog(self) -> bool:
        """Ask for a file and open it."""
        if not self.maybe_save():
            return False
        start = str(self.document.path.parent) if self.document and self.document.path else ""
        name, _ = QFileDialog.getOpenFileName(self, "Open design", start, FILE_FILTER)
        return bool(name) and self.open_path(Path(name), ask=False)

    def open_path(self, path: Path, review: bool = False, ask: bool = True) -> bool:
        """Open ``path``; load problems are listed in a dialog. Returns whether it opened."""
        path = Path(path)
        if not path.is_file():  # before asking about unsaved changes: nothing would open
            self._cannot_open(path, "is a folder, not a design file" if path.is_dir()
                              else "does not exist")
            return False
        if ask and not self.maybe_save():
            return False
        try:
            document = Document.open(path, read_only=review, parent=self)
        except LoadError as exc:
            if _read_failure(exc):  # loading reports I/O errors as a problem at 1:1
                self._cannot_open(path, "cannot be read: "
                                  + exc.problems[0].message.partition(": ")[2])
            else:
                show_load_problems(self, path, exc)
            return False
        except OSError as exc:
            QMessageBox.critical(self, "Cannot open", f"Cannot open {path}: {exc.strerror or exc}")
            return False
        self.set_document(document)
        self._add_recent(Path(path))
        return True

    def _cannot_open(self, path: Path, reason: str) -> None:
        """Say why ``path`` did not open; a recent file that is gone leaves the recent list."""
        message = f"{path} {reason}."
        recent = self._recent()
        if not path.exists() and str(path.resolve()) in recent:
            recent.remove(str(path.resolve()))
            self.settings.setValue("recentFiles", recent)
            self._update_recent_menu()
            message += "\n\nIt was removed from the recent files."
        QMessageBox.critical(self, "Cannot open design", message)

    def save(self) -> bool:
        """Save to the document's file (asks for a name the first time)."""
        document = self.document
        if document is None:
            return False
        if document.path is None or document.read_only:
            return self.save_as()
        if document.disk_conflict() and not self._confirm_overwrite(document.path):
            return False
        return self._save_to(document.path)

    def _confirm_overwrite(self, path: Path) -> bool:
        """The file changed on disk since it was opened: overwrite it only if the user says."""
        answer = QMessageBox.warning(
            self, "File changed on disk",
            f"“{path.name}” was changed on disk after you opened it (by another program or "
            "a version-control checkout).\n\nOverwrite it with your version? The other "
            "changes will be lost. Choose Save As… to keep both.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Save

    def _file_changed_on_disk(self) -> None:
        """A clean document reloads silently; a modified one asks what to do."""
        document = self.document
        if document is None or document.path is None or self.sender() is not document:
            return
        if self.property("askingReload"):
            return  # the question is on screen already (the file may change again meanwhile)
        if document.modified:
            self.setProperty("askingReload", True)
            try:
                keep = not self._ask_reload(document)
            finally:
                self.setProperty("askingReload", False)
            if keep:
                document.keep_mine()
                return
        self.reload()

    def _ask_reload(self, document: Document) -> bool:
        """Whether to reload a modified document whose file changed on disk."""
        box = QMessageBox(QMessageBox.Icon.Warning, "File changed on disk",
                          f"“{document.display_name}” was changed on disk, and you have "
                          "unsaved changes.", parent=self)
        box.setInformativeText("Reload it and discard your changes, or keep your "
                               "version (saving will then ask before overwriting the file)?")
        reload = box.addButton("Reload (discard changes)",
                               QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep mine", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter or Escape never discards work
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is reload

    def reload(self) -> bool:
        """Read the document's file again, keeping the view's zoom and position."""
        document = self.document
        if document is None or document.path is None:
            return False
        try:
            fresh = Document.open(document.path, read_only=document.read_only, parent=self)
        except (LoadError, OSError) as exc:
            self.statusBar().showMessage(f"{document.display_name} changed on disk but cannot "
                                         f"be read: {str(exc).splitlines()[0]}", 8000)
            document.keep_mine()
            return False
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        zoom, selected = self.view.zoom, self.selected_ids()
        self.set_document(fresh, fit=False)
        self.view.set_zoom(zoom)
        self.view.centerOn(centre)
        self.scene.select_ids(selected)
        self.statusBar().showMessage(f"Reloaded {fresh.display_name}: it changed on disk", 6000)
        return True

    def save_as(self) -> bool:
        """Save under a new name; a read-only review becomes an editable copy."""
        document = self.document
        if document is None:
            return False
        start = str(document.path) if document.path else "design.yaml"
        name, _ = QFileDialog.getSaveFileName(self, "Save design as", start, FILE_FILTER)
        if not name:
            return False
        if not self._save_to(Path(name)):
            return False
        if document.read_only:
            self.open_path(Path(name), ask=False)
        return True

    def _save_to(self, path: Path) -> bool:
        try:
            self.document.save(path)
        except SaveError as exc:
            QMessageBox.critical(self, "Save failed",
                                 f"{exc.strerror or exc}\n\nThe design is still open with its "
                                 "undo history; the file on disk was not changed.")
            return False
        recovery.clear_autosave(self.document)
        self._add_recent(path)
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def autosave(self) -> None:
        """Write the autosave copy of a modified document (never over the user's file)."""
        if self.document is None:
            return
        try:
            recovery.write_autosave(self.document)
        except OSError as exc:
            self.statusBar().showMessage(f"Autosave failed: {exc}", 6000)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.cancel_task()
        if self.document is not None:
            self._release(self.document)
        self._save_settings()
        event.accept()

    # ------------------------------------------------------------------ editing

    def delete_selection(self) -> None:
        """Delete the canvas selection (one undo step)."""
        if self.scene is not None:
            self.scene.delete_selection()

    def copy(self) -> bool:
        """Put the selected elements and the relations among them on the clipboard."""
        ids = self.selected_ids()
        if self.document is None or not ids:
            return False
        part = clipboard.selection_design(self.document.design, ids)
        QGuiApplication.clipboard().setMimeData(clipboard.to_mime(part))
        self.statusBar().showMessage(f"Copied {len(ids)} element{'s' * (len(ids) != 1)}", 3000)
        return True

    def cut(self) -> bool:
        """Copy, then delete the selection and its relations (one undo step).

        Nothing is deleted unless the clipboard reads back with every cut element on it (a
        clipboard that another program holds, or that refuses the data, would lose them)."""
        if not self._editable() or not self.copy():
            return False
        ids = self.selected_ids()
        try:
            clip = clipboard.design_from_mime(QGuiApplication.clipboard().mimeData(),
                                              self.document.design)
        except LoadError:
            clip = None
        if clip is None or set(clip.pasted_ids()) != set(ids):
            self.statusBar().showMessage("Cut cancelled: the clipboard did not take the "
                                         "elements, nothing was deleted", 8000)
            return False
        command = RemoveElements(self.document.design, ids)
        command.setText(f"Cut {command.text().removeprefix('Delete ')}")
        return self.scene.push(command)

    def paste(self) -> list[str]:
        """Add the clipboard's elements under fresh ids and select them (one undo step).

        References to elements that are neither pasted nor in this design are dropped from
        the copies, and the status bar says which."""
        if not self._editable():
            return []
        try:
            clip = clipboard.design_from_mime(QGuiApplication.clipboard().mimeData(),
                                              self.document.design)
        except LoadError as exc:
            problem = exc.problems[0].message if exc.problems else str(exc)
            self.statusBar().showMessage(f"The clipboard's design cannot be read: {problem}",
                                         8000)
            return []
        if clip is None:
            self.statusBar().showMessage("The clipboard holds no design elements", 4000)
            return []
        pasted = self._add_copies(clip, "Paste")
        if pasted and clip.dropped:
            self.statusBar().showMessage(_dropped_message(len(pasted), clip.dropped), 12000)
        return pasted

    def duplicate(self) -> list[str]:
        """Copy the selected elements next to themselves, leaving the clipboard alone."""
        ids = self.selected_ids()
        if self.document is None or not ids:
            return []
        part = clipboard.selection_design(self.document.design, ids)
        return self._add_copies(clipboard.Clip(part), "Duplicate")

    def _add_copies(self, clip: clipboard.Clip, verb: str) -> list[str]:
        if not self._editable():
            return []
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        command = clipboard.paste_command(self.document.design, clip,
                                          (centre.x(), centre.y()), verb)
        count = len(command.elements)
        command.setText(f"{verb} {next(iter(command.elements))}" if count == 1
                        else f"{verb} {count} elements")
        if not self.scene.push(command):
            return []
        self.scene.select_ids(command.elements)
        first = self.scene.elements.get(next(iter(command.elements)))
        if first is not None:
            self.view.ensureVisible(first, 40, 40)
        return list(command.elements)

    def _editable(self) -> bool:
        return (self.document is not None and not self.document.read_only
                and self.scene is not None)

    def select_all(self) -> None:
        """Select every element."""
        if self.scene is not None:
            self.scene.select_ids(self.scene.elements)

    def find(self) -> None:
        """Focus the outline's search field."""
        self.docks["outline"].show()
        self.docks["outline"].raise_()
        self.outline.search.setFocus()
        self.outline.search.selectAll()

    def set_connect_mode(self, on: bool) -> None:
        """Switch the Connect tool on or off."""
        if self.scene is None:
            return
        self.scene.connect_mode = on
        self.scene.set_item_flags_movable(not on)
        self.view.setDragMode(self.view.DragMode.NoDrag if on else
                              self.view.DragMode.RubberBandDrag)
        self.view.viewport().setCursor(Qt.CursorShape.CrossCursor if on else
                                       Qt.CursorShape.ArrowCursor)
        if on:
            self.statusBar().showMessage("Connect: drag from one element to another", 5000)

    def choose_relation_kind(self, kinds: list[RelationKind], pos: QPoint) -> RelationKind | None:
        """Ask which relation to create, in a menu at the drop point."""
        menu = QMenu(self)
        for kind in kinds:
            action = menu.addAction(kind.value)
            action.setData(kind)
        chosen = menu.exec(pos)
        return chosen.data() if chosen else None

    def auto_layout(self) -> Task | None:
        """Lay the design out in a worker (Graphviz ``dot`` when installed and the design is
        not huge, the layered layout otherwise); the result is one undo step.

        The worker reads a snapshot; if the elements changed meanwhile, positions of elements
        that no longer exist are dropped and new ones keep theirs.
        """
        if not self._editable() or self._busy() or not len(self.document.design):
            return None
        design, size = self.document.design.copy(), (style.ELEMENT_WIDTH, style.ELEMENT_HEIGHT)

        def work(token: CancelToken) -> dict[str, tuple[float, float]]:
            token.progress(0, 0, f"Laying out {len(design)} elements…")
            if len(design) > DOT_MAX_ELEMENTS:
                return layered_layout(design)
            return compute_layout(design, size, token.add_process)

        return self._start_task("Auto-layout…", work, self._apply_layout)

    def _apply_layout(self, positions: dict[str, tuple[float, float]]) -> None:
        design = self.document.design if self.document else None
        positions = {eid: pos for eid, pos in positions.items() if design and eid in design}
        if design is None or not positions:
            return
        self.document.undo_stack.push(SetPositions(design, positions))
        self.view.fit()

    def _start_task(self, title: str, work: Any, done: Any) -> Task:
        def failed(error: BaseException) -> None:
            QMessageBox.critical(self, title.rstrip("…"), f"{title.rstrip('…')} failed: {error}")

        task = run_with_progress(self, title, work, done, failed)
        self.task = task
        task.ended.connect(lambda: setattr(self, "task", None))
        task.cancelled.connect(lambda: self.statusBar().showMessage(
            f"{title.rstrip('…')} cancelled", 4000))
        return task

    def _busy(self) -> bool:
        """Whether an auto-layout or export is running (one at a time); says so."""
        if self.task is not None:
            self.statusBar().showMessage("Wait for the running task to finish, or cancel it",
                                         4000)
        return self.task is not None

    def cancel_task(self) -> None:
        """Cancel the running auto-layout or export (its result is dropped)."""
        if self.task is not None:
            self.task.cancel()

    # ------------------------------------------------------------------ selection sync

    def _tab_changed(self, index: int) -> None:
        """The Inspector shows the element an editor tab edits (``api:<id>``, ``schema:<id>``,
        ``queries:<id>``), and the canvas selection again on the canvas tab."""
        if self.document is None or self.scene is None:
            return
        key = str(self.tabs.widget(index).property("tabKey") or "") if index > 0 else ""
        element_id = key.partition(":")[2]
        if element_id and element_id in self.document.design.graph:
            self.inspector.show_element(element_id)
        elif index == 0:
            self._scene_selected()

    def _scene_selected(self) -> None:
        ids = self.scene.selected_element_ids() if self.scene else []
        keys = self.scene.selected_relation_keys() if self.scene else []
        if not ids and len(keys) == 1:
            self.inspector.show_relation(keys[0])
        else:
            self.inspector.show_element(ids[0] if len(ids) == 1 else None, len(ids))
        self.outline.select_ids(ids)
        self._update_edit_actions()

    def _outline_selected(self, ids: list[str]) -> None:
        if self.scene is None:
            return
        self.scene.select_ids(ids)
        if ids and ids[0] in self.scene.elements:
            self.view.ensureVisible(self.scene.elements[ids[0]], 40, 40)

    def reveal(self, element_path: str) -> bool:
        """Select and centre the element a finding concerns."""
        if self.scene is None:
            return False
        target = finding_target(element_path, self.scene.elements)
        if target is None:
            self.statusBar().showMessage(f"{element_path} is not on the canvas", 4000)
            return False
        self.scene.select_ids([target])
        self.view.centerOn(self.scene.elements[target])
        return True

    # ------------------------------------------------------------------ title, status

    def _update_title(self) -> None:
        document = self.document
        if document is None:
            return
        suffix = " (review, read-only)" if document.read_only else ""
        self.setWindowTitle(f"{document.display_name}[*]{suffix} — archstudio")
        self.setWindowModified(document.modified)

    def _update_counts(self) -> None:
        document = self.document
        if document is None:
            return
        design = document.design
        relations = design.graph.number_of_edges()
        text = f"{len(design)} elements · {relations} relations"
        if document.checking:
            text += " · checking…"
        elif document.has_checker:
            errors = sum(f.severity.value == "error" for f in document.findings)
            warnings = sum(f.severity.value == "warning" for f in document.findings)
            text += f" · {severity_count('error', errors)} · {severity_count('warning', warnings)}"
        self.counts_label.setText(text)

    # ------------------------------------------------------------------ export

    def export(self, exporter: Any, folder: str | None = None) -> Task | None:
        """Run ``exporter`` in a worker and write its files into a folder the user picks.

        The exporter reads a snapshot, so the user can keep working; Cancel drops the result
        before anything is written (files are written atomically, one by one, after it).
        """
        from exporters.base import ExportOptions

        if self.document is None or self._busy():
            return None
        folder = folder or QFileDialog.getExistingDirectory(self, f"Export {exporter.title} to")
        if not folder:
            return None
        review = self.document.findings if getattr(exporter, "needs_review", False) else ()
        design, options = self.document.design.copy(), ExportOptions(review=tuple(review))
        return self._start_task(f"Exporting {exporter.title}…",
                                lambda token: write_files(token, Path(folder),
                                                          lambda: exporter.export(design,
                                                                                  options)),
                                lambda count: self._exported(count, folder))

    def export_review_report(self, folder: str | None = None) -> Task | None:
        """Write the design document with its quality review into a folder the user picks."""
        if self.document is None or self._busy():
            return None
        folder = folder or QFileDialog.getExistingDirectory(self, "Export review report to")
        if not folder:
            return None
        design, findings = self.document.design.copy(), tuple(self.document.findings)
        return self._start_task("Exporting the review report…",
                                lambda token: write_files(token, Path(folder),
                                                          lambda: review_report(design,
                                                                                findings)),
                                lambda count: self._exported(count, folder))

    def _exported(self, count: int, folder: str) -> None:
        self.statusBar().showMessage(f"Exported {count} file{'s' * (count != 1)} to {folder}",
                                     6000)

    def _toggle_summary(self, on: bool) -> None:
        self.settings.setValue("view/reviewSummary", on)
        self.review_bar.show_summary(on)

    # ------------------------------------------------------------------ help

    def show_reference(self, title: str, markdown: str) -> QDialog:
        """Show generated reference documentation."""
        dialog = QDialog(self)
        dialog.setWindowTitle(title)
        browser = QTextBrowser()
        browser.setOpenExternalLinks(True)
        browser.setMarkdown(markdown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        dialog.resize(760, 640)
        dialog.show()
        return dialog

    def about(self) -> None:
        """The About box."""
        QMessageBox.about(self, "About archstudio",
                          "<h3>archstudio</h3><p>Design, review and export software "
                          "architectures: services, datastores, queues and their relations, "
                          "checked against the architect's rules.</p>")

    # ------------------------------------------------------------------ settings

    def _add_recent(self, path: Path) -> None:
        recent = [str(path.resolve())] + [p for p in self._recent() if p != str(path.resolve())]
        self.settings.setValue("recentFiles", recent[:MAX_RECENT])
        self._update_recent_menu()

    def _recent(self) -> list[str]:
        value = self.settings.value("recentFiles", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        for name in self._recent():
            self.recent_menu.addAction(name, lambda n=name: self.open_path(Path(n)))
        self.recent_menu.setEnabled(bool(self._recent()))

    def _save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())

    def _fit_to_screen(self) -> None:
        """The first time, take most of the screen: diagrams need room."""
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else None
        if area is None or area.width() < 800:
            self.resize(1280, 800)
            return
        self.resize(int(area.width() * 0.96), int(area.height() * 0.94))
        self.move(area.center() - self.rect().center())

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)


def editor_target(design: Any, finding: Any) -> tuple[str, str, str] | None:
    """(editor kind, element id, part) of the editor a finding's element path points into:
    ``queries`` for ``store.query`` (ARC8xx), ``schema`` for ``store.table``, ``api`` for
    ``service.endpoint``."""
    owner, _, part = str(getattr(finding, "element", "")).partition(".")
    if design is None or not part or owner not in design:
        return None
    element = design.element(owner)
    if isinstance(element, Datastore) and element.engine.is_sql and part in element.queries:
        return "queries", owner, part
    if isinstance(element, Datastore) and element.engine.is_sql and part in element.tables:
        return "schema", owner, part
    if isinstance(element, Service) and part in element.endpoints:
        return "api", owner, part
    return None


def write_files(token: CancelToken, folder: Path, produce: Any) -> int:
    """Run ``produce()`` (an exporter) and write its ``{path: content}`` atomically under
    ``folder``, unless cancelled first; returns the number of files (worker side)."""
    token.progress(0, 0, "Generating…")
    files = produce()
    token.check()
    for done, (relative, content) in enumerate(sorted(files.items()), 1):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, content.encode("utf-8") if isinstance(content, str) else content)
        token.progress(done, len(files), f"Writing {relative}")
    return len(files)


def _read_failure(error: LoadError) -> bool:
    """Whether loading failed reading the file (permissions...), not on its content."""
    return (len(error.problems) == 1
            and error.problems[0].message.startswith("cannot read the file"))


def _dropped_message(count: int, dropped: tuple[str, ...]) -> str:
    """The status line of a paste whose copies lost references to unknown elements."""
    shown = ", ".join(dropped[:3]) + (f" and {len(dropped) - 3} more" if len(dropped) > 3 else "")
    return (f"Pasted {count} element{'s' * (count != 1)}; dropped {len(dropped)} "
            f"reference{'s' * (len(dropped) != 1)} to elements not in this design: {shown}")


def show_load_problems(parent: QWidget | None, path: Path, error: LoadError) -> None:
    """A dialog listing every ``file:line:col`` problem of a file that failed to load."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Cannot open design")
    count = len(error.problems)
    box.setText(f"{path.name} is not a valid design ({count} problem{'s' * (count != 1)}).")
    shown = error.problems[:12]
    more = f"\n… and {count - len(shown)} more" if count > len(shown) else ""
    box.setInformativeText("\n".join(str(p) for p in shown) + more)
    box.setDetailedText(load_problems_text(error))
    box.exec()
