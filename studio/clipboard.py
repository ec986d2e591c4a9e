"""Cut, copy, paste and duplicate: elements and the relations among them, as design YAML.

The clipboard holds a small design in the design format (the copied elements, the relations
whose two ends were copied, their positions) under :data:`DESIGN_MIME` and as plain text, so it
pastes into another window and into a text editor alike. Pasting gives every element a fresh
id (``order-service`` -> ``order-service-2``), keeps the relations among the pasted elements and
offsets the copies from the originals (an id is kept where it is free, so cut and paste moves
elements between designs without renaming them); one paste is one undo step (:class:`AddElements`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import QMimeData

from models.design import Design
from models.io import LoadError, dumps_design, loads_design
from studio.commands import AddElements
from studio.layout import layered_layout

__all__ = ["DESIGN_MIME", "PASTE_OFFSET", "design_from_mime", "fresh_ids", "paste_command",
           "selection_design", "to_mime"]

#: The clipboard format of copied elements (the text is the design format's YAML).
DESIGN_MIME = "application/x-archstudio-design+yaml"
#: How far a paste lands from the originals, in scene units (right and down).
PASTE_OFFSET = 40.0

Point = tuple[float, float]
_NUMBERED = re.compile(r"^(.*?)-(\d+)$")


def selection_design(design: Design, element_ids: Iterable[str]) -> Design:
    """A design holding ``element_ids``, the relations among them and their positions."""
    chosen = [eid for eid in dict.fromkeys(element_ids) if eid in design]
    part = Design()
    for element_id in chosen:
        part.add_element(element_id, design.element(element_id))
    for relation in design.relations():
        if relation.source in part and relation.target in part:
            part.add_relation(relation)
    part.set_positions({eid: design.layout[eid] for eid in chosen if eid in design.layout})
    return part


def to_mime(part: Design) -> QMimeData:
    """Clipboard data: the design format's YAML as :data:`DESIGN_MIME` and as plain text."""
    text = dumps_design(part)
    mime = QMimeData()
    mime.setData(DESIGN_MIME, text.encode("utf-8"))
    mime.setText(text)
    return mime


def design_from_mime(mime: QMimeData | None) -> Design | None:
    """The design on the clipboard (ours, or design YAML pasted as text); None otherwise."""
    if mime is None:
        return None
    if mime.hasFormat(DESIGN_MIME):
        text = bytes(mime.data(DESIGN_MIME).data()).decode("utf-8", errors="replace")
    elif mime.hasText():
        text = mime.text()
    else:
        return None
    if "archstudio" not in text[:4096]:
        return None  # any other text: not worth parsing
    try:
        part = loads_design(text, "<clipboard>")
    except LoadError:
        return None
    return part if len(part) else None


def fresh_ids(wanted: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """An unused id for each of ``wanted``: its own when free (a cut element pasted back, a
    copy into another design), else ``order-service`` -> ``order-service-2``."""
    used = set(taken)
    renamed: dict[str, str] = {}
    for element_id in wanted:
        if element_id not in used:
            renamed[element_id] = element_id
            used.add(element_id)
            continue
        match = _NUMBERED.match(element_id)
        base, n = (match.group(1), int(match.group(2)) + 1) if match else (element_id, 2)
        while f"{base}-{n}" in used:
            n += 1
        renamed[element_id] = f"{base}-{n}"
        used.add(renamed[element_id])
    return renamed


def paste_command(design: Design, part: Design, anchor: Point = (0.0, 0.0),
                  text: str = "Paste") -> AddElements:
    """The undo command adding ``part`` to ``design`` under fresh ids, offset from its place.

    Positioned elements land :data:`PASTE_OFFSET` right and down from where they were (further
    while that spot is taken, so repeated pastes fan out); elements without a position (YAML
    typed by hand) are laid out around ``anchor``.
    """
    ids = fresh_ids((eid for eid, _ in part.elements()), (eid for eid, _ in design.elements()))
    elements = {ids[eid]: element for eid, element in part.elements()}
    relations = [replace(rel, source=ids[rel.source], target=ids[rel.target])
                 for rel in part.relations()]
    positions = {ids[eid]: pos for eid, pos in _placed(design, part, anchor).items()}
    return AddElements(design, elements, relations, positions, text)


def _placed(design: Design, part: Design, anchor: Point) -> dict[str, Point]:
    """Positions for ``part``'s elements in ``design``: offset copies, or a layout at anchor."""
    known = dict(part.layout)
    loose = [eid for eid, _ in part.elements() if eid not in known]
    if loose:
        laid = layered_layout(selection_design(part, loose))
        known.update({eid: (x + anchor[0], y + anchor[1]) for eid, (x, y) in laid.items()})
    k = _free_step(known.values(), design.layout.values(), PASTE_OFFSET)
    return {eid: (x + k * PASTE_OFFSET, y + k * PASTE_OFFSET) for eid, (x, y) in known.items()}


def _free_step(points: Iterable[Point], taken: Iterable[Point], step: float) -> int:
    """The smallest ``k >= 1`` such that no point moved by ``k * step`` lands on a taken spot:
    the copies keep their arrangement and repeated pastes fan out instead of stacking."""
    occupied = {(round(x), round(y)) for x, y in taken}
    points = list(points)
    k = 1
    while any((round(x + k * step), round(y + k * step)) in occupied for x, y in points):
        k += 1
    return k
