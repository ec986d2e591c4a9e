"""The effective configuration of a review: the design's ``checks:`` section plus CLI flags.

Selectors (``select``, ``ignore``, ``severity`` keys) are rule codes, rule names or groups.
Problems in the design's own section do not stop the review: they become
``invalid-check-config`` findings pointing at the offending key. Problems in CLI flags are
usage errors (:class:`checks.registry.UnknownRuleError`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.base import Finding, Rule, Severity
from checks.registry import RULES, UnknownRuleError, by_code, resolve
from checks.rules.meta import InvalidCheckConfig
from models.design import did_you_mean
from models.elements import ChecksConfig, Suppression

__all__ = ["Settings", "settings"]

#: Rules reporting the engine's own problems stay on unless explicitly ignored.
_ALWAYS_GROUP = "engine"
_CONFIG_RULE = InvalidCheckConfig()


@dataclass(frozen=True, slots=True)
class Settings:
    """What a review runs and how it grades.

    Attributes:
        rules: The selected rules, in registry order.
        severity: Effective severity by rule code (only overridden ones).
        suppress: Accepted findings by finding id.
        options: Rule options (``<rule name>.<option>``).
        problems: ``invalid-check-config`` findings about the design's ``checks:`` section.
    """

    rules: tuple[Rule, ...]
    severity: Mapping[str, Severity] = field(default_factory=dict)
    suppress: Mapping[str, Suppression] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[Finding, ...] = ()


def settings(
    config: ChecksConfig,
    *,
    rules: Sequence[Rule] = RULES,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    decisions: Iterable[str] = (),
) -> Settings:
    """Combine the design's config with CLI flags (``select`` replaces, ``ignore`` adds).

    Raises:
        UnknownRuleError: a CLI selector names nothing.
    """
    problems: list[Finding] = []
    cli_select = _resolve_all(select or (), rules)
    cli_ignore = _resolve_all(ignore, rules)
    own_select = _resolve_config(config.select, "select", rules, problems)
    own_ignore = _resolve_config(config.ignore, "ignore", rules, problems)
    chosen = cli_select if select else own_select
    if chosen:
        chosen |= {r.code for r in rules if _ALWAYS_GROUP in r.groups}
    ignored = cli_ignore | own_ignore
    selected = tuple(r for r in rules
                     if (not chosen or r.code in chosen) and r.code not in ignored)
    return Settings(
        rules=selected,
        severity=_severities(config.severity, rules, problems),
        suppress=dict(config.suppress),
        options=dict(config.options),
        problems=tuple(problems) + tuple(_check_suppressions(config, rules, set(decisions)))
        + tuple(_check_options(config.options, rules)),
    )


def _resolve_all(selectors: Iterable[str], rules: Sequence[Rule]) -> set[str]:
    return {rule.code for selector in selectors for rule in resolve(selector, rules)}


def _problem(key: str, message: str, hint: str) -> Finding:
    return _CONFIG_RULE.finding(key, message, hint, path=key)


def _resolve_config(selectors: Iterable[str], key: str, rules: Sequence[Rule],
                    problems: list[Finding]) -> set[str]:
    codes: set[str] = set()
    for selector in selectors:
        try:
            codes.update(rule.code for rule in resolve(selector, rules))
        except UnknownRuleError as exc:
            problems.append(_problem(f"checks.{key}.{selector}", f"checks.{key}: {exc}",
                                     "use a code, name or group from 'archstudio rules'"))
    return codes


def _severities(overrides: Mapping[str, str], rules: Sequence[Rule],
                problems: list[Finding]) -> dict[str, Severity]:
    result: dict[str, Severity] = {}
    levels = [s.value for s in Severity]
    for selector, level in overrides.items():
        path = f"checks.severity.{selector}"
        if level not in levels:
            hint = did_you_mean(str(level), levels) or f"use one of {', '.join(levels)}"
            problems.append(_problem(path, f"'{level}' is not a severity", hint))
            continue
        try:
            matched = resolve(selector, rules)
        except UnknownRuleError as exc:
            problems.append(_problem(path, f"checks.severity: {exc}",
                                     "use a code, name or group from 'archstudio rules'"))
            continue
        result.update({rule.code: Severity(level) for rule in matched})
    return result


def _check_suppressions(config: ChecksConfig, rules: Sequence[Rule],
                        decisions: set[str]) -> Iterable[Finding]:
    codes = [r.code for r in rules]
    for finding_id, suppression in config.suppress.items():
        path = f"checks.suppress.{finding_id}"
        code, at, element = finding_id.partition("@")
        if not at or not element:
            yield _problem(path, f"'{finding_id}' is not a finding id",
                           "write CODE@element, e.g. ARC202@orders-db")
        elif by_code(code, rules) is None:
            yield _problem(path, f"suppression of unknown rule code '{code}'",
                           did_you_mean(code, codes) or "see 'archstudio rules'")
        if not suppression.reason.strip():
            yield _problem(path, f"suppression of {finding_id} gives no reason",
                           "say why the finding is accepted (and cite the ADR under 'decision')")
        if suppression.decision and suppression.decision not in decisions:
            yield _problem(path, f"suppression of {finding_id} cites unknown decision "
                           f"'{suppression.decision}'",
                           did_you_mean(suppression.decision, sorted(decisions))
                           or "name a decision id from 'decisions'")


def _check_options(options: Mapping[str, Any], rules: Sequence[Rule]) -> Iterable[Finding]:
    names = [r.name for r in rules]
    for key in options:
        rule, option = _option_rule(key, rules)
        rule_name = key.rpartition(".")[0]
        path = f"checks.options.{key}"
        if rule is None:
            yield _problem(path, f"option '{key}' names unknown rule '{rule_name}'",
                           did_you_mean(rule_name, names) or "write <rule-name>.<option>")
        elif rule.options and option not in rule.options:
            yield _problem(path, f"rule {rule.name} has no option '{option}'",
                           did_you_mean(option, list(rule.options))
                           or f"its options: {', '.join(rule.options)}")


def _option_rule(key: str, rules: Sequence[Rule]) -> tuple[Rule | None, str]:
    """The rule an option key belongs to (by full or short name) and the option's name."""
    for rule in rules:
        for prefix in (rule.name, rule.short_name):
            if key.startswith(prefix + "."):
                return rule, key[len(prefix) + 1:]
    return None, ""
