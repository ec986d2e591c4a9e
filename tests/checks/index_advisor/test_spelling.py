"""Suggested statements name tables, columns and indexes as the schema spells them, in the
dialect's own syntax, and the real servers accept them.

MySQL/MariaDB table names are case-sensitive on Linux, and so are PostgreSQL's quoted
names: a suggestion with folded names (``ON invoice(invoicedate)`` for ``Invoice``)
fails there.
"""

# ruff: noqa: E501

from __future__ import annotations

import pytest

from checks.index_advisor import Advisor, Query, load_schema, redundant_indexes
from checks.index_advisor.explain import create_index_sql, drop_index_sql
from checks.index_advisor.lint import unindexed_foreign_keys, unused_indexes

#: A slice of Chinook as its MySQL script writes it (every name back-quoted, CamelCase).
MYSQL_DDL = """
CREATE TABLE `Track` (`TrackId` INT NOT NULL, `Name` NVARCHAR(200) NOT NULL, `AlbumId` INT,
    `Composer` NVARCHAR(220), `Milliseconds` INT NOT NULL, CONSTRAINT `PK_Track` PRIMARY KEY (`TrackId`));
CREATE TABLE `Invoice` (`InvoiceId` INT NOT NULL, `CustomerId` INT NOT NULL, `InvoiceDate` DATETIME NOT NULL,
    `BillingCity` NVARCHAR(40), `Total` NUMERIC(10,2) NOT NULL, CONSTRAINT `PK_Invoice` PRIMARY KEY (`InvoiceId`));
CREATE TABLE `InvoiceLine` (`InvoiceLineId` INT NOT NULL, `InvoiceId` INT NOT NULL, `TrackId` INT NOT NULL,
    `UnitPrice` NUMERIC(10,2) NOT NULL, CONSTRAINT `PK_InvoiceLine` PRIMARY KEY (`InvoiceLineId`));
CREATE INDEX `IFK_InvoiceLineInvoiceId` ON `InvoiceLine` (`InvoiceId`);
CREATE INDEX `IFK_InvoiceLineInvoiceIdTrack` ON `InvoiceLine` (`InvoiceId`, `TrackId`);
"""
MYSQL_QUERIES = {
    "by-date": "SELECT * FROM Invoice WHERE InvoiceDate > '2021-01-01'",
    "by-city-total": "SELECT * FROM invoice WHERE billingcity = 'Oslo' AND total > 5",
    "lower-city": "SELECT * FROM Invoice WHERE LOWER(BillingCity) = 'oslo'",
    "lines-of-track": "SELECT * FROM InvoiceLine WHERE TrackId = 7",
    "composer": "SELECT * FROM Track WHERE Composer = 'AC/DC' ORDER BY Name",
}


def _suggestions(ddl: str, queries: dict[str, str], dialect: str) -> list[str]:
    advisor = Advisor(load_schema(ddl, dialect), dialect)
    verdicts = [advisor.check(Query(name, sql)) for name, sql in queries.items()]
    assert all(v.error is None and not v.indexed for v in verdicts)
    return [s for v in verdicts for s in v.suggestions]


def test_mysql_suggestions_keep_the_schema_spelling() -> None:
    assert _suggestions(MYSQL_DDL, MYSQL_QUERIES, "mysql") == [
        "CREATE INDEX idx_invoice_invoicedate ON Invoice(InvoiceDate)",
        "CREATE INDEX idx_invoice_billingcity_total ON Invoice(BillingCity, Total)",
        "CREATE INDEX idx_invoice_LOWER_billingcity ON Invoice((LOWER(BillingCity)))",
        "CREATE INDEX idx_invoiceline_trackid ON InvoiceLine(TrackId)",
        "CREATE INDEX idx_track_composer ON Track(Composer)",
    ]


def test_drop_index_names_the_table_in_mysql_only() -> None:
    schema = load_schema(MYSQL_DDL, "mysql")
    (finding,) = redundant_indexes(schema, "mysql")
    assert finding.hint == "DROP INDEX IFK_InvoiceLineInvoiceId ON InvoiceLine"
    # PostgreSQL folds unquoted names: the back-quoted CamelCase name is quoted there
    assert redundant_indexes(schema)[0].hint == 'DROP INDEX "IFK_InvoiceLineInvoiceId"'
    unused = {f.hint for f in unused_indexes(schema, [], "mysql")}
    assert (
        "drop it if no other workload needs it: DROP INDEX IFK_InvoiceLineInvoiceIdTrack ON InvoiceLine"
        in unused
    )


def test_postgres_quotes_what_the_ddl_quoted_when_it_must() -> None:
    ddl = """
    CREATE TABLE "Invoice" ("InvoiceId" int PRIMARY KEY, "select" int, "user_name" text, plain int);
    CREATE TABLE orders (id int PRIMARY KEY, "Invoice" int REFERENCES "Invoice");
    CREATE INDEX "IdxPlain" ON "Invoice" (plain);
    """
    schema = load_schema(ddl)
    table = schema.get("invoice")
    assert table is not None
    sql = create_index_sql(table, ["select", "user_name", "plain", "LOWER(user_name)"], "postgres")
    # mixed case and reserved words stay quoted; a quoted lower-case plain name needs none
    assert sql == (
        'CREATE INDEX idx_invoice_select_user_name_plain_LOWER_user_name ON "Invoice"'
        '("select", user_name, plain, (LOWER(user_name)))'
    )
    assert drop_index_sql(table, table.indexes[0], "postgres") == 'DROP INDEX "IdxPlain"'
    (fk,) = unindexed_foreign_keys(schema)
    assert fk.hint == 'CREATE INDEX idx_orders_invoice ON orders("Invoice")'


def test_mysql_suggestions_run_on_mariadb(mariadb_connection) -> None:  # type: ignore[no-untyped-def]
    schema = load_schema(MYSQL_DDL, "mysql")
    suggestions = _suggestions(MYSQL_DDL, MYSQL_QUERIES, "mysql")
    # MariaDB has no functional key parts (MySQL 8.0.13+ has): see docs/index-advisor.md
    functional = [s for s in suggestions if "((" in s]
    assert functional == [
        "CREATE INDEX idx_invoice_LOWER_billingcity ON Invoice((LOWER(BillingCity)))"
    ]
    statements = [
        *(s for s in suggestions if s not in functional),
        *(f.hint for f in redundant_indexes(schema, "mysql")),
    ]
    with mariadb_connection.cursor() as cursor:
        cursor.execute("SELECT @@lower_case_table_names")
        assert cursor.fetchone()[0] == 0, "table names must be case-sensitive for this test"
        for statement in filter(None, MYSQL_DDL.split(";\n")):
            cursor.execute(statement)
        for statement in statements:
            cursor.execute(statement)  # raises on a wrong name or syntax
        cursor.execute(
            "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS"
            " WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME LIKE 'idx%'"
        )
        created = sorted(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
            " AND INDEX_NAME = 'IFK_InvoiceLineInvoiceId'"
        )
        dropped = cursor.fetchone()[0] == 0
    assert created == [
        "idx_invoice_billingcity_total",
        "idx_invoice_invoicedate",
        "idx_invoiceline_trackid",
        "idx_track_composer",
    ]
    assert dropped


def test_postgres_suggestions_run_on_postgres(pg_connection) -> None:  # type: ignore[no-untyped-def]
    ddl = 'CREATE TABLE "Invoice" ("InvoiceId" int PRIMARY KEY, "BillingCity" text, "order" int);'
    queries = {
        "city": 'SELECT * FROM "Invoice" WHERE "BillingCity" = \'Oslo\'',
        "lower": 'SELECT * FROM "Invoice" WHERE lower("BillingCity") = \'oslo\'',
        "order": 'SELECT * FROM "Invoice" WHERE "order" > 3',
    }
    pg_connection.execute(ddl)
    for statement in _suggestions(ddl, queries, "postgres"):
        pg_connection.execute(statement)
    names = [
        row[0]
        for row in pg_connection.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'Invoice' ORDER BY 1"
        )
    ]
    assert names == [
        "Invoice_pkey",
        "idx_invoice_billingcity",
        "idx_invoice_lower_billingcity",
        "idx_invoice_order",
    ]


@pytest.mark.parametrize("dialect", ["postgres", "mysql", "sqlite"])
def test_lower_case_schemas_are_unchanged(dialect: str) -> None:
    ddl = "CREATE TABLE invoice (invoice_id int PRIMARY KEY, total int);"
    advisor = Advisor(load_schema(ddl, dialect), dialect)
    verdict = advisor.check(Query("q", "SELECT * FROM invoice WHERE total = 1"))
    assert verdict.suggestions == ("CREATE INDEX idx_invoice_total ON invoice(total)",)
