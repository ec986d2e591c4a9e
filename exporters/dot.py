"""Graphviz: the architecture as DOT (built with the ``graphviz`` package), SVG and PNG.

The DOT text is built with :class:`graphviz.Digraph`, which quotes ids and strings; labels go
through :func:`graphviz.escape`, so user text can neither start an HTML-like label nor use
Graphviz's backslash escapes. No attribute that makes Graphviz read a file or link out is ever
set (:data:`FORBIDDEN_ATTRIBUTES`). Images are rendered by the ``dot`` executable, with a
timeout, and a clear message when Graphviz is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict

import graphviz

from exporters.base import ExportError, ExportOptions, Files
from models.design import Design, kind_of
from models.elements import Element, ElementKind, Relation, RelationKind

__all__ = [
    "FORBIDDEN_ATTRIBUTES",
    "DotExporter",
    "PngExporter",
    "SvgExporter",
    "architecture_graph",
    "render",
]

#: Attributes that read files, load fonts by path or add links: never emitted.
FORBIDDEN_ATTRIBUTES = frozenset(
    {
        "image", "imagepath", "shapefile", "fontpath", "fontnames", "fontname", "labelfontname",
        "stylesheet", "URL", "href", "labelURL", "labelhref", "headURL", "headhref",
        "tailURL", "tailhref", "edgeURL", "edgehref", "target",
    }
)  # fmt: skip
#: Seconds ``dot`` may take to lay out a design before the export gives up.
RENDER_TIMEOUT = 120.0
_INSTALL = "install Graphviz (Debian/Ubuntu: apt-get install graphviz; https://graphviz.org)"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_SHAPES = {
    ElementKind.SERVICE: {"shape": "box", "style": "rounded"},
    ElementKind.DATASTORE: {"shape": "cylinder"},
    ElementKind.QUEUE: {"shape": "cds"},
    ElementKind.EXTERNAL: {"shape": "box3d"},
    ElementKind.CLIENT: {"shape": "ellipse"},
}
_EDGE_STYLES = {
    RelationKind.CALLS: {},
    RelationKind.READS: {},
    RelationKind.WRITES: {},
    RelationKind.PUBLISHES: {"style": "dashed"},
    RelationKind.SUBSCRIBES: {"style": "dashed"},
    RelationKind.OWNS: {"style": "dotted", "arrowhead": "odiamond"},
}


def _label(*lines: str) -> str:
    """A plain-text label: each line escaped, joined by Graphviz's centred line break."""
    # Graphviz decodes HTML entities (``&amp;``) in every string: keep the user's '&' literal.
    clean = [" ".join(_CONTROL.sub(" ", line).replace("&", "&amp;").split()) for line in lines]
    return graphviz.nohtml("\\n".join(graphviz.escape(line) for line in clean if line))


def _node_label(element_id: str, element: Element) -> str:
    name = getattr(element, "name", "") or element_id
    detail = getattr(element, "technology", "") or getattr(element, "engine", "")
    detail = getattr(detail, "value", detail)
    return _label(name, f"[{kind_of(element).value}{': ' + detail if detail else ''}]")


def _edge(graph: graphviz.Digraph, rel: Relation) -> None:
    source, target = rel.source, rel.target
    if rel.kind is RelationKind.SUBSCRIBES:  # messages flow from the queue to the subscriber
        source, target = target, source
    label = rel.protocol or rel.kind.value
    graph.edge(source, target, label=_label(label), **_EDGE_STYLES[rel.kind])


def architecture_graph(design: Design) -> graphviz.Digraph:
    """The architecture: elements by kind-specific shapes, groups as clusters, relations."""
    graph = graphviz.Digraph("architecture")
    graph.attr(rankdir="LR", label=_label(design.info.name), labelloc="t", compound="true")
    members: dict[str, list[str]] = defaultdict(list)
    elements = dict(design.elements())
    for element_id in sorted(elements):
        members[getattr(elements[element_id], "group", "")].append(element_id)
    for n, group in enumerate(sorted(g for g in members if g), 1):
        with graph.subgraph(name=f"cluster_{n}") as cluster:
            cluster.attr(label=_label(group), style="rounded")
            for element_id in members[group]:
                _node(cluster, element_id, elements[element_id])
    for element_id in members.get("", ()):
        _node(graph, element_id, elements[element_id])
    for rel in sorted(design.relations(), key=lambda r: (r.source, r.target, r.kind.value)):
        _edge(graph, rel)
    return graph


def _node(graph: graphviz.Digraph, element_id: str, element: Element) -> None:
    graph.node(element_id, label=_node_label(element_id, element), **_SHAPES[kind_of(element)])


def render(source: str, fmt: str, *, timeout: float = RENDER_TIMEOUT) -> bytes:
    """Run ``dot -T<fmt>`` on ``source``; raises :class:`ExportError` with a fix on failure."""
    dot = shutil.which("dot")
    if dot is None:
        raise ExportError(f"{fmt} export needs Graphviz's 'dot' program, which is missing: "
                          f"{_INSTALL}")
    try:
        done = subprocess.run(
            [dot, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
            timeout=timeout, check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExportError(f"Graphviz took more than {timeout:.0f} s to lay out the design; "
                          "export DOT instead and render it separately") from None
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip()
        raise ExportError(f"Graphviz failed to render {fmt}: {error}")
    return done.stdout


class DotExporter:
    """The architecture as Graphviz DOT text."""

    name = "dot"
    title = "Graphviz DOT"
    description = "the architecture as a Graphviz DOT graph (.dot)"

    def export(self, design: Design, options: ExportOptions) -> Files:
        """``architecture.dot``."""
        return {"architecture.dot": architecture_graph(design).source}


class _ImageExporter:
    """The architecture drawn by Graphviz's ``dot``."""

    needs_tool = "dot"
    format = ""

    def export(self, design: Design, options: ExportOptions) -> Files:
        """``architecture.<format>``."""
        source = architecture_graph(design).source
        return {f"architecture.{self.format}": render(source, self.format)}


class SvgExporter(_ImageExporter):
    """The architecture as an SVG image (needs Graphviz)."""

    name = "svg"
    title = "Architecture image (SVG)"
    description = "the architecture drawn by Graphviz as SVG (needs Graphviz's dot)"
    format = "svg"


class PngExporter(_ImageExporter):
    """The architecture as a PNG image (needs Graphviz)."""

    name = "png"
    title = "Architecture image (PNG)"
    description = "the architecture drawn by Graphviz as PNG (needs Graphviz's dot)"
    format = "png"
