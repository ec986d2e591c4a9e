"""Join graphs and the "is there an index-driven plan?" solver.

A query block becomes a :class:`Graph`: its relations (base tables, and opaque inputs
such as materialised CTEs or aggregated subqueries that are computed on their own), and
the sargable predicates found on each relation. A :class:`Sarg` says "relation ``rel``
can be searched on key ``key`` once the relations in ``deps`` are available" (``deps``
empty: a constant predicate, the way into the query).

:func:`solve` grows the set of relations that can be read through an index: first those
with an indexed constant predicate, then, repeatedly, those whose join keys are indexed
and whose other side is already reached (a nested loop with an inner index scan). What
is left is read in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from checks.index_advisor.schema import Index, Table, normalise_expression


class SargKind(str, Enum):
    """How a predicate constrains its key."""

    EQ = "eq"
    RANGE = "range"
    OR = "or"


class Sarg(NamedTuple):
    """A sargable predicate on one relation.

    A named tuple, not a dataclass: a statement makes several, and a tuple is built
    several times faster.

    Attributes:
        rel: The relation id the predicate searches.
        key: Column name or normalised expression text (``None`` for OR groups).
        kind: Equality, range or an OR of branches.
        deps: Relations whose values the predicate needs (empty: constant).
        strict: Whether it implies ``key IS NOT NULL`` (everything but ``IS NULL``).
        branches: For OR: each branch's sargs; served when every branch is.
        text: Normalised predicate text, for matching partial index predicates.
    """

    rel: str
    key: str | None
    kind: SargKind
    deps: frozenset[str] = frozenset()
    strict: bool = True
    branches: tuple[tuple[Sarg, ...], ...] = ()
    text: str = ""


@dataclass(slots=True)
class Rel:
    """A relation of a graph.

    Attributes:
        id: Unique id inside the graph (the alias, de-duplicated).
        label: Name shown to people (table name, or ``alias`` for opaque inputs).
        table: The schema table for base relations, ``None`` if unknown or opaque.
        opaque: Computed on its own (CTE scan, aggregated subquery, function): always
            available, never indexed.
        known: Whether the table exists in the schema (base relations).
        after: Relations that must be joined before this one (outer/anti joins): this
            relation cannot be used to reach them.
    """

    id: str
    label: str
    table: Table | None = None
    opaque: bool = False
    known: bool = True
    after: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Graph:
    """One query block's relations, predicates and diagnostics.

    ``ordered`` is set once any relation has an ``after`` constraint (outer or anti
    join); without one, every sarg's dependencies can be met in some join order.
    """

    rels: dict[str, Rel] = field(default_factory=dict)
    sargs: dict[str, list[Sarg]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    texts: dict[str, set[str]] = field(default_factory=dict)
    minmax: dict[str, list[str]] = field(default_factory=dict)
    candidates: dict[str, list[tuple[str, SargKind, bool]]] = field(default_factory=dict)
    ordered: bool = False

    def add_rel(self, rel: Rel) -> None:
        """Register ``rel``."""
        self.rels[rel.id] = rel
        self.sargs[rel.id] = []
        self.notes[rel.id] = []

    def add_sarg(self, sarg: Sarg) -> None:
        """Register a sargable predicate (ignored for opaque relations)."""
        if sarg.rel in self.sargs and not self.rels[sarg.rel].opaque:
            self.sargs[sarg.rel].append(sarg)

    def note(self, rel: str, message: str) -> None:
        """Attach a diagnostic to ``rel`` (shown if it ends up read in full)."""
        if rel in self.notes and message not in self.notes[rel]:
            self.notes[rel].append(message)

    def unique_id(self, alias: str) -> str:
        """Return ``alias`` or a suffixed variant not yet used in this graph."""
        candidate, n = alias, 1
        while candidate in self.rels:
            n += 1
            candidate = f"{alias}#{n}"
        return candidate


def usable_indexes(table: Table, texts: Set[str], sargs: Iterable[Sarg]) -> list[Index]:
    """B-tree/hash indexes of ``table`` whose partial predicate (if any) the query implies."""
    paths = table.access_paths()
    if not table.has_partial:
        return list(paths)
    strict_keys = {s.key for s in sargs if s.strict and s.key and not s.deps}
    return [i for i in paths if i.where is None or _implied(i, texts, strict_keys)]


def _implied(index: Index, texts: Set[str], strict_keys: set[str | None]) -> bool:
    if index.where is None:
        return True
    for conjunct in _split_and(index.where):
        if conjunct in texts or _excluded_constant(conjunct, texts):
            continue
        column = _not_null_column(conjunct)
        if column is None or column not in strict_keys:
            return False
    return True


@lru_cache(maxsize=16384)
def _parsed(text: str) -> exp.Expression | None:
    try:
        return sqlglot.parse_one(text, read="postgres")
    except (ParseError, TokenError):
        return None


def _excluded_constant(conjunct: str, texts: Set[str]) -> bool:
    """``c <> 'x'`` is implied by a query conjunct ``c = 'y'`` or ``c IN ('y', 'z')`` whose
    constants all differ from ``'x'`` (PostgreSQL's predicate prover does the same)."""
    tree = _parsed(conjunct)
    if not isinstance(tree, exp.NEQ) or not isinstance(tree.expression, exp.Literal):
        return False
    column, excluded = normalise_expression(tree.this), tree.expression
    for text in texts:
        other = _parsed(text)
        if isinstance(other, exp.EQ):
            values = [other.expression]
        elif isinstance(other, exp.In) and not other.args.get("query"):
            values = list(other.expressions)
        else:
            continue
        if normalise_expression(other.this) != column:
            continue
        if values and all(isinstance(v, exp.Literal) and v != excluded for v in values):
            return True
    return False


@lru_cache(maxsize=4096)
def _split_and(text: str) -> tuple[str, ...]:
    """Normalised conjuncts of a partial index predicate (stored normalised)."""
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except (ParseError, TokenError):
        return (text,)
    return (
        tuple(normalise_expression(c) for c in tree.flatten() if c is not None)
        if isinstance(tree, exp.And)
        else (normalise_expression(tree),)
    )


def _not_null_column(conjunct: str) -> str | None:
    lowered = conjunct.lower()
    for prefix, suffix in (("not ", " is null"), ("", " is not null")):
        if lowered.startswith(prefix) and lowered.endswith(suffix):
            inner = conjunct[len(prefix) : len(conjunct) - len(suffix)]
            return inner.strip("()")
    return None


def searching(index: Index, sargs: list[Sarg]) -> list[Sarg]:
    """Drop the sargs a partial index's own predicate already guarantees.

    PostgreSQL removes such a qual from the index condition (``WHERE c IS NOT NULL`` on
    an index ``... WHERE c IS NOT NULL`` reads the whole partial index): it does not
    search the index.
    """
    if index.where is None:
        return sargs
    implied = set(_split_and(index.where))
    return [s for s in sargs if not s.text or s.text not in implied]


def serves(index: Index, sargs: Iterable[Sarg]) -> bool:
    """Whether ``index`` can be searched with ``sargs`` (leading-key rule)."""
    return _serves_keys(index, {s.key: s.kind for s in sargs if s.key is not None})


def _serves_keys(index: Index, keys: dict[str, SargKind]) -> bool:
    if not index.columns:
        return False
    if index.ordered:
        return index.columns[0] in keys
    if index.method == "hash":
        return keys.get(index.columns[0]) == SargKind.EQ
    return False


def serving_indexes(graph: Graph, rel: Rel, sargs: list[Sarg]) -> list[Index]:
    """The indexes through which ``rel`` can be read using ``sargs`` (empty: none)."""
    table = rel.table
    if table is None:
        return []
    if not table.has_partial:
        direct = _leading_match(table, sargs)
        if direct is not None:
            return [direct]
    indexes = usable_indexes(table, graph.texts.get(rel.id, _NO_TEXTS), sargs)
    plain = [s for s in sargs if s.kind != SargKind.OR]
    keys = {s.key: s.kind for s in plain if s.key is not None}
    for index in indexes:
        if index.where is None:
            if _serves_keys(index, keys):
                return [index]
        elif serves(index, searching(index, plain)):
            return [index]
    for sarg in sargs:
        if sarg.kind == SargKind.OR:
            per_branch = [next((i for i in indexes if serves(i, b)), None) for b in sarg.branches]
            if all(per_branch):
                return list(dict.fromkeys(i for i in per_branch if i is not None))
    return _minmax_indexes(graph, rel, indexes)


_NO_TEXTS: frozenset[str] = frozenset()
_NONE_REACHED: frozenset[str] = frozenset()


def _leading_match(table: Table, sargs: list[Sarg]) -> Index | None:
    """Fast path for tables without partial indexes: an index leading with a sarg's key."""
    leading = table.leading
    for sarg in sargs:
        for index in leading.get(sarg.key, ()) if sarg.key is not None else ():
            if index.ordered or (index.method == "hash" and sarg.kind == SargKind.EQ):
                return index
    return None


def rel_served(graph: Graph, rel: Rel, sargs: list[Sarg]) -> bool:
    """Whether ``rel`` can be read through an index using ``sargs``."""
    return bool(serving_indexes(graph, rel, sargs))


def _minmax_indexes(graph: Graph, rel: Rel, indexes: list[Index]) -> list[Index]:
    columns = graph.minmax.get(rel.id)
    if not columns:
        return []
    found = [
        next((i for i in indexes if i.ordered and i.columns[:1] == (c,)), None) for c in columns
    ]
    return [i for i in found if i is not None] if all(found) else []


def usable_sargs(graph: Graph, rel: Rel, available: Set[str] | None) -> list[Sarg]:
    """Sargs of ``rel`` whose dependencies are available and respect outer-join order.

    A relation on the nullable side of an outer join (or inside an anti-join) is joined
    after the relations listed in its ``after``; those cannot use it to be reached.
    """
    sargs = graph.sargs[rel.id]
    if not graph.ordered:
        if available is None:
            return sargs
        return [s for s in sargs if not s.deps or s.deps <= available]
    return [
        s
        for s in sargs
        if not any(rel.id in graph.rels[d].after for d in s.deps if d in graph.rels)
        and (available is None or s.deps <= available)
    ]


class Solution(NamedTuple):
    """The outcome of :func:`solve`.

    Attributes:
        unreached: Base relations read in full, each with a flag that is ``True`` when
            its own indexes would do if the relations it joins to were reachable.
        used: ``(table, index name)`` of every index the plan found uses.
    """

    unreached: tuple[tuple[Rel, bool], ...]
    used: frozenset[tuple[str, str]]


def solve(graph: Graph) -> Solution:
    """Find which base relations an index-driven plan can reach."""
    if len(graph.rels) == 1:
        (rel,) = graph.rels.values()
        if not rel.opaque:
            return _solve_one(graph, rel)
    reached: set[str] = set()
    pending: list[Rel] = []
    for rel in graph.rels.values():
        if rel.opaque:
            reached.add(rel.id)
        else:
            pending.append(rel)
    used: set[tuple[str, str]] = set()
    while pending:
        left = []
        for rel in pending:  # a relation reached in this pass serves the next ones
            indexes = serving_indexes(graph, rel, usable_sargs(graph, rel, reached))
            if indexes:
                used.update((rel.label, i.name) for i in indexes)
                reached.add(rel.id)
            else:
                left.append(rel)
        if len(left) == len(pending):
            break
        pending = left
    if not pending:
        return Solution((), frozenset(used))
    unreached = tuple((r, _served_alone(graph, r)) for r in pending)
    return Solution(unreached, frozenset(used))


def _solve_one(graph: Graph, rel: Rel) -> Solution:
    """:func:`solve` for a one-table block (most statements): one search, no join order."""
    indexes = serving_indexes(graph, rel, usable_sargs(graph, rel, _NONE_REACHED))
    if indexes:
        return Solution((), frozenset((rel.label, i.name) for i in indexes))
    return Solution(((rel, _served_alone(graph, rel)),), frozenset())


def _served_alone(graph: Graph, rel: Rel) -> bool:
    """Whether ``rel``'s own indexes would do if every relation it joins to were reached.

    Without join-key sargs, that is the search :func:`solve` already failed.
    """
    sargs = graph.sargs[rel.id]
    return any(s.deps for s in sargs) and rel_served(graph, rel, usable_sargs(graph, rel, None))
