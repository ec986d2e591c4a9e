"""Safe output names and safe writing (exporters/files.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporters.files import (
    MAX_NAME_LENGTH,
    UnsafePathError,
    check_relative_path,
    safe_name,
    unique_names,
    write_files,
)

RESERVED = ["CON", "prn", "Aux", "NUL", "COM1", "com9", "LPT1", "lpt9", "con.txt", "CON "]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Order Service", "order-service"),
        ("../../etc/passwd", "etc-passwd"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("Café – Crème brûlée", "cafe-creme-brulee"),
        ("a\x00b\nc\td", "a-b-c-d"),
        ("trailing dots...   ", "trailing-dots"),
        ("", "untitled"),
        ("日本語", "untitled"),
        ("<script>", "script"),
    ],
)
def test_safe_name(text: str, expected: str) -> None:
    assert safe_name(text) == expected


@pytest.mark.parametrize("name", RESERVED)
def test_reserved_device_names_are_avoided(name: str) -> None:
    result = safe_name(name)
    assert result.lower() not in {n.lower().strip() for n in RESERVED}
    check_relative_path(result + ".md")  # refuses reserved names, with or without extension
    with pytest.raises(UnsafePathError):
        check_relative_path(name.strip() + ".md")


@given(st.text())
def test_any_text_gives_a_portable_name(text: str) -> None:
    name = safe_name(text)
    assert 0 < len(name) <= MAX_NAME_LENGTH + len("-file")
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in name)
    assert not name.startswith("-") and not name.endswith("-")
    check_relative_path(name + ".mmd")


def test_long_names_are_cut_at_a_hyphen() -> None:
    name = safe_name("word " * 40)
    assert len(name) <= MAX_NAME_LENGTH and name.endswith("word")


def test_collisions_get_stable_suffixes_in_sorted_order() -> None:
    names = {"b": "orders", "a": "orders", "c": "Orders", "d": "orders-2"}
    assert unique_names(names) == {"b": "orders-3", "a": "orders", "c": "Orders-4", "d": "orders-2"}
    reordered = dict(reversed(list(names.items())))
    assert unique_names(reordered) == unique_names(names)


@pytest.mark.parametrize(
    "path",
    ["../x", "a/../../x", "/etc/passwd", "C:/x", "\\\\server\\x", "a\\b", "a//b", "./a", "",
     "CON", "dir/nul.txt", "a\x00b", "a\nb", "name.", "name ", "a:b", 'a"b', "x" * 300],
)
def test_unsafe_relative_paths_are_refused(path: str) -> None:
    with pytest.raises(UnsafePathError):
        check_relative_path(path)


def test_write_files_writes_inside_the_folder(tmp_path: Path) -> None:
    written = write_files({"a.md": "é\n", "sub/b.bin": b"\x00\x01"}, tmp_path / "out")
    assert [p.relative_to(tmp_path / "out").as_posix() for p in written] == ["a.md", "sub/b.bin"]
    assert (tmp_path / "out/a.md").read_bytes() == "é\n".encode()
    assert (tmp_path / "out/sub/b.bin").read_bytes() == b"\x00\x01"


def test_an_unsafe_path_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        write_files({"a.md": "x", "../escape.md": "x"}, tmp_path / "out")
    assert not (tmp_path / "escape.md").exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_names_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError, match="only in case"):
        write_files({"A.md": "x", "a.md": "y"}, tmp_path)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlink_leading_out_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="outside"):
        write_files({"link/x.md": "x"}, tmp_path / "out")
    assert not (outside / "x.md").exists()
