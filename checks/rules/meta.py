"""Findings the engine itself reports: about the review's configuration and its own health.

These rules never find anything in ``check``; the engine emits their findings. They are
listed in the registry so that they can be selected, ignored and re-graded like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import Context, Finding, Rule, Severity
from models.design import Design

__all__ = ["InvalidCheckConfig", "RuleError", "UnusedSuppression"]


class _EngineRule(Rule):
    groups = ("engine",)

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        """The engine reports these; the rule itself finds nothing."""
        return iter(())


class UnusedSuppression(_EngineRule):
    """A suppression in ``checks.suppress`` matched no finding.

    *Anti-pattern*: suppressions that outlive the finding they accepted. They pile up, hide
    the reason behind a design that has since changed, and would silently swallow a new
    finding of the same id.

    *Best practice*: delete the suppression (and, if the ADR that justified it is obsolete,
    mark the ADR superseded).
    """

    code = "ARC000"
    name = "engine.unused-suppression"
    default_severity = Severity.INFO
    reads = frozenset({"info"})


class InvalidCheckConfig(_EngineRule):
    """The design's ``checks:`` section names an unknown rule, group, severity or option.

    *Anti-pattern*: a typo in ``select``, ``ignore``, ``severity`` or ``options`` that
    silently leaves a rule off, at the wrong severity, or at its default threshold.

    *Best practice*: use codes (``ARC202``), names (``connection-exhaustion``) or groups
    (``sla``) exactly as ``archstudio rules`` lists them.
    """

    code = "ARC001"
    name = "engine.invalid-check-config"
    default_severity = Severity.WARNING
    reads = frozenset({"info"})


class RuleError(_EngineRule):
    """A rule raised an exception; its findings are missing from this review.

    *Anti-pattern*: a review that silently skips a rule (or crashes altogether) because one
    rule met a design it did not expect.

    *Best practice*: this is a bug in archstudio: report it with the design that triggers it.
    The rest of the review is still valid.
    """

    code = "ARC002"
    name = "engine.rule-error"
    default_severity = Severity.ERROR
