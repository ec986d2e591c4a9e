"""The Markdown escaping shared by the ADR, index and document exporters."""

from __future__ import annotations

import pytest

from exporters import markdown as md


@pytest.mark.parametrize("plain", [
    "PostgreSQL (orders)", "Version 1.0", "Redis 7.2", "order_id", "C#", "Issue #42", "a -> b",
    "R&D", "10x the load!", "{order_id}", "-x", "a = b",
])
def test_prose_that_cannot_change_structure_is_left_alone(plain: str) -> None:
    assert md.inline(plain) == plain


@pytest.mark.parametrize(("raw", "escaped"), [
    ("1. first", "1\\. first"), ("2) second", "2\\) second"), ("- item", "\\- item"),
    ("+ item", "\\+ item"), ("# heading", "\\# heading"), ("> quote", "\\> quote"),
    ("===", "\\==="), ("--", "\\--"), ("Title #", "Title \\#"), ("_x_", "\\_x\\_"),
    ("*e*", "\\*e\\*"), ("`c`", "\\`c\\`"), ("[x](y)", "\\[x\\](y)"), ("a | b", "a \\| b"),
    ("<b>", "&lt;b>"), ("&lt;", "&amp;lt;"), ("~~s~~", "\\~\\~s\\~\\~"), ("$x$", "\\$x\\$"),
    ("a\\b", "a\\\\b"),
])
def test_what_would_start_markdown_is_escaped(raw: str, escaped: str) -> None:
    assert md.inline(raw) == escaped


def test_every_line_of_a_block_is_escaped_at_its_start() -> None:
    assert md.text("Setext\n===\n1. not a list\nVersion 1.0") == (
        "Setext\n\\===\n1\\. not a list\nVersion 1.0"
    )


def test_a_link_label_escapes_parentheses_as_well() -> None:
    assert md.link("![i](u) (x)", "0001-a.md") == "[!\\[i\\]\\(u\\) \\(x\\)](0001-a.md)"
