"""Keep a design's findings current while it is edited, re-checking only what an edit touched.

:class:`IncrementalChecker` subscribes to the design's events and records what changed: the
kinds of thing (``service``, ``relations``, ``decisions``...) and the ids. When the report
is next read, it re-runs only the rules whose ``reads`` meet those kinds; a rule with a
``scope`` is re-run only for the touched ids (and the ids its ``related`` names), the
findings of its other elements are kept. The result equals a full review of the design.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from checks.base import ELEMENT_KINDS, Finding, Rule
from checks.engine import Engine, Report
from models.design import Design, Location, kind_of
from models.events import (
    DecisionChanged,
    DesignEvent,
    ElementAdded,
    ElementChanged,
    ElementRemoved,
    FlowChanged,
    InfoChanged,
    RelationAdded,
    RelationChanged,
    RelationRemoved,
)

__all__ = ["IncrementalChecker"]

#: What a rule that declares no ``reads`` is assumed to read.
_EVERYTHING = frozenset({*ELEMENT_KINDS, "relations", "decisions", "flows", "info"})


class IncrementalChecker:
    """The live review of one design.

    Args:
        design: The design to follow; the checker subscribes to its events.
        engine: Rules, selectors and clock (the registry's rules by default).
    """

    def __init__(self, design: Design, engine: Engine | None = None) -> None:
        self.design = design
        self.engine = engine or Engine()
        self._whole: dict[str, list[Finding]] = {}
        self._per: dict[str, dict[str, list[Finding]]] = {}
        self._locations: dict[str, Location | None] = {}
        self._kinds: set[str] = set()
        self._touched: dict[str, list[Any]] = defaultdict(list)
        self._full = True
        self._report: Report | None = None
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribe = design.subscribe(self._on_event)

    def close(self) -> None:
        """Stop following the design."""
        self._unsubscribe()

    def rebind(self, design: Design) -> None:
        """Follow ``design`` instead: a copy (:meth:`Design.copy`) of the design this checker
        was built on, or the original it was copied from. They share every element, relation
        and source map, so the stored findings hold for it as they are (a checker can review a
        snapshot in a worker thread and then follow the live design)."""
        self._unsubscribe()
        self.design = design
        self._unsubscribe = design.subscribe(self._on_event)

    # ------------------------------------------------------------------ reading

    @property
    def report(self) -> Report:
        """The current review (re-checks what changed since the last read)."""
        if self._report is None:
            self._report = self._refresh()
        return self._report

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The current effective findings, sorted."""
        return self.report.findings

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` when the findings may have changed (read ``report`` to see)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # ------------------------------------------------------------------ events

    def _on_event(self, event: DesignEvent) -> None:
        touched = self._record(event)
        if touched and self._report is not None:
            self._report = None
            for listener in tuple(self._listeners):
                listener()

    def _record(self, event: DesignEvent) -> bool:
        """Note what ``event`` touched; False when it cannot change any finding."""
        match event:
            case ElementAdded(id=eid, element=el) | ElementRemoved(id=eid, element=el):
                self._touch(kind_of(el).value, eid, el)
                self._kinds.add(f"{kind_of(el).value}.*")
                self._locations.clear()
            case ElementChanged(id=eid, old=old, new=new):
                kind = kind_of(new).value
                self._touch(kind, eid, old, new)
                self._kinds.update(f"{kind}.{name}" for name in _changed_fields(old, new))
            case RelationAdded(relation=rel) | RelationRemoved(relation=rel):
                self._touch("relations", rel.source)
                self._touch("relations", rel.target)
            case RelationChanged(new=rel):
                self._touch("relations", rel.source)
                self._touch("relations", rel.target)
            case DecisionChanged(id=did, old=old, new=new):
                self._touch("decisions", did, *(d for d in (old, new) if d is not None))
                self._locations.clear()
            case FlowChanged():
                self._kinds.add("flows")
            case InfoChanged(field="checks"):
                self._full = True
            case InfoChanged():
                self._kinds.add("info")
            case _:
                return False  # layout
        return True

    def _touch(self, kind: str, element_id: str, *values: Any) -> None:
        self._kinds.add(kind)
        self._touched[element_id].extend(values)

    # ------------------------------------------------------------------ re-checking

    def _refresh(self) -> Report:
        design, engine = self.design, self.engine
        config = engine.settings(design)
        context = engine.context(design, config)
        if self._full:
            self._whole.clear()
            self._per.clear()
        for rule in config.rules:
            if self._full or (rule.code not in self._whole and rule.code not in self._per):
                self._check_all(rule, context, config)
            elif _affected_by(rule.reads or _EVERYTHING, self._kinds):
                self._check_touched(rule, context, config)
        self._full, self._kinds = False, set()
        self._touched.clear()
        chosen = {rule.code for rule in config.rules}
        found = [*engine.prepare(design, config, config.problems, self._locations),
                 *self._stored(chosen)]
        return engine.conclude(design, config, found)

    def _stored(self, chosen: set[str]) -> Iterator[Finding]:
        for code, findings in self._whole.items():
            if code in chosen:
                yield from findings
        for code, by_id in self._per.items():
            if code in chosen:
                for findings in by_id.values():
                    yield from findings

    def _check_all(self, rule: Rule, context: Any, config: Any) -> None:
        design, engine = self.design, self.engine
        if not rule.scope:
            raw = engine.run_rule(rule, design, context)
            self._whole[rule.code] = engine.prepare(design, config, raw, self._locations)
            return
        self._per[rule.code] = {
            eid: engine.prepare(design, config, found, self._locations)
            for eid in rule.scope_ids(design)
            if (found := engine.run_element(rule, design, eid, context))
        }

    def _check_touched(self, rule: Rule, context: Any, config: Any) -> None:
        if not rule.scope:
            self._check_all(rule, context, config)
            return
        design, engine = self.design, self.engine
        by_id = self._per[rule.code]
        for eid in self._affected(rule):
            found = (engine.run_element(rule, design, eid, context)
                     if rule.in_scope(design, eid) else [])
            if found:
                by_id[eid] = engine.prepare(design, config, found, self._locations)
            else:
                by_id.pop(eid, None)

    def _affected(self, rule: Rule) -> list[str]:
        """The touched ids plus those the rule relates to them, in a stable order."""
        design = self.design
        ids = dict.fromkeys(self._touched)
        for eid, values in self._touched.items():
            current = (design.element(eid),) if eid in design else ()
            for value in (*values, *current):
                ids.update(dict.fromkeys(rule.related(design, eid, value)))
        return list(ids)


def _changed_fields(old: Any, new: Any) -> Iterator[str]:
    """Names of the dataclass fields that differ between two versions of an element."""
    for name in old.__dataclass_fields__:
        before, after = getattr(old, name), getattr(new, name)
        if before is not after and before != after:
            yield name


def _affected_by(reads: frozenset[str], touched: set[str]) -> bool:
    """Whether a rule reading ``reads`` must re-run after changes to ``touched``.

    ``service`` is touched by any change to a service; ``service.sla`` only by a change of
    that field or by a service being added or removed (``service.*``); ``service.*`` only by
    additions and removals.
    """
    for item in reads:
        kind, dot, _ = item.partition(".")
        if item in touched or (dot and f"{kind}.*" in touched):
            return True
    return False
