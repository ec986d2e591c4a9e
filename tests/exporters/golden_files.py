"""Golden files for exporter tests: ``tests/exporters/golden/<design>/<format>/<path>``.

Run ``UPDATE_GOLDEN=1 pytest tests/exporters`` to rewrite them after an intended change, then
read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

from exporters.base import Files

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().with_name("golden")
DATA = Path(__file__).resolve().with_name("data")
#: Test designs shared with the other exporters (hostile names, a small shop).
DESIGNS = Path(__file__).resolve().with_name("designs")


def design_paths() -> list[Path]:
    """Every shipped sample and the exporter test designs, sorted by name."""
    designs = [*ROOT.glob("samples/*.yaml"), *DATA.glob("*.yaml"), *DESIGNS.glob("*.yaml")]
    return sorted(designs, key=lambda p: p.stem)


def check_golden(design: str, fmt: str, files: Files) -> None:
    """Compare ``files`` with the golden copies (or rewrite them under ``UPDATE_GOLDEN=1``)."""
    folder = GOLDEN / design / fmt
    files = {path.removeprefix(f"{fmt}/"): content for path, content in files.items()}
    if os.environ.get("UPDATE_GOLDEN") == "1":
        for old in sorted(folder.rglob("*"), reverse=True) if folder.exists() else []:
            old.unlink() if old.is_file() else old.rmdir()
        for path, content in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode() if isinstance(content, str) else content
            target.write_bytes(data)
        return
    expected = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    actual = {p: c.encode() if isinstance(c, str) else c for p, c in files.items()}
    assert sorted(actual) == sorted(expected), "file list changed (UPDATE_GOLDEN=1 to accept)"
    for path, content in actual.items():
        assert content.decode() == expected[path].decode(), (
            f"{design}/{fmt}/{path} differs from the golden file (UPDATE_GOLDEN=1 to accept)"
        )
