"""YAML text for the exporters, through PyYAML's own representer and emitters, fast.

Two exporters write YAML: the OpenAPI documents (about a million nodes for RM-1k) and the
design document's request/response sketches (ten thousand small blocks). PyYAML spends most of
that time in per-node Python calls, so this module keeps its emitters and changes how nodes
are made, never what they contain:

- a representer with a fast path for ``dict``, ``list``, ``str``, ``int``, ``bool`` and
  ``None`` that builds exactly the nodes :class:`yaml.SafeDumper`'s representer builds (same
  tags, styles and aliases for shared objects); other types go through PyYAML's representers;
- a memo of the implicit tag resolution of scalars (a pure function of the text);
- :func:`safe_dump` promises the bytes of the pure-Python emitter (``yaml.safe_dump``) and uses
  libyaml's emitter only for node trees where both emitters are known to write the same text
  (``tests/exporters/test_yamltext.py`` checks both, on fixed cases and generated ones). The
  two differ on characters outside the Basic Multilingual Plane (libyaml escapes emoji), on
  NEL, on empty keys and on long or non-printable keys (libyaml counts a key's length in
  bytes); such a tree, and to be safe one with LS, PS or BOM characters or aliases, goes
  through the Python emitter;
- :func:`libyaml_dump` promises the bytes of ``yaml.CSafeDumper`` (what the OpenAPI exporter
  has always written when libyaml is installed), with ``|`` blocks for multi-line text.

Nothing here writes YAML by hand: every character of output comes from one of PyYAML's two
emitters.
"""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["LIBYAML", "libyaml_dump", "safe_dump"]

#: Whether PyYAML was built with libyaml (the fast emitter).
LIBYAML = hasattr(yaml, "CSafeDumper")

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
#: Scalar types whose other representations (``int`` subclasses, floats) are plain ASCII.
_PLAIN_KEY_TYPES = (int, float, bool, type(None))

#: Tag resolution memo: text -> implicit tag (``str``, ``int``, ``bool``, ``null``...).
_RESOLVED: dict[str, str] = {}
_RESOLVED_MAX = 200_000

_OPTIONS: dict[str, Any] = {
    "sort_keys": False,
    "allow_unicode": True,
    "width": 1_000_000,
    "default_flow_style": False,
}


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


class _FastNodes:
    """Mixin for a PyYAML dumper: fast node building and tag resolution, same nodes.

    ``literal_blocks`` gives multi-line text without surrounding blanks or tabs the ``|``
    style. With ``checking``, ``agrees`` ends up False when the tree holds anything the two
    emitters may write differently (checked while the nodes are built, at no extra pass).
    """

    literal_blocks = False
    checking = False
    agrees = True
    represented_objects: dict[int, Node]
    object_keeper: list[Any]

    def represent_data(self, data: Any) -> Node:
        kind = type(data)
        if kind is str:
            if self.checking and not _text_agrees(data):
                self._disagree()
            return ScalarNode(_STR, data, style=self._style(data))
        if kind is dict:
            return self._mapping(data)
        if kind is list:
            return self._sequence(data)
        if kind is bool:
            return ScalarNode(_BOOL, "true" if data else "false")
        if kind is int:
            return ScalarNode(_INT, str(data))
        if data is None:
            return ScalarNode(_NULL, "null")
        if kind is not tuple and kind is not float:
            self._disagree()  # dates, bytes, sets...: PyYAML's own path and emitter
        return super().represent_data(data)  # type: ignore[misc, no-any-return]

    def _disagree(self) -> None:
        self.agrees = self.checking = False

    def _style(self, text: str) -> str | None:
        if self.literal_blocks and "\n" in text and text == text.strip() and "\t" not in text:
            return "|"
        return None

    def _mapping(self, data: dict[Any, Any]) -> Node:
        node = self.represented_objects.get(id(data))
        if node is not None:  # the same dict twice: an alias, as PyYAML writes it
            self._disagree()
            return node
        self.object_keeper.append(data)
        pairs: list[tuple[Node, Node]] = []
        node = MappingNode(_MAP, pairs, flow_style=False)
        self.represented_objects[id(data)] = node
        represent = self.represent_data
        for key, value in data.items():
            if type(key) is str:  # the common case, inline: a million keys in RM-1k's OpenAPI
                if self.checking and not _key_agrees(key):
                    self._disagree()
                key_node = ScalarNode(_STR, key, style=self._style(key))
            else:
                if self.checking and not isinstance(key, _PLAIN_KEY_TYPES):
                    self._disagree()
                key_node = represent(key)
            pairs.append((key_node, represent(value)))
        return node

    def _sequence(self, data: list[Any]) -> Node:
        node = self.represented_objects.get(id(data))
        if node is not None:
            self._disagree()
            return node
        self.object_keeper.append(data)
        items: list[Node] = []
        node = SequenceNode(_SEQ, items, flow_style=False)
        self.represented_objects[id(data)] = node
        represent = self.represent_data
        for value in data:
            items.append(represent(value))
        return node

    # PyYAML's resolver walks "path resolvers" for every node; SafeDumper has none, so these
    # are the same no-ops without the per-node checks.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is not ScalarNode:
            return _MAP if kind is MappingNode else _SEQ
        if not implicit[0]:
            return _STR
        tag = _RESOLVED.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)  # type: ignore[misc]
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()
            _RESOLVED[value] = tag
        return tag  # type: ignore[no-any-return]


class _PyDumper(_FastNodes, yaml.SafeDumper):
    """Pure-Python emitter: the reference bytes of :func:`safe_dump`."""


_CBase: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _CDumper(_FastNodes, _CBase):  # type: ignore[misc, valid-type]
    """libyaml's emitter (the pure-Python one when PyYAML has no libyaml)."""


class _CLiteralDumper(_CDumper):
    literal_blocks = True


class _CCheckedDumper(_CDumper):
    """Notes whether the tree is one both emitters write the same way (for safe_dump)."""

    checking = True


def _serialize(dumper: Any, node: Node) -> None:
    dumper.open()
    dumper.serialize(node)
    dumper.close()


def _dump(dumper_class: type, data: Any, *, python_unless_agreed: bool) -> str:
    stream = StringIO()
    dumper = dumper_class(stream, **_OPTIONS)
    try:
        node = dumper.represent_data(data)
        if python_unless_agreed and not (dumper.agrees and LIBYAML):
            return _python_text(node)
        _serialize(dumper, node)
    finally:
        dumper.dispose()
    return stream.getvalue()


def _python_text(node: Node) -> str:
    stream = StringIO()
    dumper = _PyDumper(stream, **_OPTIONS)
    try:
        _serialize(dumper, node)
    finally:
        dumper.dispose()
    return stream.getvalue()


def safe_dump(data: Any) -> str:
    """The bytes of ``yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
    width=1_000_000, default_flow_style=False)`` (the pure-Python emitter), faster.
    """
    return _dump(_CCheckedDumper, data, python_unless_agreed=True)


def libyaml_dump(data: Any, *, literal_blocks: bool = False) -> str:
    """The bytes of ``yaml.dump(data, Dumper=yaml.CSafeDumper, ...)`` with :func:`safe_dump`'s
    options (the pure-Python emitter's when PyYAML has no libyaml).

    ``literal_blocks`` writes multi-line text without surrounding blanks or tabs as ``|``
    blocks.
    """
    dumper_class = _CLiteralDumper if literal_blocks else _CDumper
    return _dump(dumper_class, data, python_unless_agreed=False)
