"""Automatic layout of a design's elements: layered, top to bottom, Qt-free.

The flow graph follows data: a caller points at what it calls, a publisher at its queue, a queue
at its subscribers, a service at the stores it reads and writes (``owns`` only restates those and
is left out). Cycles are broken by dropping the edges a depth-first walk from the clients meets
going backwards; each element then sits in the column of its longest path from a source, and the
order inside each column is improved by barycentre sweeps (Sugiyama's method, simplified).

When Graphviz is installed, :func:`dot_layout` asks ``dot`` for the same flow graph (groups as
clusters) and reads the positions back from ``dot -Tjson``: points, y pointing up, so y is
flipped; nodes are given the canvas's element size in inches, so one point is one scene unit.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterable

import graphviz
import networkx as nx

from models.design import Design, kind_of
from models.elements import ElementKind, RelationKind

__all__ = [
    "COLUMN_GAP",
    "DOT_MAX_ELEMENTS",
    "ROW_GAP",
    "DotLayoutError",
    "auto_layout",
    "dot_graph",
    "dot_layout",
    "flow_graph",
    "layered_layout",
    "positions_from_json",
]

#: Horizontal distance between the centres of two neighbours in one layer, in scene units.
COLUMN_GAP = 212.0
#: Vertical distance between the centres of two layers. Layers run top to bottom because
#: elements are wider than tall: a deep design still fits a landscape window at a readable zoom.
ROW_GAP = 100.0

#: The canvas's element size (scene units), as ``dot`` must know it to space the nodes.
NODE_SIZE = (184.0, 60.0)
#: Seconds ``dot`` may take before auto-layout falls back to the layered layout.
DOT_TIMEOUT = 120.0
#: Above this many elements ``dot`` is not asked: its crossing minimisation grows about as the
#: cube of the size (measured: 19 elements 0.04 s, RM-100's 118 elements 0.65 s, RM-1k's 1,153
#: more than 5 minutes with clusters and 71 s with the cheapest search), while the layered
#: layout takes 0.2 s for RM-1k. 250 elements is a few seconds of ``dot``, behind a progress
#: dialog with Cancel.
DOT_MAX_ELEMENTS = 250
_POINTS_PER_INCH = 72.0

_SWEEPS = 6
_KIND_RANK = {
    ElementKind.CLIENT: 0,
    ElementKind.EXTERNAL: 1,
    ElementKind.SERVICE: 2,
    ElementKind.QUEUE: 3,
    ElementKind.DATASTORE: 4,
}


def flow_graph(design: Design) -> nx.DiGraph:
    """Elements as nodes, an edge wherever data or control flows from one to the other."""
    graph = nx.DiGraph()
    graph.add_nodes_from(element_id for element_id, _ in design.elements())
    for rel in design.relations():
        if rel.kind is RelationKind.OWNS:
            continue
        if rel.kind is RelationKind.SUBSCRIBES:
            graph.add_edge(rel.target, rel.source)
        else:
            graph.add_edge(rel.source, rel.target)
    return graph


def layered_layout(design: Design) -> dict[str, tuple[float, float]]:
    """Centre positions for every element: a readable top-to-bottom layered picture."""
    graph = flow_graph(design)
    if not graph:
        return {}
    order = _start_order(design, graph)
    dag = _acyclic(graph, order)
    layers = _layers(dag, order)
    columns = _columns(layers, order)
    columns = _reduce_crossings(dag, columns)
    columns = _keep_groups_together(design, columns)
    return _coordinates(columns)


def _start_order(design: Design, graph: nx.DiGraph) -> list[str]:
    """Nodes by kind (clients first), then by file order: the walk's preference."""
    index = {element_id: i for i, (element_id, _) in enumerate(design.elements())}

    def key(element_id: str) -> tuple[int, int, int]:
        rank = _KIND_RANK[kind_of(design.element(element_id))]
        return (graph.in_degree(element_id) > 0, rank, index[element_id])

    return sorted(graph.nodes, key=key)


def _acyclic(graph: nx.DiGraph, order: list[str]) -> nx.DiGraph:
    """A copy of ``graph`` without the back edges of a depth-first walk in ``order``."""
    dag = nx.DiGraph()
    dag.add_nodes_from(order)
    state: dict[str, int] = {}  # 1 = on the walk's stack, 2 = done
    rank = {node: i for i, node in enumerate(order)}
    for root in order:
        if root in state:
            continue
        stack = [(root, iter(sorted(graph.successors(root), key=rank.__getitem__)))]
        state[root] = 1
        while stack:
            node, successors = stack[-1]
            nxt = next(successors, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) != 1:
                dag.add_edge(node, nxt)
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, iter(sorted(graph.successors(nxt), key=rank.__getitem__))))
    return dag


def _layers(dag: nx.DiGraph, order: list[str]) -> dict[str, int]:
    """Longest-path layering, then sources pulled next to what they feed."""
    layer: dict[str, int] = {}
    for node in nx.topological_sort(dag):
        layer[node] = max((layer[p] + 1 for p in dag.predecessors(node)), default=0)
    for node in reversed(list(nx.topological_sort(dag))):
        if dag.in_degree(node) == 0 and dag.out_degree(node) > 0:
            layer[node] = min(layer[s] for s in dag.successors(node)) - 1
    isolated = [n for n in order if dag.degree(n) == 0]
    if isolated and len(isolated) < len(order):
        last = max(layer.values()) + 1
        for node in isolated:
            layer[node] = last
    return layer


def _columns(layers: dict[str, int], order: list[str]) -> list[list[str]]:
    count = max(layers.values()) + 1
    columns: list[list[str]] = [[] for _ in range(count)]
    for node in order:
        columns[layers[node]].append(node)
    return [column for column in columns if column]


def _reduce_crossings(dag: nx.DiGraph, columns: list[list[str]]) -> list[list[str]]:
    """Barycentre sweeps, right then left, keeping the first order on ties."""
    undirected = dag.to_undirected(as_view=True)
    for sweep in range(_SWEEPS):
        indices = range(1, len(columns)) if sweep % 2 == 0 else range(len(columns) - 2, -1, -1)
        for i in indices:
            fixed = columns[i - 1] if sweep % 2 == 0 else columns[i + 1]
            columns[i] = _by_barycentre(columns[i], fixed, undirected)
    return columns


def _by_barycentre(column: list[str], fixed: list[str], graph: nx.Graph) -> list[str]:
    position = {node: i for i, node in enumerate(fixed)}

    def centre(item: tuple[int, str]) -> tuple[float, int]:
        index, node = item
        near = [position[n] for n in graph.neighbors(node) if n in position]
        span = len(column) / max(len(fixed), 1)
        return ((sum(near) / len(near)) if near else index / max(span, 1e-9), index)

    return [node for _, node in sorted(enumerate(column), key=centre)]


def _keep_groups_together(design: Design, columns: list[list[str]]) -> list[list[str]]:
    """Order every layer by its groups' mean position over all layers, so that the frames of
    bounded contexts neither interleave nor cross; ungrouped elements keep their place."""
    position: dict[str, float] = {}
    for layer in columns:
        left = -(len(layer) - 1) / 2
        position.update({node: left + i for i, node in enumerate(layer)})
    groups: dict[str, list[float]] = {}
    for node, x in position.items():
        group = getattr(design.element(node), "group", "")
        if group:
            groups.setdefault(group, []).append(x)
    centre = {group: sum(xs) / len(xs) for group, xs in groups.items()}

    def key(node: str) -> tuple[float, float]:
        group = getattr(design.element(node), "group", "")
        return (centre[group], position[node]) if group else (position[node], position[node])

    return [sorted(layer, key=key) for layer in columns]


def _coordinates(columns: Iterable[list[str]]) -> dict[str, tuple[float, float]]:
    positions: dict[str, tuple[float, float]] = {}
    for y_index, layer in enumerate(columns):
        left = -(len(layer) - 1) / 2
        for x_index, node in enumerate(layer):
            positions[node] = ((left + x_index) * COLUMN_GAP, y_index * ROW_GAP)
    return positions


# ---------------------------------------------------------------------- Graphviz


class DotLayoutError(RuntimeError):
    """``dot`` failed, timed out or gave output without positions."""


Positions = dict[str, tuple[float, float]]


def auto_layout(design: Design, node_size: tuple[float, float] = NODE_SIZE,
                started: Callable[[subprocess.Popen[bytes]], None] | None = None) -> Positions:
    """Graphviz's layout when ``dot`` is installed and succeeds, the layered layout otherwise."""
    if shutil.which("dot") is not None:
        try:
            return dot_layout(design, node_size, started)
        except DotLayoutError:
            pass
    return layered_layout(design)


def dot_graph(design: Design, node_size: tuple[float, float] = NODE_SIZE) -> graphviz.Digraph:
    """The flow graph for ``dot``: fixed-size boxes, groups as clusters, no edge routing."""
    width, height = (size / _POINTS_PER_INCH for size in node_size)
    graph = graphviz.Digraph("layout")
    graph.attr(rankdir="TB", newrank="true", splines="false",
               nodesep=f"{(COLUMN_GAP - node_size[0]) / 72:.2f}",
               ranksep=f"{(ROW_GAP - node_size[1]) / 72:.2f}")
    graph.attr("node", shape="box", fixedsize="true", label="", width=f"{width:.3f}",
               height=f"{height:.3f}")
    members: dict[str, list[str]] = defaultdict(list)
    for element_id, element in design.elements():
        members[getattr(element, "group", "")].append(element_id)
    for element_id in members.pop("", []):
        graph.node(element_id)
    for n, ids in enumerate(members.values(), 1):
        with graph.subgraph(name=f"cluster_{n}") as cluster:
            for element_id in ids:
                cluster.node(element_id)
    for source, target in flow_graph(design).edges:
        graph.edge(source, target)
    return graph


def dot_layout(design: Design, node_size: tuple[float, float] = NODE_SIZE,
               started: Callable[[subprocess.Popen[bytes]], None] | None = None,
               timeout: float = DOT_TIMEOUT) -> Positions:
    """Positions from ``dot -Tjson``; ``started`` receives the process (to kill it on cancel).

    Raises:
        DotLayoutError: ``dot`` is missing, failed, was killed or timed out.
    """
    if not len(design):
        return {}
    dot = shutil.which("dot")
    if dot is None:
        raise DotLayoutError("Graphviz's dot is not installed")
    source = dot_graph(design, node_size).source.encode("utf-8")
    process = subprocess.Popen([dot, "-Tjson"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    if started is not None:
        started(process)
    try:
        out, err = process.communicate(source, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise DotLayoutError(f"dot took more than {timeout:.0f} s") from None
    if process.returncode != 0:
        raise DotLayoutError(f"dot failed ({process.returncode}): "
                             f"{err.decode('utf-8', 'replace').strip()}")
    return positions_from_json(out, {element_id for element_id, _ in design.elements()})


def positions_from_json(data: bytes | str, ids: set[str]) -> Positions:
    """Scene positions of ``ids`` from ``dot -Tjson`` output: y flipped, top centred at 0.

    Raises:
        DotLayoutError: the output is not JSON or lacks a position for one of ``ids``.
    """
    try:
        objects = json.loads(data).get("objects", [])
        raw = {o["name"]: tuple(float(v) for v in o["pos"].split(","))
               for o in objects if "pos" in o and o.get("name") in ids}
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        raise DotLayoutError(f"unreadable dot -Tjson output: {exc}") from None
    if set(raw) != ids:
        raise DotLayoutError(f"dot gave no position for {sorted(ids - set(raw))[:3]}")
    if not raw:
        return {}
    top = max(y for _x, y in raw.values())
    xs = [x for x, _y in raw.values()]
    middle = (min(xs) + max(xs)) / 2
    return {eid: (round(x - middle, 1), round(top - y, 1)) for eid, (x, y) in raw.items()}
