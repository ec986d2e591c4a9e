"""Reports as text (for people), JSON (for scripts) and SARIF 2.1.0 (for code-scanning UIs),
and the rule reference (``archstudio rules``, ``docs/rules.md``).

Every writer is a pure function of its input: the same reports give the same bytes.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import quote

from checks.base import Finding, Rule, Severity
from checks.engine import Report

__all__ = [
    "FORMATS",
    "RuleDoc",
    "describe",
    "format_json",
    "format_sarif",
    "format_text",
    "rules_markdown",
    "rules_text",
]

FORMATS = ("text", "json", "sarif")

_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)
_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


# --------------------------------------------------------------------------- rule docs


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """A rule's docstring split into its parts."""

    summary: str
    anti_pattern: str
    best_practice: str
    text: str


def describe(rule: Rule) -> RuleDoc:
    """The documentation of ``rule``: summary line, *Anti-pattern*, *Best practice*."""
    text = textwrap.dedent((type(rule).__doc__ or "").partition("\n")[2]).strip()
    summary = (type(rule).__doc__ or rule.name).strip().partition("\n")[0]
    sections = {"anti": "", "best": ""}
    for block in text.split("\n\n"):
        flat = " ".join(block.split())
        if flat.startswith("*Anti-pattern*:"):
            sections["anti"] = flat.removeprefix("*Anti-pattern*:").strip()
        elif flat.startswith("*Best practice*:"):
            sections["best"] = flat.removeprefix("*Best practice*:").strip()
    return RuleDoc(*(_ticks(t) for t in (summary, sections["anti"], sections["best"], text)))


def _ticks(text: str) -> str:
    """reST ````code```` to Markdown ```code```."""
    return text.replace("``", "`")


def rules_text(rules: Sequence[Rule], *, verbose: bool = False) -> str:
    """The ``archstudio rules`` listing."""
    lines = []
    for rule in rules:
        doc = describe(rule)
        groups = ",".join(rule.groups)
        lines.append(f"{rule.code}  {rule.name:<28} {groups:<18} "
                     f"{rule.default_severity.value:<8} {doc.summary}")
        if verbose:
            for title, body in (("Anti-pattern", doc.anti_pattern),
                                ("Best practice", doc.best_practice)):
                lines.append(textwrap.fill(f"{title}: {body}", 96, initial_indent="        ",
                                           subsequent_indent="        "))
            for name, option in rule.options.items():
                lines.append(f"        option {rule.name}.{name} = {option.default}: "
                             f"{option.help}")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- text


def format_text(reports: Sequence[Report], *, colour: bool = False) -> str:
    """Findings grouped by file, then severity; a summary line at the end."""
    paint = _Paint(colour)
    out: list[str] = []
    for report in reports:
        out.append(paint("1", report.file or "<design>"))
        if not report.findings:
            out.append("  no findings")
        for severity in _ORDER:
            found = sorted((f for f in report.findings if f.severity is severity), key=_by_line)
            if found:
                out.append(f"  {paint(_COLOURS[severity], severity.value)} ({len(found)})")
                out.extend(_text_finding(f, paint) for f in found)
        out.append("")
    out.append(_summary(reports))
    return "\n".join(out) + "\n"


def _by_line(finding: Finding) -> tuple[object, ...]:
    loc = finding.location
    return (loc.line if loc else 0, loc.column if loc else 0, finding.code, finding.element,
            finding.message)


def _text_finding(finding: Finding, paint: _Paint) -> str:
    loc = finding.location
    where = f"{loc.line}:{loc.column}" if loc else "-"
    lines = textwrap.wrap(f"{finding.code} {finding.rule}: {finding.message}", 84,
                          break_on_hyphens=False)
    lines[0] = lines[0].replace(finding.code, paint("1", finding.code), 1)
    if finding.hint:
        lines += [paint("2", line) for line in
                  textwrap.wrap("fix: " + finding.hint, 84, break_on_hyphens=False)]
    return f"    {where:>8}  " + f"\n{'':14}".join(lines)


def _summary(reports: Sequence[Report]) -> str:
    counts = {s: sum(1 for r in reports for f in r.findings if f.severity is s) for s in _ORDER}
    parts = [f"{n} {s.value}{'s' if n != 1 and s is not Severity.INFO else ''}"
             for s, n in counts.items()]
    suppressed = sum(len(r.suppressed) for r in reports)
    files = f"{len(reports)} file{'s' if len(reports) != 1 else ''}"
    tail = f" ({suppressed} suppressed)" if suppressed else ""
    return f"{', '.join(parts)} in {files}{tail}"


class _Paint:
    """Wraps text in ANSI SGR codes when colour is on."""

    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.on else text


# --------------------------------------------------------------------------- JSON


def finding_json(finding: Finding) -> dict[str, object]:
    """One finding as documented in ``docs/rules.md``."""
    loc = finding.location
    return {
        "id": finding.id,
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity.value,
        "element": finding.element,
        "message": finding.message,
        "hint": finding.hint,
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "related": list(finding.related),
    }


def format_json(reports: Sequence[Report]) -> str:
    """A JSON array of every effective finding of every report, in report order."""
    items = [finding_json(f) for report in reports for f in report.findings]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- SARIF


def format_sarif(reports: Sequence[Report], rules: Sequence[Rule], *,
                 version: str = "0") -> str:
    """One SARIF 2.1.0 run with the rules' metadata and every finding (suppressed ones carry
    a ``suppressions`` entry so code-scanning UIs show them as dismissed)."""
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = [
        _sarif_result(f, index, suppressed)
        for report in reports
        for found, suppressed in ((report.findings, False), (report.suppressed, True))
        for f in found
    ]
    log = {
        "$schema": _SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "archstudio",
                "version": version,
                "rules": [_sarif_rule(rule) for rule in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(rule: Rule) -> dict[str, object]:
    doc = describe(rule)
    markdown = (f"**Anti-pattern**: {doc.anti_pattern}\n\n"
                f"**Best practice**: {doc.best_practice}")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": doc.anti_pattern or doc.summary},
        "help": {"text": f"Anti-pattern: {doc.anti_pattern}\n\nBest practice: "
                         f"{doc.best_practice}", "markdown": markdown},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.default_severity]},
        "properties": {"tags": list(rule.groups)},
    }


def _sarif_result(finding: Finding, index: dict[str, int],
                  suppressed: bool) -> dict[str, object]:
    message = finding.message + (f". Fix: {finding.hint}" if finding.hint else "")
    result: dict[str, object] = {
        "ruleId": finding.code,
        "level": _SARIF_LEVEL[finding.severity],
        "message": {"text": message},
        "locations": [_sarif_location(finding)],
        "partialFingerprints": {"archstudioFindingId/v1": finding.id},
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    if suppressed:
        result["suppressions"] = [{"kind": "external", "status": "accepted"}]
    return result


def _sarif_location(finding: Finding) -> dict[str, object]:
    location: dict[str, object] = {
        "logicalLocations": [{"fullyQualifiedName": finding.element, "kind": "element"}],
    }
    loc = finding.location
    if loc is not None:
        location["physicalLocation"] = {
            "artifactLocation": {"uri": _uri(loc.file)},
            "region": {"startLine": loc.line, "startColumn": loc.column},
        }
    return location


def _uri(file: str) -> str:
    path = PurePath(file)
    if path.is_absolute():
        return "file://" + quote(path.as_posix())
    return quote(path.as_posix())


# --------------------------------------------------------------------------- docs/rules.md

_DOC_HEAD = """\
# Rule reference

<!-- Generated from checks/registry.py by `archstudio rules --format markdown`; do not edit.
     tests/checks/test_docs.py fails when this file is out of date. -->

`archstudio check FILE...` reviews designs against these rules. Each finding has the id
`CODE@element` (e.g. `ARC202@orders-db`), which suppressions and severity overrides use.

## Configuration

In the design:

```yaml
checks:
  select: [structure, sla]            # codes, names or groups; empty = every rule
  ignore: [ARC102]
  severity: {missing-sla: error}      # by code, name or group
  suppress:
    ARC105@orders-db: {reason: strangler migration until Q3, decision: ADR-007}
  options: {god-service.max-endpoints: 30}
```

On the command line, `--select` replaces the design's `select` and `--ignore` adds to its
`ignore` (comma-separated or repeated). Rules of the `engine` group stay on unless ignored.
A suppression that matches no finding is reported as `ARC000 unused-suppression`.

## Exit codes and formats

`archstudio check` exits 0 when no finding is at or above `--fail-on` (default `error`), 1
when one is, 2 for unreadable input or bad usage. `--format text` (default) groups findings
by file and severity; `--format sarif` writes SARIF 2.1.0 for code-scanning UIs;
`--format json` writes an array of findings:

| key | meaning |
| --- | --- |
| `id` | `CODE@element`, stable across runs |
| `code` | rule code, e.g. `ARC202` |
| `rule` | rule name, e.g. `connection-exhaustion` |
| `severity` | `error`, `warning` or `info` (after overrides) |
| `element` | id or dotted path it concerns (`svc`, `svc.endpoint`, `db.table`, `a.calls.b`) |
| `message` | what is wrong, with the elements and numbers involved |
| `hint` | a concrete fix |
| `file`, `line`, `column` | where the element is written (1-based); `null` when unknown |
| `related` | other element ids involved |

Suppressed findings are left out of text and JSON output; SARIF lists them with a
`suppressions` entry.
"""


def rules_markdown(rules: Iterable[Rule]) -> str:
    """``docs/rules.md``: configuration, output formats and one section per rule."""
    rules = tuple(rules)
    out = [_DOC_HEAD, "## Rules", "", "| code | name | groups | severity |",
           "| --- | --- | --- | --- |"]
    out += [f"| [{r.code}](#{r.code.lower()}-{r.name}) | `{r.name}` | {', '.join(r.groups)} "
            f"| {r.default_severity.value} |" for r in rules]
    for rule in rules:
        doc = describe(rule)
        out += ["", f"### {rule.code} {rule.name}", "",
                f"{doc.summary} Groups: {', '.join(rule.groups)}; default severity: "
                f"{rule.default_severity.value}.", "",
                f"**Anti-pattern**: {doc.anti_pattern}", "",
                f"**Best practice**: {doc.best_practice}"]
        if rule.options:
            out += ["", "| option | default | meaning |", "| --- | --- | --- |"]
            out += [f"| `{rule.name}.{name}` | `{opt.default}` | {opt.help} |"
                    for name, opt in rule.options.items()]
    return "\n".join(out) + "\n"
