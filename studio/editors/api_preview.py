"""The API editor's live OpenAPI preview and the list of problems under it.

The preview is rebuilt from the design a moment after the last edit (debounced, so typing
stays fluid) with the OpenAPI exporter's own per-service document builder, shown as YAML in a
read-only monospace viewer. openapi-spec-validator (about 100 ms for a service of a few
endpoints) runs on a worker thread; its errors are mapped back to the endpoint whose operation
they point into.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from models.design import Design
from models.elements import Service
from studio.editors.api_detail import monospace
from studio.editors.api_edits import Problem
from studio.editors.api_table import severity_icon
from studio.workers import Task

__all__ = ["PREVIEW_DELAY_MS", "OpenApiPreview", "validate_document", "validator_problems"]

#: Quiet time after the last edit before the preview is rebuilt.
PREVIEW_DELAY_MS = 300
VALIDATOR = "OpenAPI"
#: Semantic errors carry no document path but name the operation in their message.
_OPERATION_IN_MESSAGE = re.compile(r"for '(?P<method>\w+)' operation in '(?P<path>[^']+)'")


class _NoRemoteRefs(Exception):
    """A ``$ref`` tried to leave the document."""


def _refuse(uri: str) -> Any:
    raise _NoRemoteRefs(uri)


def validate_document(document: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """openapi-spec-validator's errors as (path into the document, message).

    Remote and file ``$ref`` resolution is refused, as in the exporter's tests.
    """
    from jsonschema_path import SchemaPath
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    handlers = {scheme: _refuse for scheme in ("<all_urls>", "http", "https", "file")}
    try:
        path = SchemaPath.from_dict(document, handlers=handlers)
        return [(tuple(error.absolute_path), error.message)
                for error in OpenAPIV31SpecValidator(path).iter_errors()]
    except Exception as exc:  # the validator itself failed: report it, never crash the GUI
        return [((), f"the validator failed: {exc}")]


def validator_problems(errors: Sequence[tuple[tuple[Any, ...], str]],
                       operations: dict[tuple[str, str], str]) -> list[Problem]:
    """Validator errors as problems of the endpoint whose operation they point into."""
    problems = []
    for path, message in errors:
        endpoint = ""
        if len(path) >= 3 and path[0] == "paths":
            endpoint = operations.get((str(path[1]), str(path[2])), "")
        elif match := _OPERATION_IN_MESSAGE.search(message):
            endpoint = operations.get((match["path"], match["method"].lower()), "")
        where = "/".join(str(p) for p in path)
        problems.append(Problem("error", VALIDATOR, endpoint, message,
                                f"at {where}" if where else ""))
    return problems


class _YamlHighlighter(QSyntaxHighlighter):
    """Keys, strings, numbers, ``$ref`` targets and list dashes of the YAML preview."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.rules: list[tuple[QRegularExpression, QTextCharFormat]] = []
        for pattern, color, bold in (
            (r"^\s*(?:- )?[^:#'\"\s][^:#]*(?=:(\s|$))", "#1f5fa8", False),
            (r"^\s*(?:- )?(?:get|put|post|delete|patch|head|options)(?=:$)", "#b3261e", True),
            (r"^\s*/[^:]*(?=:$)", "#7a3fb0", True),
            (r"'[^']*'|\"[^\"]*\"", "#2f7d32", False),
            (r"(?<=: )-?\d+(\.\d+)?$", "#b35c00", False),
            (r"(?<=: )(true|false|null)$", "#b35c00", False),
            (r"#/components/\S+", "#00838f", False),
            (r"^\s*- ", "#888888", False),
        ):
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(color))
            if bold:
                fmt.setFontWeight(700)
            self.rules.append((QRegularExpression(pattern), fmt))

    def highlightBlock(self, text: str) -> None:
        for expression, fmt in self.rules:
            matches = expression.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), fmt)


class OpenApiPreview(QWidget):
    """The service's OpenAPI document as YAML, its validity, and the problems list.

    Signals:
        validated(object): the validator's problems for the latest document (list of Problem).
        problem_activated(str): a problem was clicked; the endpoint id it concerns.
    """

    validated = Signal(object)
    problem_activated = Signal(str)

    def __init__(self, design: Design, service_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.design, self.service_id = design, service_id
        self.generation = 0
        self.operations: dict[tuple[str, str], str] = {}
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_now)
        self.title = QLabel()
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setFont(monospace())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setObjectName("openapiPreview")
        self._highlighter = _YamlHighlighter(self.text.document())
        self.problems = QListWidget()
        self.problems.setAlternatingRowColors(True)
        self.problems.setWordWrap(True)
        self.problems.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.itemActivated.connect(self._activated)
        self.problems.itemClicked.connect(self._activated)
        self.problems_title = QLabel()
        self._layout()

    def _layout(self) -> None:
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 4, 0, 0)
        bottom_layout.addWidget(self.problems_title)
        bottom_layout.addWidget(self.problems)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.text)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 180])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.verdict)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------------ updating

    def schedule(self) -> None:
        """Rebuild after :data:`PREVIEW_DELAY_MS` of quiet (each call restarts the wait)."""
        self._timer.start()

    @property
    def pending(self) -> bool:
        """Whether a rebuild is scheduled."""
        return self._timer.isActive()

    def update_now(self) -> None:
        """Rebuild the document now and validate it on a worker thread."""
        from exporters.base import ExportError
        from exporters.openapi import dump, openapi_document

        self._timer.stop()
        self.generation += 1
        service = self.design.element(self.service_id) if self.service_id in self.design else None
        if not isinstance(service, Service):
            self._show_text("")
            return
        self.title.setText(f"<b>OpenAPI 3.1 preview</b> &nbsp;<span style='color:gray'>"
                           f"{self.service_id}.yaml</span>")
        self.title.setToolTip("The document File › Export › OpenAPI writes for this service")
        try:
            document = openapi_document(self.design, self.service_id)
        except ExportError as exc:
            self._set_verdict("error", f"Cannot export: {exc}")
            self.text.setStyleSheet("QPlainTextEdit { color: gray; }")
            self.validated.emit([])
            return
        self.text.setStyleSheet("")
        self.operations = {(e.path, e.method.value.lower()): eid
                           for eid, e in service.endpoints.items()}
        self._show_text(dump(document))
        self._set_verdict("pending", "Validating…")
        self._validate_in_worker(document)

    def _validate_in_worker(self, document: dict[str, Any]) -> Task:
        """Validate ``document`` in the thread pool; the result comes back to
        :meth:`_validated` unless a newer document or the editor's closing overtook it.

        The worker emits on the task's own parentless signal object, which the running job
        keeps alive; the task itself is this widget's child, so closing the editor drops the
        connection (the late result goes nowhere) instead of leaving the worker a dead object.
        """
        task = Task(lambda _token: validate_document(document), self)
        task.finished.connect(partial(self._validated, self.generation))
        task.ended.connect(task.deleteLater)
        return task.start()

    def _show_text(self, text: str) -> None:
        if text == self.text.toPlainText():
            return
        bar = self.text.verticalScrollBar()
        position = bar.value()
        self.text.setPlainText(text)
        bar.setValue(position)

    def _validated(self, generation: int, errors: list[tuple[tuple[Any, ...], str]]) -> None:
        if generation != self.generation:
            return  # a newer document is on its way
        problems = validator_problems(errors, self.operations)
        if problems:
            count = len(problems)
            self._set_verdict("error", f"{count} OpenAPI validator error{'s' * (count != 1)} "
                                       "(openapi-spec-validator)")
        else:
            self._set_verdict("ok", "Valid OpenAPI 3.1 (openapi-spec-validator)")
        self.validated.emit(problems)

    def _set_verdict(self, state: str, text: str) -> None:
        color = {"ok": "#2f8f5b", "error": "#d64545"}.get(state, "gray")
        mark = {"ok": "✔", "error": "✖"}.get(state, "…")
        self.verdict.setText(f"<span style='color:{color}'>{mark} {text}</span>")
        self.verdict.setProperty("state", state)

    @property
    def verdict_state(self) -> str:
        """``ok``, ``error`` or ``pending``."""
        return str(self.verdict.property("state") or "pending")

    # ------------------------------------------------------------------ problems

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """List ``problems`` (most serious first)."""
        self.problems.clear()
        ordered = sorted(problems, key=lambda p: (-p.rank, p.endpoint or "~", p.code))
        for problem in ordered:
            where = problem.endpoint or "the whole service"
            item = QListWidgetItem(severity_icon(problem.severity),
                                   f"{problem.code} · {where}\n{problem.message}")
            item.setData(Qt.ItemDataRole.UserRole, problem.endpoint)
            item.setToolTip(problem.message + (f"\nFix: {problem.hint}" if problem.hint else ""))
            self.problems.addItem(item)
        count = len(ordered)
        self.problems_title.setText(f"<b>Problems</b> ({count})" if count else
                                    "<b>Problems</b> <span style='color:gray'>none: the "
                                    "review and the validator are happy</span>")

    def _activated(self, item: QListWidgetItem) -> None:
        endpoint = item.data(Qt.ItemDataRole.UserRole)
        if endpoint:
            self.problem_activated.emit(endpoint)

    def scroll_to(self, method: str, path: str) -> None:
        """Bring the operation ``method path`` to the top of the viewer."""
        text = self.text.toPlainText()
        match = re.search(rf"^  {re.escape(path)}:\n(?:    .*\n)*?    {method.lower()}:$",
                          text, re.MULTILINE)
        if match is None:
            return
        line = text.count("\n", 0, match.end())
        path_line = text.count("\n", 0, match.start())
        if line - path_line < 30:
            line = path_line  # show the path above its operation
        block = self.text.document().findBlockByNumber(line)
        cursor = QTextCursor(block)
        self.text.setTextCursor(cursor)
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.text.ensureCursorVisible()
