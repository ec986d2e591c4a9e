"""Reading and writing design files (format version 1).

Loading has two stages (see ``docs/format.md``): the bytes are checked (size, UTF-8, git
conflict markers) and composed into YAML nodes by PyYAML's C parser, keeping line/column marks;
then the nodes are converted, type by type, into a validated :class:`~models.design.Design`.
Every problem is collected and reported as ``file:line:col: message (hint)``.

Saving is deterministic (the model's field order, no line wrapping, defaults omitted) and atomic.
"""

from __future__ import annotations

import gc
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models.codec import Invalid, Problem, Reader, class_spec, type_info
from models.design import Design, ModelError, SourceMap, did_you_mean
from models.elements import ChecksConfig, Decision, DesignInfo, Flow, Relation, RelationKind
from models.format import FORMAT_VERSION, RELATION_KEYS, SECTIONS, TOP_KEYS
from models.references import dangling_references
from models.writer import dump_design

__all__ = [
    "FORMAT_VERSION",
    "MAX_BYTES",
    "LoadError",
    "LoadProblem",
    "SaveError",
    "dumps_design",
    "load_design",
    "loads_design",
    "save_design",
]

#: Largest design file accepted (RM-1k, a thousand services, is about 10 MB).
MAX_BYTES = 32 * 1024 * 1024
_MB = 1024 * 1024


try:  # the C parser is ~10x faster; the pure one gives the same nodes
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7})(?: |$)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """One problem in a design file."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {self.message}{hint}"


class LoadError(Exception):
    """The file is not a valid design; ``problems`` lists everything found, in file order."""

    def __init__(self, problems: Iterable[LoadProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


class SaveError(OSError):
    """Saving failed; the previous file on disk is untouched."""


# --------------------------------------------------------------------------- loading


def load_design(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> Design:
    """Load and validate a design file; raises :class:`LoadError` listing every problem."""
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        if size > max_bytes:
            raise LoadError([_too_big(name, size, max_bytes)])
        with open(name, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError(
            [
                LoadProblem(
                    name,
                    1,
                    1,
                    f"cannot read the file: {exc.strerror}",
                    "check the path and permissions",
                )
            ]
        ) from None
    return loads_design(data, name, max_bytes=max_bytes)


def loads_design(
    data: bytes | str, file: str = "<string>", *, max_bytes: int = MAX_BYTES
) -> Design:
    """Load a design from bytes or text (``file`` names it in messages)."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise LoadError([_too_big(file, len(data), max_bytes)])
        text = _decode(data, file)
    else:
        text = data
    _check_conflicts(text, file)
    reader = Reader(budget=max(len(text), 10_000) + 100_000)
    with gc_paused():
        design = _build(reader, _compose(text, file), file)
    if reader.problems:
        raise LoadError(
            LoadProblem(file, p.line, p.column, p.message, p.hint) for p in reader.problems
        )
    design.source_map = SourceMap(file, reader.positions)
    design.preamble = _preamble(text)
    return design


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building or writing a large tree.

    Loading RM-1k allocates about a million small objects with no reference cycles; each
    collection rescans everything allocated so far, which makes the work several times slower.
    Reference counting still frees everything as usual meanwhile. Pauses nest and overlap
    across threads (the studio exports in a worker while the window loads or saves): the
    collector is switched back on (if it was on) when the last one ends.
    """
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = int(gc.isenabled())
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


_GC_LOCK = threading.Lock()
#: Pauses in progress, and whether the collector was on before the first of them.
_GC_PAUSES = [0, 0]


def _too_big(file: str, size: int, limit: int) -> LoadProblem:
    return LoadProblem(
        file,
        1,
        1,
        f"the file is {size / _MB:.1f} MB; the limit is {limit / _MB:.0f} MB",
        "split the design or check it is the right file",
    )


def _decode(data: bytes, file: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise LoadError(
            [
                LoadProblem(
                    file,
                    line,
                    column,
                    f"invalid UTF-8 (byte 0x{data[exc.start]:02x})",
                    "save the file as UTF-8",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def _check_conflicts(text: str, file: str) -> None:
    problems = [
        LoadProblem(
            file,
            text.count("\n", 0, m.start()) + 1,
            1,
            f"git conflict marker '{m.group(1)}'",
            "resolve the merge conflict (keep one side) and remove the markers",
        )
        for m in _CONFLICT_RE.finditer(text)
    ]
    if problems:
        raise LoadError(problems)


def _compose(text: str, file: str) -> yaml.Node:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(filter(None, (exc.context, exc.problem)))
        hint = "YAML syntax: check indentation and quoting near here"
        if "nesting depth" in message:
            hint = "the document is nested more than 1000 levels deep"
        raise LoadError([LoadProblem(file, line, col, message, hint)]) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise LoadError(
            [LoadProblem(file, 1, 1, f"not valid YAML: {exc}", "check the file is a YAML document")]
        ) from None
    if root is None:
        raise LoadError(
            [
                LoadProblem(
                    file,
                    1,
                    1,
                    "the file is empty",
                    f"start a design with 'archstudio: {FORMAT_VERSION}'",
                )
            ]
        )
    return root


def _preamble(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


# --------------------------------------------------------------------------- building


def _build(reader: Reader, root: yaml.Node, file: str) -> Design:
    design = Design()
    try:
        top = {key: (k, v) for key, k, v in reader.entries(root, "")}
    except Invalid:
        return design
    if not _check_version(reader, root, top):
        return design
    for key, (key_node, _) in top.items():
        if key not in TOP_KEYS:
            reader.report(key_node, f"unknown section '{key}'", _hint(key, TOP_KEYS))
    if "design" in top:
        design.set_info(_read_class(reader, DesignInfo, top["design"][1], "design") or DesignInfo())
    pending = _read_elements(reader, design, top)
    _add_relations(reader, design, pending)
    _read_flows(reader, design, top.get("flows"))
    _read_decisions(reader, design, top.get("decisions"))
    if "checks" in top:
        design.set_checks(
            _read_class(reader, ChecksConfig, top["checks"][1], "checks") or ChecksConfig()
        )
    _read_layout(reader, design, top.get("layout"))
    for path, message, hint in dangling_references(design):
        _report_at(reader, path, message, hint)
    return design


def _hint(word: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    return did_you_mean(word, choices) or "known: " + ", ".join(choices)


def _check_version(reader: Reader, root: yaml.Node, top: dict[str, Any]) -> bool:
    if "archstudio" not in top:
        reader.report(
            root,
            "not an archstudio design: the 'archstudio' version key is missing",
            f"add 'archstudio: {FORMAT_VERSION}' as the first line",
        )
        return False
    node = top["archstudio"][1]
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    if value is None or not value.isdigit():
        reader.report(
            node,
            f"'archstudio' must be the format version number, not '{value}'",
            f"write 'archstudio: {FORMAT_VERSION}'",
        )
        return False
    if int(value) > FORMAT_VERSION:
        reader.report(
            node,
            f"this design uses format version {value}, written by a newer "
            f"archstudio; this version reads format {FORMAT_VERSION}",
            "upgrade archstudio to open it",
        )
        return False
    if int(value) < 1:
        reader.report(
            node, f"unknown format version {value}", f"write 'archstudio: {FORMAT_VERSION}'"
        )
        return False
    return True


def _read_class(reader: Reader, cls: type, node: yaml.Node, path: str) -> Any:
    try:
        return reader.reader(type_info(cls))(node, path)
    except Invalid:
        return None


@dataclass(slots=True)
class _PendingRelation:
    relation: Relation
    node: yaml.Node


def _read_elements(
    reader: Reader, design: Design, top: dict[str, tuple[yaml.Node, yaml.Node]]
) -> list[_PendingRelation]:
    pending: list[_PendingRelation] = []
    for section, cls in SECTIONS.items():
        if section not in top:
            continue
        spec = class_spec(cls)
        try:
            entries = reader.entries(top[section][1], section)
        except Invalid:
            continue
        for element_id, key_node, value_node in entries:
            path = f"{section}.{element_id}"
            mark = key_node.start_mark
            reader.positions[path] = (mark.line + 1, mark.column + 1)
            relations: list[tuple[str, yaml.Node, yaml.Node]] = []
            try:
                fields = reader.read_fields(
                    spec, value_node, path, extra=RELATION_KEYS, extras_out=relations
                )
                element = cls(**fields)
                design.add_element(element_id, element)
            except Invalid:
                continue
            except ModelError as exc:
                reader.report(key_node, str(exc))
                continue
            for kind, kind_node, rel_node in relations:
                pending.extend(
                    _read_relations(
                        reader,
                        element_id,
                        RelationKind(kind),
                        kind_node,
                        rel_node,
                        f"{path}.{kind}",
                    )
                )
    return pending


def _read_relations(
    reader: Reader,
    source: str,
    kind: RelationKind,
    kind_node: yaml.Node,
    node: yaml.Node,
    path: str,
) -> list[_PendingRelation]:
    spec = class_spec(Relation)
    out: list[_PendingRelation] = []
    if (
        isinstance(node, yaml.SequenceNode | yaml.ScalarNode)
        and node.tag != "tag:yaml.org,2002:null"
    ):
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            if not isinstance(item, yaml.ScalarNode):
                reader.report(
                    item,
                    f"expected an element id under '{kind.value}'",
                    f"write '{kind.value}: [id, id]' or a mapping id -> attributes",
                )
                continue
            reader.positions[f"{path}.{item.value}"] = (
                item.start_mark.line + 1,
                item.start_mark.column + 1,
            )
            out.append(_PendingRelation(Relation(kind, source, item.value), item))
        return out
    try:
        entries = reader.entries(node, path)
    except Invalid:
        return out
    for target, key_node, value_node in entries:
        mark = key_node.start_mark
        reader.positions[f"{path}.{target}"] = (mark.line + 1, mark.column + 1)
        try:
            fields = reader.read_fields(spec, value_node, f"{path}.{target}")
        except Invalid:
            continue
        out.append(_PendingRelation(Relation(kind, source, target, **fields), key_node))
    return out


def _add_relations(reader: Reader, design: Design, pending: list[_PendingRelation]) -> None:
    for item in pending:
        try:
            design.add_relation(item.relation)
        except ModelError as exc:
            reader.report(item.node, str(exc), "fix the id or add the element it refers to")


def _read_flows(reader: Reader, design: Design, entry: tuple[yaml.Node, yaml.Node] | None) -> None:
    if entry is None:
        return
    flows = _read_keyed(reader, Flow, entry[1], "flows")
    for flow_id, flow in flows.items():
        for step in flow.steps:
            for ref in (step.source, step.target):
                if ref not in design:
                    _report_at(
                        reader,
                        f"flows.{flow_id}",
                        f"flow step refers to unknown element '{ref}'",
                        _hint(ref, [i for i, _ in design.elements()]),
                    )
        try:
            design.set_flow(flow_id, flow)
        except ModelError:
            pass  # reported above with its location


def _read_decisions(
    reader: Reader, design: Design, entry: tuple[yaml.Node, yaml.Node] | None
) -> None:
    if entry is None:
        return
    for decision_id, decision in _read_keyed(reader, Decision, entry[1], "decisions").items():
        try:
            design.set_decision(decision_id, decision)
        except ModelError as exc:
            _report_at(reader, f"decisions.{decision_id}", str(exc))


def _read_keyed(reader: Reader, cls: type, node: yaml.Node, path: str) -> dict[str, Any]:
    try:
        return reader.reader(type_info(dict[str, cls]))(node, path)  # type: ignore[valid-type]
    except Invalid:
        return {}


def _read_layout(reader: Reader, design: Design, entry: tuple[yaml.Node, yaml.Node] | None) -> None:
    if entry is None:
        return
    positions: dict[str, tuple[float, float] | None] = {}
    try:
        entries = reader.entries(entry[1], "layout")
    except Invalid:
        return
    for element_id, key_node, value_node in entries:
        if element_id not in design:
            reader.report(
                key_node,
                f"layout position for unknown element '{element_id}'",
                _hint(element_id, [i for i, _ in design.elements()]),
            )
            continue
        pos = _read_point(reader, value_node)
        if pos is not None:
            positions[element_id] = pos
    design.set_positions(positions)


def _read_point(reader: Reader, node: yaml.Node) -> tuple[float, float] | None:
    items = node.value if isinstance(node, yaml.SequenceNode) else None
    if not items or len(items) != 2 or not all(isinstance(i, yaml.ScalarNode) for i in items):
        reader.report(node, "a position must be [x, y]", "e.g. order-service: [120, 40]")
        return None
    try:
        return (float(items[0].value), float(items[1].value))
    except ValueError:
        reader.report(node, "a position must be two numbers", "e.g. order-service: [120, 40]")
        return None


def _report_at(reader: Reader, path: str, message: str, hint: str = "") -> None:
    line, column = reader.positions.get(path, (1, 1))
    reader.problems.append(Problem(line, column, message, hint))


# --------------------------------------------------------------------------- saving


def dumps_design(design: Design) -> str:
    """The canonical text of a design (deterministic: same design, same bytes)."""
    with gc_paused():
        return dump_design(design)


def save_design(design: Design, path: str | os.PathLike[str]) -> None:
    """Write ``design`` to ``path`` atomically; raises :class:`SaveError`, old file intact."""
    write_atomic(path, dumps_design(design).encode("utf-8"))


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes via a temporary file in the same folder, fsync, then rename over ``path``."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = -1, ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else _default_mode())
        os.replace(tmp, target)
        tmp = ""
        _fsync_dir(folder)
    except OSError as exc:
        raise SaveError(exc.errno, f"cannot save {target}: {exc.strerror or exc}") from exc
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def _default_mode() -> int:
    """The mode a new file gets from open(): 0o666 less the umask."""
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux): setting
    it to 0 for a moment, the only portable way, would give loose permissions to a file
    another thread (exports write from a pool of threads) creates meanwhile."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        umask = os.umask(0)
        os.umask(umask)
    return umask


_UMASK_LOCK = threading.Lock()


def _fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
