"""Decide, per statement, whether an index-driven plan exists, and explain it.

The entry point is :class:`Advisor`: it holds a :class:`~checks.index_advisor.schema.Schema`
and a cache keyed by (query text, fingerprints of the tables the query touches), so
after :meth:`Advisor.replace_table` only the queries touching that table are analysed
again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError

from checks.index_advisor.builder import build_graphs
from checks.index_advisor.explain import create_index_sql, explain_rel, label, suggestion_keys
from checks.index_advisor.graph import Graph, Solution, solve
from checks.index_advisor.schema import Schema, Table
from checks.index_advisor.sqltext import (
    MAX_NESTING,
    max_paren_depth,
    parse_error_message,
    token_error_message,
)

DIALECTS = ("postgres", "mysql", "sqlite")


@dataclass(frozen=True)
class Query:
    """A named statement and where it starts in its file (1-based)."""

    name: str
    text: str
    line: int = 1
    col: int = 1


@dataclass(frozen=True)
class Analysis:
    """What the analyzer found for one statement, independent of its name."""

    indexed: bool
    full_scans: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    used_indexes: frozenset[tuple[str, str]] = frozenset()
    tables: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryVerdict:
    """The verdict on one named query.

    Attributes:
        name: Query name (``-- name:`` or ``query-N``).
        indexed: Whether an index-driven plan exists (``False`` on error).
        full_scans: Tables that would be read in full.
        reasons: Why, one sentence each, starting with the table name.
        suggestions: ``CREATE INDEX`` statements in the query's dialect.
        error: Why the query could not be analysed, or ``None``.
        line: 1-based line of the query (of the error, when there is one).
        col: 1-based column.
        used_indexes: ``(table, index)`` pairs the plan uses.
    """

    name: str
    indexed: bool
    full_scans: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    error: str | None = None
    line: int = 1
    col: int = 1
    used_indexes: frozenset[tuple[str, str]] = field(default=frozenset(), compare=False)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of one verdict."""
        data: dict[str, Any] = {
            "name": self.name,
            "indexed": self.indexed,
            "full_scans": list(self.full_scans),
            "reasons": list(self.reasons),
            "suggestions": list(self.suggestions),
        }
        if self.error is not None:
            data["error"] = {"message": self.error, "line": self.line, "col": self.col}
        return data


class QueryError(ValueError):
    """A query that cannot be analysed, with its 1-based position in the file."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


def parse_query(query: Query, dialect: str) -> exp.Expression:
    """Parse one query, refusing absurd nesting first.

    Raises:
        QueryError: With the position in the file of the problem.
    """
    depth, at = max_paren_depth(query.text) if query.text.count("(") > MAX_NESTING else (0, 0)
    if depth > MAX_NESTING:
        line, col = _file_position(query, *_line_col(query.text, at))
        raise QueryError(
            f"nesting depth {depth} exceeds the limit of {MAX_NESTING}; refusing to parse",
            line,
            col,
        )
    try:
        statements = [s for s in _parse(query.text, dialect) if s is not None]
    except (ParseError, TokenError) as error:
        message, at = (
            parse_error_message(error, query.text)
            if isinstance(error, ParseError)
            else token_error_message(error, query.text)
        )
        line, col = _file_position(query, *_line_col(query.text, at))
        raise QueryError(f"cannot parse SQL: {message}", line, col) from None
    except RecursionError:
        raise QueryError("cannot parse SQL: nested too deeply", query.line, query.col) from None
    if len(statements) != 1:
        raise QueryError(f"expected one statement, found {len(statements)}", query.line, query.col)
    statement = statements[0]
    if not isinstance(statement, exp.Query | exp.Update | exp.Delete | exp.Insert):
        raise QueryError(
            f"not a query: {type(statement).__name__.upper()} statements are not analysed",
            query.line,
            query.col,
        )
    return statement


@lru_cache(maxsize=8)
def _dialect(name: str) -> Dialect:
    return Dialect.get_or_raise(name)


_TOOLS = threading.local()


def _parse(text: str, dialect: str) -> list[Any]:
    """Parse ``text`` with this thread's tokenizer and parser for ``dialect``.

    Both are made once per thread and reused (each resets itself per call): building
    them costs about a third of parsing a short statement.
    """
    tools: dict[str, tuple[Any, Any]] | None = getattr(_TOOLS, "by_dialect", None)
    if tools is None:
        tools = _TOOLS.by_dialect = {}
    pair = tools.get(dialect)
    if pair is None:
        found = _dialect(dialect)
        pair = tools[dialect] = (found.tokenizer(), found.parser())
    tokenizer, parser = pair
    return parser.parse(tokenizer.tokenize(text), text)  # type: ignore[no-any-return]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _file_position(query: Query, line: int, col: int) -> tuple[int, int]:
    if line == 1:
        return query.line, query.col + col - 1
    return query.line + line - 1, col


def analyze_statement(
    statement: exp.Expression, schema: Schema, dialect: str = "postgres", nested: bool | None = None
) -> Analysis:
    """Analyse one parsed statement against ``schema``.

    ``nested`` (whether the statement holds subqueries) saves a tree walk when known.
    """
    full: list[str] = []
    reasons: list[str] = []
    suggestions: list[str] = []
    used: set[tuple[str, str]] = set()
    graphs, tables = build_graphs(statement, schema, nested)
    for graph in graphs:
        solution = solve(graph)
        used |= solution.used
        if solution.unreached:
            _explain(graph, solution, dialect, full, reasons, suggestions)
    if not full:
        return Analysis(True, (), (), (), frozenset(used), tuple(sorted(tables)))
    return Analysis(
        False,
        tuple(dict.fromkeys(full)),
        tuple(dict.fromkeys(reasons)),
        tuple(dict.fromkeys(suggestions)),
        frozenset(used),
        tuple(sorted(tables)),
    )


def _explain(
    graph: Graph,
    solution: Solution,
    dialect: str,
    full: list[str],
    reasons: list[str],
    suggestions: list[str],
) -> None:
    """Add the full reads of ``graph``, why they happen and which indexes would help."""
    constant = {s.rel for ss in graph.sargs.values() for s in ss if not s.deps}
    if not constant and not any(graph.notes.values()):
        reasons.append(
            "no table has a constant predicate to enter the query through: "
            "join keys alone cannot start an index-driven plan"
        )
    for rel, others in solution.unreached:
        full.append(rel.label)
        reasons.extend(explain_rel(graph, rel, others))
        if rel.table is not None and (not others or rel.id in constant):
            suggestions.extend(
                create_index_sql(rel.table, k, dialect) for k in suggestion_keys(graph, rel)
            )


def _error_verdict(query: Query, error: QueryError) -> QueryVerdict:
    """The verdict of ``query`` failing with ``error`` (positioned inside the query)."""
    line, col = _file_position(query, error.line, error.col)
    return QueryVerdict(query.name, False, error=error.message, line=line, col=col)


def _in_query(query: Query, error: QueryError) -> QueryError:
    """``error`` (positioned in the file) positioned inside ``query`` instead, so that a
    cached error places itself in whichever query of the same text it is reported for."""
    line = error.line - query.line + 1
    col = error.col - query.col + 1 if line == 1 else error.col
    return QueryError(error.message, line, col)


@dataclass
class CacheStats:
    """How many checks were analysed afresh and how many came from the cache."""

    analysed: int = 0
    reused: int = 0


class Advisor:
    """Checks queries against a schema, caching per (query, tables it touches).

    Args:
        schema: The schema to check against.
        dialect: sqlglot dialect of the queries (``postgres``, ``mysql``, ``sqlite``).
    """

    def __init__(self, schema: Schema, dialect: str = "postgres") -> None:
        self.schema = schema
        self.dialect = dialect
        self.stats = CacheStats()
        self._touched: dict[str, tuple[str, ...] | QueryError] = {}
        self._results: dict[tuple[str, tuple[str, ...]], Analysis] = {}
        self._fingerprints: dict[str, str] = {}

    def replace_table(self, table: Table) -> None:
        """Add or replace one table; only queries touching it are re-analysed."""
        self.schema = self.schema.with_table(table)
        self._fingerprints.pop(table.name, None)

    def remove_table(self, name: str) -> None:
        """Remove one table; only queries touching it are re-analysed."""
        self.schema = self.schema.without_table(name)
        self._fingerprints.pop(name.lower(), None)

    def check_all(self, queries: Iterable[Query]) -> list[QueryVerdict]:
        """Check every query, in order."""
        return [self.check(q) for q in queries]

    def check(self, query: Query) -> QueryVerdict:
        """Check one query (never raises for bad SQL: the verdict carries the error).

        The cache keeps, per query text, the tables it touches (not its syntax tree, which
        would weigh on memory and on the garbage collector); a query is parsed again only
        when a table it touches has changed.
        """
        text = query.text.strip()
        touched = self._touched.get(text)
        if isinstance(touched, QueryError):
            return _error_verdict(query, touched)
        analysis = None
        if touched is not None:
            analysis = self._results.get((text, self._fingerprints_of(touched)))
        if analysis is None:
            try:
                analysis = self._analyse(query, text)
            except QueryError as error:
                cached = self._touched[text] = _in_query(query, error)
                return _error_verdict(query, cached)
            self.stats.analysed += 1
        else:
            self.stats.reused += 1
        return QueryVerdict(
            query.name,
            analysis.indexed,
            analysis.full_scans,
            analysis.reasons,
            analysis.suggestions,
            line=query.line,
            col=query.col,
            used_indexes=analysis.used_indexes,
        )

    def _analyse(self, query: Query, text: str) -> Analysis:
        """Parse and analyse ``query``; cache the result under the tables it touches."""
        statement = parse_query(query, self.dialect)
        upper = text.upper()
        nested = upper.count("SELECT") > 1 or "VALUES" in upper
        analysis = analyze_statement(statement, self.schema, self.dialect, nested)
        self._touched[text] = analysis.tables
        self._results[(text, self._fingerprints_of(analysis.tables))] = analysis
        return analysis

    def _fingerprints_of(self, tables: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self._fingerprint(t) for t in tables)

    def _fingerprint(self, name: str) -> str:
        found = self._fingerprints.get(name)
        if found is None:
            table = self.schema.get(name)
            found = table.fingerprint() if table is not None else ""
            self._fingerprints[name] = found
        return found


__all__ = [
    "DIALECTS",
    "Advisor",
    "Analysis",
    "CacheStats",
    "Query",
    "QueryError",
    "QueryVerdict",
    "analyze_statement",
    "label",
    "parse_query",
]
