"""Field declarations shared by the model's dataclasses.

Every field carries the documentation and example that the JSON Schema and ``docs/format.md``
are generated from, so the format reference can never drift from the code.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["doc_field", "field_doc"]

_MISSING: Any = dataclasses.MISSING


def doc_field(
    doc: str,
    *,
    default: Any = _MISSING,
    factory: Any = _MISSING,
    example: Any = None,
    key: str | None = None,
    compact: bool = False,
    always: bool = False,
) -> Any:
    """Declare a documented dataclass field.

    Args:
        doc: One sentence for the format reference and the JSON Schema ``description``.
        default: Default value (immutable values only).
        factory: Default factory for containers.
        example: A YAML-ready example value shown in the reference.
        key: The key in the YAML file when it differs from the attribute name.
        compact: Write the value on one line (flow style) when saving.
        always: Write the value even when it equals the default (e.g. a datastore's engine).
    """
    metadata = {"doc": doc, "example": example, "key": key, "compact": compact, "always": always}
    if factory is not _MISSING:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def field_doc(f: dataclasses.Field[Any]) -> str:
    """The documentation sentence of a field declared with :func:`doc_field`."""
    return str(f.metadata.get("doc", ""))
