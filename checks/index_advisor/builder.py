"""Turn a parsed statement into join graphs (one per independently planned block).

How blocks map to PostgreSQL's planner (the reference the rules are checked against):

- Simple derived tables and CTEs referenced once are *flattened* into the enclosing
  block (PostgreSQL pulls them up / inlines them), so their tables join the outer graph.
- ``EXISTS`` / ``IN (subquery)`` conjuncts become semi-joins in the same graph, and
  ``NOT EXISTS`` an anti-join (the inner side can only be reached from the outer side).
- ``LEFT JOIN``: the nullable side can only be reached from the preserved side, unless a
  strict ``WHERE`` predicate on it turns the join into an inner join.
- Aggregated/limited derived tables, materialised CTEs, scalar subqueries and ``NOT IN``
  subqueries are separate graphs; a separate graph's references to the enclosing block
  are parameters (constants) inside it. Constant predicates on a grouped column of an
  aggregated derived table are pushed down into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlglot import exp

from checks.index_advisor.canon import canonical, key_text
from checks.index_advisor.graph import Graph, Rel, Sarg, SargKind
from checks.index_advisor.schema import Schema, Table, normalise_expression
from checks.index_advisor.simple import has_expression_keys, note_wrapped, simple_graph

VOLATILE = frozenset({"random", "rand", "nextval", "clock_timestamp", "setseed", "uuid"})
UNRESOLVED = "?"
_COMPARISONS = (exp.EQ, exp.NullSafeEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


class Ref(NamedTuple):
    """What a column reference resolves to.

    A named tuple: resolving columns makes many, and tuples are cheap to build.

    Attributes:
        graph: The graph owning the relation; ``None`` for a constant (outer parameter).
        rel: Relation id, or ``None`` for a computed column.
        key: Indexable key (column name) or ``None``.
        deps: Relations the value depends on, in ``graph``.
        push: For columns of an aggregated derived table: where a constant predicate on
            the column can be pushed down to ((graph, rel, key), ...).
    """

    graph: Graph | None
    rel: str | None
    key: str | None
    deps: frozenset[str]
    push: tuple[tuple[Graph, str, str], ...] = ()


CONST = Ref(None, None, None, frozenset())


@dataclass(slots=True)
class Binding:
    """A name visible in a FROM clause: a base table, a flattened or an opaque subquery."""

    rel: str | None = None
    table: Table | None = None
    columns: dict[str, Ref] = field(default_factory=dict)
    inner: Scope | None = None
    opaque: bool = False
    names: set[str] | None = None
    refs: dict[str, Ref] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether the binding exposes a column called ``name``."""
        if self.table is not None:
            return name in self.table.columns or not self.table.columns
        if self.opaque:
            return self.names is not None and name in self.names
        return name in self.columns or (
            self.inner is not None and self.inner.find(name) is not None
        )

    def ref(self, graph: Graph, name: str) -> Ref:
        """Resolve column ``name`` of this binding."""
        if self.opaque:
            ref = self.columns.get(name)
            return Ref(
                graph, self.rel, None, frozenset({self.rel or UNRESOLVED}), ref.push if ref else ()
            )
        if self.rel is not None:
            ref = self.refs.get(name)
            if ref is None or ref.graph is not graph:  # OR branches resolve in probe graphs
                ref = self.refs[name] = Ref(graph, self.rel, name, frozenset({self.rel}))
            return ref
        if name in self.columns:
            return self.columns[name]
        found = self.inner.find(name) if self.inner is not None else None
        return found if found is not None else Ref(graph, None, None, frozenset({UNRESOLVED}))


@dataclass(slots=True)
class Scope:
    """The FROM-clause names of one SELECT, chained to the enclosing SELECT's scope."""

    graph: Graph
    parent: Scope | None = None
    bindings: dict[str, Binding] = field(default_factory=dict)

    def find(self, name: str) -> Ref | None:
        """Resolve an unqualified column in this scope only."""
        for binding in self.bindings.values():
            if binding.has(name):
                return binding.ref(self.graph, name)
        return None

    def resolve(self, column: exp.Column, graph: Graph) -> Ref:
        """Resolve ``column`` through the scope chain, as seen from ``graph``."""
        qualifier, name = column.table.lower(), column.name.lower()
        scope: Scope | None = self
        while scope is not None:
            ref = scope._lookup(qualifier, name)
            if ref is not None:
                return ref if scope.graph is graph else CONST
            scope = scope.parent
        if not qualifier and len(self.bindings) == 1:
            return next(iter(self.bindings.values())).ref(self.graph, name)
        return Ref(graph, None, None, frozenset({UNRESOLVED}))

    def _lookup(self, qualifier: str, name: str) -> Ref | None:
        if qualifier:
            binding = self.bindings.get(qualifier)
            return binding.ref(self.graph, name) if binding is not None else None
        return self.find(name)


@dataclass
class _Cte:
    query: exp.Expression
    inline: bool
    recursive: bool
    binding: Binding | None = None
    building: bool = False


class GraphBuilder:
    """Builds the graphs of one statement. Use :func:`build_graphs`."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.graphs: list[Graph] = []
        self.ctes: dict[str, _Cte] = {}
        self.cte_refs: dict[str, int] = {}
        self.outer_on: dict[str, list[exp.Expression]] = {}
        self.nested = True
        self.tables: set[str] = set()

    # ---- statements -------------------------------------------------------------------

    def statement(self, node: exp.Expression, parent: Scope | None = None) -> None:
        """Add the graphs of ``node`` (a query or DML statement)."""
        if isinstance(node, exp.Subquery):
            self._with(node)
            self.statement(node.this, parent)
        elif isinstance(node, exp.Select):
            graph = Graph()
            self.graphs.append(graph)
            self.select(node, parent, graph)
        elif isinstance(node, exp.SetOperation):
            self._with(node)
            self.statement(node.this, parent)
            self.statement(node.expression, parent)
        elif isinstance(node, exp.Update | exp.Delete):
            self._dml(node, parent)
        elif isinstance(node, exp.Insert):
            self._with(node)
            if isinstance(node.expression, exp.Query):
                self.statement(node.expression, parent)

    def _dml(self, node: exp.Update | exp.Delete, parent: Scope | None) -> None:
        self._with(node)
        graph = Graph()
        self.graphs.append(graph)
        scope = Scope(graph, parent)
        self._source(node.this, scope)
        extra = node.args.get("from_") if isinstance(node, exp.Update) else None
        sources = [extra.this] if isinstance(extra, exp.From) else []
        sources += list(node.args.get("using") or []) if isinstance(node, exp.Delete) else []
        for source in sources:
            self._source(source, scope)
        self._where(node.args.get("where"), scope)
        for setter in node.expressions if isinstance(node, exp.Update) else []:
            self._separate_subqueries(setter, scope)

    def _with(self, node: exp.Expression) -> None:
        with_ = node.args.get("with_")
        if not isinstance(with_, exp.With):
            return
        root = node.root()
        for cte in with_.expressions:
            name = cte.alias_or_name.lower()
            refs = sum(
                1
                for t in root.find_all(exp.Table)
                if t.name.lower() == name and not t.args.get("db")
            )
            recursive = bool(with_.args.get("recursive")) and _references(cte.this, name)
            inline = refs <= 1 and not cte.args.get("materialized") and not recursive
            self.ctes[name] = _Cte(cte.this, inline, recursive)

    # ---- SELECT -----------------------------------------------------------------------

    def select(self, select: exp.Select, parent: Scope | None, graph: Graph) -> Scope:
        """Add ``select``'s relations and predicates to ``graph``; return its scope."""
        self._with(select)
        scope = Scope(graph, parent)
        from_ = select.args.get("from_")
        if isinstance(from_, exp.From):
            self._source(from_.this, scope)
        nullable: set[str] = set()
        for join in select.args.get("joins") or []:
            self._join(join, scope, nullable)
        self._where(select.args.get("where"), scope, nullable)
        if self.nested:
            for part in ("expressions", "having", "order", "group"):
                for node in _as_list(select.args.get(part)):
                    self._separate_subqueries(node, scope)
        self._minmax(select, scope)
        return scope

    def _join(self, join: exp.Join, scope: Scope, nullable: set[str]) -> None:
        graph = scope.graph
        before = set(graph.rels)
        self._source(join.this, scope)
        new = set(graph.rels) - before
        side = (join.args.get("side") or "").upper()
        if side in ("LEFT", "FULL"):
            for rel in new:
                graph.rels[rel].after |= before
            nullable |= new
        if side in ("RIGHT", "FULL"):
            for rel in before:
                graph.rels[rel].after |= new
            nullable |= before
        graph.ordered = graph.ordered or side in ("LEFT", "RIGHT", "FULL")
        only = new if side == "LEFT" else before if side == "RIGHT" else None
        if side == "FULL":
            only = set()
        for conjunct in _conjuncts(join.args.get("on")):
            self.predicate(conjunct, scope, only=only)
            if only is not None:
                for rel in new if side == "LEFT" else before:
                    self.outer_on.setdefault(rel, []).append(conjunct)
        for ident in join.args.get("using") or []:
            self._using(ident.name.lower(), join, scope, only)

    def _using(self, name: str, join: exp.Join, scope: Scope, only: set[str] | None) -> None:
        right_alias = join.this.alias_or_name.lower()
        right = scope.bindings.get(right_alias)
        left = next(
            (b for a, b in scope.bindings.items() if a != right_alias and b.has(name)), None
        )
        if right is None or left is None:
            return
        self._equate(left.ref(scope.graph, name), right.ref(scope.graph, name), scope, only)

    def _equate(self, a: Ref, b: Ref, scope: Scope, only: set[str] | None) -> None:
        for x, y in ((a, b), (b, a)):
            if x.rel and x.key and y.rel != x.rel and (only is None or x.rel in only):
                scope.graph.add_sarg(Sarg(x.rel, x.key, SargKind.EQ, y.deps))

    def _where(
        self, where: exp.Expression | None, scope: Scope, nullable: set[str] | None = None
    ) -> None:
        conjuncts = list(_conjuncts(where))
        graph = scope.graph
        unreduced = set(nullable or ())
        for conjunct in conjuncts if unreduced else ():
            if not _is_null_test(conjunct):
                for rel in self._rels_of(conjunct, scope) & unreduced:
                    graph.rels[rel].after.clear()
                    unreduced.discard(rel)
                    for on in self.outer_on.pop(rel, []):
                        self.predicate(on, scope)
        for conjunct in conjuncts:
            if unreduced and self._rels_of(conjunct, scope) & unreduced:
                self._separate_subqueries(conjunct, scope)
                continue
            self.predicate(conjunct, scope)

    def _minmax(self, select: exp.Select, scope: Scope) -> None:
        """Record ``SELECT min(c), max(d) FROM t`` (PostgreSQL answers it from an index)."""
        if select.args.get("group") or len(scope.bindings) != 1 or select.args.get("joins"):
            return
        binding = next(iter(scope.bindings.values()))
        columns: list[str] = []
        for projection in select.expressions:
            agg = projection.unalias()
            if not isinstance(agg, exp.Min | exp.Max) or not isinstance(agg.this, exp.Column):
                return
            columns.append(agg.this.name.lower())
        if columns and binding.rel is not None and binding.table is not None:
            scope.graph.minmax[binding.rel] = columns

    # ---- FROM sources -----------------------------------------------------------------

    def _source(self, source: exp.Expression, scope: Scope) -> None:
        alias = source.alias_or_name.lower()
        if isinstance(source, exp.Table) and isinstance(source.this, exp.Identifier):
            name = source.name.lower()
            self.tables.add(name)
            cte = None if source.args.get("db") else self.ctes.get(name)
            binding = self._cte(cte, alias, scope) if cte else self._base(name, alias, scope)
        elif isinstance(source, exp.Subquery) and isinstance(source.this, exp.Query):
            binding = self._derived(source.this, alias, scope)
        else:
            binding = self._opaque(alias or "function", scope, None)
        scope.bindings[alias] = binding

    def _base(self, name: str, alias: str, scope: Scope) -> Binding:
        table = self.schema.get(name)
        rel = Rel(scope.graph.unique_id(alias), name, table, known=table is not None)
        scope.graph.add_rel(rel)
        if table is None:
            scope.graph.note(rel.id, f"`{name}` is not in the schema")
        return Binding(rel=rel.id, table=table)

    def _opaque(self, alias: str, scope: Scope, names: set[str] | None) -> Binding:
        rel = Rel(scope.graph.unique_id(alias), alias, opaque=True)
        scope.graph.add_rel(rel)
        return Binding(rel=rel.id, opaque=True, names=names)

    def _cte(self, cte: _Cte, alias: str, scope: Scope) -> Binding:
        if cte.building or not cte.inline:
            if not cte.building and cte.binding is None:
                cte.building = True
                self.statement(cte.query, None)
                cte.building = False
                cte.binding = Binding()
            return self._opaque(alias, scope, _output_names(cte.query))
        return self._derived(cte.query, alias, scope)

    def _derived(self, query: exp.Query, alias: str, scope: Scope) -> Binding:
        if isinstance(query, exp.Select) and _flattenable(query):
            inner = self.select(query, scope.parent, scope.graph)
            binding = Binding(inner=inner if query.is_star else None)
            for projection in query.expressions:
                if not isinstance(projection, exp.Star):
                    binding.columns[projection.alias_or_name.lower()] = self._expr_ref(
                        projection.unalias(), inner
                    )
            return binding
        return self._opaque_derived(query, alias, scope)

    def _opaque_derived(self, query: exp.Query, alias: str, scope: Scope) -> Binding:
        binding = self._opaque(alias, scope, _output_names(query))
        if not isinstance(query, exp.Select):
            self.statement(query, scope.parent)
            return binding
        graph = Graph()
        self.graphs.append(graph)
        inner = self.select(query, scope.parent, graph)
        if _pushdown_allowed(query):
            for projection in query.expressions:
                ref = self._expr_ref(projection.unalias(), inner)
                if ref.rel and ref.key and _grouped(query, projection.unalias()):
                    push = ((graph, ref.rel, ref.key),)
                    binding.columns[projection.alias_or_name.lower()] = Ref(
                        graph, None, None, frozenset(), push
                    )
        return binding

    def _expr_ref(self, node: exp.Expression, scope: Scope) -> Ref:
        if isinstance(node, exp.Column):
            return scope.resolve(node, scope.graph)
        return Ref(scope.graph, None, None, self.deps(node, scope))

    # ---- predicates -------------------------------------------------------------------

    def predicate(
        self, node: exp.Expression, scope: Scope, only: set[str] | None = None, merge: bool = True
    ) -> None:
        """Record what ``node`` (one conjunct) lets an index do."""
        node = _unparen(node)
        handler = self._handler(node)
        if handler is not None:
            handler(node, scope, only, merge)
            return
        self._separate_subqueries(node, scope)
        for rel in self._rels_of(node, scope):
            if only is None or rel in only:
                scope.graph.note(rel, f"`{_sql(node)}` cannot use an index")

    def _handler(self, node: exp.Expression):  # type: ignore[no-untyped-def]
        name = _HANDLERS.get(type(node))
        if name is not None:
            return getattr(self, name)
        if isinstance(node, exp.And):
            return self._and
        if isinstance(node, exp.Or):
            return self._or
        if isinstance(node, exp.Not):
            return self._not
        if isinstance(node, exp.Exists):
            return self._exists
        if isinstance(node, _COMPARISONS):
            return self._comparison
        if isinstance(node, exp.Between | exp.In | exp.Is | exp.Like):
            return self._special
        if isinstance(node, exp.NEQ | exp.ILike):
            return self._not_sargable
        return None

    def _and(self, node: exp.Expression, scope: Scope, only: set[str] | None, merge: bool) -> None:
        for part in node.flatten():
            self.predicate(part, scope, only, merge)

    def _not_sargable(
        self, node: exp.Expression, scope: Scope, only: set[str] | None, merge: bool
    ) -> None:
        self._separate_subqueries(node, scope)
        why = (
            "case-insensitive match"
            if isinstance(node, exp.ILike)
            else "`<>` matches almost every row"
        )
        for rel in self._rels_of(node, scope):
            if only is None or rel in only:
                scope.graph.note(rel, f"`{_sql(node)}` is not sargable ({why})")

    def _not(self, node: exp.Not, scope: Scope, only: set[str] | None, merge: bool) -> None:
        inner = _unparen(node.this)
        if isinstance(inner, exp.Exists) and merge:
            self._semi(inner.this, scope, anti=True)
            return
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            self._add_term(inner.this, exp.null(), SargKind.RANGE, scope, only, node)
            return
        self._separate_subqueries(node, scope)
        for rel in self._rels_of(node, scope):
            if only is None or rel in only:
                scope.graph.note(rel, f"`{_sql(node)}` is not sargable (a negation)")

    def _exists(self, node: exp.Exists, scope: Scope, only: set[str] | None, merge: bool) -> None:
        if merge:
            self._semi(node.this, scope, anti=False)
        else:
            self._separate_subqueries(node, scope)

    def _semi(self, query: exp.Expression, scope: Scope, anti: bool) -> None:
        query = query.this if isinstance(query, exp.Subquery) else query
        if not (isinstance(query, exp.Select) and _pullable(query)):
            self.statement(query, scope)
            return
        graph = scope.graph
        before = set(graph.rels)
        self.select(query, scope, graph)
        if anti:
            graph.ordered = True
            for rel in set(graph.rels) - before:
                graph.rels[rel].after |= before

    def _comparison(
        self, node: exp.Expression, scope: Scope, only: set[str] | None, merge: bool
    ) -> None:
        self._separate_subqueries(node, scope)
        kind = SargKind.EQ if isinstance(node, exp.EQ | exp.NullSafeEQ) else SargKind.RANGE
        left, right = _unparen(node.this), _unparen(node.expression)
        found = self._add_term(left, right, kind, scope, only, node)
        found = self._add_term(right, left, kind, scope, only, node) or found
        if not found:
            self._wrapped(left, node, scope, only)
            self._wrapped(right, node, scope, only)

    def _special(
        self, node: exp.Expression, scope: Scope, only: set[str] | None, merge: bool
    ) -> None:
        subject = _unparen(node.this)
        if isinstance(node, exp.In) and node.args.get("query") is not None:
            self._in_subquery(node, scope, only, merge)
            return
        self._separate_subqueries(node, scope)
        if isinstance(node, exp.Like):
            self._like(node, scope, only)
            return
        if isinstance(node, exp.Is):
            if isinstance(node.expression, exp.Null) and node.args.get("negate"):
                self._add_term(subject, exp.null(), SargKind.RANGE, scope, only, node)
            elif isinstance(node.expression, exp.Null):
                self._add_term(subject, exp.null(), SargKind.EQ, scope, only, node, strict=False)
            return
        values = (
            [node.args.get("low"), node.args.get("high")]
            if isinstance(node, exp.Between)
            else node.expressions
        )
        kind = SargKind.RANGE if isinstance(node, exp.Between) else SargKind.EQ
        if not self._add_term(subject, [v for v in values if v], kind, scope, only, node):
            self._wrapped(subject, node, scope, only)

    def _like(self, node: exp.Like, scope: Scope, only: set[str] | None) -> None:
        pattern = _unparen(node.expression)
        prefix = (
            isinstance(pattern, exp.Literal)
            and pattern.is_string
            and pattern.this[:1] not in ("%", "_", "")
        )
        if prefix and not node.args.get("negate"):
            self._add_term(_unparen(node.this), pattern, SargKind.RANGE, scope, only, node)
            return
        why = (
            "a pattern starting with a wildcard"
            if isinstance(pattern, exp.Literal)
            else "a non-constant pattern"
        )
        if node.args.get("negate"):
            why = "a negation"
        for rel in self._rels_of(node.this, scope):
            if only is None or rel in only:
                scope.graph.note(rel, f"`{_sql(node)}` is not sargable ({why})")

    def _in_subquery(self, node: exp.In, scope: Scope, only: set[str] | None, merge: bool) -> None:
        query = node.args["query"]
        query = query.this if isinstance(query, exp.Subquery) else query
        subject = _unparen(node.this)
        if not merge or not isinstance(query, exp.Select) or not query.expressions:
            self.statement(query, scope)
            return
        graph = scope.graph
        if _pullable(query):
            inner = self.select(query, scope, graph)
            ref = self._expr_ref(query.expressions[0].unalias(), inner)
        else:
            binding = self._opaque_derived(query, "in_subquery", scope)
            ref = Ref(graph, binding.rel, None, frozenset({binding.rel or UNRESOLVED}))
        outer = self._expr_ref(subject, scope) if isinstance(subject, exp.Column) else None
        if outer is not None and outer.graph is graph:
            self._equate(outer, ref, scope, only)

    def _or(self, node: exp.Or, scope: Scope, only: set[str] | None, merge: bool) -> None:
        graph = scope.graph
        branches: list[tuple[Sarg, ...]] = []
        rels: set[str] = set()
        for branch in node.flatten():
            probe = Graph(
                rels=graph.rels,
                sargs={r: [] for r in graph.rels},
                notes={r: [] for r in graph.rels},
                texts=graph.texts,
            )
            self.predicate(branch, Scope(probe, scope.parent, scope.bindings), only, merge=False)
            sargs = tuple(s for ss in probe.sargs.values() for s in ss)
            rels |= {s.rel for s in sargs} | self._rels_of(branch, scope)
            branches.append(tuple(s for s in sargs if not s.deps))
        if len(rels) == 1 and all(branches):
            rel = next(iter(rels))
            graph.add_sarg(Sarg(rel, None, SargKind.OR, branches=tuple(branches), text=_sql(node)))
            return
        for rel in rels:
            if only is None or rel in only:
                graph.note(
                    rel, f"`{_sql(node)}` is not sargable (an OR no single index path serves)"
                )

    def _add_term(
        self,
        side: exp.Expression,
        other: exp.Expression | list[exp.Expression],
        kind: SargKind,
        scope: Scope,
        only: set[str] | None,
        node: exp.Expression,
        strict: bool = True,
    ) -> bool:
        """Record ``side`` as a searched key if it is an indexable term of one relation."""
        graph = scope.graph
        term = self._term(side, scope)
        if term is None:
            return False
        others = other if isinstance(other, list) else [other]
        deps = (
            self.deps(others[0], scope)
            if len(others) == 1
            else frozenset().union(*(self.deps(o, scope) for o in others))
        )
        if isinstance(term, Ref):
            if deps:
                return False
            for target, rel, key in term.push:
                target.add_sarg(Sarg(rel, key, kind, strict=strict))
            return bool(term.push)
        rel, key = term
        if rel in deps or UNRESOLVED in deps or (only is not None and rel not in only):
            return False
        if any(_volatile(o) for o in others):
            return False
        text = self._text(rel, node, deps, graph)
        graph.add_sarg(Sarg(rel, key, kind, deps, strict, text=text))
        return True

    def _text(self, rel: str, node: exp.Expression, deps: frozenset[str], graph: Graph) -> str:
        """Record the normalised predicate when it may match a partial index's WHERE."""
        table = graph.rels[rel].table
        if deps or table is None or not table.has_partial:
            return ""
        text = normalise_expression(node)
        graph.texts.setdefault(rel, set()).add(text)
        return text

    def _term(self, side: exp.Expression, scope: Scope) -> tuple[str, str] | Ref | None:
        if isinstance(side, _LEAVES):
            return None
        if isinstance(side, exp.Column):
            ref = scope.resolve(side, scope.graph)
            if ref.graph is scope.graph and ref.rel and ref.key:
                return (ref.rel, ref.key)
            return ref if ref.push else None
        rels = self._rels_of(side, scope)
        if len(rels) != 1 or side.find(exp.Query) is not None:
            return None
        rel = next(iter(rels))
        table = scope.graph.rels[rel].table
        if table is None or not has_expression_keys(table):
            return None
        key = key_text(side)
        return (rel, key) if any(key in i.columns for i in table.access_paths()) else None

    def _wrapped(
        self, side: exp.Expression, node: exp.Expression, scope: Scope, only: set[str] | None
    ) -> None:
        if isinstance(side, exp.Column) or side.find(exp.Query) is not None:
            return
        rels = self._rels_of(side, scope)
        if len(rels) != 1:
            return
        rel = next(iter(rels))
        if only is not None and rel not in only:
            return
        note_wrapped(scope.graph, rel, side, node)

    # ---- helpers ----------------------------------------------------------------------

    def deps(self, node: exp.Expression, scope: Scope) -> frozenset[str]:
        """Relations of ``scope.graph`` whose values ``node`` needs."""
        if isinstance(node, _LEAVES):
            return frozenset()
        if isinstance(node, exp.Column):
            ref = scope.resolve(node, scope.graph)
            return ref.deps if ref.graph is scope.graph else frozenset()
        found: set[str] = set()
        for column in _columns_outside_queries(node):
            ref = scope.resolve(column, scope.graph)
            found |= ref.deps if ref.graph is scope.graph else set()
        for query in _top_queries(node):
            found |= self._correlated(query, scope)
        return frozenset(found)

    def _correlated(self, query: exp.Expression, scope: Scope) -> set[str]:
        inner_aliases = {t.alias_or_name.lower() for t in query.find_all(exp.Table)}
        found: set[str] = set()
        for column in query.find_all(exp.Column):
            qualifier = column.table.lower()
            if qualifier and qualifier not in inner_aliases:
                ref = scope.resolve(column, scope.graph)
                found |= ref.deps if ref.graph is scope.graph else set()
        return found

    def _rels_of(self, node: exp.Expression, scope: Scope) -> set[str]:
        deps = set(self.deps(node, scope))
        deps.discard(UNRESOLVED)
        return {d for d in deps if d in scope.graph.rels and not scope.graph.rels[d].opaque}

    def _separate_subqueries(self, node: exp.Expression, scope: Scope) -> None:
        if not self.nested:
            return
        for query in _top_queries(node):
            self.statement(query, scope)


def build_graphs(
    statement: exp.Expression, schema: Schema, nested: bool | None = None
) -> tuple[list[Graph], frozenset[str]]:
    """Return the graphs (independently planned blocks) of ``statement`` and its tables.

    Args:
        statement: A parsed statement.
        schema: The schema.
        nested: Whether the statement holds subqueries, when the caller already knows.

    Returns:
        The graphs, and the names of every table (or CTE) the statement reads.
    """
    nested = _has_subquery(statement) if nested is None else nested
    if not nested:
        simple = simple_graph(statement, schema)
        if simple is not None:
            return [simple[0]], simple[1]
    builder = GraphBuilder(schema)
    builder.nested = nested
    builder.statement(statement)
    return builder.graphs, frozenset(builder.tables)


# ---- module helpers ---------------------------------------------------------------------


_LEAVES = (exp.Literal, exp.Null, exp.Placeholder, exp.Parameter, exp.Boolean)
#: Handlers of the common predicate types, by exact type (subclasses take the slow path).
_HANDLERS: dict[type[exp.Expression], str] = {
    exp.And: "_and", exp.Or: "_or", exp.Not: "_not", exp.Exists: "_exists",
    **{kind: "_comparison" for kind in _COMPARISONS},
    exp.Between: "_special", exp.In: "_special", exp.Is: "_special", exp.Like: "_special",
    exp.NEQ: "_not_sargable", exp.ILike: "_not_sargable",
}  # fmt: skip


def _has_subquery(statement: exp.Expression) -> bool:
    """Whether any query is nested inside ``statement`` (else subquery walks are skipped)."""
    return any(q is not statement for q in statement.find_all(exp.Query))


def _as_list(value: object) -> list[exp.Expression]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]  # type: ignore[list-item]


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _conjuncts(node: exp.Expression | None) -> Iterator[exp.Expression]:
    if node is None:
        return
    node = node.this if isinstance(node, exp.Where) else node
    node = _unparen(node)
    if isinstance(node, exp.And):
        for part in node.flatten():
            yield from _conjuncts(part)
    else:
        yield node


def _is_null_test(node: exp.Expression) -> bool:
    node = _unparen(node)
    return (
        isinstance(node, exp.Is)
        and isinstance(node.expression, exp.Null)
        and not node.args.get("negate")
    )


def _top_queries(node: exp.Expression) -> Iterator[exp.Expression]:
    """Subqueries directly inside ``node`` (not nested in another subquery)."""
    stack = [node]
    while stack:
        current = stack.pop()
        for child in current.iter_expressions():
            if isinstance(child, exp.Query):
                yield child
            else:
                stack.append(child)


def _columns_outside_queries(node: exp.Expression) -> Iterator[exp.Column]:
    if isinstance(node, exp.Column):
        yield node
        return
    stack = [node]
    while stack:
        current = stack.pop()
        for child in current.iter_expressions():
            if isinstance(child, exp.Column):
                yield child
            elif not isinstance(child, exp.Query):
                stack.append(child)


def _volatile(node: exp.Expression) -> bool:
    if isinstance(node, (*_LEAVES, exp.Column)):
        return False
    return any(
        (f.name or type(f).__name__).lower() in VOLATILE or isinstance(f, exp.Rand)
        for f in node.find_all(exp.Func)
    )


def _flattenable(select: exp.Select) -> bool:
    """A derived table PostgreSQL pulls up into the enclosing query."""
    args = select.args
    if any(
        args.get(k) for k in ("group", "having", "distinct", "limit", "offset", "with_", "windows")
    ):
        return False
    return not any(p.find(exp.AggFunc, exp.Window) for p in select.expressions)


def _pullable(select: exp.Select) -> bool:
    """An EXISTS / IN subquery PostgreSQL turns into a semi- or anti-join."""
    args = select.args
    if any(args.get(k) for k in ("group", "having", "with_", "windows", "offset")):
        return False
    return not any(p.find(exp.AggFunc, exp.Window) for p in select.expressions)


def _pushdown_allowed(select: exp.Select) -> bool:
    args = select.args
    if any(args.get(k) for k in ("limit", "offset", "windows")):
        return False
    return not any(p.find(exp.Window) for p in select.expressions)


def _grouped(select: exp.Select, node: exp.Expression) -> bool:
    group = select.args.get("group")
    if group is None:
        return not any(p.find(exp.AggFunc) for p in select.expressions)
    return any(g == node for g in group.expressions)


def _output_names(query: exp.Expression) -> set[str] | None:
    if not isinstance(query, exp.Query) or query.is_star:
        return None
    return {p.alias_or_name.lower() for p in query.selects}


def _references(query: exp.Expression, name: str) -> bool:
    return any(t.name.lower() == name and not t.args.get("db") for t in query.find_all(exp.Table))


def _sql(node: exp.Expression) -> str:
    return canonical(node)
