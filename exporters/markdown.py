"""Markdown helpers shared by the exporters that write Markdown (ADR, Mermaid index, document).

User text goes through :func:`text`, :func:`inline` or :func:`cell`, so it can never open HTML,
a link, an image, a heading, a list, a quote, a table cell, code or emphasis. Only what can
start or change Markdown structure where it stands is escaped, so prose stays readable in the
raw file (``PostgreSQL (orders)``, ``Version 1.0``):

- everywhere: ``\\``, backticks, ``*``, ``[``, ``]``, ``~``, ``|``, ``$`` get a backslash; ``<``
  becomes ``&lt;``, and ``&`` becomes ``&amp;`` where it would start an entity (``&lt;``);
- ``_`` unless it sits inside a word (``order_id``), where CommonMark never reads emphasis;
- ``#`` only where it would open a heading or close one (a trailing ``#`` run);
- at the start of a line (or list item): a list marker (``-``, ``+``, ``1.``, ``1)`` followed
  by a space), a quote's ``>``, a heading's ``#``, a setext or thematic-break line.

A bare ``https://`` URL in user text may still be auto-linked by GFM renderers; that extension
only links http(s), www and e-mail addresses, never ``javascript:``.
"""

from __future__ import annotations

import re

__all__ = ["cell", "inline", "link", "text"]

_ALWAYS = re.compile(r"[\\`*\[\]~|$]")
_PARENS = re.compile(r"[()]")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # not between two letters or digits
_CLOSING_HASHES = re.compile(r"(?:(?<=\s)|^)(#+\s*)$")
_BLOCK_START = re.compile(
    r"^(?:[-+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|>|#{1,6}(?=\s|$)|=+\s*$|(?:-\s*)+$)"
)


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
    """A link whose ``target`` is a file name we generated (never user text).

    Parentheses in the label are escaped too: some renderers (marked) parse a label's text
    again after unescaping its brackets, and would then find a link or image in it.
    """
    label = _PARENS.sub(r"\\\g<0>", inline(label))
    return f"[{label}]({target})"


def _escape_line(line: str) -> str:
    out = _ENTITY.sub("&amp;", line).replace("<", "&lt;")
    out = _ALWAYS.sub(lambda m: "\\" + m.group(), out)
    out = _UNDERSCORE.sub(r"\\_", out)
    out = _CLOSING_HASHES.sub(lambda m: "\\" + m.group(1), out)
    match = _BLOCK_START.match(out)
    if not match:
        return out
    if out[0].isdigit():  # "1." or "1)" would start an ordered list: escape the dot
        return out[: match.end()] + "\\" + out[match.end():]
    return "\\" + out
