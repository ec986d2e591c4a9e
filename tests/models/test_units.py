"""Quantities with units: parsing, normalisation, and writing back what was read."""

from __future__ import annotations

import pytest

from models.units import Count, Duration, Percent, Rate, UnitError, format_number, parse_count


@pytest.mark.parametrize(
    ("text", "ms", "written"),
    [
        ("300ms", 300.0, "300ms"),
        ("5s", 5000.0, "5s"),
        ("1.5h", 5_400_000.0, "1.5h"),
        ("10min", 600_000.0, "10min"),
        ("2m", 120_000.0, "2m"),
        ("90d", 7_776_000_000.0, "90d"),
        ("1w", 604_800_000.0, "1w"),
        (" 250 ms ", 250.0, "250ms"),
        (".5s", 500.0, "0.5s"),
        (120, 120.0, "120ms"),
        (2.5, 2.5, "2.5ms"),
    ],
)
def test_duration_parses_normalises_and_keeps_its_unit(
    text: str | float, ms: float, written: str
) -> None:
    duration = Duration.parse(text)
    assert duration.ms == pytest.approx(ms)
    assert duration.seconds == pytest.approx(ms / 1000)
    assert str(duration) == written
    assert Duration.parse(str(duration)) == duration


@pytest.mark.parametrize(
    ("text", "per_second", "written"),
    [
        ("500/s", 500.0, "500/s"),
        ("10K/min", 10_000 / 60, "10K/min"),
        ("100K/h", 100_000 / 3600, "100K/h"),
        ("2M/d", 2_000_000 / 86_400, "2M/d"),
        ("5M/month", 5_000_000 / 2_592_000, "5M/month"),
        ("1.5K/s", 1500.0, "1.5K/s"),
        ("1B/y", 1e9 / 31_536_000, "1B/y"),
        ("3/hour", 3 / 3600, "3/h"),
        ("7/sec", 7.0, "7/s"),
        ("1500/s", 1500.0, "1.5K/s"),
        ("2 k / min", 2000 / 60, "2K/min"),
        (40, 40.0, "40/s"),
    ],
)
def test_rate_parses_normalises_and_writes_canonically(
    text: str | int, per_second: float, written: str
) -> None:
    rate = Rate.parse(text)
    assert rate.per_second == pytest.approx(per_second)
    assert str(rate) == written
    assert Rate.parse(str(rate)) == rate


def test_rate_over_a_duration_counts_events() -> None:
    assert Rate.parse("100K/h").over(Duration.parse("30min")) == pytest.approx(50_000)


@pytest.mark.parametrize(
    ("text", "fraction", "written"),
    [
        ("99.95%", 0.9995, "99.95%"),
        ("100%", 1.0, "100%"),
        ("0%", 0.0, "0%"),
        (99.9, 0.999, "99.9%"),
    ],
)
def test_percent(text: str | float, fraction: float, written: str) -> None:
    percent = Percent.parse(text)
    assert percent.fraction == pytest.approx(fraction)
    assert str(percent) == written
    assert Percent.parse(str(percent)) == percent


@pytest.mark.parametrize(
    ("text", "value", "written"),
    [
        ("50M", 50_000_000, "50M"),
        ("10K", 10_000, "10K"),
        ("10k", 10_000, "10K"),
        ("1.5B", 1_500_000_000, "1.5B"),
        ("2G", 2_000_000_000, "2B"),
        (1200, 1200, "1.2K"),
        ("999", 999, "999"),
        (12.0, 12, "12"),
        ("1234567", 1_234_567, "1234567"),  # no suffix keeps it exact under a thousand
        ("1234", 1234, "1.234K"),
        ("1001", 1001, "1.001K"),
        ("10001", 10_001, "10.001K"),
        ("100001", 100_001, "100.001K"),
    ],
)
def test_count(text: str | int | float, value: int, written: str) -> None:
    count = Count.parse(text)
    assert count.value == value
    assert str(count) == written
    assert Count.parse(str(count)) == count


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (Duration.parse, "300", "not a duration"),
        (Duration.parse, "5 parsecs", "write 300ms, 5s"),
        (Duration.parse, "-5s", "not a duration"),
        (Duration.parse, True, "expected a duration"),
        (Rate.parse, "100K", "not a rate"),
        (Rate.parse, "10/fortnight", "write 500/s"),
        (Rate.parse, False, "expected a rate"),
        (Percent.parse, "high", "not a percentage"),
        (Percent.parse, "101%", "outside 0%..100%"),
        (Percent.parse, 150, "outside 0%..100%"),
        (Percent.parse, True, "expected a percentage"),
        (Count.parse, "lots", "not a count"),
        (Count.parse, "10X", "write 1000, 10K"),
        (Count.parse, 1.5, "not a whole number"),
        (Count.parse, True, "expected a count"),
    ],
)
def test_bad_quantities_say_what_form_is_expected(parse, text, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        parse(text)


def test_unit_error_is_a_value_error() -> None:
    assert issubclass(UnitError, ValueError)


@pytest.mark.parametrize(
    ("value", "text"), [(1.0, "1"), (0.1, "0.1"), (2.50, "2.5"), (1 / 3, "0.333333"), (-4.0, "-4")]
)
def test_format_number_has_no_float_noise(value: float, text: str) -> None:
    assert format_number(value) == text


def test_parse_count_accepts_integers_as_is() -> None:
    assert parse_count(7) == 7


@pytest.mark.parametrize(("value", "text"), [(1234567, "1234567"), (1_234_000, "1.234M"),
                                             (2500, "2.5K"), (999_500, "999.5K"),
                                             (1_000_500, "1000500"), (5 * 10**12, "5000B")])
def test_counts_use_a_suffix_only_below_a_thousand_of_it(value: int, text: str) -> None:
    assert str(Count(value)) == text
    assert Count.parse(text).value == value
