"""Text the exporters build more than once, remembered under the model objects it comes from.

``export --to all`` builds the architecture diagrams and each datastore's DDL and ER diagram
twice: for the ``mermaid`` and ``ddl`` files and again inside the design document (which shows
the same text, so that the document never disagrees with the other exports). The studio's
previews ask for the same text after every edit.

The model's elements are immutable values: the design's mutators replace an element by a new
object, never modify one. So a text built from an element can be remembered under the
element's identity plus whatever else it reads (the dialect, the design's name and version),
and an edit that replaces the element makes the next lookup a miss. Entries hold their
elements, so an identity cannot be reused while it is remembered; the memo is bounded (least
recently used entries go first) and thread-safe (the studio exports in a worker thread).

:func:`clear` empties every memo (the export benchmark starts each run cold, as a new
``archstudio export`` process does).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["ARCHITECTURE", "DDL", "ER_DIAGRAMS", "MEMOS", "IdentityMemo", "clear"]

T = TypeVar("T")


class IdentityMemo(Generic[T]):
    """A bounded memo of values built from immutable objects, keyed by their identity.

    Args:
        size: How many values to keep (least recently used are dropped first).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[tuple[object, ...], T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sources: tuple[object, ...], key: Hashable, build: Callable[[], T]) -> T:
        """The value built from ``sources`` (by identity) and ``key`` (by equality).

        ``build()`` runs on a miss; what it raises is passed on and nothing is remembered.
        """
        full_key = (tuple(id(source) for source in sources), key)
        with self._lock:
            entry = self._entries.get(full_key)
            if entry is not None and all(a is b for a, b in zip(entry[0], sources, strict=True)):
                self._entries.move_to_end(full_key)
                return entry[1]
        value = build()
        with self._lock:
            self._entries[full_key] = (sources, value)
            self._entries.move_to_end(full_key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


#: DDL script text per (datastore, dialect, design name and version, first partition).
DDL: IdentityMemo[str] = IdentityMemo(1024)
#: Mermaid ``erDiagram`` text per datastore.
ER_DIAGRAMS: IdentityMemo[str] = IdentityMemo(1024)

#: The architecture diagrams per design (its elements, relations and name).
ARCHITECTURE: IdentityMemo[tuple[Any, ...]] = IdentityMemo(4)

#: Every memo, for :func:`clear`.
MEMOS: tuple[IdentityMemo[Any], ...] = (DDL, ER_DIAGRAMS, ARCHITECTURE)


def clear() -> None:
    """Empty every memo."""
    for memo in MEMOS:
        memo.clear()
