"""Quantities with units as architects write them: ``300ms``, ``100K/h``, ``99.95%``, ``50M``.

Each quantity keeps the unit it was written in (so a file round-trips unchanged) and exposes a
normalised value for computation (milliseconds, events per second, a fraction, a count).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = [
    "Count",
    "Duration",
    "Percent",
    "Rate",
    "UnitError",
    "format_number",
    "parse_count",
]


class UnitError(ValueError):
    """A quantity could not be read; the message says what form is expected."""


_SUFFIXES: tuple[tuple[str, int], ...] = (("B", 10**9), ("M", 10**6), ("K", 10**3))
_SUFFIX_VALUE = {"K": 10**3, "k": 10**3, "M": 10**6, "B": 10**9, "G": 10**9}

_DURATION_MS: dict[str, float] = {
    "ms": 1.0,
    "s": 1000.0,
    "m": 60_000.0,
    "min": 60_000.0,
    "h": 3_600_000.0,
    "d": 86_400_000.0,
    "w": 604_800_000.0,
}
_PER_SECONDS: dict[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "min": 60.0,
    "m": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "d": 86_400.0,
    "day": 86_400.0,
    "month": 2_592_000.0,
    "mo": 2_592_000.0,
    "y": 31_536_000.0,
    "year": 31_536_000.0,
}
_CANONICAL_PER = {"sec": "s", "m": "min", "hour": "h", "day": "d", "mo": "month", "year": "y"}

_NUMBER = r"(?P<num>\d+(?:\.\d+)?|\.\d+)"
_DURATION_RE = re.compile(rf"^\s*{_NUMBER}\s*(?P<unit>ms|s|min|m|h|d|w)\s*$")
_COUNT_RE = re.compile(rf"^\s*{_NUMBER}\s*(?P<suffix>[KkMBG]?)\s*$")
_RATE_RE = re.compile(rf"^\s*{_NUMBER}\s*(?P<suffix>[KkMBG]?)\s*/\s*(?P<per>[a-z]+)\s*$")
_PERCENT_RE = re.compile(rf"^\s*{_NUMBER}\s*%\s*$")


def format_number(value: float) -> str:
    """Write a number without a trailing ``.0`` or float noise (``0.1`` not ``0.1000000001``)."""
    if float(value).is_integer():
        return str(int(value))
    text = f"{value:.6f}".rstrip("0")
    return text.rstrip(".")


def parse_count(text: str | int | float) -> int:
    """Read ``50M``, ``10K``, ``1.5B`` or a plain integer as an integer count."""
    if isinstance(text, bool):
        raise UnitError("expected a count such as 1000, 10K or 50M")
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if text.is_integer():
            return int(text)
        raise UnitError(f"{text} is not a whole number")
    match = _COUNT_RE.match(text)
    if not match:
        raise UnitError(f"'{text}' is not a count (write 1000, 10K, 50M or 2B)")
    return int(_decimal(match["num"]) * _SUFFIX_VALUE.get(match["suffix"], 1))


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regexes only pass numbers
        raise UnitError(f"'{text}' is not a number") from exc


def _format_count(value: float) -> str:
    """Write a count with the largest suffix that keeps it exact to three decimals and under
    a thousand (``1.5M``, ``2.5K``); otherwise in full (``1234567``, not ``1234.567K``)."""
    for i, (suffix, size) in enumerate(_SUFFIXES):
        scaled = Decimal(str(value)) / size
        below_next = i == 0 or abs(scaled) < 1000
        if abs(scaled) >= 1 and below_next and scaled == scaled.quantize(Decimal("0.001")):
            return format_number(float(scaled)) + suffix
    return format_number(value)


@dataclass(frozen=True, slots=True)
class Count:
    """A number of things (rows, instances) written with an optional K/M/B suffix."""

    value: int

    @classmethod
    def parse(cls, text: str | int | float) -> Count:
        """Read ``50M`` or ``1200`` as a count."""
        return cls(parse_count(text))

    def __str__(self) -> str:
        return _format_count(self.value)


@dataclass(frozen=True, slots=True)
class Duration:
    """A time span written with its unit: ``300ms``, ``5s``, ``168h``, ``90d``."""

    amount: float
    unit: str = "ms"

    @classmethod
    def parse(cls, text: str | int | float) -> Duration:
        """Read ``300ms`` / ``2s`` / ``1.5h``; a bare number is taken as milliseconds."""
        if isinstance(text, bool):
            raise UnitError("expected a duration such as 300ms, 5s or 168h")
        if isinstance(text, int | float):
            return cls(float(text), "ms")
        match = _DURATION_RE.match(text)
        if not match:
            raise UnitError(f"'{text}' is not a duration (write 300ms, 5s, 10min, 168h or 90d)")
        return cls(float(match["num"]), match["unit"])

    @property
    def ms(self) -> float:
        """The duration in milliseconds."""
        return self.amount * _DURATION_MS[self.unit]

    @property
    def seconds(self) -> float:
        """The duration in seconds."""
        return self.ms / 1000.0

    def __str__(self) -> str:
        return f"{format_number(self.amount)}{self.unit}"


@dataclass(frozen=True, slots=True)
class Rate:
    """A throughput written with its period: ``100K/h``, ``1M/s``, ``2.4M/month``."""

    amount: float
    per: str = "s"

    @classmethod
    def parse(cls, text: str | int | float) -> Rate:
        """Read ``10K/h`` or ``500/s``; a bare number is taken as per second."""
        if isinstance(text, bool):
            raise UnitError("expected a rate such as 500/s or 10K/h")
        if isinstance(text, int | float):
            return cls(float(text), "s")
        match = _RATE_RE.match(text)
        if not match or match["per"] not in _PER_SECONDS:
            raise UnitError(
                f"'{text}' is not a rate (write 500/s, 10K/min, 100K/h, 2M/d or 5M/month)"
            )
        amount = _decimal(match["num"]) * _SUFFIX_VALUE.get(match["suffix"], 1)
        return cls(float(amount), _CANONICAL_PER.get(match["per"], match["per"]))

    @property
    def per_second(self) -> float:
        """The rate normalised to events per second."""
        return self.amount / _PER_SECONDS[self.per]

    def over(self, span: Duration) -> float:
        """How many events this rate produces over ``span``."""
        return self.per_second * span.seconds

    def __str__(self) -> str:
        return f"{_format_count(self.amount)}/{self.per}"


@dataclass(frozen=True, slots=True)
class Percent:
    """A percentage such as an availability target: ``99.95%``."""

    value: float

    @classmethod
    def parse(cls, text: str | int | float) -> Percent:
        """Read ``99.95%`` (a bare number is taken as a percentage too)."""
        if isinstance(text, bool):
            raise UnitError("expected a percentage such as 99.95%")
        if isinstance(text, int | float):
            number = float(text)
        else:
            match = _PERCENT_RE.match(text)
            if not match:
                raise UnitError(f"'{text}' is not a percentage (write 99.9%)")
            number = float(match["num"])
        if not 0.0 <= number <= 100.0:
            raise UnitError(f"{format_number(number)}% is outside 0%..100%")
        return cls(number)

    @property
    def fraction(self) -> float:
        """The percentage as a fraction of one (``99.9%`` -> ``0.999``)."""
        return self.value / 100.0

    def __str__(self) -> str:
        return f"{format_number(self.value)}%"
