"""The direct pass for simple statements builds exactly the graph the general builder does."""

# The cases are one SQL statement per line, easier to read unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import random

import pytest

from bench.bench_index_advisor import generate_queries, generate_schema
from checks.index_advisor import Query, Schema, load_schema
from checks.index_advisor.analyzer import parse_query
from checks.index_advisor.builder import GraphBuilder, _has_subquery
from checks.index_advisor.simple import simple_graph
from tests.checks.index_advisor import planner
from tests.checks.index_advisor.test_analyzer import SCHEMA, SERVED, UNSERVED
from tests.checks.index_advisor.test_verdict_stability import CORPUS_SCHEMAS

EDGES = [
    "SELECT * FROM rental WHERE (rental_id = 1) AND ((staff_id = 2 AND return_date IS NULL))",
    "SELECT * FROM rental r WHERE r.rental_id = $1 AND 5 < r.staff_id",
    "SELECT * FROM rental r WHERE rental.rental_id = 1",
    "SELECT * FROM rental WHERE rental_id = staff_id",
    "SELECT * FROM rental WHERE rental_id IN (1, 2) AND staff_id BETWEEN 1 AND 4",
    "SELECT * FROM customer WHERE email LIKE 'a%' AND last_name LIKE '%b' AND city LIKE '_c'",
    "SELECT * FROM customer WHERE email NOT LIKE 'a%'",
    "SELECT * FROM customer WHERE email LIKE last_name",
    "SELECT max(rental_id) FROM rental",
    "SELECT count(*) FROM rental GROUP BY staff_id",
    "SELECT * FROM nowhere WHERE id = 1",
    "SELECT * FROM public.rental WHERE rental_id = 1",
    "UPDATE rental SET staff_id = 1 WHERE rental_id = NULL",
    "DELETE FROM payment WHERE amount > 100 AND paid_at = '2024-01-01'",
    "SELECT * FROM payment WHERE amount > 100 AND paid_at > '2024-01-01'",
    "SELECT * FROM rental WHERE return_date IS NULL AND staff_id = 3",
    "SELECT * FROM rental WHERE rental_id = -1 OR staff_id = 2",
    "SELECT * FROM rental WHERE abs(rental_id) = 1",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE r.rental_id = 1",
    "SELECT * FROM rental r, customer c WHERE c.customer_id = r.customer_id AND c.city = 'x'",
    "SELECT * FROM rental r CROSS JOIN payment p WHERE p.rental_id > r.rental_id",
    "SELECT * FROM rental r INNER JOIN rental r2 ON r2.staff_id = r.staff_id AND r2.staff_id < 9",
    "SELECT * FROM rental r JOIN payment p ON p.rental_id = r.rental_id AND p.amount > 100",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE city = 'x'",
    "SELECT * FROM rental r LEFT JOIN customer c ON c.customer_id = r.customer_id",
    "SELECT * FROM rental r JOIN customer c USING (customer_id)",
    "SELECT * FROM rental r JOIN rental r ON r.rental_id = r.staff_id",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = c.city WHERE r.rental_id = 1",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE x.a = 1",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE nope = 1",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = nope WHERE nope LIKE '%a'",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE nope IN (1)",
    "SELECT * FROM customer WHERE lower(email) = 'a' AND 3 = abs(customer_id)",
    "SELECT * FROM customer WHERE CAST(city AS INT) = 3 AND customer_id + 1 = 2",
    "SELECT * FROM customer WHERE upper(first_name || last_name) = 'AB'",
    "SELECT * FROM customer WHERE abs(customer_id) = abs(2)",
    "SELECT * FROM customer WHERE 1 = 1",
    "SELECT * FROM rental WHERE rental_id = 1 OR staff_id = 2 OR rental_date > '2024-01-01'",
    "SELECT * FROM rental WHERE (rental_id = 1 OR rental_id = 2) AND staff_id = 3",
    "SELECT * FROM rental WHERE rental_id = 1 OR (staff_id = 2 AND return_date IS NULL)",
    "SELECT * FROM rental WHERE rental_id = 1 OR (staff_id = 2 OR staff_id = 4)",
    "SELECT * FROM customer WHERE email LIKE '%a' OR customer_id = 1",
    "SELECT * FROM customer WHERE lower(email) = 'a' OR customer_id = 1",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE r.rental_id = 1 OR c.city = 'x'",
    "SELECT * FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE r.rental_id = 1 OR r.staff_id = 2",
    "SELECT * FROM payment WHERE amount > 100 OR paid_at = '2024-01-01'",
    "SELECT * FROM rental r LEFT OUTER JOIN payment p ON p.rental_id = r.rental_id AND p.amount > 100 AND r.staff_id = 2 WHERE r.rental_id = 1",
    "SELECT * FROM rental r LEFT JOIN payment p ON p.rental_id = r.rental_id WHERE p.paid_at > '2024-01-01'",
    "SELECT * FROM rental r LEFT JOIN payment p ON p.rental_id = r.rental_id WHERE p.payment_id IS NULL AND r.staff_id = 3",
    "SELECT * FROM customer c LEFT JOIN rental r ON r.customer_id = c.customer_id LEFT JOIN payment p ON p.rental_id = r.rental_id WHERE c.email = 'x'",
    "SELECT * FROM customer c LEFT JOIN rental r ON r.customer_id = c.customer_id LEFT JOIN payment p ON p.rental_id = r.rental_id WHERE r.staff_id = p.amount",
    "SELECT * FROM customer c LEFT JOIN rental r ON r.customer_id = c.customer_id AND (r.staff_id = 1 OR r.rental_id = 2) WHERE lower(c.email) = 'x'",
    "SELECT * FROM customer c LEFT JOIN rental r ON lower(c.email) = 'x' AND abs(r.staff_id) = 1",
    "SELECT * FROM customer c RIGHT JOIN rental r ON r.customer_id = c.customer_id WHERE c.customer_id = 1",
    "SELECT * FROM customer c FULL JOIN rental r ON r.customer_id = c.customer_id WHERE c.customer_id = 1",
]


def _general(tree, schema: Schema):  # type: ignore[no-untyped-def]
    builder = GraphBuilder(schema)
    builder.nested = False
    builder.statement(tree)
    return builder.graphs, frozenset(builder.tables)


def _same_or_declined(sql: str, schema: Schema, dialect: str = "postgres") -> bool:
    """Whether the direct pass took ``sql`` (its graph then equals the general one)."""
    tree = parse_query(Query("q", sql), dialect)
    if _has_subquery(tree):
        return False  # statements with subqueries never reach the direct pass
    simple = simple_graph(tree, schema)
    if simple is None:
        return False
    graphs, tables = _general(tree, schema)
    assert [simple[0]] == graphs, sql
    assert simple[1] == tables, sql
    return True


@pytest.mark.parametrize("sql", [*SERVED.values(), *(s for s, _t in UNSERVED.values()), *EDGES])
def test_analyzer_cases(sql: str) -> None:
    _same_or_declined(sql, SCHEMA)


def test_planner_corpus() -> None:
    taken = 0
    for name, files in CORPUS_SCHEMAS["postgres"].items():
        ddl = "\n".join((planner.CORPUS / f).read_text(encoding="utf-8") for f in files)
        schema = load_schema(ddl)
        taken += sum(_same_or_declined(q.sql, schema) for q in planner.load_corpus(name))
    assert taken >= 40


def test_varied_workload_mostly_takes_the_direct_pass() -> None:
    rng = random.Random(5)
    schema = load_schema(generate_schema(100, rng))
    texts = generate_queries(1500, 100, rng)
    taken = sum(_same_or_declined(t, schema) for t in texts)
    assert taken > len(texts) / 3


def test_edges_are_taken_or_declined_as_designed() -> None:
    taken = {sql for sql in EDGES if _same_or_declined(sql, SCHEMA)}
    assert "SELECT * FROM rental r WHERE r.rental_id = $1 AND 5 < r.staff_id" in taken
    assert "SELECT * FROM public.rental WHERE rental_id = 1" in taken
    assert "SELECT * FROM rental r CROSS JOIN payment p WHERE p.rental_id > r.rental_id" in taken
    assert "SELECT * FROM customer WHERE lower(email) = 'a' OR customer_id = 1" in taken
    assert "SELECT * FROM rental WHERE abs(rental_id) = 1" in taken
    assert any(
        "LEFT JOIN payment p ON p.rental_id = r.rental_id WHERE p.paid" in sql for sql in taken
    )
    for declined in ("max(rental_id)", "nowhere", "RIGHT JOIN", "FULL JOIN", "USING", "rental r JOIN rental r", "r.staff_id = p.amount",
                     "OR c.city", "OR (staff_id = 2 AND", "abs(2)", "1 = 1"):  # fmt: skip
        assert not any(declined in sql for sql in taken), declined
