"""Split SQL text into statements while keeping where each one starts.

The splitter uses sqlglot's tokenizer, so semicolons inside strings, comments and
dollar-quoted bodies never split a statement. Positions are 1-based line and column
numbers in the original file, so every error can be reported as ``file:line:col``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
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


_TOKEN = re.compile(r"<Token token_type: TokenType\.(\w+), text: (.*?), line: \d+, col: \d+.*?>")
_CLASS = re.compile(r"<class '[\w.]*?(\w+)'>")
_BUT_GOT = re.compile(r"^Expected (.+?) but got (.*)$", re.DOTALL)
_EXPECTING = re.compile(r"^Expect(?:ed|ing) (.+)$", re.DOTALL)
_MISSING = re.compile(r"^Missing (.+) from \d+:(\d+)$")
_UNTERMINATED = {"'": "string", '"': "quoted name", "`": "quoted name", "]": "quoted name"}
END = "the end of the statement"


def parse_error_message(error: ParseError, text: str) -> tuple[str, int]:
    """A message for sqlglot's ``error`` on ``text`` and the offset of the problem in it.

    sqlglot's descriptions quote its own objects (``<Token token_type: ...>``, ``<class
    'sqlglot.expressions.core.Paren'>``); people get "expected a table name, found
    WHERE", "incomplete expression near )", "unexpected garbage". A missing part at the
    end of the text points just past its last token.
    """
    info = error.errors[0] if error.errors else {}
    description = str(info.get("description") or error).splitlines()[0]
    highlight = str(info.get("highlight") or "")
    offset = _token_offset(text, int(info.get("line") or 1), int(info.get("col") or 1), highlight)
    last = not text[offset + len(highlight) :].strip()
    at_end = False
    if (got := _BUT_GOT.match(description)) is not None:
        token = _TOKEN.match(got.group(2))
        kind, word = token.groups() if token else ("", got.group(2))
        at_end = kind == "SENTINEL" or word in ("None", "")
        message = f"expected {_article(got.group(1))}, found {END if at_end else word}"
    elif description.startswith("Required keyword"):
        message = f"incomplete expression near {highlight or END}"
    elif description.startswith("Invalid expression / Unexpected token"):
        message = f"unexpected {highlight or END}"
    elif (expecting := _EXPECTING.match(description)) is not None:
        # at the end sqlglot points at the last token: "Expecting )" after `(1`
        at_end = last and highlight != expecting.group(1)
        message = f"expected {expecting.group(1)}, found {END if at_end else highlight}"
    else:
        message = _CLASS.sub(r"\1", _TOKEN.sub(r"\2", description))
        message = message[:1].lower() + message[1:]
    return message, len(text.rstrip()) if at_end else offset


def token_error_message(error: TokenError, text: str) -> tuple[str, int]:
    """A message for sqlglot's tokenizer ``error`` on ``text`` and the offset of the problem.

    The tokenizer says "Missing ' from 2:27" (line, then offset of the opening quote) in
    the error it wraps; that becomes "unterminated string (no closing ')" at the quote.
    """
    inner = error.__context__ or error.__cause__
    missing = _MISSING.match(str(inner)) if isinstance(inner, TokenError) else None
    if missing is not None:
        delimiter, offset = missing.group(1), int(missing.group(2))
        kind = _UNTERMINATED.get(delimiter, "dollar-quoted string")
        return f"unterminated {kind} (no closing {delimiter})", min(offset, len(text))
    comment = text.rfind("/*")
    if comment >= 0 and text.find("*/", comment) < 0:
        return "unterminated comment (no closing */)", comment
    start = getattr(error, "start", None) or 0
    return "cannot read the SQL text (an unterminated comment or quote?)", min(start, len(text))


def _token_offset(text: str, line: int, col: int, highlight: str) -> int:
    """Offset of the token sqlglot reports at (line, col): its *last* character's column."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    end = starts[min(line, len(starts)) - 1] + col - 1
    start = end - len(highlight) + 1
    if highlight and text[start : end + 1] == highlight:
        return start
    found = text.find(highlight) if highlight else -1
    return found if found >= 0 else max(0, min(end, len(text)))


def _article(what: str) -> str:
    first = what.split(" ", 1)[0]
    if first.lower() in ("a", "an", "the") or not first.islower():
        return what
    return f"{'an' if first[:1] in 'aeiou' else 'a'} {what}"


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
        message, at = token_error_message(error, text)
        line, col = line_col(source, base_offset + at)
        raise SqlTextError(f"cannot parse SQL: {message}", line, col) from error
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
