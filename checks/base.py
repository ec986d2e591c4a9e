"""The vocabulary of the review: severities, findings and the rule protocol.

A rule is a small pure class (see ``STYLE.md``): a stable ``code``, a dotted ``name``, its
``groups``, a ``default_severity``, a docstring with *Anti-pattern* and *Best practice*
sections, and ``check(design, context) -> Iterator[Finding]`` that never prints, raises or
mutates. Rules are listed explicitly in :data:`checks.registry.RULES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from models.design import Design, Location, kind_of

__all__ = ["ELEMENT_KINDS", "Context", "Finding", "Option", "Rule", "Severity"]

#: The element kinds a rule may name in ``reads`` and ``scope`` (``decision`` in ``scope``
#: iterates the design's decisions).
ELEMENT_KINDS = ("service", "datastore", "queue", "external", "client")


class Severity(str, Enum):
    """How serious a finding is, from most to least."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more serious (error 3, warning 2, info 1)."""
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a rule found in a design.

    Attributes:
        code: The rule's code, e.g. ``ARC001``.
        severity: Effective severity (after configuration overrides).
        element: Id (or dotted path, e.g. ``order-service.create-order``) of what it concerns.
        message: What is wrong, naming the elements and numbers involved.
        hint: A concrete fix.
        location: ``file:line:col`` of the element when the design came from a file.
        rule: The rule's dotted name.
        related: Other element ids involved (a cycle's members, the services sharing a store).
        path: Source-map path to point at when it is more precise than the element's own
            (e.g. ``services.a.pools.orders-db``); empty to derive it from ``element``.
    """

    code: str
    severity: Severity
    element: str
    message: str
    hint: str = ""
    location: Location | None = None
    rule: str = ""
    related: tuple[str, ...] = ()
    path: str = ""

    @property
    def id(self) -> str:
        """The stable finding id ``CODE@element`` that suppressions refer to."""
        return f"{self.code}@{self.element}"

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Deterministic order: by element, then code, then message."""
        return (self.element, self.code, self.message)


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule may read besides the design: options (thresholds) and the clock."""

    options: Mapping[str, Any] = field(default_factory=dict)
    today: Any = None  # datetime.date; injectable so date-based rules are testable

    def option(self, rule: Rule, name: str, default: Any) -> Any:
        """The value of ``<rule name>.<name>`` from the design's ``checks.options``; the rule's
        short name (without its group, e.g. ``god-service.max-endpoints``) works too."""
        for key in (f"{rule.name}.{name}", f"{rule.short_name}.{name}"):
            if key in self.options:
                return self.options[key]
        return default


@dataclass(frozen=True, slots=True)
class Option:
    """A documented threshold of a rule, set in ``checks.options`` as ``<rule>.<name>``."""

    default: Any
    help: str


class Rule:
    """Base class of every rule. Subclasses set the class attributes and ``check``.

    A rule that reviews elements one at a time sets ``scope`` (the element kinds it visits,
    or ``decision``) and implements ``check_element`` instead of ``check``: the incremental
    checker then re-checks only the elements an edit touched, plus those ``related`` names.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    groups: ClassVar[tuple[str, ...]] = ()
    default_severity: ClassVar[Severity] = Severity.WARNING
    #: What the rule reads, for incremental re-checks: element kinds (``service``,
    #: ``datastore``...), ``relations``, ``decisions``, ``flows``, ``info``. A kind may be
    #: narrowed to fields (``service.sla``: re-run only when a service's ``sla`` changes or
    #: a service is added or removed) or to membership (``service.*``: only additions and
    #: removals). Empty means everything.
    reads: ClassVar[frozenset[str]] = frozenset()
    #: Kinds checked one element at a time by ``check_element`` (empty: whole-design rule).
    scope: ClassVar[frozenset[str]] = frozenset()
    #: Documented thresholds by option name (read with :meth:`option`).
    options: ClassVar[Mapping[str, Option]] = {}

    @property
    def short_name(self) -> str:
        """The name without its group prefix (``structure.god-service`` -> ``god-service``)."""
        return self.name.partition(".")[2] or self.name

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        """Yield findings; never print, raise or mutate."""
        if not self.scope:
            raise NotImplementedError
        for element_id in self.scope_ids(design):
            yield from self.check_element(design, element_id, context)

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """Findings of one element in ``scope`` (only called for ids in :meth:`in_scope`)."""
        raise NotImplementedError

    def related(self, design: Design, element_id: str, element: Any) -> Iterable[str]:
        """Other ids whose findings may change when ``element_id`` (now or formerly
        ``element``) changes, e.g. the datastores a service holds pools for."""
        return ()

    def scope_ids(self, design: Design) -> Iterator[str]:
        """The ids ``check`` visits: elements of the kinds in ``scope``, then decisions."""
        if self.scope & set(ELEMENT_KINDS):
            for element_id, element in design.elements():
                if kind_of(element).value in self.scope:
                    yield element_id
        if "decision" in self.scope:
            yield from design.decisions

    def in_scope(self, design: Design, element_id: str) -> bool:
        """Whether ``element_id`` exists and is of a kind in ``scope``."""
        if element_id in design:
            return design.kind(element_id).value in self.scope
        return "decision" in self.scope and element_id in design.decisions

    def option(self, context: Context, name: str) -> Any:
        """The value of one of the declared ``options`` (its default when not configured)."""
        return context.option(self, name, self.options[name].default)

    def finding(self, element: str, message: str, hint: str = "",
                related: tuple[str, ...] = (), path: str = "") -> Finding:
        """A finding of this rule at its default severity (the engine applies overrides)."""
        return Finding(self.code, self.default_severity, element, message, hint,
                       rule=self.name, related=related, path=path)
