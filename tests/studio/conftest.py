"""Fixtures of the studio tests: a small Qt-free design, documents and windows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from models.design import Design
from models.elements import (
    Client,
    Datastore,
    Queue,
    Relation,
    RelationKind,
    Service,
)
from studio.document import Document

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.yaml"))


@pytest.fixture(autouse=True)
def _isolated_paths() -> None:
    """App-data (autosave, recovery) and settings go to Qt's test locations."""
    QStandardPaths.setTestModeEnabled(True)


def small_design() -> Design:
    """web -> api -> orders-db, api publishes events, worker subscribes."""
    design = Design()
    design.add_element("web", Client(name="Web", technology="React"))
    design.add_element("api", Service(name="API", group="shop", technology="Go"))
    design.add_element("worker", Service(name="Worker", group="shop"))
    design.add_element("orders-db", Datastore(name="Orders DB", group="shop"))
    design.add_element("events", Queue(name="Events"))
    design.add_relation(Relation(RelationKind.CALLS, "web", "api", protocol="HTTPS"))
    design.add_relation(Relation(RelationKind.WRITES, "api", "orders-db"))
    design.add_relation(Relation(RelationKind.READS, "api", "orders-db"))
    design.add_relation(Relation(RelationKind.PUBLISHES, "api", "events"))
    design.add_relation(Relation(RelationKind.SUBSCRIBES, "worker", "events"))
    return design


@pytest.fixture
def design() -> Design:
    return small_design()


@pytest.fixture
def document(qapp: object, design: Design) -> Document:
    return Document(design)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
