"""The document: modified flag, atomic saves, failed saves that keep everything intact."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from models.design import Design
from models.io import SaveError, dumps_design, load_design
from studio.commands import EditElement, RemoveElements, RenameElement
from studio.document import Document


def test_modified_follows_the_undo_stack(document: Document) -> None:
    assert not document.modified
    document.undo_stack.push(RenameElement(document.design, "api", "Gateway"))
    assert document.modified
    document.undo_stack.undo()
    assert not document.modified


def test_save_and_reopen_round_trip(document: Document, tmp_path: Path) -> None:
    document.undo_stack.push(RenameElement(document.design, "api", "Gateway"))
    target = tmp_path / "design.yaml"
    document.save(target)
    assert not document.modified and document.path == target
    reopened = Document.open(target)
    assert reopened.design.element("api").name == "Gateway"
    assert dumps_design(reopened.design) == target.read_text(encoding="utf-8")
    assert dict(reopened.design.layout) == dict(document.design.layout)


def test_unpositioned_design_is_laid_out_on_open_without_an_undo_step(qapp: object,
                                                                        design: Design) -> None:
    document = Document(design)
    assert set(design.layout) == {eid for eid, _ in design.elements()}
    assert not document.modified and document.undo_stack.count() == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_failed_save_keeps_document_history_and_file(document: Document,
                                                     tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    target = folder / "design.yaml"
    target.write_text("archstudio: 1\n", encoding="utf-8")
    document.path = target
    document.undo_stack.push(RenameElement(document.design, "api", "Gateway"))
    folder.chmod(0o500)
    try:
        with pytest.raises(SaveError):
            document.save()
    finally:
        folder.chmod(0o700)
    assert target.read_text(encoding="utf-8") == "archstudio: 1\n"
    assert document.modified and document.undo_stack.count() == 1
    assert document.design.element("api").name == "Gateway"


def test_failed_save_into_missing_folder(document: Document, tmp_path: Path) -> None:
    with pytest.raises(SaveError):
        document.save(tmp_path / "missing" / "design.yaml")
    assert document.path is None


def test_findings_come_from_the_check_engine(qapp: object, tmp_path: Path) -> None:
    pytest.importorskip("checks.incremental")
    sample = Path(__file__).resolve().parents[2] / "samples" / "ecommerce-order-management.yaml"
    document = Document.open(sample)
    assert document.has_checker
    from checks.engine import check_design

    assert [f.id for f in document.findings] == [
        f.id for f in check_design(load_design(sample)).findings]


def test_failed_commit_keeps_document_history_and_file(document: Document, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The root-proof variant: the atomic commit fails (disk full, fsync error)."""
    from PySide6.QtCore import QSaveFile

    target = tmp_path / "design.yaml"
    target.write_text("archstudio: 1\n", encoding="utf-8")
    document.path = target
    document.undo_stack.push(RenameElement(document.design, "api", "Gateway"))
    monkeypatch.setattr(QSaveFile, "commit", lambda self: False)
    with pytest.raises(SaveError, match="cannot save"):
        document.save()
    assert target.read_text(encoding="utf-8") == "archstudio: 1\n"
    assert document.modified and document.undo_stack.count() == 1
    assert list(tmp_path.iterdir()) == [target]


SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ecommerce-order-management.yaml"


def _full_review(design: Design) -> list[str]:
    from checks.engine import check_design

    return [f.id for f in check_design(design).findings]


def test_large_design_is_first_checked_in_a_worker(qtbot: object,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("checks.incremental")
    import studio.document as document_module

    monkeypatch.setattr(document_module, "BACKGROUND_CHECK_ELEMENTS", 5)
    document = Document(load_design(SAMPLE))
    assert document.checking and document.findings == ()  # the window is not held up
    with qtbot.waitSignal(document.findings_changed, timeout=30_000):  # type: ignore[attr-defined]
        pass
    assert not document.checking
    assert [f.id for f in document.findings] == _full_review(load_design(SAMPLE))
    # The adopted checker follows the live design: an edit is re-checked incrementally.
    document.undo_stack.push(RenameElement(document.design, "order-service", "Orders"))
    store = document.design.element("orders-db")
    document.undo_stack.push(EditElement(document.design, "orders-db",
                                         dataclasses.replace(store, replicas=3)))
    document.refresh_findings()
    assert [f.id for f in document.findings] == _full_review(document.design)
    document.close()


def test_a_stale_background_review_is_dropped_and_redone(qtbot: object,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    pytest.importorskip("checks.incremental")
    import studio.document as document_module

    monkeypatch.setattr(document_module, "BACKGROUND_CHECK_ELEMENTS", 5)
    document = Document(load_design(SAMPLE))
    services = [eid for eid, _ in document.design.services()]
    # An edit lands while the worker reviews the snapshot taken at open.
    document.undo_stack.push(RemoveElements(document.design, [services[-1]]))
    seen: list[tuple[str, ...]] = []
    document.findings_changed.connect(lambda: seen.append(tuple(f.id for f in document.findings)))
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)  # type: ignore[attr-defined]
    # Only the review of the edited design was ever shown, never the stale one.
    assert seen == [tuple(_full_review(document.design))]
    document.close()


def test_an_edit_that_changes_no_finding_does_not_refresh_views(qtbot: object) -> None:
    pytest.importorskip("checks.incremental")
    document = Document(load_design(SAMPLE))
    emitted: list[int] = []
    document.findings_changed.connect(lambda: emitted.append(len(document.findings)))
    service = document.design.element("order-service")
    document.undo_stack.push(EditElement(document.design, "order-service", dataclasses.replace(
        service, purpose=service.purpose + " (edited)")))
    document.refresh_findings()
    assert emitted == []
    document.undo_stack.push(RemoveElements(document.design, ["orders-db"]))
    document.refresh_findings()
    assert emitted == [len(document.findings)]
    assert [f.id for f in document.findings] == _full_review(document.design)
    document.close()


def test_elements_without_positions_are_placed_below_the_others(qapp: object,
                                                                design: Design) -> None:
    placed = {"web": (0.0, 0.0), "api": (0.0, 100.0), "orders-db": (212.0, 200.0)}
    design.set_positions(placed)
    document = Document(design)
    assert {eid: design.layout[eid] for eid in placed} == placed  # kept as they were
    new = {eid: design.layout[eid] for eid in ("worker", "events")}
    assert all(y > 200.0 for _, y in new.values())
    assert len(set(new.values())) == 2 and not document.modified
