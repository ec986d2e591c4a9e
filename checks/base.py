"""The vocabulary of the review: severities, findings and the rule protocol.

A rule is a small pure class (see ``STYLE.md``): a stable ``code``, a dotted ``name``, its
``groups``, a ``default_severity``, a docstring with *Anti-pattern* and *Best practice*
sections, and ``check(design, context) -> Iterator[Finding]`` that never prints, raises or
mutates. Rules are listed explicitly in :data:`checks.registry.RULES`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from models.design import Design, Location

__all__ = ["Context", "Finding", "Rule", "Severity"]


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
    """

    code: str
    severity: Severity
    element: str
    message: str
    hint: str = ""
    location: Location | None = None
    rule: str = ""
    related: tuple[str, ...] = ()

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
        """The value of ``<rule name>.<name>`` from the design's ``checks.options``."""
        return self.options.get(f"{rule.name}.{name}", default)


class Rule:
    """Base class of every rule. Subclasses set the class attributes and ``check``."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    groups: ClassVar[tuple[str, ...]] = ()
    default_severity: ClassVar[Severity] = Severity.WARNING
    #: What the rule reads, for incremental re-checks: element kinds (``service``,
    #: ``datastore``...), ``relations``, ``decisions``, ``flows``, ``info``.
    reads: ClassVar[frozenset[str]] = frozenset()

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        """Yield findings; never print, raise or mutate."""
        raise NotImplementedError

    def finding(self, element: str, message: str, hint: str = "",
                related: tuple[str, ...] = ()) -> Finding:
        """A finding of this rule at its default severity (the engine applies overrides)."""
        return Finding(self.code, self.default_severity, element, message, hint,
                       rule=self.name, related=related)
