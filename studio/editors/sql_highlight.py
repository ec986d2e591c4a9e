"""SQL syntax highlighting and parse-error positions for the query editor.

Keywords come from sqlglot's tokenizer for the datastore's dialect (the same vocabulary the
index advisor parses with), so a word is coloured as a keyword exactly when sqlglot reads it
as one. Block comments may span lines (the block state carries them over).
"""

from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtCore import QRegularExpression, QRegularExpressionMatch
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

__all__ = ["SqlHighlighter", "error_span", "sql_keywords"]

_IN_COMMENT = 1
_WORD = re.compile(r"[A-Za-z_][A-Za-z_0-9$]*")
_STYLE = {  # colour, bold, italic
    "keyword": ("#1f5fbf", True, False),
    "function": ("#7a3fb0", False, False),
    "string": ("#2e7d32", False, False),
    "number": ("#b35c00", False, False),
    "parameter": ("#00838f", False, False),
    "comment": ("#7b8794", False, True),
}


@lru_cache(maxsize=8)
def sql_keywords(dialect: str = "postgres") -> frozenset[str]:
    """The upper-case keywords of ``dialect``'s sqlglot tokenizer (multi-word ones split)."""
    from sqlglot.dialects.dialect import Dialect

    words = Dialect.get_or_raise(dialect).tokenizer_class.KEYWORDS
    return frozenset(part for key in words for part in key.split() if _WORD.fullmatch(part))


def _format(name: str) -> QTextCharFormat:
    colour, bold, italic = _STYLE[name]
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.DemiBold)
    fmt.setFontItalic(italic)
    return fmt


class SqlHighlighter(QSyntaxHighlighter):
    """Keywords, function names, strings, numbers, ``$1`` parameters and comments."""

    _TOKENS = QRegularExpression(
        r"(?<comment>--[^\n]*)|(?<string>'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?)"
        r"|(?<parameter>\$\d+|:[A-Za-z_]\w*|\?)"
        r"|(?<number>\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b)"
        r"|(?<word>[A-Za-z_][A-Za-z_0-9$]*)(?<call>\s*\()?"
        r"|(?<block>/\*)"
    )

    def __init__(self, document: QTextDocument, dialect: str = "postgres") -> None:
        super().__init__(document)
        self.keywords = sql_keywords(dialect)
        self.formats = {name: _format(name) for name in _STYLE}

    def set_dialect(self, dialect: str) -> None:
        """Highlight with ``dialect``'s keywords from now on."""
        keywords = sql_keywords(dialect)
        if keywords != self.keywords:
            self.keywords = keywords
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        start = 0
        if self.previousBlockState() == _IN_COMMENT:
            start = self._block_comment(text, 0)
        self.setCurrentBlockState(_IN_COMMENT if start < 0 else 0)
        while 0 <= start < len(text):
            match = self._TOKENS.match(text, start)
            if not match.hasMatch():
                return
            start = self._apply(text, match)

    def _apply(self, text: str, match: QRegularExpressionMatch) -> int:
        """Format one token; the offset to continue from (-1 inside an open block comment)."""
        for name in ("comment", "string", "parameter", "number"):
            if match.capturedStart(name) >= 0:
                self.setFormat(match.capturedStart(name), match.capturedLength(name),
                               self.formats[name])
                return match.capturedEnd(name)
        if match.capturedStart("block") >= 0:
            end = self._block_comment(text, match.capturedStart("block"))
            self.setCurrentBlockState(_IN_COMMENT if end < 0 else 0)
            return end
        word = match.captured("word")
        if word.upper() in self.keywords:
            kind = "keyword"
        elif match.capturedStart("call") >= 0:
            kind = "function"
        else:
            return match.capturedEnd("word")
        self.setFormat(match.capturedStart("word"), len(word), self.formats[kind])
        return match.capturedEnd("word")

    def _block_comment(self, text: str, start: int) -> int:
        """Format a ``/* ... */`` from ``start``; the offset after it, or -1 if still open."""
        end = text.find("*/", start + (2 if text.startswith("/*", start) else 0))
        stop = len(text) if end < 0 else end + 2
        self.setFormat(start, stop - start, self.formats["comment"])
        return -1 if end < 0 else stop


def error_span(text: str, line: int, col: int, message: str = "") -> tuple[int, int]:
    """The character range ``[start, end)`` in ``text`` to underline for a parse error.

    sqlglot reports the 1-based line and the column where the offending token *ends*; the
    span is that token (the word ending there, or the single character). A tokenizer error
    (an unterminated string or quoted name) has no position: the span runs from the last
    opening quote to the end.
    """
    if "tokeniz" in message.lower():
        quote = max(text.rfind("'"), text.rfind('"'))
        return (quote, len(text)) if quote >= 0 else (0, len(text))
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    offset = sum(len(x) + 1 for x in lines[: line - 1])
    row = lines[line - 1]
    end = min(max(col, 1), len(row))
    start = end - 1
    while start > 0 and (row[start - 1].isalnum() or row[start - 1] == "_") and (
            row[start].isalnum() or row[start] == "_"):
        start -= 1
    if not row:
        return offset, offset
    return offset + start, offset + end
