"""What a notice says (issue 20, findings 1, 2 and 4): whom it is about and which provider by
name, local times, the reason code in words and the reason verbatim, the decider's name and
office, the appeal page with the decision filled in and the date to act by, the desk's contact;
and its proof, the receipt of the change, attached to the e-mail and inside the webhook
document, checkable offline with the ledger's public key alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hifazat.cli.delivery import deliver_due
from hifazat.ledger.keys import load_signer
from hifazat.ledger.receipt import check_receipt
from hifazat.notify import SmtpSettings
from tests.conftest import Registry
from tests.integration.test_notify_email import Mailbox
from tests.integration.test_notify_email import smtp as smtp  # the fixture
from tests.integration.test_notify_support import (
    REASON,
    add_channel,
    allow_loopback,
    decide_now,
    http_receiver,
)

PUBLIC = "https://hifazat.example.pk"
SUBJECT = (
    "Hifazat: Sindh Police — Special Security Unit will withdraw cover from Farooq Sattar "
    "on 30 Jan 2026"
)


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    allow_loopback(monkeypatch)
    monkeypatch.setenv("HIFAZAT_PUBLIC_URL", PUBLIC + "/")
    yield


def test_the_liaisons_email_names_whom_it_is_about_and_carries_its_proof(
    demo: Registry, smtp: tuple[Mailbox, SmtpSettings], tmp_path: Path
) -> None:
    mailbox, settings = smtp
    add_channel(demo, "mqm-liaison", "user", "email", "security@mqm.example.pk")
    decision = decide_now(demo)

    signer = load_signer(demo.key_path)
    assert deliver_due(demo.engine, demo.clock, "w", settings, signer=signer).counts["sent"] == 1

    (message,) = mailbox.messages()
    assert message["Subject"] == SUBJECT
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    for said in (
        "About: Farooq Sattar",
        "Provider: Sindh Police — Special Security Unit",
        "Change: withdraw (Nominal → none",
        "Takes effect: 2026-01-30 15:00 PKT (2026-01-30T10:00:00Z)",
        "Why: A court ordered the change (court-order)",
        REASON,
        "Decided by: SSP Special Security Unit, approver for Sindh Police — Special Security "
        "Unit, 2026-01-27 15:00 PKT",
        f"Appeal page: {PUBLIC}/appeals?decision={decision}",
        "Act by: 30 Jan 2026",
        "Security desk: SSU notice desk, +92 21 9921 0000",
        "sent to you as liaison",
    ):
        assert said in text, said
    assert "ssu-chief" not in text and "sindh-police" not in message["Subject"]

    (attached,) = [p for p in message.iter_attachments()]
    assert attached.get_content_type() == "application/json"
    receipt_file = tmp_path / "receipt.json"
    receipt_file.write_bytes(attached.get_content())
    key = demo.cli("ledger", "public-key").stdout.strip()
    checked = demo.cli("ledger", "check-receipt", str(receipt_file), "--key", key, "--json")
    assert checked.exit_code == 0, checked.output
    proof = json.loads(checked.stdout)
    assert proof["kind"] == "decision.approved" and proof["payload"]["decision"] == decision


def test_the_webhook_document_names_the_person_and_includes_the_receipt(
    demo: Registry,
) -> None:
    with http_receiver() as receiver:
        add_channel(demo, "mqm-liaison", "user", "webhook", receiver.url + "/liaison")
        decision = decide_now(demo)
        signer = load_signer(demo.key_path)
        deliver_due(demo.engine, demo.clock, "w", None, signer=signer)
        (sent,) = receiver.accepted()

    document = json.loads(sent.body)
    assert document["body"]["protectee_name"] == "Farooq Sattar"
    assert document["body"]["provider_name"] == "Sindh Police — Special Security Unit"
    assert document["body"]["decided_by_name"] == "SSP Special Security Unit"
    assert document["body"]["appeal_url"] == f"{PUBLIC}/appeals?decision={decision}"
    result = check_receipt(document["receipt"], signer.verifier())
    assert result.kind == "decision.approved" and result.payload["decision"] == decision


def test_a_malformed_public_url_is_refused_naming_the_setting(
    demo: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIFAZAT_PUBLIC_URL", "hifazat.example.pk/appeals")
    proposed = demo.cli(
        "decide", "withdraw", "--protectee", "farooq-sattar", "--provider", "sindh-police",
        "--reason-code", "court-order", "--reason", REASON, "--by", "ssu-operator",
    )  # fmt: skip
    decision = proposed.stdout.strip()
    refused = demo.cli("approve", decision, "--by", "ssu-chief")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: HIFAZAT_PUBLIC_URL: ")
