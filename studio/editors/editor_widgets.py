"""Small widgets the query and decision editors share: list buttons and colour dots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QToolButton

__all__ = ["button_row", "colour_dot", "tool_button"]


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
