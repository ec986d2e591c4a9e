"""Every rule, listed explicitly and in order; lookups by code, name or group.

The CLI's ``rules`` listing, ``docs/rules.md``, the SARIF rule metadata and the studio's
problem list are all generated from :data:`RULES`. Nothing registers itself: to add a rule,
import it here and add one line to the tuple under its group's header.
"""

from __future__ import annotations

from collections.abc import Iterable

from checks.base import Rule
from checks.rules import (
    api,
    decisions,
    meta,
    observability,
    resilience,
    security,
    sla,
    sql,
    structure,
)
from models.design import did_you_mean

__all__ = ["GROUPS", "RULES", "UnknownRuleError", "by_code", "by_name", "resolve"]

RULES: tuple[Rule, ...] = (
    # --- engine (ARC0xx): reported by the engine itself ---------------------------------
    meta.UnusedSuppression(),
    meta.InvalidCheckConfig(),
    meta.RuleError(),
    # --- structure (ARC1xx) ---------------------------------------------------------------
    structure.SyncCallCycle(),
    structure.AsyncCycle(),
    structure.NoRelations(),
    structure.ServiceWithoutPurpose(),
    structure.SharedDatabase(),
    structure.GodService(),
    # --- SLA and load (ARC2xx) ------------------------------------------------------------
    sla.MissingSla(),
    sla.ConnectionExhaustion(),
    sla.UnboundedTableGrowth(),
    sla.HotPartition(),
    # --- API (ARC3xx) ---------------------------------------------------------------------
    api.UnversionedPath(),
    api.UnpaginatedCollection(),
    api.LongRunningWithoutAsync(),
    api.MissingErrorResponses(),
    api.UnauthenticatedEndpoint(),
    api.MissingRateLimit(),
    api.RetriedPostWithoutIdempotency(),
    # --- resilience (ARC4xx) --------------------------------------------------------------
    resilience.MissingTimeout(),
    resilience.MissingCircuitBreaker(),
    resilience.RetryWithoutBackoff(),
    resilience.CalleeTimeoutExceedsCaller(),
    resilience.SinglePointOfFailure(),
    # --- security (ARC5xx) ----------------------------------------------------------------
    security.PlaintextAcrossTrustBoundary(),
    security.PersonalDataUnencrypted(),
    security.SecretInDesign(),
    security.SecretInNotes(),
    # --- observability (ARC6xx) -----------------------------------------------------------
    observability.MissingTelemetry(),
    observability.SlaWithoutAlert(),
    observability.UnmonitoredCriticalHop(),
    # --- decisions (ARC7xx) ---------------------------------------------------------------
    decisions.IncompleteDecision(),
    decisions.OverdueReview(),
    decisions.SupersededWithoutSuccessor(),
    decisions.UnknownReference(),
    # --- SQL and indexes (ARC8xx) ---------------------------------------------------------
    sql.UnindexedQuery(),
    sql.UnindexedForeignKey(),
    sql.RedundantIndex(),
    sql.ForeignKeyToNonKey(),
)

#: The known groups, in registry order.
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(g for rule in RULES for g in rule.groups))


class UnknownRuleError(ValueError):
    """A selector names no rule code, rule name or group; the message suggests one."""


def by_code(code: str, rules: Iterable[Rule] = RULES) -> Rule | None:
    """The rule with ``code`` (case-insensitive), or None."""
    code = code.upper()
    return next((rule for rule in rules if rule.code == code), None)


def by_name(name: str, rules: Iterable[Rule] = RULES) -> Rule | None:
    """The rule named ``name`` (``structure.god-service``, or just ``god-service``), or None."""
    rules = tuple(rules)
    return next((rule for rule in rules if rule.name == name), None) or \
        next((rule for rule in rules if rule.short_name == name), None)


def resolve(selector: str, rules: Iterable[Rule] = RULES) -> tuple[Rule, ...]:
    """The rules a selector means: a code (``ARC202``), a name or a group.

    Raises:
        UnknownRuleError: nothing matches; the message carries a "did you mean" hint.
    """
    rules = tuple(rules)
    rule = by_code(selector, rules) or by_name(selector, rules)
    if rule is not None:
        return (rule,)
    grouped = tuple(r for r in rules if selector in r.groups)
    if grouped:
        return grouped
    choices = [r.code for r in rules] + [r.name for r in rules]
    choices += [g for r in rules for g in r.groups]
    hint = did_you_mean(selector, choices) or "run 'archstudio rules' for the list"
    raise UnknownRuleError(f"unknown rule or group '{selector}'; {hint}")
