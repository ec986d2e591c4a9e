"""The graph of a one-table statement, built in one direct pass over its WHERE clause.

Most statements of a real workload (and two thirds of RM-1k's) read one table and filter
it with a conjunction of ``column <op> constant``: ``SELECT ... FROM t WHERE a = $1``,
``UPDATE t SET ... WHERE id = $2``, ``DELETE FROM t WHERE created_at < $1``. For them the
general :class:`~checks.index_advisor.builder.GraphBuilder` (scopes, bindings, column
resolution through the scope chain, two tries per comparison) does far more than needed.

:func:`simple_graph` builds the *same* graph directly, or returns ``None`` as soon as the
statement holds anything else (a join, a CTE, a subquery, an OR, a function around a
column, a column of another table...), and the general builder takes over. The pinned
verdicts (``tests/checks/index_advisor/test_verdict_stability.py``) hold both paths to
the same answers.
"""

from __future__ import annotations

from sqlglot import exp

from checks.index_advisor.canon import canonical
from checks.index_advisor.graph import Graph, Rel, Sarg, SargKind
from checks.index_advisor.schema import Schema, Table

_LEAVES = (exp.Literal, exp.Null, exp.Placeholder, exp.Parameter, exp.Boolean)
_KINDS = {
    exp.EQ: SargKind.EQ, exp.NullSafeEQ: SargKind.EQ, exp.GT: SargKind.RANGE,
    exp.GTE: SargKind.RANGE, exp.LT: SargKind.RANGE, exp.LTE: SargKind.RANGE,
}  # fmt: skip
_NO_DEPS: frozenset[str] = frozenset()


class _Bail(Exception):
    """The statement is not simple: the general builder must read it."""


def simple_graph(statement: exp.Expression, schema: Schema) -> tuple[Graph, str] | None:
    """The graph of a one-table statement without subqueries, and the table's name.

    The caller has established that ``statement`` holds no subquery. ``None`` when the
    statement is not of the simple kind (see the module's docstring).
    """
    source = _source(statement)
    if source is None or not isinstance(source.this, exp.Identifier):
        return None
    name = source.name.lower()
    table = schema.get(name)
    if table is None:
        return None
    alias = source.alias_or_name.lower()
    graph = Graph()
    graph.add_rel(Rel(alias, name, table))
    where = statement.args.get("where")
    try:
        for conjunct in _conjuncts(where.this if where is not None else None):
            _predicate(conjunct, graph, alias, table)
    except _Bail:
        return None
    return graph, name


def _source(statement: exp.Expression) -> exp.Table | None:
    """The one table a simple SELECT, UPDATE or DELETE reads, else ``None``."""
    args = statement.args
    if args.get("with_") or args.get("joins"):
        return None
    kind = type(statement)
    if kind is exp.Select:
        if any(isinstance(p.unalias(), exp.Min | exp.Max) for p in statement.expressions):
            return None  # min/max answered from an index: the general builder knows it
        from_ = args.get("from_")
        source = from_.this if isinstance(from_, exp.From) else None
    elif (kind is exp.Update and not args.get("from_")) or (
        kind is exp.Delete and not args.get("using")
    ):
        source = statement.this
    else:
        return None
    return source if type(source) is exp.Table else None


def _conjuncts(node: exp.Expression | None) -> list[exp.Expression]:
    found: list[exp.Expression] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        while type(current) is exp.Paren:
            current = current.this
        if type(current) is exp.And:
            stack.append(current.expression)
            stack.append(current.this)
        else:
            found.append(current)
    return found


def _predicate(node: exp.Expression, graph: Graph, alias: str, table: Table) -> None:
    kind = type(node)
    sarg_kind = _KINDS.get(kind)
    if sarg_kind is not None:
        left, right = _unparen(node.this), _unparen(node.expression)
        if isinstance(left, exp.Column) and isinstance(right, _LEAVES):
            key = _key(left, alias)
        elif isinstance(right, exp.Column) and isinstance(left, _LEAVES):
            key = _key(right, alias)
        else:
            raise _Bail
    elif kind is exp.Between:
        key = _subject(node, alias, (node.args.get("low"), node.args.get("high")))
        sarg_kind = SargKind.RANGE
    elif kind is exp.In and not any(node.args.get(k) for k in ("query", "unnest", "field")):
        key = _subject(node, alias, node.expressions)
        sarg_kind = SargKind.EQ
    elif kind is exp.Like:
        key = _like(node, graph, alias)
        if key is None:
            return
        sarg_kind = SargKind.RANGE
    else:
        raise _Bail
    _add(graph, alias, table, key, sarg_kind, node)


def _add(
    graph: Graph, alias: str, table: Table, key: str, kind: SargKind, node: exp.Expression
) -> None:
    text = ""
    if table.has_partial:  # the predicate may match a partial index's WHERE
        text = canonical(node)
        graph.texts.setdefault(alias, set()).add(text)
    graph.sargs[alias].append(Sarg(alias, key, kind, _NO_DEPS, True, (), text))


def _subject(node: exp.Expression, alias: str, values: object) -> str:
    """The key of ``column BETWEEN/IN constants``; bail out on anything else."""
    subject = _unparen(node.this)
    if not isinstance(subject, exp.Column) or not values:
        raise _Bail
    if not all(isinstance(v, _LEAVES) for v in values):  # type: ignore[attr-defined]
        raise _Bail
    return _key(subject, alias)


def _like(node: exp.Expression, graph: Graph, alias: str) -> str | None:
    """The key of ``column LIKE 'prefix%'``; a note (and ``None``) for other patterns."""
    subject, pattern = _unparen(node.this), _unparen(node.expression)
    if not isinstance(subject, exp.Column) or not isinstance(pattern, exp.Literal):
        raise _Bail
    key = _key(subject, alias)
    negate = node.args.get("negate")
    if pattern.is_string and pattern.this[:1] not in ("%", "_", "") and not negate:
        return key
    why = "a negation" if negate else "a pattern starting with a wildcard"
    graph.note(alias, f"`{canonical(node)}` is not sargable ({why})")
    return None


def _key(column: exp.Column, alias: str) -> str:
    """The column's name, if it is a column of the statement's one table."""
    qualifier = column.table
    if qualifier and qualifier.lower() != alias:
        raise _Bail
    return column.name.lower()


def _unparen(node: exp.Expression) -> exp.Expression:
    while type(node) is exp.Paren:
        node = node.this
    return node
