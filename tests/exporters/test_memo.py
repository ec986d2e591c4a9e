"""The exporters' memos: shared work within an export, never a stale text after an edit."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from exporters import memo
from exporters.base import ExportError, ExportOptions
from exporters.ddl import DdlExporter, datastore_ddl
from exporters.doc import design_document
from exporters.mermaid import architecture_diagrams, er_diagram
from models.design import Design
from models.elements import (
    Column,
    Datastore,
    DatastoreEngine,
    Decision,
    DesignInfo,
    Partitioning,
    Relation,
    RelationKind,
    Service,
    Table,
)


@pytest.fixture(autouse=True)
def _cold() -> None:
    memo.clear()


def _design() -> Design:
    design = Design(DesignInfo(name="Shop", version="1.0"))
    orders = Table(columns={"id": Column("bigint", nullable=False)}, primary_key=("id",))
    design.add_element(
        "db", Datastore(engine=DatastoreEngine.POSTGRESQL, tables={"orders": orders})
    )
    design.add_element("api", Service(name="API"))
    design.add_relation(Relation(RelationKind.WRITES, "api", "db"))
    return design


def _with_table(design: Design, name: str) -> None:
    store = design.element("db")
    assert isinstance(store, Datastore)
    tables = {**store.tables, name: Table(columns={"x": Column("text")})}
    design.replace_element("db", dataclasses.replace(store, tables=tables))


def test_the_document_reuses_the_ddl_export() -> None:
    design = _design()
    files = DdlExporter().export(design, ExportOptions())
    assert len(memo.DDL) == 1
    document = design_document(design)
    assert files["db.postgres.sql"].rstrip() in document
    assert len(memo.DDL) == 1  # a hit, not a second script


def test_a_replaced_datastore_gets_a_new_script_and_diagram() -> None:
    design = _design()
    before_sql, before_er = datastore_ddl(design, "db"), er_diagram(design, "db")
    _with_table(design, "refunds")
    assert '"refunds"' not in before_sql and "refunds" not in before_er
    assert 'CREATE TABLE "refunds"' in datastore_ddl(design, "db")
    assert "refunds" in er_diagram(design, "db")


def test_the_header_follows_the_design_name_and_version() -> None:
    design = _design()
    assert "Design: Shop, version 1.0." in datastore_ddl(design, "db")
    design.set_info(DesignInfo(name="Shop", version="2.0"))
    assert "Design: Shop, version 2.0." in datastore_ddl(design, "db")


def test_the_dialect_and_partition_start_are_part_of_the_key() -> None:
    design = _design()
    events = Table(
        columns={"at": Column("date", nullable=False)},
        partitioning=Partitioning(by="range", key="at", interval="monthly"),
    )
    store = design.element("db")
    assert isinstance(store, Datastore)
    design.replace_element("db", dataclasses.replace(store, tables={"events": events}))
    assert "`events`" in datastore_ddl(design, "db", "mysql")
    assert "2024-01-01" in datastore_ddl(design, "db")
    design.set_decision("ADR-001", Decision(title="Partition", date=dt.date(2025, 3, 14)))
    assert "2025-03-01" in datastore_ddl(design, "db")
    extra = {"partition_start": "2026-07-02"}
    assert "2026-07-01" in datastore_ddl(design, "db", None, extra)


def test_the_architecture_follows_elements_relations_and_the_name() -> None:
    design = _design()
    first = architecture_diagrams(design)
    assert architecture_diagrams(design) == first
    design.add_element("cache", Datastore(engine=DatastoreEngine.REDIS, name="Cache"))
    assert "Cache" in architecture_diagrams(design)[0].text
    design.add_relation(Relation(RelationKind.READS, "api", "cache", protocol="resp"))
    assert "resp" in architecture_diagrams(design)[0].text
    design.replace_element("api", Service(name="Storefront API"))
    assert "Storefront API" in architecture_diagrams(design)[0].text
    design.set_info(DesignInfo(name="Shop 2"))
    assert architecture_diagrams(design)[0].title == "Shop 2"


def test_callers_get_their_own_list() -> None:
    design = _design()
    architecture_diagrams(design).clear()
    assert architecture_diagrams(design)


def test_the_memo_is_bounded_and_forgets_failures() -> None:
    texts: memo.IdentityMemo[str] = memo.IdentityMemo(2)
    sources = [object() for _ in range(3)]
    for n, source in enumerate(sources):
        assert texts.get((source,), "k", lambda n=n: f"text {n}") == f"text {n}"
    assert len(texts) == 2
    assert texts.get((sources[2],), "k", lambda: "rebuilt") == "text 2"
    assert texts.get((sources[0],), "k", lambda: "rebuilt") == "rebuilt"

    def fail() -> str:
        raise ExportError("too big")

    with pytest.raises(ExportError):
        texts.get((sources[1],), "other", fail)
    assert texts.get((sources[1],), "other", lambda: "built") == "built"


def test_clear_empties_every_memo() -> None:
    design = _design()
    DdlExporter().export(design, ExportOptions())
    er_diagram(design, "db")
    architecture_diagrams(design)
    assert all(len(m) for m in memo.MEMOS)
    memo.clear()
    assert not any(len(m) for m in memo.MEMOS)


def test_an_export_all_run_gives_what_each_exporter_gives_alone() -> None:
    from exporters.registry import EXPORTERS
    from models.io import load_design
    from tests.exporters.golden_files import design_paths

    for path in design_paths():
        design = load_design(path)
        exporters = [e for e in EXPORTERS if not getattr(e, "needs_tool", None)]
        memo.clear()
        together = {e.name: e.export(design, ExportOptions()) for e in exporters}
        for exporter in exporters:
            memo.clear()
            assert exporter.export(design, ExportOptions()) == together[exporter.name], path.stem
