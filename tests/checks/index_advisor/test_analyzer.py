"""Unit tests of the analyzer, one construct at a time, on a small rental schema."""

# The cases are one SQL statement per line, easier to read unwrapped.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from checks.index_advisor import Advisor, Index, Query, Table, load_schema
from checks.index_advisor.analyzer import analyze_statement, parse_query

DDL = """
CREATE TABLE customer (customer_id int PRIMARY KEY, email text UNIQUE, last_name text,
                       first_name text, city text, active boolean);
CREATE TABLE rental (rental_id int PRIMARY KEY, rental_date timestamp, inventory_id int,
                     customer_id int REFERENCES customer (customer_id), return_date timestamp,
                     staff_id int,
                     CONSTRAINT rental_uq UNIQUE (rental_date, inventory_id, customer_id));
CREATE TABLE payment (payment_id int PRIMARY KEY, rental_id int, amount numeric, paid_at date);
CREATE INDEX payment_rental_idx ON payment (rental_id);
CREATE INDEX customer_name_idx ON customer (last_name, first_name);
CREATE INDEX customer_lower_email_idx ON customer (lower(email));
CREATE INDEX rental_open_idx ON rental (staff_id) WHERE return_date IS NULL;
CREATE INDEX payment_big_idx ON payment (paid_at) WHERE amount > 100;
"""
SCHEMA = load_schema(DDL)


def verdict(sql: str, dialect: str = "postgres"):  # type: ignore[no-untyped-def]
    return Advisor(SCHEMA, dialect).check(Query("q", sql))


SERVED = {
    "pk equality": "SELECT * FROM rental WHERE rental_id = 1",
    "pk in list": "SELECT * FROM rental WHERE rental_id IN (1, 2, 3)",
    "pk range": "SELECT * FROM rental WHERE rental_id > 10",
    "pk between": "SELECT * FROM rental WHERE rental_id BETWEEN 1 AND 9",
    "unique column constraint": "SELECT * FROM customer WHERE email = 'a@b.c'",
    "unique table constraint leading": "SELECT * FROM rental WHERE rental_date > '2024-01-01'",
    "composite second after equality": "SELECT * FROM customer WHERE last_name = 'x' AND first_name = 'y'",
    "is null on indexed": "SELECT * FROM payment WHERE rental_id IS NULL",
    "like prefix": "SELECT * FROM customer WHERE last_name LIKE 'Sm%'",
    "expression index": "SELECT * FROM customer WHERE lower(email) = 'x'",
    "constant on the left": "SELECT * FROM rental WHERE 5 = rental_id",
    "constant arithmetic": "SELECT * FROM rental WHERE rental_id = 2 + 3",
    "parameter": "SELECT * FROM rental WHERE rental_id = $1",
    "named parameter": "SELECT * FROM rental WHERE rental_id = :id",
    "or of served branches": "SELECT * FROM rental WHERE rental_id = 1 OR rental_date > '2024-01-01'",
    "or on one column": "SELECT * FROM rental WHERE rental_id = 1 OR rental_id = 2",
    "or inside and": "SELECT * FROM rental WHERE (rental_id = 1 OR rental_id > 9) AND staff_id = 2",
    "or after the column was resolved": "SELECT rental_id FROM rental WHERE rental_id < 5 OR rental_id > 9",
    "partial index implied (IS NULL)": "SELECT * FROM rental WHERE staff_id = 3 AND return_date IS NULL",
    "partial index implied (same predicate)": "SELECT * FROM payment WHERE paid_at > '2024-01-01' AND amount > 100",
    "join reached by pk": (
        "SELECT * FROM rental r JOIN customer c ON c.customer_id = r.customer_id WHERE r.rental_id = 1"
    ),
    "join reached by fk index": (
        "SELECT * FROM rental r JOIN payment p ON p.rental_id = r.rental_id WHERE r.rental_id = 1"
    ),
    "exists entered inside": (
        "SELECT * FROM rental r WHERE EXISTS (SELECT 1 FROM payment p "
        "WHERE p.rental_id = r.rental_id AND p.payment_id = 4)"
    ),
    "in subquery": "SELECT * FROM customer WHERE customer_id IN (SELECT customer_id FROM rental WHERE rental_id = 2)",
    "scalar subquery constant": "SELECT * FROM rental WHERE rental_id = (SELECT max(rental_id) FROM payment WHERE payment_id = 1)",
    "union all branches": "SELECT rental_id FROM rental WHERE rental_id = 1 UNION SELECT payment_id FROM payment WHERE payment_id = 2",
    "cte inlined": "WITH r AS (SELECT * FROM rental) SELECT * FROM r WHERE r.rental_id = 3",
    "recursive cte": (
        "WITH RECURSIVE x AS (SELECT rental_id FROM rental WHERE rental_id = 1 UNION ALL "
        "SELECT p.rental_id FROM payment p JOIN x ON p.rental_id = x.rental_id) SELECT * FROM x"
    ),
    "aggregate pushdown": "SELECT * FROM (SELECT rental_id, sum(amount) s FROM payment GROUP BY rental_id) t WHERE t.rental_id = 1",
    "min on indexed column": "SELECT min(rental_id) FROM payment",
    "update by pk": "UPDATE rental SET staff_id = 2 WHERE rental_id = 1",
    "delete by index": "DELETE FROM payment WHERE rental_id = 9",
    "insert values": "INSERT INTO payment (payment_id) VALUES (1)",
    "no from": "SELECT 1",
    "left join from preserved": (
        "SELECT * FROM rental r LEFT JOIN payment p ON p.rental_id = r.rental_id WHERE r.rental_id = 2"
    ),
}

UNSERVED = {
    "no where": ("SELECT * FROM rental", "rental"),
    "unindexed column": ("SELECT * FROM rental WHERE customer_id = 1", "rental"),
    "composite second only": ("SELECT * FROM customer WHERE first_name = 'y'", "customer"),
    "function around column": ("SELECT * FROM rental WHERE abs(rental_id) = 1", "rental"),
    "cast around column": ("SELECT * FROM rental WHERE CAST(rental_id AS TEXT) = '1'", "rental"),
    "arithmetic around column": ("SELECT * FROM rental WHERE rental_id + 1 = 2", "rental"),
    "not equal": ("SELECT * FROM rental WHERE rental_id <> 1", "rental"),
    "not in list": ("SELECT * FROM rental WHERE rental_id NOT IN (1, 2)", "rental"),
    "like suffix": ("SELECT * FROM customer WHERE last_name LIKE '%son'", "customer"),
    "or with unserved branch": (
        "SELECT * FROM rental WHERE rental_id = 1 OR staff_id = 2",
        "rental",
    ),
    "partial index not implied": ("SELECT * FROM rental WHERE staff_id = 3", "rental"),
    "partial index other predicate": (
        "SELECT * FROM payment WHERE paid_at > '2024-01-01' AND amount > 50",
        "payment",
    ),
    "join without constant": (
        "SELECT * FROM rental r JOIN payment p ON p.rental_id = r.rental_id",
        "rental",
    ),
    "join key unindexed": (
        "SELECT * FROM customer c JOIN rental r ON r.customer_id = c.customer_id WHERE c.customer_id = 1",
        "rental",
    ),
    "left join nullable entered only": (
        "SELECT * FROM rental r LEFT JOIN payment p ON p.rental_id = r.rental_id AND p.payment_id = 1",
        "rental",
    ),
    "anti join cannot enter outer": (
        "SELECT * FROM rental r WHERE NOT EXISTS (SELECT 1 FROM payment p "
        "WHERE p.rental_id = r.rental_id AND p.payment_id = 4)",
        "rental",
    ),
    "union with unserved branch": (
        "SELECT rental_id FROM rental WHERE rental_id = 1 UNION SELECT payment_id FROM payment WHERE amount = 2",
        "payment",
    ),
    "materialized cte": (
        "WITH p AS MATERIALIZED (SELECT * FROM payment) SELECT * FROM p WHERE p.rental_id = 1",
        "payment",
    ),
    "unknown table": ("SELECT * FROM nowhere WHERE id = 1", "nowhere"),
    "volatile comparison": ("SELECT * FROM rental WHERE rental_id = random()", "rental"),
}


@pytest.mark.parametrize("sql", SERVED.values(), ids=SERVED.keys())
def test_served(sql: str) -> None:
    result = verdict(sql)
    assert result.error is None
    assert result.indexed, result.reasons
    assert result.full_scans == () and result.suggestions == ()


@pytest.mark.parametrize(("sql", "table"), UNSERVED.values(), ids=UNSERVED.keys())
def test_unserved(sql: str, table: str) -> None:
    result = verdict(sql)
    assert result.error is None
    assert not result.indexed
    assert table in result.full_scans
    assert result.reasons


def test_reason_names_the_column_and_the_index_that_does_not_lead_with_it() -> None:
    result = verdict("SELECT * FROM rental WHERE customer_id = 7")
    assert result.reasons == (
        "`rental`: `customer_id` has no index; the unique index `rental_rental_date_inventory_id_customer_id_key` "
        "on (`rental_date`, `inventory_id`, `customer_id`) does not lead with it",
    )


def test_suggestion_puts_equalities_first_then_one_range() -> None:
    result = verdict(
        "SELECT * FROM rental WHERE return_date > '2024-01-01' AND staff_id = 1 AND customer_id = 2"
    )
    assert result.suggestions == (
        "CREATE INDEX idx_rental_staff_id_customer_id_return_date ON rental(staff_id, customer_id, return_date)",
    )


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("postgres", "CREATE INDEX idx_customer_city ON customer(city)"),
        ("mysql", "CREATE INDEX idx_customer_city ON customer(city)"),
        ("sqlite", "CREATE INDEX idx_customer_city ON customer(city)"),
    ],
)
def test_suggestion_in_the_query_dialect(dialect: str, expected: str) -> None:
    assert verdict("SELECT * FROM customer WHERE city = 'Oslo'", dialect).suggestions == (expected,)


def test_mysql_quoting_in_suggestion() -> None:
    schema = load_schema("CREATE TABLE `order` (id INT PRIMARY KEY, `select` INT);", "mysql")
    result = Advisor(schema, "mysql").check(Query("q", "SELECT * FROM `order` WHERE `select` = 1"))
    assert result.suggestions and "`" in result.suggestions[0]


def test_function_reason_and_expression_index_suggestion() -> None:
    result = verdict("SELECT * FROM customer WHERE upper(city) = 'OSLO'")
    assert "function around `city`" in result.reasons[-1]
    assert result.suggestions == (
        "CREATE INDEX idx_customer_UPPER_city ON customer((UPPER(city)))",
    )


def test_join_dependency_is_explained() -> None:
    result = verdict(
        "SELECT * FROM customer c JOIN rental r ON r.rental_id = c.customer_id WHERE c.city = 'x'"
    )
    assert set(result.full_scans) == {"customer", "rental"}
    assert any("need `customer` first" in r for r in result.reasons)
    assert result.suggestions == ("CREATE INDEX idx_customer_city ON customer(city)",)


def test_table_built_from_plain_python_data() -> None:
    table = Table(
        "rental",
        columns=("rental_id", "customer_id"),
        primary_key=("rental_id",),
        indexes=(Index("rental_customer_idx", ("customer_id",)),),
    )
    advisor = Advisor(load_schema("").with_table(table))
    assert advisor.check(Query("q", "SELECT * FROM rental WHERE customer_id = 1")).indexed


def test_statement_is_analysed_without_the_advisor() -> None:
    statement = parse_query(Query("q", "SELECT * FROM rental WHERE rental_id = 1"), "postgres")
    assert analyze_statement(statement, SCHEMA).indexed


PARTIAL_DDL = """
CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, created_at timestamp);
CREATE INDEX orders_open_status ON orders (status) WHERE status <> 'completed';
"""
PARTIAL_CASES = {
    "an equality on another constant implies <> 'completed'": (
        "SELECT id FROM orders WHERE status = 'pending'", True),
    "an IN list without 'completed' implies it": (
        "SELECT id FROM orders WHERE status IN ('pending', 'paid')", True),
    "an equality on the excluded constant does not": (
        "SELECT id FROM orders WHERE status = 'completed'", False),
    "an IN list containing the excluded constant does not": (
        "SELECT id FROM orders WHERE status IN ('pending', 'completed')", False),
}


@pytest.mark.parametrize("case", sorted(PARTIAL_CASES))
def test_partial_index_excluding_a_constant(case: str, pg_connection) -> None:  # type: ignore[no-untyped-def]
    """The analyzer's verdict, and PostgreSQL's planner agreeing with it."""
    sql, served = PARTIAL_CASES[case]
    assert Advisor(load_schema(PARTIAL_DDL), "postgres").check(Query("q", sql)).indexed is served
    with pg_connection.cursor() as cursor:
        cursor.execute(PARTIAL_DDL)
        for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SET {setting} = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]["Plan"]
    assert ("orders_open_status" in _index_names(plan)) is served, plan


def _index_names(plan: dict) -> set[str]:  # type: ignore[type-arg]
    names = {plan["Index Name"]} if "Index Name" in plan else set()
    for child in plan.get("Plans", ()):
        names |= _index_names(child)
    return names
