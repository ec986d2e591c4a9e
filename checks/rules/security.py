"""Security rules (ARC5xx): plaintext across trust boundaries, unencrypted personal data and
secrets written into the design.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from checks.base import Context, Finding, Rule, Severity
from models.design import Design
from models.elements import Datastore, Element, ElementKind, RelationKind, Service

__all__ = [
    "PersonalDataUnencrypted",
    "PlaintextAcrossTrustBoundary",
    "SecretInDesign",
    "SecretInNotes",
]

_ALL_KINDS = frozenset(kind.value for kind in ElementKind)

#: Zones reachable by anyone: plaintext there is readable on the internet.
_OPEN_ZONES = frozenset({"public", "internet", "external", "edge", "dmz"})

#: Protocols whose name already says the channel is encrypted.
_TLS_PROTOCOLS = re.compile(r"\b(?:https|grpcs|wss|mtls|tls|ssl|sftp|amqps|rediss)\b", re.I)


class PlaintextAcrossTrustBoundary(Rule):
    """Data crosses a trust boundary without TLS.

    *Anti-pattern*: a client talks to an edge service, a service calls a payment provider, or
    a DMZ service calls into the internal zone, and nothing says the channel is encrypted:
    credentials and personal data travel in clear text where others can read them.

    *Best practice*: ``tls: true`` (or mTLS) on every relation whose ends are in different
    trust zones. Zones are the elements' ``zone``; when unset, clients are ``public``,
    externals ``external``, public services ``edge`` and everything else ``internal``. An
    encrypted protocol (``https``, ``grpcs``...) or a datastore with ``encryption.in_transit``
    counts as TLS. Plaintext from or to the open zones (``public``, ``internet``, ``external``,
    ``edge``, ``dmz``) or with declared ``data`` classes is an error; between two internal
    zones, a warning.
    """

    code = "ARC501"
    name = "security.plaintext-across-trust-boundary"
    groups = ("security",)
    default_severity = Severity.ERROR
    reads = frozenset({"service", "datastore", "queue", "external", "client", "relations"})
    scope = _ALL_KINDS

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding per relation the element initiates across a zone without TLS."""
        for rel in design.out_relations(element_id):
            if rel.kind is RelationKind.OWNS or rel.tls:
                continue
            source, target = _zone(design, rel.source), _zone(design, rel.target)
            if source == target or _TLS_PROTOCOLS.search(rel.protocol):
                continue
            if _store_encrypts(design.element(rel.target)):
                continue
            data = f" carrying {', '.join(rel.data)}" if rel.data else ""
            state = "explicitly without TLS" if rel.tls is False else "without TLS"
            finding = self.finding(
                rel.id,
                f"{rel.source} ({source}) {rel.kind.value} {rel.target} ({target}){data} "
                f"across a trust boundary {state}",
                "encrypt the channel: set 'tls: true' (mTLS between services) and terminate "
                "TLS inside the receiving zone",
                related=(rel.source, rel.target),
            )
            if not rel.data and _OPEN_ZONES.isdisjoint((source, target)):
                finding = replace(finding, severity=Severity.WARNING)
            yield finding

    def related(self, design: Design, element_id: str, element: Any) -> Iterable[str]:
        """A target's zone or encryption decides the findings of the elements calling it."""
        if element_id not in design:
            return ()
        return sorted({rel.source for rel in design.in_relations(element_id)})


def _zone(design: Design, element_id: str) -> str:
    element = design.element(element_id)
    zone = getattr(element, "zone", "")
    if zone:
        return str(zone)
    if isinstance(element, Service) and element.public:
        return "edge"
    kind = design.kind(element_id)
    return {ElementKind.CLIENT: "public", ElementKind.EXTERNAL: "external"}.get(kind, "internal")


def _store_encrypts(element: Element) -> bool:
    return (
        isinstance(element, Datastore)
        and element.encryption is not None
        and element.encryption.in_transit
    )


class PersonalDataUnencrypted(Rule):
    """A datastore holds personal data but is not encrypted at rest.

    *Anti-pattern*: names, e-mail addresses and addresses in a store whose disks, snapshots and
    backups are readable by anyone who gets hold of them; a GDPR-reportable breach waiting to
    happen.

    *Best practice*: ``encryption: {at_rest: true}`` (managed-disk or TDE encryption with keys
    in a KMS) on every store with ``personal_data: true`` or a column marked ``personal``.
    """

    code = "ARC502"
    name = "security.personal-data-unencrypted"
    groups = ("security",)
    default_severity = Severity.ERROR
    reads = frozenset({"datastore"})
    scope = frozenset({"datastore"})

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """A finding when the store holds personal data and is not encrypted at rest."""
        store = design.element(element_id)
        assert isinstance(store, Datastore)  # scope is datastores only
        if store.encryption is not None and store.encryption.at_rest:
            return
        columns = [
            f"{table_name}.{column_name}"
            for table_name, table in store.tables.items()
            for column_name, column in table.columns.items()
            if column.personal
        ]
        if store.personal_data or columns:
            yield self.finding(
                element_id,
                f"{element_id} holds personal data{_columns(columns)} but is not encrypted at rest",
                "set 'encryption: {at_rest: true}' (disk/TDE encryption with keys in a "
                "KMS) and make sure backups are encrypted too",
            )


def _columns(columns: list[str]) -> str:
    if not columns:
        return ""
    shown = ", ".join(columns[:5]) + (f" and {len(columns) - 5} more" if len(columns) > 5 else "")
    return f" ({shown})"


# --------------------------------------------------------------------------- secrets

#: Values that stand for a secret without being one: ${DB_PASSWORD}, $PASS, <password>,
#: {secret}, %s, ****, xxx, and the usual dummy words.
_PLACEHOLDER = re.compile(
    r"^(?:\$\{|\$\w|<|\{|%|\*+$|x+$|\.\.\.|"
    r"(?:changeme|secret|password|redacted|none|null|example|dummy)$)",
    re.IGNORECASE,
)

_SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # (what it is, pattern, group holding the secret)
    ("an AWS access key id", re.compile(r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b"), 1),
    ("a private key", re.compile(r"(-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----)"), 1),
    (
        "a password in a connection URL",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:([^@\s/]+)@", re.IGNORECASE),
        1,
    ),
    (
        "a credential assignment",
        re.compile(
            r"\b(?:password|passwd|pwd|secret|client_secret|api_?key|access_?token|auth_?token)"
            r"\s*=\s*[\"']?([^\s\"';,&]+)",
            re.IGNORECASE,
        ),
        1,
    ),
    (
        "a JSON Web Token",
        re.compile(r"\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"),
        1,
    ),
    ("a GitHub token", re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{30,})\b"), 1),
    ("a Slack token", re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]{10,})"), 1),
    ("a Stripe secret key", re.compile(r"\b((?:sk|rk)_live_[A-Za-z0-9]{16,})\b"), 1),
)


class SecretInDesign(Rule):
    """A secret (password, access key, private key, token) is written into the design.

    *Anti-pattern*: ``postgres://orders:s3cr3t@db/orders`` in a description, an ``AKIA...`` key
    in a note, ``password=...`` in a connection string: the design is shared, versioned and
    exported, so the secret now lives in every clone and every generated document.

    *Best practice*: name where the secret lives instead (``${ORDERS_DB_PASSWORD}``, "from
    Vault at secret/orders/db"), and rotate any secret that was committed. The scan matches
    simple, specific patterns (AWS key ids, PEM private keys, URL passwords,
    ``password=value``, JWTs, GitHub/Slack/Stripe tokens) and ignores placeholders, so prose
    about passwords is not reported. Messages never repeat the secret.
    """

    code = "ARC503"
    name = "security.secret-in-design"
    groups = ("security",)
    default_severity = Severity.ERROR
    reads = frozenset(
        {"service", "datastore", "queue", "external", "client", "relations", "decisions"}
    )

    #: Elements (with the relations they initiate) and decisions, one at a time; the header,
    #: flows and checks section are ARC504's, so that an edit re-checks only what it touched.
    scope = _ALL_KINDS | {"decision"}

    def check_element(self, design: Design, element_id: str, context: Context) -> Iterator[Finding]:
        """Secrets in one element (its endpoints and initiated relations) or decision."""
        yield from self._report(_texts(_element_roots(design, element_id)))

    def _report(self, texts: Iterator[tuple[str, str, str]]) -> Iterator[Finding]:
        for element, field_path, text in texts:
            for what, secret in _secrets(text):
                yield self.finding(
                    element,
                    f"{field_path} contains {what} ({_mask(secret)})",
                    "remove it from the design, refer to where it is stored instead "
                    "(e.g. ${DB_PASSWORD} or a Vault path), and rotate it: it is in the "
                    "file's history",
                    path=field_path,
                )


class SecretInNotes(SecretInDesign):
    """A secret is written into the design's header, flows or ``checks`` section.

    *Anti-pattern*: a connection string with its password pasted into the summary, a token in
    a flow step's message: the same leak as ARC503, in the parts of the design that are not
    elements.

    *Best practice*: as for ARC503: refer to where the secret is kept, and rotate it.
    """

    code = "ARC504"
    name = "security.secret-in-notes"
    groups = ("security",)
    default_severity = Severity.ERROR
    reads = frozenset({"info", "flows"})
    scope = frozenset()

    def check(self, design: Design, context: Context) -> Iterator[Finding]:
        """The header, every flow and the checks section."""
        yield from self._report(_texts(_design_roots(design)))


#: Cheap pre-filter (plain substring tests run at C speed on an element's whole text): text
#: that contains none of these cannot match a pattern above.
_LITERALS = (
    "AKIA",
    "ASIA",
    "PRIVATE KEY",
    "eyJ",
    "_live_",
    "xox",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
)
_KEYWORDS = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "api_key",
    "apikey",
    "access_token",
    "accesstoken",
    "auth_token",
    "authtoken",
)


def _maybe_secret(text: str) -> bool:
    if any(literal in text for literal in _LITERALS):
        return True
    if "://" in text and "@" in text:
        return True
    if "=" in text:
        lowered = text.lower()
        return any(keyword in lowered for keyword in _KEYWORDS)
    return False


#: Field types that cannot hold text (numbers, flags, vocabularies, quantities, dates).
_NOT_TEXT = re.compile(
    r"^(?:int|bool|float|Duration|Rate|Count|Percent|dt\.date|HttpMethod|Pagination|"
    r"DecisionStatus|DatastoreEngine|DeliveryGuarantee|RelationKind|StepKind)(?: \| None)?$"
)
#: Relation fields that are ids, not text.
_STRUCTURAL = frozenset({"kind", "source", "target"})


def _secrets(text: str) -> Iterator[tuple[str, str]]:
    if not _maybe_secret(text):
        return
    seen: set[str] = set()
    for what, pattern, group in _SECRET_PATTERNS:
        for match in pattern.finditer(text):
            secret = match.group(group)
            if secret in seen or _PLACEHOLDER.match(secret) or len(secret) < 4:
                continue
            seen.add(secret)
            yield what, secret


def _mask(secret: str) -> str:
    return f"{secret[:4]}… {len(secret)} characters" if len(secret) > 8 else "masked"


Root = tuple[Any, str, str]  # (value, source path, finding element or "" to derive it)


def _element_roots(design: Design, element_id: str) -> list[Root]:
    """What ARC503 scans for one id: the element and the relations it initiates, or the
    decision."""
    if element_id not in design:
        return [(design.decisions[element_id], f"decisions.{element_id}", element_id)]
    section = f"{design.kind(element_id).value}s.{element_id}"
    roots: list[Root] = [(design.element(element_id), section, "")]
    for rel in design.out_relations(element_id):
        roots.append((rel, f"{section}.{rel.kind.value}.{rel.target}", rel.id))
    return roots


def _design_roots(design: Design) -> list[Root]:
    """What ARC504 scans: the header, the flows and the checks section."""
    roots: list[Root] = [(design.info, "design", "design")]
    roots += [(flow, f"flows.{fid}", fid) for fid, flow in design.flows.items()]
    return [*roots, (design.checks, "checks", "checks")]


def _texts(roots: list[Root]) -> Iterator[tuple[str, str, str]]:
    """``(finding element, field path, text)`` for the strings of roots that may hold a
    secret: all strings of a root are first searched at once, and only a root that matches
    the pre-filter is walked field by field (the common case costs one regex search)."""
    for value, path, owner in roots:
        strings: list[str | None] = []
        _collect(value, strings)
        if not _maybe_secret("\n".join(filter(None, strings))):
            continue
        for field_path, text in _walk(value, path):
            yield owner or _owner(path, field_path), field_path, text


def _owner(section: str, path: str) -> str:
    """The element id, or ``service.endpoint`` for text inside an endpoint."""
    element_id = section.partition(".")[2]
    prefix = f"{section}.endpoints."
    if path.startswith(prefix):
        return f"{element_id}.{path.removeprefix(prefix).split('.')[0]}"
    return element_id


@functools.cache
def _text_fields(cls: type) -> tuple[str, ...]:
    return tuple(
        f.name
        for f in dataclasses.fields(cls)
        if f.name not in _STRUCTURAL and not _NOT_TEXT.match(str(f.type))
    )


@functools.cache
def _plan(cls: type) -> tuple[Callable[[Any], tuple[Any, ...]] | None, tuple[str, ...]]:
    """A getter of the plain string fields of ``cls`` (one C call) and the other text
    fields, which are walked."""
    plain = [f.name for f in dataclasses.fields(cls) if str(f.type) in ("str", "str | None")]
    nested = tuple(name for name in _text_fields(cls) if name not in plain)
    if not plain:
        return None, nested
    getter = operator.attrgetter(*plain)
    return (getter if len(plain) > 1 else lambda value: (getter(value),)), nested


def _collect(value: Any, out: list[str | None]) -> None:
    """Append every string inside ``value`` to ``out`` (``None`` for unset optional ones)."""
    if type(value) is str:  # str-based enums are vocabularies, not text
        out.append(value)
    elif isinstance(value, dict | list | tuple):
        for item in value.values() if isinstance(value, dict) else value:
            if type(item) is str:  # inline: most items are strings
                out.append(item)
            elif item is not None:
                _collect(item, out)
    elif hasattr(type(value), "__dataclass_fields__"):
        plain, nested = _plan(type(value))
        if plain is not None:
            out.extend(plain(value))
        for name in nested:
            _collect(getattr(value, name), out)


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if type(value) is str:
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    elif hasattr(type(value), "__dataclass_fields__"):
        for name in _text_fields(type(value)):
            yield from _walk(getattr(value, name), f"{path}.{name}")
