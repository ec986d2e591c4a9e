"""Atomic save: the old file survives every failure, no temporary files are left behind."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from models.design import Design
from models.elements import DesignInfo, Service
from models.io import SaveError, load_design, save_design

OLD = b"archstudio: 1\n\ndesign:\n  name: Old\n"


@pytest.fixture
def design() -> Design:
    d = Design(DesignInfo(name="New"))
    d.add_element("a", Service(purpose="x"))
    return d


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    path = tmp_path / "design.yaml"
    path.write_bytes(OLD)
    return path


def test_save_writes_the_canonical_text(design: Design, existing: Path) -> None:
    save_design(design, existing)
    assert load_design(existing).info.name == "New"
    assert sorted(p.name for p in existing.parent.iterdir()) == ["design.yaml"]


def test_read_only_folder_raises_save_error_and_keeps_the_file(
    design: Design, existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = existing.parent
    if os.geteuid() == 0:  # root ignores folder permissions: fail as the kernel would
        import tempfile

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    folder.chmod(0o555)
    try:
        with pytest.raises(SaveError, match=r"cannot save .*Permission denied"):
            save_design(design, existing)
    finally:
        folder.chmod(0o755)
    assert existing.read_bytes() == OLD
    assert sorted(p.name for p in folder.iterdir()) == ["design.yaml"]


class _FailingFile:
    """A file whose ``write`` fails half-way, like a full disk."""

    def __init__(self, handle: io.BufferedWriter) -> None:
        self._handle = handle

    def __enter__(self) -> _FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("failing", ["fsync", "replace", "write"])
def test_failure_mid_write_keeps_the_old_bytes_and_leaves_no_temp_file(
    design: Design, existing: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FailingFile(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(os, failing, boom)
    with pytest.raises(SaveError, match="No space left on device") as info:
        save_design(design, existing)
    monkeypatch.undo()
    assert info.value.errno == 28
    assert existing.read_bytes() == OLD
    assert sorted(p.name for p in existing.parent.iterdir()) == ["design.yaml"]


def test_a_save_error_is_an_os_error() -> None:
    assert issubclass(SaveError, OSError)


def test_file_mode_is_preserved(design: Design, existing: Path) -> None:
    existing.chmod(0o640)
    save_design(design, existing)
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640


def test_a_new_file_gets_the_umask_mode(design: Design, tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        save_design(design, tmp_path / "new.yaml")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o640


def test_save_into_a_subfolder(design: Design, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "d.yaml"
    path.parent.mkdir()
    save_design(design, path)
    assert path.read_bytes().startswith(b"archstudio: 1\n")


def test_saving_to_a_missing_folder_is_a_save_error(design: Design, tmp_path: Path) -> None:
    with pytest.raises(SaveError):
        save_design(design, tmp_path / "missing" / "d.yaml")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc only")
def test_reading_the_umask_never_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports write from many threads: setting the umask to 0 for a moment, even briefly,
    would give another thread's new file loose permissions."""
    from models import io

    old = os.umask(0o027)
    try:
        monkeypatch.setattr(io.os, "umask", lambda _mask: pytest.fail("umask was set"))
        assert io._default_mode() == 0o640
    finally:
        monkeypatch.undo()
        os.umask(old)


def test_overlapping_gc_pauses_switch_the_collector_back_on_after_the_last() -> None:
    import gc

    from models.io import gc_paused

    assert gc.isenabled()
    first, second = gc_paused(), gc_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # ends before the other (another thread's pause)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()
