"""Mermaid diagrams: the architecture flowchart, ER diagrams and sequence diagrams.

Every label is escaped with Mermaid's own entity codes (``#34;`` for ``"``), so user text can
never close a string, start a directive (``%%{init}%%``), a ``click`` line, HTML or a Markdown
string; ids are generated from element ids (``n_order_service``) and never contain user text
that Mermaid would read as syntax. Nothing emitted reads configuration, runs script or links out.

Mermaid refuses a flowchart with more than :data:`MAX_EDGES` edges and any diagram longer than
:data:`MAX_TEXT` characters (its ``maxEdges``/``maxTextSize``, which a diagram cannot raise).
A design that does not fit is split by group (bounded context), then by neighbourhood, into
several diagrams plus ``architecture-index.md``; every diagram emitted is within both limits.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from exporters import markdown as md
from exporters import memo
from exporters.base import ExportError, ExportOptions, Files
from exporters.files import safe_name, unique_names
from models.design import Design, kind_of
from models.elements import (
    Datastore,
    Element,
    ElementKind,
    Relation,
    RelationKind,
    StepKind,
    Table,
)

__all__ = [
    "MAX_EDGES",
    "MAX_TEXT",
    "Diagram",
    "MermaidExporter",
    "architecture_diagrams",
    "architecture_flowchart",
    "er_diagram",
    "escape",
    "fits",
    "sequence_diagram",
]

#: Mermaid's default (and, inside a diagram, unchangeable) ``maxEdges``.
MAX_EDGES = 500
#: Mermaid's default ``maxTextSize``.
MAX_TEXT = 50_000
#: Packing aims below the limits; :func:`fits` then checks the real text.
_EDGE_BUDGET = MAX_EDGES - 20
_TEXT_BUDGET = MAX_TEXT - 4_000
_LABEL_MAX = 80

_PLAIN = re.compile(r"[A-Za-z0-9 _.,:/()!?'+*=@$-]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_]+")
_INDENT = "    "


# --------------------------------------------------------------------------- escaping, ids


def escape(value: object) -> str:
    """Text safe inside a Mermaid string, message or title: one line, entity-coded.

    Letters (any script), digits, spaces and plain punctuation stay; everything else, including
    ``"`` ``#`` ``;`` ``%`` ``<`` ``>`` ``&`` ``[`` ``]`` ``{`` ``}`` ``|`` and backticks,
    becomes Mermaid's ``#<code>;`` entity.
    """
    line = " ".join(str(value).split())
    if len(line) > _LABEL_MAX:
        line = line[: _LABEL_MAX - 1].rstrip() + "…"
    return "".join(c if c.isalnum() or _PLAIN.match(c) else f"#{ord(c)};" for c in line)


def _ids(keys: Iterable[str], prefix: str) -> dict[str, str]:
    """Stable, unique Mermaid ids ``<prefix><key with [^A-Za-z0-9_] -> _>`` (``_2`` on clash)."""
    return _unique({key: prefix + _NOT_ID.sub("_", key) for key in keys})


def _unique(wanted: Mapping[str, str]) -> dict[str, str]:
    """``{key: wanted id}`` made unique with ``_2``, ``_3``... in sorted order."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for key in sorted(wanted, key=lambda k: (wanted[k], k)):
        name, n = wanted[key], 2
        while name in used:
            name, n = f"{wanted[key]}_{n}", n + 1
        used.add(name)
        result[key] = name
    return result


def fits(text: str) -> bool:
    """Whether Mermaid accepts ``text``: at most MAX_TEXT characters and MAX_EDGES edges."""
    return len(text) <= MAX_TEXT and _count_edges(text) <= MAX_EDGES


def _count_edges(text: str) -> int:
    return sum(1 for line in text.splitlines() if _EDGE_LINE.match(line))


_EDGE_LINE = re.compile(r"^\s*n_\w+ (-->|-\.->|--o)\|")


def _display(element_id: str, element: Element) -> str:
    return getattr(element, "name", "") or element_id


# --------------------------------------------------------------------------- flowchart

_SHAPES = {
    ElementKind.SERVICE: ('["', '"]'),
    ElementKind.DATASTORE: ('[("', '")]'),
    ElementKind.QUEUE: ('{{"', '"}}'),
    ElementKind.EXTERNAL: ('[/"', '"/]'),
    ElementKind.CLIENT: ('(["', '"])'),
}
_ARROWS = {
    RelationKind.CALLS: "-->",
    RelationKind.READS: "-->",
    RelationKind.WRITES: "-->",
    RelationKind.PUBLISHES: "-.->",
    RelationKind.SUBSCRIBES: "-.->",
    RelationKind.OWNS: "--o",
}


#: Relations whose arrows look alike: their label names the use (``reads (PostgreSQL)``).
_VERB_LABELS = frozenset({RelationKind.READS, RelationKind.WRITES})


def _edge_label(rel: Relation) -> str:
    """``reads (PostgreSQL)`` / ``writes (PostgreSQL)``; the protocol alone for the others."""
    if rel.kind in _VERB_LABELS:
        return f"{rel.kind.value} ({rel.protocol})" if rel.protocol else rel.kind.value
    return rel.protocol or rel.kind.value


@dataclass(frozen=True, slots=True)
class Diagram:
    """One architecture diagram: its file stem, title and Mermaid text."""

    name: str
    title: str
    text: str
    elements: int
    relations: int


class _Flowchart:
    """Pre-rendered node and edge lines of a design, assembled into (partial) flowcharts."""

    def __init__(self, design: Design) -> None:
        self.elements = dict(design.elements())
        self.ids = _ids(self.elements, "n_")
        self.group = {eid: getattr(el, "group", "") for eid, el in self.elements.items()}
        self.group_ids = _ids({g for g in self.group.values() if g}, "g_")
        self.node_line = {eid: self._node(eid, el) for eid, el in self.elements.items()}
        self.relations = sorted(design.relations(), key=_relation_key)
        self.edge_line = {rel.key: self._edge(rel) for rel in self.relations}
        self.incident: dict[str, list[Relation]] = defaultdict(list)
        for rel in self.relations:
            self.incident[rel.source].append(rel)
            self.incident[rel.target].append(rel)

    def _node(self, eid: str, element: Element) -> str:
        left, right = _SHAPES[kind_of(element)]
        return f"{self.ids[eid]}{left}{escape(_display(eid, element))}{right}"

    def _edge(self, rel: Relation) -> str:
        source, target = rel.source, rel.target
        if rel.kind is RelationKind.SUBSCRIBES:  # messages flow from the queue to the subscriber
            source, target = target, source
        label = escape(_edge_label(rel))
        return f'{self.ids[source]} {_ARROWS[rel.kind]}|"{label}"| {self.ids[target]}'

    def render(
        self, nodes: Iterable[str], relations: Iterable[Relation], boxes: set[str] | None = None
    ) -> str:
        """A flowchart of ``nodes`` (plus the ends of ``relations``) and ``relations``.

        ``boxes`` are the groups drawn as subgraphs (all when None). A part of a split design
        boxes only its own group: with neighbours boxed too, Mermaid's dagre layout can fail
        ("Cannot set properties of undefined (setting 'order')", dagre issue 234).
        """
        relations = sorted(set(relations), key=_relation_key)
        shown = set(nodes) | {e for rel in relations for e in (rel.source, rel.target)}
        by_group: dict[str, list[str]] = defaultdict(list)
        for eid in sorted(shown):
            group = self.group[eid]
            by_group[group if boxes is None or group in boxes else ""].append(eid)
        lines = ["flowchart LR"]
        for group in sorted(g for g in by_group if g):
            lines.append(f'{_INDENT}subgraph {self.group_ids[group]}["{escape(group)}"]')
            lines.extend(f"{_INDENT * 2}{self.node_line[e]}" for e in by_group[group])
            lines.append(f"{_INDENT}end")
        lines.extend(f"{_INDENT}{self.node_line[e]}" for e in by_group.get("", ()))
        lines.extend(f"{_INDENT}{self.edge_line[rel.key]}" for rel in relations)
        return "\n".join(lines) + "\n"

    def cost(self, nodes: set[str], relations: set[Relation]) -> tuple[int, int]:
        """(edges, approximate characters) of :meth:`render` for these nodes and relations."""
        shown = nodes | {e for rel in relations for e in (rel.source, rel.target)}
        groups = {self.group[e] for e in shown if self.group[e]}
        chars = sum(len(self.node_line[e]) + 10 for e in shown)
        chars += sum(len(self.edge_line[rel.key]) + 5 for rel in relations)
        chars += sum(len(self.group_ids[g]) + len(escape(g)) + 30 for g in groups)
        return len(relations), chars + 20


def _relation_key(rel: Relation) -> tuple[str, str, str]:
    return (rel.source, rel.target, rel.kind.value)


def architecture_diagrams(design: Design) -> list[Diagram]:
    """The architecture as one flowchart, or split into parts when Mermaid's limits require."""
    elements = tuple(design.elements())
    sources = (*(element for _, element in elements), *design.relations())
    key = (tuple(element_id for element_id, _ in elements), design.info.name)
    # The doc exporter shows the same diagrams: built once per export (see exporters.memo).
    return list(memo.ARCHITECTURE.get(sources, key, lambda: tuple(_architecture(design))))


def _architecture(design: Design) -> list[Diagram]:
    chart = _Flowchart(design)
    whole = chart.render(chart.elements, chart.relations)
    title = design.info.name
    if fits(whole):
        return [Diagram("architecture", title, whole, len(chart.elements), len(chart.relations))]
    return list(_split(chart))


def architecture_flowchart(design: Design) -> list[str]:
    """The Mermaid text of each architecture diagram (one unless the design is too big)."""
    return [diagram.text for diagram in architecture_diagrams(design)]


def _split(chart: _Flowchart) -> Iterator[Diagram]:
    members: dict[str, list[str]] = defaultdict(list)
    for eid in chart.elements:
        members[chart.group[eid]].append(eid)
    order = sorted(members, key=lambda g: (g == "", g))
    slugs = unique_names({g: safe_name(g or "ungrouped") for g in order})
    for group in order:
        chunks = list(_pack(chart, _neighbourhood_order(chart, members[group])))
        for n, (core, rels) in enumerate(chunks, 1):
            suffix = f"-{n}" if len(chunks) > 1 else ""
            name = f"architecture-{slugs[group]}{suffix}"
            title = (group or "Ungrouped elements") + (f" (part {n})" if suffix else "")
            yield _checked(chart, name, title, core, rels, {group} - {""})


def _checked(
    chart: _Flowchart, name: str, title: str, core: set[str], rels: set, boxes: set[str]
) -> Diagram:
    text = chart.render(core, rels, boxes)
    if not fits(text):  # the packing estimate was off: a bug, never an over-limit file
        raise ExportError(f"internal error: Mermaid diagram {name} exceeds Mermaid's limits")
    return Diagram(name, title, text, len(core), len(rels))


def _neighbourhood_order(chart: _Flowchart, nodes: list[str]) -> list[str]:
    """``nodes`` in breadth-first order over their relations, so neighbours share a diagram."""
    inside = set(nodes)
    seen: set[str] = set()
    order: list[str] = []
    for start in sorted(nodes):
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            node = queue.popleft()
            order.append(node)
            near = {e for rel in chart.incident[node] for e in (rel.source, rel.target)}
            for other in sorted(near & inside - seen):
                seen.add(other)
                queue.append(other)
    return order


def _pack(chart: _Flowchart, nodes: list[str]) -> Iterator[tuple[set[str], set[Relation]]]:
    """Greedy chunks of consecutive ``nodes`` (with their relations) within the budgets."""
    core: set[str] = set()
    rels: set[Relation] = set()
    for node in nodes:
        mine = set(chart.incident[node])
        if _over(chart, {node}, mine):  # a hub: its relations alone need several diagrams
            if core:
                yield core, rels
                core, rels = set(), set()
            yield from _slice_hub(chart, node, mine)
            continue
        if core and _over(chart, core | {node}, rels | mine):
            yield core, rels
            core, rels = set(), set()
        core.add(node)
        rels |= mine
    if core:
        yield core, rels


def _over(chart: _Flowchart, nodes: set[str], rels: set[Relation]) -> bool:
    edges, chars = chart.cost(nodes, rels)
    return edges > _EDGE_BUDGET or chars > _TEXT_BUDGET


def _slice_hub(
    chart: _Flowchart, node: str, rels: set[Relation]
) -> Iterator[tuple[set[str], set[Relation]]]:
    chunk: set[Relation] = set()
    for rel in sorted(rels, key=_relation_key):
        if chunk and _over(chart, {node}, chunk | {rel}):
            yield {node}, chunk
            chunk = set()
        chunk.add(rel)
    if chunk:
        yield {node}, chunk


def _index(design: Design, diagrams: list[Diagram]) -> str:
    lines = [
        f"# Architecture of {md.inline(design.info.name)}",
        "",
        f"The architecture is drawn in {len(diagrams)} Mermaid diagrams, one per group (bounded "
        f"context), split by neighbourhood where a group is too big: Mermaid accepts at most "
        f"{MAX_EDGES} edges and {MAX_TEXT:,} characters per diagram. Each diagram shows its "
        "elements and the elements they are related to.",
        "",
        "| Diagram | Shows | Elements | Relations |",
        "| --- | --- | ---: | ---: |",
    ]
    for diagram in diagrams:
        file = f"{diagram.name}.mmd"
        lines.append(
            f"| [{file}]({file}) | {md.cell(diagram.title)} | {diagram.elements} "
            f"| {diagram.relations} |"
        )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- ER diagrams

_ER_KEYWORDS = frozenset(
    {"erdiagram", "direction", "style", "classdef", "class", "title", "acctitle", "accdescr", "end"}
)


def _er_name(name: str) -> str:
    word = _NOT_ID.sub("_", name).strip("_") or "unnamed"
    if word[0].isdigit():
        word = f"t_{word}"
    return f"{word}_" if word.lower() in _ER_KEYWORDS else word


def _er_type(sql_type: str) -> str:
    word = _NOT_ID.sub("_", sql_type.lower()).strip("_") or "unknown"
    return f"t_{word}" if word[0].isdigit() else word


def er_diagram(design: Design, datastore_id: str) -> str:
    """An ``erDiagram`` of a SQL datastore's tables, keys and foreign keys.

    Raises :class:`ExportError` when the schema is too big for one Mermaid diagram even without
    its non-key columns.
    """
    store = design.element(datastore_id)
    if not isinstance(store, Datastore):
        raise ExportError(f"'{datastore_id}' is not a datastore")
    # The doc exporter shows the same diagrams: built once per export (see exporters.memo).
    return memo.ER_DIAGRAMS.get((store,), datastore_id, lambda: _er_fitting(store, datastore_id))


def _er_fitting(store: Datastore, datastore_id: str) -> str:
    text = _er_text(store, keys_only=False)
    if not fits(text):
        text = _er_text(store, keys_only=True)
    if not fits(text):
        raise ExportError(f"the schema of '{datastore_id}' is too big for one Mermaid diagram")
    return text


def _er_text(store: Datastore, *, keys_only: bool) -> str:
    names = _unique({table: _er_name(table) for table in store.tables})
    lines = ["erDiagram"]
    for table_name, table in store.tables.items():
        lines.extend(_entity(names[table_name], table, keys_only))
    for table_name, table in store.tables.items():
        lines.extend(_relationships(names, table_name, table))
    return "\n".join(lines) + "\n"


def _entity(name: str, table: Table, keys_only: bool) -> list[str]:
    keys = _column_keys(table)
    attr_names = _unique({col: _er_name(col) for col in table.columns})
    rows = []
    for col_name, column in table.columns.items():
        marks = keys.get(col_name, [])
        if keys_only and not marks:
            continue
        row = f"{_INDENT * 2}{_er_type(column.type)} {attr_names[col_name]}"
        if marks:
            row += " " + ", ".join(marks)
        if column.comment and not keys_only:
            row += f' "{escape(column.comment)}"'
        rows.append(row)
    if not rows:
        return [f"{_INDENT}{name}"]
    return [f"{_INDENT}{name} {{", *rows, f"{_INDENT}}}"]


def _column_keys(table: Table) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = defaultdict(list)
    for col in table.primary_key:
        keys[col].append("PK")
    for fk in table.foreign_keys.values():
        for col in fk.columns:
            if "FK" not in keys[col]:
                keys[col].append("FK")
    for cols in (*table.unique.values(), *(i.columns for i in table.indexes.values() if i.unique)):
        for col in cols:
            if col in table.columns and "UK" not in keys[col]:
                keys[col].append("UK")
    return keys


def _relationships(names: Mapping[str, str], table_name: str, table: Table) -> list[str]:
    lines = []
    for fk_name, fk in table.foreign_keys.items():
        parent = names.get(fk.table) or _er_name(fk.table)
        required = all(
            c in table.primary_key or not table.columns[c].nullable
            for c in fk.columns
            if c in table.columns
        )
        unique = set(fk.columns) in (
            {*table.primary_key},
            *({*cols} for cols in table.unique.values()),
            *({*i.columns} for i in table.indexes.values() if i.unique),
        )
        left = "||" if required else "|o"
        right = "o|" if unique else "o{"
        label = escape(", ".join(fk.columns) or fk_name)
        lines.append(f'{_INDENT}{parent} {left}--{right} {names[table_name]} : "{label}"')
    return lines


# --------------------------------------------------------------------------- sequence diagrams

_MESSAGE_ARROWS = {StepKind.REQUEST: "->>", StepKind.REPLY: "-->>", StepKind.MESSAGE: "-)"}


def sequence_diagram(design: Design, flow_id: str) -> str:
    """A ``sequenceDiagram`` of a flow: participants in order of appearance, one arrow a step."""
    flow = design.flows[flow_id]
    order = list(dict.fromkeys(e for step in flow.steps for e in (step.source, step.target)))
    ids = _ids(order, "p_")
    lines = ["sequenceDiagram"]
    if flow.name:
        lines.append(f"{_INDENT}title {escape(flow.name)}")
    for eid in order:
        element = design.element(eid)
        kind = "actor" if kind_of(element) is ElementKind.CLIENT else "participant"
        lines.append(f"{_INDENT}{kind} {ids[eid]} as {escape(_display(eid, element))}")
    for step in flow.steps:
        arrow = _MESSAGE_ARROWS[step.kind]
        message = escape(step.message) or escape(_DEFAULT_MESSAGE[step.kind])
        lines.append(f"{_INDENT}{ids[step.source]}{arrow}{ids[step.target]}: {message}")
    text = "\n".join(lines) + "\n"
    if not fits(text):
        raise ExportError(f"flow '{flow_id}' is too long for one Mermaid diagram")
    return text


_DEFAULT_MESSAGE = {StepKind.REQUEST: "request", StepKind.REPLY: "reply", StepKind.MESSAGE: "event"}


# --------------------------------------------------------------------------- the exporter


def _sql_stores(design: Design) -> list[str]:
    return [sid for sid, store in design.datastores() if store.engine.is_sql and store.tables]


class MermaidExporter:
    """Architecture flowchart, ER diagram per SQL datastore, sequence diagram per flow."""

    name = "mermaid"
    title = "Mermaid diagrams"
    description = "architecture flowchart, ER diagrams and sequence diagrams (.mmd)"

    def export(self, design: Design, options: ExportOptions) -> Files:
        """``architecture.mmd`` (or parts + index), ``er-<store>.mmd``, ``sequence-<flow>.mmd``."""
        files: Files = {}
        diagrams = architecture_diagrams(design)
        for diagram in diagrams:
            files[f"{diagram.name}.mmd"] = diagram.text
        if len(diagrams) > 1:
            files["architecture-index.md"] = _index(design, diagrams)
        stores = unique_names({sid: safe_name(sid) for sid in _sql_stores(design)})
        for sid, slug in stores.items():
            files[f"er-{slug}.mmd"] = er_diagram(design, sid)
        flows = unique_names({fid: safe_name(fid) for fid in design.flows})
        for fid, slug in flows.items():
            files[f"sequence-{slug}.mmd"] = sequence_diagram(design, fid)
        return files
