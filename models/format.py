"""Constants of the design file format shared by the reader and the writer."""

from __future__ import annotations

from models.elements import Client, Datastore, External, Queue, RelationKind, Service

__all__ = ["FORMAT_VERSION", "RELATION_KEYS", "SECTIONS", "TOP_KEYS"]

#: The format version written as ``archstudio: 1`` on the first line of every design.
FORMAT_VERSION = 1

#: Top-level element sections and the class of their entries, in file order.
SECTIONS: dict[str, type] = {
    "services": Service,
    "datastores": Datastore,
    "queues": Queue,
    "externals": External,
    "clients": Client,
}
TOP_KEYS = ("archstudio", "design", *SECTIONS, "flows", "decisions", "checks", "layout")
RELATION_KEYS = frozenset(k.value for k in RelationKind)
