"""Safe output names and safe writing of exported files.

Names derived from user text (element names, decision titles) must be valid file names on every
OS: :func:`safe_name` turns any text into a short lowercase ASCII slug that is never a Windows
reserved device name, never empty and never contains a separator or a control character.
:func:`unique_names` gives colliding names stable suffixes (``-2``, ``-3``) in sorted order.

:func:`write_files` is the only place that writes exports to disk: it re-checks every relative
path it is given (exporters are code, but some are written by others), refuses anything that would
land outside the output folder once resolved (``..``, absolute paths, symlinks leading out),
refuses names that differ only in case, and writes each file atomically.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from exporters.base import ExportError
from models.io import write_atomic

__all__ = [
    "MAX_NAME_LENGTH",
    "UnsafePathError",
    "check_relative_path",
    "safe_name",
    "unique_names",
    "write_files",
]

#: Longest slug :func:`safe_name` returns (a path component must stay well under 255 bytes).
MAX_NAME_LENGTH = 64

#: Threads that write files at once.
_WRITERS = 16

#: Windows device names, reserved with any extension and in any case.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{i}" for i in range(1, 10)]
    + [f"lpt{i}" for i in range(1, 10)]
    + ["com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³", "conin$", "conout$"]
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"\\|?*]')


class UnsafePathError(ExportError):
    """An exporter produced a path that is not safe to write."""


def safe_name(text: str, *, max_length: int = MAX_NAME_LENGTH, fallback: str = "untitled") -> str:
    """A file-name slug of ``text``: lowercase ASCII letters, digits and single hyphens.

    Accents are folded (``Café`` -> ``cafe``), everything else becomes ``-``; the result is cut
    at ``max_length`` (at a hyphen when one is near), is ``fallback`` when nothing is left, and
    gets a ``-file`` suffix when it is a reserved device name (``CON``, ``LPT1``...).
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        hyphen = cut.rfind("-")
        slug = (cut[:hyphen] if hyphen >= max_length // 2 else cut).strip("-")
    slug = slug or fallback
    return f"{slug}-file" if _is_reserved(slug) else slug


def _is_reserved(name: str) -> bool:
    return name.split(".", 1)[0].rstrip(" .").lower() in _RESERVED


def unique_names(names: Mapping[str, str]) -> dict[str, str]:
    """Make the values of ``{key: name}`` unique, with suffixes that do not depend on order.

    Keys are sorted; the first key of each name keeps it and the others get ``-2``, ``-3``...
    (skipping suffixed names that are already taken). Comparison ignores case, because macOS and
    Windows file systems do.
    """
    taken = {name.lower() for name in names.values()}
    seen: set[str] = set()
    result: dict[str, str] = {}
    for key in sorted(names, key=lambda k: (names[k].lower(), k)):
        name = names[key]
        if name.lower() in seen:
            n = 2
            while f"{name}-{n}".lower() in taken:
                n += 1
            name = f"{name}-{n}"
            taken.add(name.lower())
        seen.add(name.lower())
        result[key] = name
    return {key: result[key] for key in names}


def check_relative_path(path: str) -> PurePosixPath:
    """Check an exporter's relative output path; raise :class:`UnsafePathError` if unsafe.

    The path uses ``/`` separators; each component must be a plain, portable file name.
    """
    if not path or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        raise UnsafePathError(f"refusing to write '{path}': not a relative path")
    parts = path.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise UnsafePathError(f"refusing to write '{path}': empty, '.' or '..' component")
        if _BAD_CHARS.search(part):
            raise UnsafePathError(
                f"refusing to write {path!r}: separator, control or reserved character"
            )
        if part != part.rstrip(" ."):
            raise UnsafePathError(f"refusing to write '{path}': trailing dot or space")
        if _is_reserved(part):
            raise UnsafePathError(f"refusing to write '{path}': '{part}' is a reserved name")
        if len(part.encode("utf-8")) > 200:
            raise UnsafePathError(f"refusing to write '{path[:60]}...': name too long")
    return PurePosixPath(*parts)


def _encode(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode("utf-8")


def write_files(files: Mapping[str, str | bytes], folder: str | os.PathLike[str]) -> list[Path]:
    """Write ``{relative path: content}`` atomically inside ``folder``; return the paths written.

    Every path is checked before anything is written, so an unsafe path writes nothing.
    """
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve()
    targets = _plan(files, root)
    for rel, target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(root):
            raise UnsafePathError(f"refusing to write '{rel}': it would land outside {root}")
    # Each atomic write waits on fsync; threads overlap those waits (RM-1k: 1,300 files).
    with ThreadPoolExecutor(max_workers=min(_WRITERS, len(targets) or 1)) as pool:
        jobs = [pool.submit(write_atomic, target, _encode(files[rel])) for rel, target in targets]
    for job in jobs:
        job.result()  # re-raise the first failure, in path order
    return [target for _, target in targets]


def _plan(files: Iterable[str], root: Path) -> list[tuple[str, Path]]:
    seen: dict[str, str] = {}
    plan = []
    for rel in sorted(files):
        target = (root / check_relative_path(rel)).resolve()
        if not target.is_relative_to(root) or target == root:
            raise UnsafePathError(f"refusing to write '{rel}': it would land outside {root}")
        other = seen.setdefault(rel.lower(), rel)
        if other != rel:
            raise UnsafePathError(f"'{rel}' and '{other}' differ only in case")
        plan.append((rel, target))
    return plan
