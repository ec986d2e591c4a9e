"""Label queries with real planners: is every table read through an index?

PostgreSQL (``EXPLAIN (FORMAT JSON)`` with ``enable_seqscan``, ``enable_hashjoin`` and
``enable_mergejoin`` off, so the planner takes an index path whenever one exists):

- a **Seq Scan** (or Sample/Tid/Foreign scan) makes the query unserved;
- an **Index Scan** / **Index Only Scan** / **Bitmap Index Scan** serves only if its index
  condition constrains the index's *leading* key: PostgreSQL also runs full-index scans
  (no condition, for ``ORDER BY`` or ``min``/``max``) and scans with a condition on a later
  column only, and neither is an index *search*;
- a **Bitmap Heap Scan** is judged by the bitmap index scans under it (every leaf of a
  BitmapOr / BitmapAnd must qualify);
- CTE Scan, Subquery Scan, Function Scan, Values Scan, WorkTable Scan, Result,
  Materialize, Hash, Sort, Aggregate... read no table: they are neutral; their inputs
  (InitPlans, SubPlans, CTE plans) are walked like the main plan.

SQLite (``EXPLAIN QUERY PLAN`` with ``automatic_index`` and ``case_sensitive_like`` on,
the latter matching the C collation of the PostgreSQL cluster): a ``SCAN`` of a table is a
full read (``SCAN t USING COVERING INDEX i`` too: it reads the whole index); ``SEARCH ...
USING (COVERING) INDEX`` / ``USING INTEGER PRIMARY KEY`` / ``USING PRIMARY KEY`` is an
index search; ``SEARCH ... USING AUTOMATIC ... INDEX`` is a full read into a temporary
index. Scans of subqueries, CTEs and constant rows are neutral.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.index_advisor.queries import split_queries

CORPUS = Path(__file__).with_name("corpus")
NEUTRAL_PG = {
    "CTE Scan", "Subquery Scan", "Function Scan", "Values Scan", "WorkTable Scan",
    "Named Tuplestore Scan", "Table Function Scan", "Result",
}  # fmt: skip
FULL_PG = {"Seq Scan", "Sample Scan", "Tid Scan", "Tid Range Scan", "Foreign Scan"}
INDEX_PG = {"Index Scan", "Index Only Scan", "Bitmap Index Scan"}
PG_SETTINGS = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")


@dataclass(frozen=True)
class PlanLabel:
    """A planner's verdict: served, and the scans that are not index searches."""

    served: bool
    problems: tuple[str, ...]


@dataclass(frozen=True)
class CorpusQuery:
    """One corpus query."""

    corpus: str
    name: str
    sql: str


def load_corpus(name: str) -> list[CorpusQuery]:
    """The named queries of ``corpus/<name>/queries.sql``."""
    text = (CORPUS / name / "queries.sql").read_text(encoding="utf-8")
    return [CorpusQuery(name, q.name, q.text) for q in split_queries(text, "postgres")]


# ---- PostgreSQL -----------------------------------------------------------------------


def pg_prepare(conn: Any) -> dict[str, str]:
    """Disable the full-scan-friendly plan types; return index name -> leading key."""
    for setting in PG_SETTINGS:
        conn.execute(f"SET {setting} = off")
    conn.execute("SET plan_cache_mode = force_generic_plan")
    rows = conn.execute(
        "SELECT c.relname, pg_get_indexdef(c.oid, 1, true) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public'"
    ).fetchall()
    return {name: key for name, key in rows}


def pg_label(conn: Any, sql: str, leading: dict[str, str]) -> PlanLabel:
    """Label ``sql`` with PostgreSQL's plan (the statement is only EXPLAINed, never run)."""
    params = {int(n) for n in re.findall(r"\$(\d+)", sql)}
    if params:
        # A parameterised statement is explained through its generic plan.
        conn.execute(f"PREPARE advisor_probe AS {sql}")
        nulls = ", ".join("NULL" for _ in range(max(params)))
        try:
            plan = conn.execute(f"EXPLAIN (FORMAT JSON) EXECUTE advisor_probe({nulls})").fetchone()[
                0
            ]
        finally:
            conn.execute("DEALLOCATE advisor_probe")
    else:
        plan = conn.execute(f"EXPLAIN (FORMAT JSON) {sql}").fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    problems: list[str] = []
    _walk(plan[0]["Plan"], leading, problems)
    return PlanLabel(not problems, tuple(problems))


def _walk(node: dict[str, Any], leading: dict[str, str], problems: list[str]) -> None:
    kind = node["Node Type"]
    if kind in FULL_PG:
        problems.append(f"{kind} on {node.get('Relation Name')}")
    elif kind in INDEX_PG and not constrains_leading(
        node.get("Index Cond"), leading.get(node["Index Name"], "")
    ):
        on = f" on {node['Relation Name']}" if node.get("Relation Name") else ""
        problems.append(f"{kind}{on} using {node['Index Name']} without its leading key")
    for child in node.get("Plans", []):
        _walk(child, leading, problems)


_CAST = re.compile(r"::[a-z_]+(?: [a-z_]+)*(?:\[\])?")


def _normalise(text: str) -> str:
    return re.sub(r"[\s()\"]", "", _CAST.sub("", text))


def constrains_leading(cond: str | None, key: str) -> bool:
    """Whether an ``Index Cond`` has a conjunct on the index's leading ``key``.

    PostgreSQL prints every index qual with the indexed key on the left, so a conjunct
    constrains the leading key when, once casts, spaces and parentheses are removed, it
    starts with that key (optionally qualified by a table alias).
    """
    if not cond or not key:
        return False
    wanted = _normalise(key)
    for conjunct in _split_and(cond):
        text = _normalise(conjunct)
        text = re.sub(r"^[a-z_][a-z0-9_]*\.", "", text) if "." in text.split("=")[0] else text
        if text.startswith(wanted) and not re.match(
            r"[a-z0-9_]", text[len(wanted) : len(wanted) + 1]
        ):
            return True
    return False


def _split_and(cond: str) -> list[str]:
    text = cond.strip()
    while text.startswith("(") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "'":
            i = text.find("'", i + 1) + 1 or len(text)
            continue
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and text.startswith(" AND ", i):
            parts.append(text[start:i])
            start = i + 5
        i += 1
    parts.append(text[start:])
    return parts


def _closing(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        depth += text[i] == "("
        depth -= text[i] == ")"
        if depth == 0:
            return i
    return -1


# ---- SQLite ---------------------------------------------------------------------------


def sqlite_connect(*ddl: str) -> sqlite3.Connection:
    """An in-memory SQLite database with ``ddl`` loaded and the labelling pragmas set."""
    conn = sqlite3.connect(":memory:")
    for script in ddl:
        conn.executescript(script)
    conn.execute("PRAGMA automatic_index = OFF")
    conn.execute("PRAGMA case_sensitive_like = ON")
    return conn


_SEARCH = re.compile(
    r"^SEARCH \S+.* USING (?:COVERING INDEX|INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)"
)
_PRODUCED = re.compile(r"^(?:MATERIALIZE|CO-ROUTINE) (\S+)")


def sqlite_label(
    conn: sqlite3.Connection, sql: str, neutral: frozenset[str] = frozenset()
) -> PlanLabel:
    """Label ``sql`` with SQLite's ``EXPLAIN QUERY PLAN``.

    ``SCAN x`` is neutral when ``x`` is produced by the plan itself (``MATERIALIZE x``,
    ``CO-ROUTINE x``: a CTE or subquery), a subquery (``(subquery-1)``) or ``CONSTANT ROW``;
    any other ``SCAN`` reads a table (SQLite prints the alias when there is one), unless
    the name is in ``neutral`` (the query's CTE names and the aliases they are read under).
    A bare ``SEARCH t`` (no ``USING``) is not counted as an index search: SQLite 3.40
    prints it both for ``max(rowid)`` and for ``max(unindexed_column)``.
    """
    details = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
    produced = {m.group(1).lower() for d in details if (m := _PRODUCED.match(d))} | neutral
    problems = []
    for detail in details:
        words = detail.split()
        if words[:1] == ["SCAN"] and len(words) > 1:
            name = words[1].lower()
            if name not in produced and not name.startswith("(") and name != "constant":
                problems.append(detail)
        elif words[:1] == ["SEARCH"] and ("AUTOMATIC" in detail or not _SEARCH.match(detail)):
            problems.append(detail)
    return PlanLabel(not problems, tuple(problems))
