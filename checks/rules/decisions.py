"""Decision rules (ARC7xx): complete ADRs, reviews kept on schedule, a successor for every
superseded decision, and references that resolve.

Findings name the decision id (``ADR-001``). The clock is ``Context.today`` so tests and
reproducible reports can pin it; it defaults to the local date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from checks.base import Context, Finding, Rule, Severity
from models.design import Design, did_you_mean
from models.elements import Decision, DecisionStatus

__all__ = ["IncompleteDecision", "OverdueReview", "SupersededWithoutSuccessor", "UnknownReference"]

#: Decisions still in force: they need a review date and are reviewed on time.
_LIVE = frozenset({DecisionStatus.PROPOSED, DecisionStatus.ACCEPTED})


def _label(decision_id: str, decision: Decision) -> str:
    return f"{decision_id} '{decision.title}'" if decision.title else decision_id


class IncompleteDecision(Rule):
    """An ADR records no alternatives, no consequences, or (while in force) no review date.

    *Anti-pattern*: "We use Kafka." with nothing else: a year later nobody knows what was
    rejected and why, which trade-offs were accepted, or when to look at it again, so the
    decision is either never questioned or re-litigated from scratch.

    *Best practice*: every decision lists the ``alternatives`` considered (with pros and cons),
    the ``consequences`` accepted, and a ``review`` date. Superseded and deprecated decisions
    need no review date.
    """

    code = "ARC701"
    name = "decisions.incomplete-adr"
    groups = ("decisions",)
    default_severity = Severity.WARNING
    reads = frozenset({"decisions"})
    scope = frozenset({"decision"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per decision naming the missing parts."""
        decision = design.decisions[element_id]
        missing = []
        if not decision.alternatives:
            missing.append("alternatives")
        if not decision.consequences:
            missing.append("consequences")
        if decision.review is None and decision.status in _LIVE:
            missing.append("review date")
        if missing:
            yield self.finding(
                element_id,
                f"{_label(element_id, decision)} records no {', no '.join(missing)}",
                "add " + ", ".join(_HINTS[m] for m in missing),
            )


_HINTS = {
    "alternatives": "'alternatives' (each option considered, with pros and cons)",
    "consequences": "'consequences' (the trade-offs accepted)",
    "review date": "a 'review' date (when to revisit it, e.g. in 12 months)",
}


class OverdueReview(Rule):
    """A decision in force is past its review date.

    *Anti-pattern*: the review date came and went; the context the decision was made in has
    changed and nobody checked whether it still holds.

    *Best practice*: review it (keep, amend or supersede it) and set the next ``review`` date.
    """

    code = "ARC702"
    name = "decisions.review-overdue"
    groups = ("decisions",)
    default_severity = Severity.WARNING
    reads = frozenset({"decisions"})
    scope = frozenset({"decision"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding when the decision is in force and its review date has passed."""
        decision = design.decisions[element_id]
        today = context.today or dt.date.today()
        if decision.status in _LIVE and decision.review and decision.review < today:
            days = (today - decision.review).days
            yield self.finding(
                element_id,
                f"{_label(element_id, decision)} was due for review on "
                f"{decision.review.isoformat()}, {days} day(s) ago",
                "review it (keep, amend or supersede it) and set the next 'review' date",
            )


class SupersededWithoutSuccessor(Rule):
    """A decision is marked superseded but nothing says what replaced it.

    *Anti-pattern*: ``status: superseded`` with no successor: readers know the decision no
    longer holds but not what holds instead.

    *Best practice*: set ``superseded_by`` to the new decision, and list the old one in the new
    decision's ``supersedes``.
    """

    code = "ARC703"
    name = "decisions.superseded-without-successor"
    groups = ("decisions",)
    default_severity = Severity.WARNING
    reads = frozenset({"decisions"})
    scope = frozenset({"decision"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding when the decision is superseded and nothing replaces it."""
        decision = design.decisions[element_id]
        if decision.status is not DecisionStatus.SUPERSEDED or decision.superseded_by:
            return
        if any(element_id in d.supersedes for d in design.decisions.values()):
            return
        yield self.finding(
            element_id,
            f"{_label(element_id, decision)} is superseded, but no decision replaces it "
            "(no 'superseded_by', and no decision lists it in 'supersedes')",
            f"set 'superseded_by' to the decision that replaced it and list {element_id} "
            "in that decision's 'supersedes'; if nothing did, mark it 'deprecated'",
        )

    def related(self, design: Design, element_id: str, element: Any) -> Iterable[str]:
        """A decision's ``supersedes`` decides whether the ones it lists have a successor."""
        return tuple(element.supersedes) if isinstance(element, Decision) else ()


class UnknownReference(Rule):
    """A decision refers to elements or decisions that do not exist.

    *Anti-pattern*: ``concerns: [order-svc]`` after the service was renamed, or ``supersedes:
    [ADR-7]`` for a decision that was never written: the decision log drifts from the design
    and its links lead nowhere.

    *Best practice*: keep ``concerns`` pointing at element ids (or ``service.endpoint``,
    ``datastore.table``, relation ``source.kind.target``) and ``supersedes`` /
    ``superseded_by`` at decision ids; rename references when an element is renamed.
    """

    code = "ARC704"
    name = "decisions.unknown-reference"
    groups = ("decisions",)
    default_severity = Severity.ERROR
    reads = frozenset(
        {"decisions", "service", "datastore", "queue", "external", "client", "relations"}
    )

    scope = frozenset({"decision"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """One finding per decision listing every reference that resolves to nothing."""
        decision = design.decisions[element_id]
        others = [d for d in design.decisions if d != element_id]
        unknown = [
            (ref, "concerns", did_you_mean(ref, sorted(_concern_targets(design))))
            for ref in decision.concerns
            if not _resolves(design, ref)
        ]
        successor = (decision.superseded_by,) if decision.superseded_by else ()
        unknown += [
            (ref, field, did_you_mean(ref, others))
            for field, refs in (("supersedes", decision.supersedes), ("superseded_by", successor))
            for ref in refs
            if ref not in others
        ]
        if unknown:
            yield self._finding(element_id, decision, unknown)

    def related(self, design: Design, element_id: str, element: Any) -> Iterable[str]:
        """Adding, renaming or removing an element or decision changes what resolves."""
        prefix = f"{element_id}."
        return [
            decision_id
            for decision_id, decision in design.decisions.items()
            if element_id in decision.supersedes
            or element_id == decision.superseded_by
            or any(ref == element_id or ref.startswith(prefix) for ref in decision.concerns)
        ]

    def _finding(
        self, decision_id: str, decision: Decision, unknown: list[tuple[str, str, str]]
    ) -> Finding:
        refs = ", ".join(f"{field} '{ref}'" for ref, field, _ in unknown)
        hints = "".join(f"'{ref}': {hint}; " for ref, _, hint in unknown if hint)
        return self.finding(
            decision_id,
            f"{_label(decision_id, decision)} refers to {len(unknown)} unknown id(s): {refs}",
            hints + "point 'concerns' at element ids and 'supersedes'/'superseded_by' at other "
            "decisions' ids",
        )


def _resolves(design: Design, ref: str) -> bool:
    """Cheap membership test, so a decision is checked without listing the whole design."""
    if ref in design:
        return True
    head, _, rest = ref.partition(".")
    if not rest or head not in design:
        return False
    element = design.element(head)
    if "." not in rest:
        return rest in getattr(element, "endpoints", {}) or rest in getattr(element, "tables", {})
    kind, _, target = rest.partition(".")
    return any(rel.id == ref for rel in design.out_relations(head)) and bool(kind and target)


def _concern_targets(design: Design) -> set[str]:
    targets = {element_id for element_id, _ in design.elements()}
    for service_id, service in design.services():
        targets.update(f"{service_id}.{endpoint_id}" for endpoint_id in service.endpoints)
    for store_id, store in design.datastores():
        targets.update(f"{store_id}.{table}" for table in store.tables)
    targets.update(rel.id for rel in design.relations())
    return targets
