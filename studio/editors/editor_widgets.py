"""Small pieces the query and decision editors share: list buttons, colour dots, and the
filter that hands Ctrl+Z/Ctrl+Shift+Z in text fields to the document's undo stack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

__all__ = ["UndoToDocument", "button_row", "colour_dot", "tool_button"]


class UndoToDocument(QObject):
    """Lets Undo/Redo key presses in text fields reach the window's Undo/Redo actions.

    Text widgets claim those shortcuts for their own, per-widget undo; in an editor whose
    every keystroke is already a (merged) command on the document's stack, that private
    history would desynchronise the field from the model. The filter declines the shortcut
    override, so the window's actions (bound to the document's undo stack) handle the key.
    """

    def watch(self, *widgets: QWidget) -> None:
        """Filter ``widgets``' events."""
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)):
            event.ignore()
            return True
        return super().eventFilter(watched, event)


def tool_button(text: str, icon: str, tip: str, slot: Callable[[], Any]) -> QToolButton:
    """A flat button with a theme icon (when the theme has one) and its text beside it."""
    button = QToolButton(text=text, toolTip=tip, autoRaise=True)
    button.setIcon(QIcon.fromTheme(icon))
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.clicked.connect(slot)
    return button


def button_row(*buttons: QToolButton) -> QHBoxLayout:
    """The buttons side by side, packed to the left."""
    row = QHBoxLayout()
    row.setSpacing(0)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def colour_dot(colour: str, size: int = 10) -> QIcon:
    """A filled circle of ``colour``: a status marker in lists."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.end()
    return QIcon(pixmap)
