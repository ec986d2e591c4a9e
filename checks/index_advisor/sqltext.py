"""Split SQL text into statements while keeping where each one starts.

The splitter uses sqlglot's tokenizer, so semicolons inside strings, comments and
dollar-quoted bodies never split a statement. Positions are 1-based line and column
numbers in the original file, so every error can be reported as ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

#: Nesting deeper than this is refused before sqlglot parses the text; real queries stay
#: far below it and sqlglot's recursive descent parser would exhaust the stack long after.
MAX_NESTING = 100


@dataclass(frozen=True)
class Chunk:
    """One statement's text and where it starts in its file.

    Attributes:
        text: The statement text without the terminating semicolon.
        offset: Character offset of the first character of ``text`` in the file.
        line: 1-based line of the first character.
        col: 1-based column of the first character.
    """

    text: str
    offset: int
    line: int
    col: int


class SqlTextError(ValueError):
    """Text that cannot be split or is refused; carries a 1-based position."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def blank_meta_commands(text: str) -> tuple[str, list[tuple[int, str]]]:
    r"""Blank psql meta-command lines (``\c db``) keeping offsets; return them as notes."""
    lines = text.split("\n")
    found: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("\\"):
            found.append((number, line.strip()))
            lines[number - 1] = " " * len(line)
    return "\n".join(lines), found


def max_paren_depth(text: str) -> tuple[int, int]:
    """Return the deepest parenthesis nesting and the offset where it is first reached.

    A cheap character scan that skips quoted strings and comments, so that absurdly
    deep input is refused before any parser recursion.
    """
    depth = best = best_at = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            end = text.find(ch, i + 1)
            i = n if end < 0 else end + 1
            continue
        if text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "(":
            depth += 1
            if depth > best:
                best, best_at = depth, i
        elif ch == ")":
            depth -= 1
        i += 1
    return best, best_at


def check_nesting(text: str, base_offset: int = 0, source: str = "") -> None:
    """Raise :class:`SqlTextError` when ``text`` nests deeper than :data:`MAX_NESTING`."""
    depth, at = max_paren_depth(text)
    if depth > MAX_NESTING:
        line, col = line_col(source or text, base_offset + at)
        raise SqlTextError(
            f"nesting depth {depth} exceeds the limit of {MAX_NESTING}; refusing to parse",
            line,
            col,
        )


def split_statements(
    text: str, dialect: str, base_offset: int = 0, source: str = ""
) -> list[Chunk]:
    """Split ``text`` on top-level semicolons.

    Args:
        text: SQL text.
        dialect: sqlglot dialect name used to tokenize.
        base_offset: Offset of ``text`` inside ``source`` (for positions).
        source: The whole file, when ``text`` is a slice of it.

    Raises:
        SqlTextError: When the text cannot be tokenized.
    """
    source = source or text
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(text)
    except TokenError as error:
        line, col = line_col(source, base_offset)
        raise SqlTextError(f"cannot tokenize SQL: {error}", line, col) from error
    chunks: list[Chunk] = []
    first: int | None = None
    last = 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if first is not None:
                chunks.append(_chunk(text, first, last, base_offset, source))
            first = None
            continue
        first = token.start if first is None else first
        last = token.end
    if first is not None:
        chunks.append(_chunk(text, first, last, base_offset, source))
    return chunks


def _chunk(text: str, first: int, last: int, base_offset: int, source: str) -> Chunk:
    line, col = line_col(source, base_offset + first)
    return Chunk(text[first : last + 1], base_offset + first, line, col)
