"""Cut, copy, paste and duplicate: elements and the relations among them, as design YAML.

The clipboard holds a small design in the design format (the copied elements, the relations
whose two ends were copied, their positions) under :data:`DESIGN_MIME` and as plain text, so it
pastes into another window and into a text editor alike. Pasting gives every element a fresh
id (``order-service`` -> ``order-service-2``), keeps the relations among the pasted elements and
offsets the copies from the originals (an id is kept where it is free, so cut and paste moves
elements between designs without renaming them); one paste is one undo step (:class:`AddElements`).

The copied elements may refer to elements left behind (a service's connection pool for a
datastore, the service issuing a datastore's query): on paste such a reference keeps pointing at
the target design's element of that id and kind, follows the copy when the element was copied
too, and is dropped (and reported, see :attr:`Clip.dropped`) when it names nothing there, so a
paste never fails on them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import yaml
from PySide6.QtCore import QMimeData

from models.design import ALLOWED, KIND_OF, Design
from models.elements import Datastore, Element, ElementKind, RelationKind, Service
from models.format import RELATION_KEYS, SECTIONS
from models.io import dumps_design, loads_design
from studio.commands import AddElements
from studio.layout import layered_layout

__all__ = ["DESIGN_MIME", "PASTE_OFFSET", "Clip", "design_from_mime", "fresh_ids",
           "paste_command", "selection_design", "to_mime"]

#: The clipboard format of copied elements (the text is the design format's YAML).
DESIGN_MIME = "application/x-archstudio-design+yaml"
#: How far a paste lands from the originals, in scene units (right and down).
PASTE_OFFSET = 40.0

Point = tuple[float, float]
_NUMBERED = re.compile(r"^(.*?)-(\d+)$")
_KEPT_SECTIONS = frozenset({"archstudio", *SECTIONS, "layout"})
_SECTION_OF = {KIND_OF[cls]: section for section, cls in SECTIONS.items()}
_SERVICE, _DATASTORE = frozenset({ElementKind.SERVICE}), frozenset({ElementKind.DATASTORE})
_STR, _MAP, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:null"
try:  # the C parser and emitter are much faster; the pure ones give the same text
    _Loader: type = yaml.CSafeLoader
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader, _Dumper = yaml.SafeLoader, yaml.SafeDumper


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


@dataclass(frozen=True, slots=True)
class Clip:
    """Elements to paste into one design.

    ``part`` holds the elements to paste and, under the ids in ``context``, stand-ins for the
    target design's own elements that they refer to (a pool for its ``orders-db``, a call to
    its ``payment-service``): those are not pasted, the copies keep pointing at them.
    ``dropped`` describes the references that named elements in neither, removed so that the
    copies are a valid part of the target (``order-service.pools -> orders-db``).
    """

    part: Design
    context: frozenset[str] = frozenset()
    dropped: tuple[str, ...] = ()

    def pasted_ids(self) -> list[str]:
        """The ids of the elements to paste, in clipboard order."""
        return [eid for eid, _ in self.part.elements() if eid not in self.context]


def design_from_mime(mime: QMimeData | None, target: Design | None = None) -> Clip | None:
    """The design on the clipboard (ours, or design YAML pasted as text), ready to paste into
    ``target``; None when the clipboard holds no design elements.

    Raises:
        LoadError: The text is design YAML that does not read even with its references to
            unknown elements dropped (a misspelt field, a broken indentation).
    """
    text = _mime_text(mime)
    if text is None or "archstudio" not in text[:4096]:
        return None  # any other text: not worth parsing
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        loads_design(text, "<clipboard>")  # raises with the reason and its place
        return None
    if not isinstance(root, yaml.MappingNode) or "archstudio" not in map(_key, _keys(root)):
        return None  # text that mentions archstudio, not a design
    resolver = _Resolver(root, target or Design())
    part = loads_design(yaml.serialize(root, Dumper=_Dumper), "<clipboard>")
    clip = Clip(part, frozenset(resolver.context), tuple(resolver.dropped))
    return clip if clip.pasted_ids() else None


def _mime_text(mime: QMimeData | None) -> str | None:
    if mime is None:
        return None
    if mime.hasFormat(DESIGN_MIME):
        return bytes(mime.data(DESIGN_MIME).data()).decode("utf-8", errors="replace")
    return mime.text() if mime.hasText() else None


class _Resolver:
    """Rewrites a clipboard design's YAML tree (in place) so that it loads on its own.

    Its references to other elements (relations, connection pools, the services issuing a
    datastore's queries) stay when they name an element of the clipboard, or one of the target
    of a fitting kind (which gets an empty stand-in entry, listed in ``context``); the others
    are removed and listed in ``dropped``. Only the elements and their layout are kept: flows,
    decisions and checks belong to the design they were written for.
    """

    def __init__(self, root: yaml.MappingNode, target: Design) -> None:
        self.target = target
        self.context: dict[str, ElementKind] = {}
        self.dropped: list[str] = []
        root.value = [(k, v) for k, v in root.value if _key(k) in _KEPT_SECTIONS]
        sections = {_key(k): v for k, v in root.value}
        elements = [(section, _key(k), v) for section in SECTIONS
                    for k, v in _pairs(sections.get(section))]
        self.ids = {element_id for _, element_id, _ in elements}
        for section, element_id, node in elements:
            if isinstance(node, yaml.MappingNode):
                node.value = [(k, v) for k, v in node.value
                              if self._field_kept(section, element_id, _key(k), v)]
        layout = sections.get("layout")
        if isinstance(layout, yaml.MappingNode):
            layout.value = [(k, v) for k, v in layout.value if _key(k) in self.ids]
        self._add_stand_ins(root, sections)

    def _field_kept(self, section: str, element_id: str, key: str, node: yaml.Node) -> bool:
        """Filter the references under one field of an element; False drops the field."""
        path = f"{element_id}.{key}"
        if key in RELATION_KEYS:
            kinds = ALLOWED[RelationKind(key)][1]
            if isinstance(node, yaml.ScalarNode):
                return node.tag == _NULL or self._kept(node.value, kinds, path)
            _filter(node, lambda ref: self._kept(ref, kinds, path))
        elif section == "services" and key == "pools":
            _filter(node, lambda ref: self._kept(ref, _DATASTORE, path))
        elif section == "datastores" and key == "queries":
            for query_key, query in _pairs(node):
                issuer = f"{path}.{_key(query_key)}.service"
                if isinstance(query, yaml.MappingNode):
                    query.value = [(k, v) for k, v in query.value if _key(k) != "service"
                                   or self._kept(_key(v), _SERVICE, issuer)]
        return True

    def _kept(self, ref: str, kinds: frozenset[ElementKind], path: str) -> bool:
        if not ref or ref in self.ids:
            return True
        if ref in self.target and self.target.kind(ref) in kinds:
            self.context[ref] = self.target.kind(ref)
            return True
        self.dropped.append(f"{path} -> {ref}")
        return False

    def _add_stand_ins(self, root: yaml.MappingNode, sections: dict[str, yaml.Node]) -> None:
        for ref, kind in self.context.items():
            section = _SECTION_OF[kind]
            node = sections.get(section)
            if not isinstance(node, yaml.MappingNode):  # absent, or written empty
                node = sections[section] = yaml.MappingNode(_MAP, [])
                root.value = [(k, v) for k, v in root.value if _key(k) != section]
                root.value.append((yaml.ScalarNode(_STR, section), node))
            node.value.append((yaml.ScalarNode(_STR, ref), yaml.MappingNode(_MAP, [])))


def _key(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _keys(node: yaml.MappingNode) -> list[yaml.Node]:
    return [key for key, _ in node.value]


def _pairs(node: yaml.Node | None) -> list[tuple[yaml.Node, yaml.Node]]:
    return list(node.value) if isinstance(node, yaml.MappingNode) else []


def _filter(node: yaml.Node, keep: Callable[[str], bool]) -> None:
    """Keep the ids of a list of ids, or the entries of a mapping by id, that ``keep`` accepts."""
    if isinstance(node, yaml.SequenceNode):
        node.value = [item for item in node.value
                      if not isinstance(item, yaml.ScalarNode) or keep(item.value)]
    elif isinstance(node, yaml.MappingNode):
        node.value = [(k, v) for k, v in node.value if keep(_key(k))]


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


def paste_command(design: Design, clip: Clip, anchor: Point = (0.0, 0.0),
                  text: str = "Paste") -> AddElements:
    """The undo command adding ``clip``'s elements to ``design`` under fresh ids, offset from
    their place.

    Positioned elements land :data:`PASTE_OFFSET` right and down from where they were (further
    while that spot is taken, so repeated pastes fan out); elements without a position (YAML
    typed by hand) are laid out around ``anchor``. References among the pasted elements follow
    the renamed copies; the others keep naming the target's elements.
    """
    part, pasted = clip.part, clip.pasted_ids()
    ids = {**{eid: eid for eid in clip.context},
           **fresh_ids(pasted, (eid for eid, _ in design.elements()))}
    elements = {ids[eid]: _retargeted(part.element(eid), ids) for eid in pasted}
    relations = [replace(rel, source=ids[rel.source], target=ids[rel.target])
                 for rel in part.relations()]
    positions = {ids[eid]: pos for eid, pos in _placed(design, part, pasted, anchor).items()}
    return AddElements(design, elements, relations, positions, text)


def _retargeted(element: Element, ids: dict[str, str]) -> Element:
    """``element`` with its pools and query issuers renamed as ``ids`` says (others kept)."""
    if isinstance(element, Service) and element.pools:
        return replace(element, pools={ids.get(k, k): v for k, v in element.pools.items()})
    if isinstance(element, Datastore) and element.queries:
        queries = {qid: replace(q, service=ids.get(q.service, q.service))
                   for qid, q in element.queries.items()}
        return replace(element, queries=queries)
    return element


def _placed(design: Design, part: Design, pasted: list[str], anchor: Point) -> dict[str, Point]:
    """Positions for the pasted elements in ``design``: offset copies, or a layout at anchor."""
    known = {eid: part.layout[eid] for eid in pasted if eid in part.layout}
    loose = [eid for eid in pasted if eid not in known]
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
