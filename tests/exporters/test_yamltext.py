"""YAML text: the fast paths write exactly what PyYAML's own dumpers write.

:func:`safe_dump` must give the pure-Python emitter's bytes (the design document has always
been written with it) and :func:`libyaml_dump` libyaml's (the OpenAPI documents). Both are
compared with PyYAML itself on fixed cases, on the cases where the two emitters disagree, and
on generated data with any text.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporters import yamltext
from exporters.yamltext import LIBYAML, libyaml_dump, safe_dump
from tests.support.tools import tool_missing

OPTIONS: dict[str, Any] = {
    "sort_keys": False,
    "allow_unicode": True,
    "width": 1_000_000,
    "default_flow_style": False,
}


def python_dump(data: Any) -> str:
    """The reference of :func:`safe_dump`: PyYAML's pure-Python safe dumper."""
    return yaml.dump(data, Dumper=yaml.SafeDumper, **OPTIONS)


class _LiteralDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The OpenAPI exporter's dumper before the fast path: the reference of libyaml_dump."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and value == value.strip() and "\t" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _literal)


def libyaml_reference(data: Any, *, literal_blocks: bool) -> str:
    dumper = _LiteralDumper if literal_blocks else getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, **OPTIONS)


#: Trees the two emitters write differently (the reason safe_dump checks before using libyaml).
DIVERGENT = [
    pytest.param({"k": "launch 🚀"}, id="emoji-value"),
    pytest.param({"🚀": 1}, id="emoji-key"),
    pytest.param({"": None}, id="empty-key"),
    pytest.param({"a" * 127: 1}, id="127-char-key"),
    pytest.param({"é" * 65: 1}, id="130-byte-key"),
    pytest.param({"k": "one\x85two"}, id="nel"),
    pytest.param({"k\r": []}, id="carriage-return-key"),
]

FIXED = [
    pytest.param({"request": {"headers": {"Authorization": "Bearer <token>"}}}, id="nested"),
    pytest.param({200: {"id": "uuid", "total": "decimal"}, "4XX": "error"}, id="int-keys"),
    pytest.param({"yes": "no", "null": None, "on": True, "1.5": 1.5, "x": -3}, id="resolvers"),
    pytest.param({"items": [["a"], [], {}, (1, 2)], "empty": ""}, id="collections"),
    pytest.param({"text": "two\nlines", "quote": 'it\'s: "here" #', "tab": "a\tb"}, id="quoting"),
    pytest.param({"k": "x" * 5000, "é": "ünïcödé"}, id="long-and-accented"),
    pytest.param({"k": "a\u2028b", "bom": "\ufeff"}, id="line-separator-and-bom"),
]


@pytest.mark.parametrize("data", FIXED + DIVERGENT)
def test_safe_dump_is_the_python_emitters_text(data: Any) -> None:
    assert safe_dump(data) == python_dump(data)


@pytest.mark.parametrize("data", DIVERGENT)
def test_the_divergent_cases_do_diverge_in_libyaml(data: Any) -> None:
    """If libyaml ever writes these like Python, the fallback can be narrowed."""
    if not LIBYAML:
        tool_missing("PyYAML built with libyaml", "pip install --force-reinstall pyyaml")
    assert yaml.dump(data, Dumper=yaml.CSafeDumper, **OPTIONS) != python_dump(data)


@pytest.mark.parametrize("data", FIXED + DIVERGENT)
@pytest.mark.parametrize("literal_blocks", [False, True])
def test_libyaml_dump_is_libyamls_text(data: Any, literal_blocks: bool) -> None:
    expected = libyaml_reference(data, literal_blocks=literal_blocks)
    assert libyaml_dump(data, literal_blocks=literal_blocks) == expected


def test_shared_objects_become_the_same_anchors_and_aliases() -> None:
    shared = {"type": "integer", "minimum": 0}
    data = {"offset": shared, "limit": shared, "list": [shared, [shared]]}
    assert "&id001" in python_dump(data)
    assert safe_dump(data) == python_dump(data)
    assert libyaml_dump(data, literal_blocks=True) == libyaml_reference(data, literal_blocks=True)


def test_types_without_a_fast_path_go_through_pyyaml() -> None:
    import datetime as dt

    data = {"day": dt.date(2024, 5, 1), "blob": b"\x00\x01", "set": {1, 2}}
    assert safe_dump(data) == python_dump(data)


def test_unsafe_objects_are_refused_as_pyyaml_refuses_them() -> None:
    with pytest.raises(yaml.representer.RepresenterError):
        safe_dump({"x": object()})


def test_the_tag_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamltext, "_RESOLVED_MAX", 10)
    yamltext._RESOLVED.clear()
    data = {f"key{n}": f"value{n}" for n in range(50)}
    assert safe_dump(data) == python_dump(data)
    assert len(yamltext._RESOLVED) <= 10


# --------------------------------------------------------------------------- generated data

_ANY_TEXT = st.text(max_size=30)
_TRICKY_TEXT = st.text(
    alphabet=st.sampled_from(list(" \n\t\r:#-?'\"{}[]|>&*!%@`,.~éa1\x00\x07\x1b\x85\xa0\u2028🚀")),
    max_size=30,
)
_WORDS = st.sampled_from(["yes", "No", "~", "null", "1.5", "0x1F", "1e3", "- a", "a: b", "<<"])
_SCALARS = st.one_of(
    _ANY_TEXT,
    _TRICKY_TEXT,
    _WORDS,
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
_KEYS = st.one_of(_ANY_TEXT, _TRICKY_TEXT, _WORDS, st.integers(), st.booleans())
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _DATA, max_size=5))
def test_safe_dump_matches_pyyaml_on_generated_data(data: dict[Any, Any]) -> None:
    assert safe_dump(data) == python_dump(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _DATA, max_size=5), st.booleans())
def test_libyaml_dump_matches_pyyaml_on_generated_data(
    data: dict[Any, Any], literal_blocks: bool
) -> None:
    expected = libyaml_reference(data, literal_blocks=literal_blocks)
    assert libyaml_dump(data, literal_blocks=literal_blocks) == expected


# --------------------------------------------------------------------------- the event path


def test_plain_trees_take_the_event_path_and_others_the_node_path() -> None:
    if not LIBYAML:
        tool_missing("PyYAML built with libyaml", "pip install --force-reinstall pyyaml")
    plain = {"a": [1, True, None, "x"], 200: {"b": "two\nlines"}}
    assert yamltext._event_text(plain, literal_blocks=True, checking=True) is not None
    shared: dict[str, Any] = {"k": 1}
    for other in ({"f": 1.5}, {"t": (1,)}, {"s": shared, "t": shared}, {"e": "🚀"}):
        assert yamltext._event_text(other, literal_blocks=False, checking=True) is None
    assert yamltext._event_text({"e": "🚀"}, literal_blocks=False, checking=False) is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _DATA, max_size=5), st.booleans(), st.booleans())
def test_the_event_path_writes_pyyamls_bytes(
    data: dict[Any, Any], literal_blocks: bool, checking: bool
) -> None:
    if not LIBYAML:
        return
    text = yamltext._event_text(data, literal_blocks=literal_blocks, checking=checking)
    if text is not None:
        assert text == libyaml_reference(data, literal_blocks=literal_blocks)
        if checking:
            assert text == python_dump(data)
