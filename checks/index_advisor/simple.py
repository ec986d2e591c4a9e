"""The graph of a simple statement, built in one direct pass over its conditions.

Most statements of a real workload (all of RM-1k's) read one table, or join a few on
column equalities, and filter with ``column <op> constant``: ``SELECT ... FROM t WHERE
a = $1``, ``UPDATE t SET ... WHERE id = $2``, ``SELECT ... FROM t JOIN p ON p.id =
t.p_id WHERE t.a = $1``. For them the general
:class:`~checks.index_advisor.builder.GraphBuilder` (scopes, bindings, column resolution
through the scope chain, two tries per comparison) costs more than parsing them.

:func:`simple_graph` builds the *same* graph directly for statements without subqueries
or CTEs, over base tables of the schema with inner and left joins, whose conditions are
comparisons of a column (or a function, cast or arithmetic around one) with a constant,
join keys, ``BETWEEN``, ``IN (list)``, ``LIKE`` and one-table ``OR`` of those. On
anything else (a right or full join, ``USING``, ``IS NULL``, ``NOT``, ``<>``,
``min()``/``max()``, an unknown table...) it returns ``None`` and the general builder
takes over.
``tests/checks/index_advisor/test_simple_path.py`` checks both builders give equal graphs.
"""

from __future__ import annotations

from typing import cast

from sqlglot import exp

from checks.index_advisor.canon import canonical, key_text, shown
from checks.index_advisor.graph import Graph, Rel, Sarg, SargKind
from checks.index_advisor.schema import Index, Schema, Table

_LEAVES = (exp.Literal, exp.Null, exp.Placeholder, exp.Parameter, exp.Boolean)
_LEAVES_OR_COLUMN = (*_LEAVES, exp.Column)
_KINDS: dict[type[exp.Expression], SargKind] = {
    exp.EQ: SargKind.EQ, exp.NullSafeEQ: SargKind.EQ, exp.GT: SargKind.RANGE,
    exp.GTE: SargKind.RANGE, exp.LT: SargKind.RANGE, exp.LTE: SargKind.RANGE,
}  # fmt: skip
_NO_DEPS: frozenset[str] = frozenset()
_MINMAX = (exp.Min, exp.Max)


class _Bail(Exception):
    """The statement is not simple: the general builder must read it."""


def simple_graph(statement: exp.Expression, schema: Schema) -> tuple[Graph, frozenset[str]] | None:
    """The graph of a simple statement without subqueries, and the tables it reads.

    The caller has established that ``statement`` holds no subquery. ``None`` when the
    statement is not of the simple kind (see the module's docstring).
    """
    sources = _sources(statement)
    if sources is None:
        return None
    graph = Graph()
    outer_on: dict[str, list[exp.Expression]] = {}
    try:
        for source, on, left in sources:
            before = set(graph.rels)
            rel = _add_rel(graph, source, schema)
            if left:  # the nullable side: reached from the preserved side only
                rel.after |= before
                graph.ordered = True
                outer_on[rel.id] = _conjuncts(on)
                for conjunct in outer_on[rel.id]:
                    _predicate_on(conjunct, graph, rel.id)
            else:
                for conjunct in _conjuncts(on):
                    _predicate(conjunct, graph)
        where = statement.args.get("where")
        _where(_conjuncts(where.this if where is not None else None), graph, outer_on)
    except _Bail:
        return None
    return graph, frozenset(rel.label for rel in graph.rels.values())


def _where(
    conjuncts: list[exp.Expression], graph: Graph, outer_on: dict[str, list[exp.Expression]]
) -> None:
    """The WHERE conjuncts. A strict one on a nullable side makes its join an inner join
    (its ON conditions then apply both ways); the others on a nullable side filter
    after the join and search nothing."""
    unreduced = set(outer_on)
    for conjunct in conjuncts if unreduced else ():
        if not _is_null_test(conjunct):
            hit = _rels_in(conjunct, graph) & unreduced
            if len(hit) > 1:
                raise _Bail  # reduced in set order: left to the general builder
            for rel in hit:
                graph.rels[rel].after.clear()
                unreduced.discard(rel)
                for on in outer_on[rel]:
                    _predicate(on, graph)
    for conjunct in conjuncts:
        if not (unreduced and _rels_in(conjunct, graph) & unreduced):
            _predicate(conjunct, graph)


def _predicate_on(node: exp.Expression, graph: Graph, rel: str) -> None:
    """A LEFT JOIN's ON conjunct: it searches, and explains, the nullable side ``rel`` only."""
    probe = Graph(
        rels=graph.rels,
        sargs={r: [] for r in graph.rels},
        notes={r: [] for r in graph.rels},
    )
    _predicate(node, probe)
    graph.sargs[rel].extend(probe.sargs[rel])
    for note in probe.notes[rel]:
        graph.note(rel, note)
    if rel in probe.candidates:
        graph.candidates.setdefault(rel, []).extend(probe.candidates[rel])
    if rel in probe.texts:
        graph.texts.setdefault(rel, set()).update(probe.texts[rel])


def _rels_in(node: exp.Expression, graph: Graph) -> set[str]:
    return {ref[0] for c in node.find_all(exp.Column) if (ref := _ref(c, graph)) is not None}


def _is_null_test(node: exp.Expression) -> bool:
    return (
        type(node) is exp.Is
        and isinstance(node.expression, exp.Null)
        and not node.args.get("negate")
    )


_Sources = list[tuple[exp.Expression, exp.Expression | None, bool]]


def _sources(statement: exp.Expression) -> _Sources | None:
    """The tables a simple statement reads, each with its join condition and whether it is
    the nullable side of a LEFT JOIN, else ``None``."""
    args = statement.args
    if args.get("with_"):
        return None
    kind = type(statement)
    if kind is exp.Select:
        if any(isinstance(p.unalias(), _MINMAX) for p in statement.expressions):
            return None  # min/max answered from an index: the general builder knows it
        from_ = args.get("from_")
        if not isinstance(from_, exp.From):
            return None
        sources: _Sources = [(from_.this, None, False)]
        for join in args.get("joins") or ():
            side = _side(join)
            if side is None:
                return None
            sources.append((join.this, join.args.get("on"), side == "LEFT"))
        return sources
    if (kind is exp.Update and not args.get("from_")) or (
        kind is exp.Delete and not args.get("using")
    ):
        return [(statement.this, None, False)]
    return None


def _side(join: exp.Expression) -> str | None:
    """``""`` for an inner join (``JOIN``, ``INNER``, ``CROSS``, a comma), ``"LEFT"`` for a
    left join, with ``ON`` or nothing; ``None`` for anything else (``USING``, ``RIGHT``...)."""
    args = join.args
    if any(v for k, v in args.items() if k not in ("this", "on", "kind", "side")):
        return None
    side = (args.get("side") or "").upper()
    kind = (args.get("kind") or "").upper()
    if side == "" and kind in ("", "INNER", "CROSS"):
        return ""
    if side == "LEFT" and kind in ("", "OUTER"):
        return "LEFT"
    return None


def _add_rel(graph: Graph, source: exp.Expression, schema: Schema) -> Rel:
    """Add a base table of the schema as a relation under its alias."""
    if type(source) is not exp.Table or not isinstance(source.this, exp.Identifier):
        raise _Bail
    name = source.name.lower()
    table = schema.get(name)
    alias = source.alias_or_name.lower()
    if table is None or alias in graph.rels:
        raise _Bail
    rel = Rel(alias, name, table)
    graph.add_rel(rel)
    return rel


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


def _predicate(node: exp.Expression, graph: Graph) -> None:
    kind = type(node)
    sarg_kind = _KINDS.get(kind)
    if sarg_kind is not None:
        _comparison(node, graph, sarg_kind)
        return
    if kind is exp.Between:
        ref = _subject(node, graph, (node.args.get("low"), node.args.get("high")))
        sarg_kind = SargKind.RANGE
    elif kind is exp.In and not any(node.args.get(k) for k in ("query", "unnest", "field")):
        ref = _subject(node, graph, node.expressions)
        sarg_kind = SargKind.EQ
    elif kind is exp.Like:
        ref, sarg_kind = _like(node, graph), SargKind.RANGE
    elif kind is exp.Or:
        _or(node, graph)
        return
    else:
        raise _Bail
    if ref is not None:
        _add(graph, ref, sarg_kind, node)


def _comparison(node: exp.Expression, graph: Graph, kind: SargKind) -> None:
    """``column <op> constant`` (either way round), or a join key ``a.x = b.y``.

    A column that names no relation (MySQL reads ``$1`` as a column) searches nothing,
    nor do two columns of one relation.
    """
    left, right = _unparen(node.this), _unparen(node.expression)
    if isinstance(left, exp.Column):
        if isinstance(right, _LEAVES):
            ref = _ref(left, graph)
            if ref is not None:
                _add(graph, ref, kind, node)
            return
        if isinstance(right, exp.Column):
            a, b = _ref(left, graph), _ref(right, graph)
            if a is not None and b is not None and a[0] != b[0]:
                graph.sargs[a[0]].append(Sarg(a[0], a[1], kind, frozenset((b[0],))))
                graph.sargs[b[0]].append(Sarg(b[0], b[1], kind, frozenset((a[0],))))
            return
    elif isinstance(right, exp.Column) and isinstance(left, _LEAVES):
        ref = _ref(right, graph)
        if ref is not None:
            _add(graph, ref, kind, node)
        return
    elif isinstance(right, _LEAVES) and not isinstance(left, _LEAVES):
        _wrapped(left, node, graph, kind)
        return
    if isinstance(left, _LEAVES) and not isinstance(right, _LEAVES_OR_COLUMN):
        _wrapped(right, node, graph, kind)
        return
    raise _Bail


def _wrapped(side: exp.Expression, node: exp.Expression, graph: Graph, kind: SargKind) -> None:
    """``f(column) <op> constant``: an expression index's key, or a note and a candidate."""
    rels = {ref[0] for c in side.find_all(exp.Column) if (ref := _ref(c, graph)) is not None}
    if len(rels) != 1:
        return  # the general builder records nothing either
    rel = rels.pop()
    table = graph.rels[rel].table
    assert table is not None
    key = key_text(side)
    if has_expression_keys(table) and any(key in i.columns for i in table.access_paths()):
        _add(graph, (rel, key), kind, node)
        return
    note_wrapped(graph, rel, side, node)


def note_wrapped(graph: Graph, rel: str, side: exp.Expression, node: exp.Expression) -> None:
    """Explain ``node`` (``f(column) <op> ...``) as not sargable on ``rel``, and keep the
    expression as a candidate key for an expression index."""
    what = (
        "a cast"
        if isinstance(side, exp.Cast)
        else "arithmetic"
        if isinstance(side, exp.Binary)
        else "a function"
    )
    column = side.find(exp.Column)
    note = f"`{shown(node)}` is not sargable ({what} around `{column.name if column else '?'}`)"
    existing = _serving_without_cast(graph.rels[rel].table, side)
    if existing is not None:
        graph.note(rel, f"{note}; without the cast, {existing.describe()} would serve it")
        return
    graph.note(rel, note)
    graph.candidates.setdefault(rel, []).append((key_text(side), SargKind.EQ, True))


def _serving_without_cast(table: Table | None, side: exp.Expression) -> Index | None:
    """The index that leads with the column ``side`` casts (``CAST(track_id AS TEXT)``):
    rewriting the predicate on the bare column lets it serve, no new index needed."""
    while type(side) is exp.Paren:
        side = side.this
    inner = side.this if isinstance(side, exp.Cast) else None
    while type(inner) is exp.Paren:
        inner = inner.this
    if table is None or not isinstance(inner, exp.Column):
        return None
    leading = table.leading.get(inner.name.lower(), ())
    return next((i for i in leading if i.ordered and i.where is None), None)


def _or(node: exp.Expression, graph: Graph) -> None:
    """``a = 1 OR b = 2`` on one table: served when an index serves each branch."""
    branches: list[tuple[Sarg, ...]] = []
    rels: set[str] = set()
    for branch in map(_expression, node.flatten()):
        if type(branch) in (exp.And, exp.Or):
            raise _Bail
        probe = Graph(
            rels=graph.rels,
            sargs={r: [] for r in graph.rels},
            notes={r: [] for r in graph.rels},
            texts=graph.texts,
        )
        _predicate(branch, probe)
        sargs = tuple(s for ss in probe.sargs.values() for s in ss)
        rels |= {s.rel for s in sargs}
        rels |= {ref[0] for c in branch.find_all(exp.Column) if (ref := _ref(c, graph))}
        branches.append(tuple(s for s in sargs if not s.deps))
    if len(rels) > 1:
        raise _Bail  # notes in set order: left to the general builder
    if not rels:
        return
    rel = rels.pop()
    if all(branches):
        graph.sargs[rel].append(
            Sarg(rel, None, SargKind.OR, branches=tuple(branches), text=canonical(node))
        )
    else:
        graph.note(rel, f"`{canonical(node)}` is not sargable (an OR no single index path serves)")


def has_expression_keys(table: Table) -> bool:
    """Whether an index of ``table`` has an expression key (``lower(email)``)."""
    return any(not k.isidentifier() for i in table.indexes for k in i.columns)


def _add(graph: Graph, ref: tuple[str, str], kind: SargKind, node: exp.Expression) -> None:
    """Record a constant predicate (and its text, if it may match a partial index's WHERE)."""
    rel, key = ref
    text = ""
    table = graph.rels[rel].table
    if table is not None and table.has_partial:
        text = canonical(node)
        graph.texts.setdefault(rel, set()).add(text)
    graph.sargs[rel].append(Sarg(rel, key, kind, _NO_DEPS, True, (), text))


def _subject(node: exp.Expression, graph: Graph, values: object) -> tuple[str, str] | None:
    """The column of ``column BETWEEN/IN constants``; bail out on anything else."""
    subject = _unparen(node.this)
    if not isinstance(subject, exp.Column) or not values:
        raise _Bail
    if not all(isinstance(v, _LEAVES) for v in values):  # type: ignore[attr-defined]
        raise _Bail
    return _ref(subject, graph)


def _like(node: exp.Expression, graph: Graph) -> tuple[str, str] | None:
    """The column of ``column LIKE 'prefix%'``; a note (and ``None``) for other patterns."""
    subject, pattern = _unparen(node.this), _unparen(node.expression)
    if not isinstance(subject, exp.Column) or not isinstance(pattern, exp.Literal):
        raise _Bail
    ref = _ref(subject, graph)
    negate = node.args.get("negate")
    if ref is None or (pattern.is_string and pattern.this[:1] not in ("%", "_", "") and not negate):
        return ref
    why = "a negation" if negate else "a pattern starting with a wildcard"
    graph.note(ref[0], f"`{canonical(node)}` is not sargable ({why})")
    return None


def _ref(column: exp.Column, graph: Graph) -> tuple[str, str] | None:
    """(relation, column name) of ``column``, resolved as the general builder does.

    A qualifier names a relation; an unqualified name belongs to the first relation whose
    table has that column (or to the only relation). ``None``: it names no relation.
    """
    qualifier, name = column.table, column.name.lower()
    rels = graph.rels
    if qualifier:
        rel = qualifier.lower()
        return (rel, name) if rel in rels else None
    if len(rels) == 1:
        return next(iter(rels)), name
    for found in rels.values():
        table = found.table
        if table is not None and (name in table.columns or not table.columns):
            return found.id, name
    return None


def _expression(node: object) -> exp.Expression:
    """``node`` typed as an expression (sqlglot types ``flatten()``'s items loosely)."""
    return cast(exp.Expression, node)


def _unparen(node: exp.Expression) -> exp.Expression:
    while type(node) is exp.Paren:
        node = node.this
    return node
