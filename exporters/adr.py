"""Architecture decision records as Markdown, in the MADR layout, plus a README index.

One file per decision, ``NNNN-title-slug.md``: the number comes from the decision's id when
every id holds a distinct number (``ADR-007``, ``adr-007-use-kafka`` -> ``0007``), otherwise
from file order. All user
text goes through :mod:`exporters.markdown`, so it cannot inject HTML, links or headings; the
only links are the ones we generate, between ADR files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from exporters import markdown as md
from exporters.base import ExportOptions, Files
from exporters.files import safe_name
from models.design import Design
from models.elements import Decision

__all__ = ["AdrExporter", "adr_files", "adr_numbers"]

_NUMBER = re.compile(r"\d+")


def adr_numbers(design: Design) -> dict[str, int]:
    """The ADR number of each decision id (from the ids when they allow it, else the order)."""
    found = {did: _NUMBER.search(did) for did in design.decisions}
    numbers = {did: int(m.group()) for did, m in found.items() if m}
    if len(numbers) == len(found) and len(set(numbers.values())) == len(numbers) and all(
        0 < n < 10_000 for n in numbers.values()
    ):
        return numbers
    return {did: n for n, did in enumerate(design.decisions, 1)}


def adr_files(design: Design) -> dict[str, str]:
    """The file name of each decision id: ``NNNN-title-slug.md``."""
    numbers = adr_numbers(design)
    return {
        did: f"{numbers[did]:04d}-{safe_name(d.title or did, max_length=50)}.md"
        for did, d in design.decisions.items()
    }


def _ref(design: Design, files: dict[str, str], numbers: dict[str, int], did: str) -> str:
    if did not in files:
        return f"{md.inline(did)} (not in this design)"
    title = design.decisions[did].title or did
    return md.link(f"ADR-{numbers[did]:04d}: {title}", files[did])


def _bullets(items: Iterable[str], prefix: str = "") -> list[str]:
    return [f"* {prefix}{md.inline(item)}" for item in items]


def _record(design: Design, did: str, files: dict[str, str], numbers: dict[str, int]) -> str:
    d = design.decisions[did]
    lines = [f"# {numbers[did]}. {md.inline(d.title or did)}", ""]
    lines += _metadata(did, d)
    lines += ["", "## Context and Problem Statement", "", md.text(d.context) or "Not recorded."]
    if d.alternatives:
        lines += ["", "## Considered Options", "", *_bullets(d.alternatives)]
    lines += ["", "## Decision Outcome", "", md.text(d.decision) or "Not recorded."]
    if d.consequences:
        lines += ["", "### Consequences", "", *_bullets(d.consequences)]
    if any(a.pros or a.cons for a in d.alternatives.values()):
        lines += ["", "## Pros and Cons of the Options"]
        for name, alt in d.alternatives.items():
            lines += ["", f"### {md.inline(name)}", ""]
            lines += _bullets(alt.pros, "Good, because ") + _bullets(alt.cons, "Bad, because ")
    links = [f"* Supersedes {_ref(design, files, numbers, s)}" for s in d.supersedes]
    if d.superseded_by:
        links.append(f"* Superseded by {_ref(design, files, numbers, d.superseded_by)}")
    if links:
        lines += ["", "## Links", "", *links]
    return "\n".join(lines) + "\n"


def _metadata(did: str, d: Decision) -> list[str]:
    lines = [f"* Status: {d.status.value}", f"* Id: {md.inline(did)}"]
    if d.date:
        lines.append(f"* Date: {d.date.isoformat()}")
    if d.deciders:
        lines.append(f"* Deciders: {', '.join(md.inline(x) for x in d.deciders)}")
    if d.review:
        lines.append(f"* Review date: {d.review.isoformat()}")
    if d.concerns:
        lines.append(f"* Concerns: {', '.join(md.inline(x) for x in d.concerns)}")
    return lines


def _readme(design: Design, files: dict[str, str], numbers: dict[str, int]) -> str:
    lines = [
        "# Architecture Decision Records",
        "",
        f"Decisions of {md.inline(design.info.name)}, in the MADR format.",
        "",
        "| ADR | Title | Status | Date | Review |",
        "| --- | --- | --- | --- | --- |",
    ]
    for did in sorted(design.decisions, key=lambda i: numbers[i]):
        d = design.decisions[did]
        date = d.date.isoformat() if d.date else " "
        review = d.review.isoformat() if d.review else " "
        lines.append(
            f"| [{numbers[did]:04d}]({files[did]}) | {md.cell(d.title or did)} "
            f"| {d.status.value} | {date} | {review} |"
        )
    if not design.decisions:
        lines += ["", "No decisions are recorded in this design."]
    return "\n".join(lines) + "\n"


class AdrExporter:
    """Architecture decision records (MADR) and their index."""

    name = "adr"
    title = "Decision records (ADR)"
    description = "one MADR Markdown file per architecture decision, plus README.md"

    def export(self, design: Design, options: ExportOptions) -> Files:
        """``NNNN-title-slug.md`` per decision and ``README.md``."""
        numbers = adr_numbers(design)
        files = adr_files(design)
        out: Files = {"README.md": _readme(design, files, numbers)}
        for did in sorted(design.decisions, key=lambda i: numbers[i]):
            out[files[did]] = _record(design, did, files, numbers)
        return out
