"""The review engine: run the selected rules over a design and grade what they find.

One run is: resolve :class:`~checks.config.Settings`, run every selected rule (a rule that
raises becomes a ``rule-error`` finding; the run goes on), then :meth:`Engine.prepare` each
finding (severity override, ``file:line:col`` from the design's source map) and
:meth:`Engine.conclude` (drop suppressed findings, report suppressions that matched nothing,
sort). :class:`checks.incremental.IncrementalChecker` reuses the same steps per rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from checks.base import Context, Finding, Rule
from checks.config import Settings, settings
from checks.registry import RULES
from checks.rules.meta import RuleError, UnusedSuppression
from models.design import Design, Location
from models.elements import ChecksConfig, ElementKind
from models.format import RELATION_KEYS

__all__ = ["Engine", "Progress", "Report", "check_design", "source_path"]

#: ``progress(done, total, rule)`` is called before each rule runs.
Progress = Callable[[int, int, Rule], None]

_RULE_ERROR = RuleError()
_EMPTY = ChecksConfig()
_UNUSED = UnusedSuppression()

_SECTION = {
    ElementKind.SERVICE: "services",
    ElementKind.DATASTORE: "datastores",
    ElementKind.QUEUE: "queues",
    ElementKind.EXTERNAL: "externals",
    ElementKind.CLIENT: "clients",
}
#: Where the second segment of a finding's element points (``svc.create-order``).
_CHILD = {
    ElementKind.SERVICE: "endpoints",
    ElementKind.DATASTORE: "tables",
    ElementKind.QUEUE: "events",
}


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of a review of one design.

    Attributes:
        findings: Effective findings (suppressed ones removed), sorted.
        suppressed: Findings accepted by ``checks.suppress``, sorted.
        rules: The rules that ran, in registry order.
        file: The design's file, when it came from one.
    """

    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...] = ()
    rules: tuple[Rule, ...] = ()
    file: str | None = None


def source_path(design: Design, element: str) -> str:
    """The source-map path of a finding's element.

    ``svc`` -> ``services.svc``; ``svc.create-order`` -> ``services.svc.endpoints.create-order``;
    ``db.orders`` -> ``datastores.db.tables.orders``; ``a.calls.b`` -> ``services.a.calls.b``;
    ``ADR-001`` -> ``decisions.ADR-001``; anything else is taken as a path already.
    """
    head, _, rest = element.partition(".")
    if head in design:
        kind = design.kind(head)
        base = f"{_SECTION[kind]}.{head}"
        first, _, tail = rest.partition(".")
        if not rest or (kind not in _CHILD and first not in RELATION_KEYS):
            return base
        if first in RELATION_KEYS and tail:
            return f"{base}.{first}.{tail}"
        path = f"{base}.{_CHILD[kind]}.{first}"
        return f"{path}.columns.{tail}" if tail and kind is ElementKind.DATASTORE else path
    if head in design.decisions:
        return f"decisions.{head}"
    if head in design.flows:
        return f"flows.{head}"
    return element


class Engine:
    """Runs rules over designs with a fixed set of rules, CLI selectors and clock.

    Args:
        rules: The rules to choose from (the registry by default).
        select: CLI ``--select`` selectors; replace the design's ``checks.select``.
        ignore: CLI ``--ignore`` selectors; add to the design's ``checks.ignore``.
        today: The date date-based rules compare against (today by default).

    Raises:
        UnknownRuleError: a selector names no rule or group (checked up front).
    """

    def __init__(self, rules: Sequence[Rule] = RULES, *, select: Sequence[str] | None = None,
                 ignore: Sequence[str] = (), today: dt.date | None = None) -> None:
        self.rules = tuple(rules)
        self.select = tuple(select) if select else None
        self.ignore = tuple(ignore)
        self.today = today
        settings(_EMPTY, rules=self.rules, select=self.select, ignore=self.ignore)

    # ------------------------------------------------------------------ one run

    def run(self, design: Design, progress: Progress | None = None) -> Report:
        """Review ``design`` with every selected rule."""
        config = self.settings(design)
        context = self.context(design, config)
        raw: list[Finding] = []
        for done, rule in enumerate(config.rules):
            if progress is not None:
                progress(done, len(config.rules), rule)
            raw.extend(self.run_rule(rule, design, context))
        located = self.prepare(design, config, [*config.problems, *raw])
        return self.conclude(design, config, located)

    def settings(self, design: Design) -> Settings:
        """The effective configuration for ``design``."""
        return settings(design.checks, rules=self.rules, select=self.select,
                        ignore=self.ignore, decisions=design.decisions)

    def context(self, design: Design, config: Settings) -> Context:
        """What rules may read besides the design."""
        return Context(options=config.options, today=self.today or dt.date.today())

    # ------------------------------------------------------------------ steps

    @staticmethod
    def run_rule(rule: Rule, design: Design, context: Context) -> list[Finding]:
        """All findings of ``rule``, or one ``rule-error`` finding if it raises."""
        try:
            return list(rule.check(design, context))
        except Exception as exc:  # a broken rule must not end the review
            return [_crash(rule, exc)]

    @staticmethod
    def run_element(rule: Rule, design: Design, element_id: str,
                    context: Context) -> list[Finding]:
        """Findings of ``rule`` for one element in its scope (a ``rule-error`` if it raises)."""
        try:
            return list(rule.check_element(design, element_id, context))
        except Exception as exc:  # a broken rule must not end the review
            return [_crash(rule, exc, element_id)]

    @staticmethod
    def prepare(design: Design, config: Settings, findings: Iterable[Finding],
                cache: dict[str, Location | None] | None = None) -> list[Finding]:
        """Apply severity overrides and attach source locations."""
        cache = {} if cache is None else cache
        out = []
        for finding in findings:
            severity = config.severity.get(finding.code, finding.severity)
            path = finding.path or finding.element
            if path not in cache:
                cache[path] = _locate(design, finding)
            location = cache[path]
            if severity is not finding.severity or location != finding.location:
                finding = Finding(finding.code, severity, finding.element, finding.message,
                                  finding.hint, location, finding.rule, finding.related,
                                  finding.path)
            out.append(finding)
        return out

    @staticmethod
    def conclude(design: Design, config: Settings, findings: Iterable[Finding]) -> Report:
        """Split off suppressed findings, report unused suppressions, sort."""
        kept, suppressed, used = [], [], set()
        for finding in findings:
            if finding.id in config.suppress:
                suppressed.append(finding)
                used.add(finding.id)
            else:
                kept.append(finding)
        ran = {rule.code for rule in config.rules}
        if _UNUSED.code in ran:
            stale = [_unused(fid) for fid in config.suppress
                     if fid not in used and fid.partition("@")[0] in ran]
            kept.extend(Engine.prepare(design, config, stale))
        source = design.source_map.file if design.source_map else None
        return Report(tuple(sorted(kept, key=_order)), tuple(sorted(suppressed, key=_order)),
                      config.rules, source)


def check_design(design: Design, **kwargs: object) -> Report:
    """Review ``design`` with the registry's rules (keyword arguments as for :class:`Engine`)."""
    return Engine(**kwargs).run(design)  # type: ignore[arg-type]


def _order(finding: Finding) -> tuple[object, ...]:
    return finding.sort_key


def _locate(design: Design, finding: Finding) -> Location | None:
    if design.source_map is None:
        return None
    return design.source_map.locate(finding.path or source_path(design, finding.element))


def _crash(rule: Rule, exc: Exception, element_id: str = "") -> Finding:
    where = f" on '{element_id}'" if element_id else ""
    return _RULE_ERROR.finding(
        rule.name,
        f"rule {rule.code} {rule.name} failed{where} ({type(exc).__name__}: {exc}); "
        "its findings are missing from this review",
        "this is a bug in archstudio: please report it with the design that triggers it",
    )


def _unused(finding_id: str) -> Finding:
    return _UNUSED.finding(
        finding_id,
        f"suppression of {finding_id} matched no finding",
        "delete the suppression: the finding it accepted no longer occurs",
        path=f"checks.suppress.{finding_id}",
    )

