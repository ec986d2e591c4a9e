"""Split a queries file into named statements (the aiosql / sqlc convention).

A comment line ``-- name: NAME`` names the statement that follows it; sqlc's
``-- name: GetAuthor :one`` and aiosql's operator suffixes (``get-all!``, ``count$``)
are accepted, the name being the first word without the suffix. Statements without a
name (before the first marker, or after the first statement under a marker) are
called ``query-1``, ``query-2``, ... in file order. Each statement keeps the
1-based line and column where it starts, for error messages.
"""

from __future__ import annotations

import re

from checks.index_advisor.analyzer import Query
from checks.index_advisor.sqltext import SqlTextError, line_col, split_statements

_NAME = re.compile(r"^[ \t]*--[ \t]*name:[ \t]*(\S+)[^\n]*$", re.MULTILINE)
_SUFFIX = "!<*#^$"


def split_queries(text: str, dialect: str = "postgres") -> list[Query]:
    """Return the statements of a queries file, named.

    A region that cannot be tokenized becomes one query holding its raw text, so the
    error surfaces (with its position) when that query is parsed.
    """
    markers = list(_NAME.finditer(text))
    regions: list[tuple[str | None, int, int]] = []
    first = markers[0].start() if markers else len(text)
    regions.append((None, 0, first))
    for index, marker in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        regions.append((marker.group(1).rstrip(_SUFFIX), marker.end(), end))
    queries: list[Query] = []
    unnamed = 0
    for name, start, end in regions:
        for position, chunk_text, line, col in _statements(text, start, end, dialect):
            if name is None or position > 0:
                unnamed += 1
                label = f"query-{unnamed}"
            else:
                label = name
            queries.append(Query(label, chunk_text, line, col))
    return queries


def _statements(text: str, start: int, end: int, dialect: str) -> list[tuple[int, str, int, int]]:
    region = text[start:end]
    try:
        chunks = split_statements(region, dialect, base_offset=start, source=text)
    except SqlTextError:
        stripped = region.strip()
        if not stripped:
            return []
        line, col = line_col(text, start + region.index(stripped[0]))
        return [(0, stripped, line, col)]
    return [(i, c.text, c.line, c.col) for i, c in enumerate(chunks)]
