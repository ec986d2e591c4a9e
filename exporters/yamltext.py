"""YAML text for the exporters: PyYAML's output, byte for byte, at a fraction of the cost.

Two exporters write YAML: the OpenAPI documents (about a million values for RM-1k) and the
design document's request/response sketches (ten thousand small blocks). PyYAML spends most
of that time in Python, building a node per value and then calling back from libyaml's
serializer into the resolver four times per node. For trees of ``dict``, ``list``, ``str``,
``int``, ``bool`` and ``None`` (all the exporters build), :class:`_TreeEmitter` hands libyaml's
emitter the very events PyYAML's serializer would, without the nodes; anything else (floats,
tuples, dates, a container met twice, which PyYAML writes as an anchor and aliases) goes
through PyYAML's own dumper unchanged.

- :func:`libyaml_dump` promises the bytes of ``yaml.CSafeDumper`` (what the OpenAPI exporter
  has always written), with ``|`` blocks for multi-line text if asked;
- :func:`safe_dump` promises the bytes of the pure-Python emitter (``yaml.safe_dump``, which
  the design document has always used) and takes the libyaml path only for trees that both
  emitters write the same way. They differ on characters outside the Basic Multilingual Plane
  (libyaml escapes emoji), on NEL, on empty keys and on long or non-printable keys (libyaml
  counts a key's length in bytes); such a tree, and to be safe one with LS, PS or BOM
  characters, goes through ``yaml.safe_dump`` itself.

``tests/exporters/test_yamltext.py`` compares both with PyYAML on fixed cases and on generated
data with any text. Nothing here writes YAML by hand: every character comes from one of
PyYAML's two emitters.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

__all__ = ["LIBYAML", "libyaml_dump", "safe_dump"]

#: Whether PyYAML was built with libyaml (the fast emitter).
LIBYAML = hasattr(yaml, "CSafeDumper")
_CBase: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

#: Characters the two emitters treat differently (libyaml escapes them or breaks lines there).
_DIVERGENT = re.compile("[\x85\u2028\u2029\ufeff\ud800-\udfff\U00010000-\U0010ffff]")
#: Longest key (UTF-8 bytes) written the same way: the emitters disagree near 128 characters
#: (Python counts characters, libyaml bytes, and they differ by one at the limit).
_KEY_BYTES = 100
#: Longest text trusted to both emitters (far beyond any line folding; width is 1,000,000).
_TEXT_CHARS = 100_000

#: Tag resolution memo: text -> implicit tag (``str``, ``int``, ``bool``, ``null``...).
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX = 200_000

_OPTIONS: dict[str, Any] = {
    "sort_keys": False,
    "allow_unicode": True,
    "width": 1_000_000,
    "default_flow_style": False,
}


_RESOLVER = yaml.resolver.Resolver()  # the safe dumpers' resolver (both emitters use it)


def _implicit_tag(text: str) -> str:
    """The tag a plain scalar ``text`` would be read as (``str``, ``int``, ``bool``...)."""
    tag = _RESOLVED.get(text)
    if tag is None:
        tag = _RESOLVER.resolve(ScalarNode, text, (True, False))
        if len(_RESOLVED) >= _RESOLVED_MAX:
            _RESOLVED.clear()
        _RESOLVED[text] = tag
    return tag


def _text_agrees(text: str) -> bool:
    """Whether both emitters write this text (a value) the same way."""
    if text.isascii():
        return len(text) <= _TEXT_CHARS
    return len(text) <= _TEXT_CHARS and _DIVERGENT.search(text) is None


def _key_agrees(text: str) -> bool:
    """Whether both emitters write this mapping key the same way (as a simple key)."""
    if not text or not text.isprintable():
        return False
    size = len(text) if text.isascii() else len(text.encode("utf-8"))
    return size <= _KEY_BYTES and (text.isascii() or _DIVERGENT.search(text) is None)


class _Abandon(Exception):
    """The tree needs PyYAML's general path (see :class:`_TreeEmitter`)."""


class _TreeEmitter:
    """Hands libyaml's ``emit`` the events of a tree of ``dict``, ``list``, ``str``, ``int``,
    ``bool`` and ``None``.

    These are the events PyYAML's representer and its C serializer would hand libyaml for the
    tree (``_yaml.pyx``'s ``_serialize_node``: same tags, implicit flags and styles, block
    collections), so the bytes are the same; without building a node per value and calling
    back into the resolver four times a node, which was half the time of a large OpenAPI
    document. libyaml copies each event as it is emitted, so one scalar event object is
    reused (the pure-Python emitter keeps them: this is for libyaml only).

    Raises :class:`_Abandon` for what needs PyYAML's general path: a container met twice
    (PyYAML writes an anchor and aliases), any other type, and with ``checking`` text that
    the two emitters write differently.
    """

    __slots__ = ("checking", "emit", "literal_blocks", "scalar", "seen")

    _PLAIN, _QUOTED = (True, True), (False, True)  # implicit flags of str: (plain, quoted)
    _MAPPING_START = MappingStartEvent(None, _MAP, True, flow_style=False)
    _SEQUENCE_START = SequenceStartEvent(None, _SEQ, True, flow_style=False)
    _MAPPING_END, _SEQUENCE_END = MappingEndEvent(), SequenceEndEvent()

    def __init__(self, emit: Any, *, literal_blocks: bool, checking: bool) -> None:
        self.emit = emit
        self.literal_blocks = literal_blocks
        self.checking = checking
        self.seen: set[int] = set()
        self.scalar = ScalarEvent(None, _STR, self._PLAIN, "")

    def document(self, data: Any) -> None:
        self.emit(StreamStartEvent())
        self.emit(DocumentStartEvent())
        self.node(data)
        self.emit(DocumentEndEvent())
        self.emit(StreamEndEvent())

    def node(self, data: Any) -> None:
        kind = type(data)
        if kind is str:
            self.text(data, _text_agrees)
        elif kind is dict:
            self.mapping(data)
        elif kind is list:
            self.container(data)
            self.emit(self._SEQUENCE_START)
            for value in data:
                self.node(value)
            self.emit(self._SEQUENCE_END)
        elif kind is bool:
            self.other(_BOOL, "true" if data else "false")
        elif kind is int:
            self.other(_INT, str(data))
        elif data is None:
            self.other(_NULL, "null")
        else:
            raise _Abandon

    def mapping(self, data: dict[Any, Any]) -> None:
        self.container(data)
        self.emit(self._MAPPING_START)
        text, node = self.text, self.node
        for key, value in data.items():
            if type(key) is str:
                text(key, _key_agrees)
            else:
                node(key)
            if type(value) is str:
                text(value, _text_agrees)
            else:
                node(value)
        self.emit(self._MAPPING_END)

    def container(self, data: object) -> None:
        if id(data) in self.seen:
            raise _Abandon
        self.seen.add(id(data))

    def text(self, value: str, agrees: Any) -> None:
        if self.checking and not agrees(value):
            raise _Abandon
        scalar = self.scalar
        literal = self.literal_blocks and "\n" in value and value == value.strip()
        scalar.tag, scalar.value = _STR, value
        scalar.style = "|" if literal and "\t" not in value else None
        tag = _RESOLVED.get(value) or _implicit_tag(value)
        scalar.implicit = self._PLAIN if tag == _STR else self._QUOTED
        self.emit(scalar)

    def other(self, tag: str, value: str) -> None:
        scalar = self.scalar
        scalar.tag, scalar.value, scalar.style = tag, value, None
        scalar.implicit = (_implicit_tag(value) == tag, False)
        self.emit(scalar)


def _event_text(data: Any, *, literal_blocks: bool, checking: bool) -> str | None:
    """libyaml's text of ``data`` through :class:`_TreeEmitter`, or None for the general path."""
    if not LIBYAML:
        return None
    stream = StringIO()
    emitter = _CBase(stream, **_OPTIONS)
    try:
        _TreeEmitter(emitter.emit, literal_blocks=literal_blocks, checking=checking).document(data)
    except _Abandon:
        return None
    finally:
        emitter.dispose()
    return stream.getvalue()


class _LiteralDumper(_CBase):  # type: ignore[misc, valid-type]
    """libyaml's safe dumper writing multi-line text as ``|`` blocks (the general path)."""


def _literal_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and value == value.strip() and "\t" not in value else None
    return dumper.represent_scalar(_STR, value, style=style)


_LiteralDumper.add_representer(str, _literal_str)


def safe_dump(data: Any) -> str:
    """The bytes of ``yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
    width=1_000_000, default_flow_style=False)`` (the pure-Python emitter), faster.
    """
    text = _event_text(data, literal_blocks=False, checking=True)
    if text is None:
        text = yaml.dump(data, Dumper=yaml.SafeDumper, **_OPTIONS)
    return text


def libyaml_dump(data: Any, *, literal_blocks: bool = False) -> str:
    """The bytes of ``yaml.dump(data, Dumper=yaml.CSafeDumper, ...)`` with :func:`safe_dump`'s
    options (the pure-Python emitter's when PyYAML has no libyaml).

    ``literal_blocks`` writes multi-line text without surrounding blanks or tabs as ``|``
    blocks.
    """
    text = _event_text(data, literal_blocks=literal_blocks, checking=False)
    if text is None:
        text = yaml.dump(data, Dumper=_LiteralDumper if literal_blocks else _CBase, **_OPTIONS)
    return text
