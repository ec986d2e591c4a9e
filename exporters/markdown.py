"""Markdown helpers shared by the exporters that write Markdown (ADR, Mermaid index, document).

User text goes through :func:`text` or :func:`cell`, so it can never open HTML, a link, an image,
a heading, a list, a table cell, code or emphasis: HTML's ``<``, ``>`` and ``&`` become entities
and every other Markdown punctuation character is backslash-escaped (CommonMark allows a
backslash before any ASCII punctuation). A bare ``https://`` URL in user text may still be
auto-linked by GFM renderers; that extension only links http(s), www and e-mail addresses,
never ``javascript:``.
"""

from __future__ import annotations

import re

__all__ = ["cell", "inline", "link", "text"]

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ESCAPED = set("\\`*_[]()#|~!{}$")
_ESCAPES = str.maketrans({**_ENTITIES, **{c: f"\\{c}" for c in _ESCAPED}})
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def inline(value: str) -> str:
    """One line of user text, escaped; newlines and tabs become single spaces."""
    return _escape_line(" ".join(str(value).split()))


def text(value: str) -> str:
    """A block of user text, escaped line by line; blank lines still separate paragraphs."""
    lines = [" ".join(line.split()) for line in str(value).strip().splitlines()]
    return "\n".join(_escape_line(line) for line in lines)


def cell(value: str) -> str:
    """User text for a table cell: one line, escaped (``|`` included)."""
    return inline(value) or " "


def link(label: str, target: str) -> str:
    """A link whose ``target`` is a file name we generated (never user text)."""
    return f"[{inline(label)}]({target})"


def _escape_line(line: str) -> str:
    out = line.translate(_ESCAPES)
    match = _LINE_START.match(out)
    if match and match.group(1)[0] in "-+=":
        return "\\" + out
    if match:  # "1." or "1)" would start an ordered list
        end = match.end()
        return out[:end] + "\\" + out[end:]
    return out
