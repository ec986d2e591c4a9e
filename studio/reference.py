"""Help > Format reference and Help > Rule reference, generated from the code.

The format reference comes from the model's documented fields (the same source as the JSON
Schema); the rule reference from the check registry's rules and their docstrings. When the
project's ``docs/*.md`` exist they are shown instead.
"""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

from models.elements import Client, Datastore, External, Queue, Relation, Service
from models.fields import field_doc

__all__ = ["format_reference", "rule_reference"]

_DOCS = Path(__file__).resolve().parent.parent / "docs"
_SECTIONS = (("services", Service), ("datastores", Datastore), ("queues", Queue),
             ("externals", External), ("clients", Client), ("relations (calls, publishes, "
                                                            "subscribes, reads, writes, owns)",
                                                            Relation))


def _doc_file(name: str) -> str | None:
    path = _DOCS / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def format_reference() -> str:
    """Markdown describing the design file format's element sections and their fields."""
    written = _doc_file("format.md")
    if written:
        return written
    lines = ["# Design file format", "",
             "A design is a YAML file starting with `archstudio: 1`. Elements are listed by id "
             "under their section; relations are written under the element that initiates them.",
             ""]
    for section, cls in _SECTIONS:
        lines += [f"## {section}", "", inspect.getdoc(cls) or "", "", "| field | meaning |",
                  "|---|---|"]
        for f in dataclasses.fields(cls):
            if f.name in ("kind", "source", "target"):
                continue
            key = f.metadata.get("key") or f.name
            lines.append(f"| `{key}` | {field_doc(f)} |")
        lines.append("")
    return "\n".join(lines)


def rule_reference() -> str:
    """Markdown listing every rule: code, name, groups, severity and its documentation."""
    written = _doc_file("rules.md")
    if written:
        return written
    try:
        from checks.registry import RULES
    except ImportError:
        return "# Rules\n\nThe check engine is not installed."
    lines = ["# Rules", ""]
    for rule in RULES:
        lines += [f"## {rule.code} {rule.name}", "",
                  f"*{rule.default_severity.value}* · groups: {', '.join(rule.groups)}", "",
                  inspect.getdoc(type(rule)) or "", ""]
    return "\n".join(lines)
