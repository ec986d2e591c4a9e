"""A fast, canonical SQL text for small expressions (index keys, predicates, messages).

sqlglot's generator is thorough but costs a copy and a full generator run per call; the
advisor needs the text of many tiny expressions (``lower(email)``, ``status = 'open'``) to
compare index keys and partial-index predicates with the query's. :func:`canonical` writes
the common node types directly (unqualified columns, casts dropped, function names upper
case) and falls back to sqlglot for anything else. Both sides of every comparison go
through it, so they are always written the same way.
"""

from __future__ import annotations

from sqlglot import exp

_BINARY = {
    exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<=",
    exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.And: "AND", exp.Or: "OR",
    exp.Like: "LIKE", exp.ILike: "ILIKE", exp.DPipe: "||", exp.Mod: "%",
}  # fmt: skip


def canonical(node: exp.Expression) -> str:
    """Canonical SQL text of ``node``: unqualified lower-case columns, no casts."""
    kind = type(node)
    if kind is exp.Column:
        return node.name.lower()
    if kind is exp.Literal:
        return node.this if not node.is_string else "'" + node.this.replace("'", "''") + "'"
    if kind in _BINARY:
        text = f"{canonical(node.this)} {_BINARY[kind]} {canonical(node.expression)}"
        return (
            f"{canonical(node.this)} NOT {_BINARY[kind]} {canonical(node.expression)}"
            if node.args.get("negate")
            else text
        )
    return _other(node, kind)


def key_text(node: exp.Expression) -> str:
    """Canonical text of an index key, or of the expression a predicate searches.

    As :func:`canonical`, except that a cast at the top of the key is kept
    (``CAST(track_id AS TEXT)``): an index on the cast serves the cast, one on the bare
    column does not. Casts inside (``lower((email)::text)``, as pg_dump writes it) are
    still dropped, so both sides compare equal.
    """
    while type(node) is exp.Paren:
        node = node.this
    if isinstance(node, exp.Cast) and node.find(exp.Column) is not None:
        return f"CAST({canonical(node.this)} AS {_type(node)})"
    return canonical(node)


def shown(node: exp.Expression) -> str:
    """The text of ``node`` for a message quoting it: as :func:`canonical`, casts kept."""
    if node.find(exp.Cast) is None:
        return canonical(node)
    copy = node.copy()
    for cast in list(copy.find_all(exp.Cast, bfs=True)):
        if cast is copy:
            return f"CAST({shown(cast.this)} AS {_type(cast)})"
        if cast.root() is copy:  # not inside a cast already replaced
            text = f"CAST({shown(cast.this)} AS {_type(cast)})"
            cast.replace(exp.Literal(this=text, is_string=False))
    return canonical(copy)


def _type(cast: exp.Expression) -> str:
    to = cast.args.get("to")
    return to.sql(dialect="postgres") if isinstance(to, exp.Expression) else "?"


def _other(node: exp.Expression, kind: type) -> str:
    if kind is exp.Cast or kind is exp.Paren:
        return canonical(node.this)
    if kind is exp.Null:
        return "NULL"
    if kind is exp.Is:
        tail = "NOT NULL" if node.args.get("negate") else canonical(node.expression)
        return f"{canonical(node.this)} IS {tail}"
    if kind is exp.Not:
        inner = node.this
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            return f"{canonical(inner.this)} IS NOT NULL"
        if type(inner) in (exp.In, exp.Between):  # written `x NOT IN (...)`, as people do
            text = canonical(inner)
            subject = canonical(inner.this)
            if text.startswith(subject + " "):
                return f"{subject} NOT {text[len(subject) + 1 :]}"
        return f"NOT {canonical(inner)}"
    if kind is exp.Between and not node.args.get("symmetric"):
        low, high = node.args["low"], node.args["high"]
        return f"{canonical(node.this)} BETWEEN {canonical(low)} AND {canonical(high)}"
    if kind is exp.In and _plain_in(node):
        return f"{canonical(node.this)} IN ({', '.join(canonical(v) for v in node.expressions)})"
    if isinstance(node, exp.Func) and not isinstance(node, exp.AggFunc | exp.Window):
        return _function(node)
    return _fallback(node)


def _plain_in(node: exp.Expression) -> bool:
    """``x IN (a, b)``: a list of values, nothing else."""
    args = node.args
    return bool(node.expressions) and not any(
        args.get(k) for k in ("query", "unnest", "field", "is_global")
    )


def _function(node: exp.Func) -> str:
    name = node.name.upper() if isinstance(node, exp.Anonymous) else node.sql_name()
    args = []
    for key in node.arg_types:
        value = node.args.get(key)
        if isinstance(value, list):
            args.extend(canonical(v) for v in value if isinstance(v, exp.Expression))
        elif isinstance(value, exp.Expression):
            args.append(canonical(value))
        elif value not in (None, False) and key != "this":
            return _fallback(node)
    return f"{name}({', '.join(args)})"


def _fallback(node: exp.Expression) -> str:
    copy = node.copy()
    for column in copy.find_all(exp.Column):
        for part in ("table", "db", "catalog"):
            column.set(part, None)
    for cast in list(copy.find_all(exp.Cast)):
        if cast is not copy:
            cast.replace(cast.this)
    return copy.sql(dialect="postgres")
