"""The index advisor: find the SQL queries no index serves, statically, with sqlglot.

Public API (what the check engine's rules and the CLI use):

- :func:`load_schema`, :class:`Schema`, :class:`Table`, :class:`Index`, :class:`ForeignKey`,
  :class:`Name`
- :func:`split_queries`, :class:`Query`
- :class:`Advisor` (``check``, ``check_all``, ``replace_table``), :class:`QueryVerdict`
- :func:`unindexed_foreign_keys`, :func:`redundant_indexes`, :func:`unused_indexes`,
  :class:`IndexFinding`, :class:`IndexProblem`

See ``docs/index-advisor.md`` for the rules and how they were checked against
PostgreSQL's and SQLite's planners.
"""

from __future__ import annotations

from checks.index_advisor.analyzer import Advisor, Query, QueryVerdict, analyze_statement
from checks.index_advisor.lint import (
    IndexFinding,
    IndexProblem,
    redundant_indexes,
    unindexed_foreign_keys,
    unused_indexes,
)
from checks.index_advisor.queries import split_queries
from checks.index_advisor.schema import ForeignKey, Index, Name, Note, Schema, Table, load_schema

__all__ = [
    "Advisor",
    "ForeignKey",
    "Index",
    "IndexFinding",
    "IndexProblem",
    "Name",
    "Note",
    "Query",
    "QueryVerdict",
    "Schema",
    "Table",
    "analyze_statement",
    "load_schema",
    "redundant_indexes",
    "split_queries",
    "unindexed_foreign_keys",
    "unused_indexes",
]
