"""Security rules beyond the YAML cases: the secret patterns, masking, live re-checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from checks.base import Context
from checks.engine import Engine
from checks.incremental import IncrementalChecker
from checks.rules.security import SecretInDesign, _secrets
from models.elements import Datastore, Encryption, Service
from models.io import load_design, loads_design

TODAY = dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("key AKIAIOSFODNN7EXAMPLE in the bucket policy", "an AWS access key id"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow", "a private key"),
        ("mysql://root:hunter22@erp-db:3306/erp", "a password in a connection URL"),
        ("Server=erp;Uid=sa;Pwd=Winter2024!", "a credential assignment"),
        ("api_key = 'a1b2c3d4e5'", "a credential assignment"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnop", "a JSON Web Token"),
        ("ghp_" + "a" * 36, "a GitHub token"),
        ("xoxb-1234567890-abcdefghij", "a Slack token"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"),
    ],
)
def test_secrets_are_recognised(text: str, what: str) -> None:
    assert [w for w, _ in _secrets(text)] == [what]


@pytest.mark.parametrize(
    "text",
    [
        "Passwords are hashed with argon2id; password resets expire after 15 minutes",
        "password=${DB_PASSWORD} from Vault",
        "postgres://orders:<password>@db/orders",
        "postgres://orders@db/orders (IAM authentication, no password)",
        "api_key=*** (rotated monthly)",
        "secret=%s is filled in by the deploy job",
        "WHERE secret_id = $1 AND password_hash = crypt($2, password_hash)",
        "Authorization: Bearer <token>",
        "https://example.com/docs?page=2",
    ],
)
def test_prose_and_placeholders_are_not_secrets(text: str) -> None:
    assert list(_secrets(text)) == []


def test_messages_never_repeat_the_secret() -> None:
    design = loads_design(
        "archstudio: 1\nservices:\n  a: {technology: 'postgres://u:correcthorsebattery@db/x'}\n"
    )
    [finding] = SecretInDesign().check(design, Context())
    assert "correcthorsebattery" not in finding.message + finding.hint
    assert finding.path == "services.a.technology"


def test_security_edits_are_rechecked_incrementally() -> None:
    design = loads_design(
        "archstudio: 1\n"
        "services:\n  api: {public: true, calls: [orders]}\n  orders: {writes: [db]}\n"
        "datastores:\n  db: {personal_data: true}\n"
        "clients:\n  web: {calls: [api]}\n"
    )
    engine = Engine(select=["security"], today=TODAY)
    checker = IncrementalChecker(design, engine)
    db = design.element("db")
    assert isinstance(db, Datastore)
    edits = [
        # the target's zone and encryption decide the findings of its callers' relations
        lambda d: d.replace_element("db", dataclasses.replace(db, zone="restricted")),
        lambda d: d.replace_element(
            "db",
            dataclasses.replace(
                db, zone="restricted", encryption=Encryption(at_rest=True, in_transit=True)
            ),
        ),
        lambda d: d.replace_element("orders", Service(zone="pci", purpose="password=Tr0ub4dor&3")),
        lambda d: d.replace_element("api", Service(public=False)),
        lambda d: d.remove_element("web"),
    ]
    for edit in edits:
        edit(design)
        assert checker.findings == engine.run(design).findings


def test_legacy_sample_reports_plaintext_into_the_internal_zone() -> None:
    design = load_design(Path(__file__).parents[2] / "samples" / "legacy-migration-review.yaml")
    found = {f.id for f in Engine(select=["security"], today=TODAY).run(design).findings}
    assert found >= {"ARC501@legacy-erp.reads.erp-db", "ARC501@legacy-erp.writes.erp-db"}
