"""Issue 20's "done when", walked through the command line on each database, with a real SMTP
server (aiosmtpd) and a real webhook receiver:

a withdrawal approved → the protectee and the liaison each receive an e-mail naming Farooq
Sattar and Sindh Police, with local times, an appeal link and the receipt attached (checked
offline with the ledger's public key); the decision rescinded → both receive a rescission
notice naming the first; a protectee login added → the next notice still reaches the channels
registered on the protectee; the SMTP server down → the worker's log names the failure, the
notice goes dead after its rounds (the fake clock steps through the back-off), `notices
requeue` brings it back and it is delivered. Everyone reads English here; the same walk in
two languages (the protectee in Urdu) is test_notice_languages.py."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from hifazat.domain.outbox import MAX_ATTEMPTS
from hifazat.notify import SmtpSettings
from tests.conftest import Registry
from tests.integration.test_notify_email import Mailbox, free_port
from tests.integration.test_notify_email import smtp as smtp  # the fixture
from tests.integration.test_notify_support import Receiver, allow_loopback, http_receiver

PUBLIC = "https://hifazat.example.pk"
PROTECTEE_MAIL = "farooq.sattar@example.pk"
LIAISON_MAIL = "security@mqm.example.pk"
WITHDRAW = "Sindh High Court order in C.P. D-1234/2026 — cover withdrawn pending the hearing"
RESCIND = "Redeployment cancelled: the processions are policed from the reserve"
GROUNDS = "The threat against me has not lessened since the last assessment"


def ok(reg: Registry, *args: str) -> Any:
    result = reg.cli(*args)
    assert result.exit_code == 0, (args, result.output)
    return result


def work(reg: Registry) -> Any:
    """One pass of `hifazat worker`, as an operator runs it."""
    return ok(reg, "worker", "--once", "--batch", "50")


def decide(reg: Registry, action: str, reason: str, *extra: str) -> str:
    proposed = ok(
        reg, "decide", action, "--protectee", "farooq-sattar", "--provider", "sindh-police",
        "--reason-code", "court-order", "--reason", reason, *extra,
        "--by", "ssu-operator",
    )  # fmt: skip
    decision = str(proposed.stdout.strip())
    ok(reg, "approve", decision, "--by", "ssu-chief")
    return decision


def channels_and_key(reg: Registry, hook: Receiver) -> str:
    """A registrar; e-mail and webhook channels on the protectee record, e-mail for the
    liaison; and the ledger's verifier key that every receipt is checked with."""
    ok(reg, "users", "add", "registrar", "--name", "Registrar", "--role", "admin")
    for owner, kind, address in (
        ("farooq-sattar", "email", PROTECTEE_MAIL),
        ("farooq-sattar", "webhook", hook.url + "/farooq"),
        ("mqm-liaison", "email", LIAISON_MAIL),
    ):
        ok(reg, "channels", "add", owner, "--kind", kind, "--address", address, "--by",
           "registrar")  # fmt: skip
    return str(ok(reg, "ledger", "public-key").stdout).strip()


def mails_to(mailbox: Mailbox, address: str) -> list[EmailMessage]:
    return [
        m
        for e, m in zip(mailbox.envelopes, mailbox.messages(), strict=True)
        if address in e.rcpt_tos
    ]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def notice_of(reg: Registry, recipient: str, subject: str, decision: str) -> dict[str, Any]:
    told = json.loads(ok(reg, "notices", "farooq-sattar", "--json").stdout)
    (found,) = [
        n
        for n in told
        if (n["recipient"], n["subject"], n["decision"]) == (recipient, subject, decision)
    ]
    return dict(found)


@pytest.fixture(autouse=True)
def _deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)
    monkeypatch.setenv("HIFAZAT_PUBLIC_URL", PUBLIC)


def test_the_notice_walk(
    demo: Registry,
    smtp: tuple[Mailbox, SmtpSettings],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    mailbox, settings = smtp
    with http_receiver() as hook:
        _walk(demo, mailbox, settings.port, hook, monkeypatch, tmp_path)


def _walk(
    reg: Registry,
    mailbox: Mailbox,
    smtp_port: int,
    hook: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    key = channels_and_key(reg, hook)

    # 1. a withdrawal approved: both told by e-mail, by name, locally timed, with the proof
    withdrawal = decide(reg, "withdraw", WITHDRAW)
    work(reg)
    subject = (
        "Hifazat: Sindh Police — Special Security Unit will withdraw cover from Farooq Sattar "
        "on 30 Jan 2026"
    )
    for address in (PROTECTEE_MAIL, LIAISON_MAIL):
        (mail,) = mails_to(mailbox, address)
        assert mail["Subject"] == subject
        text = text_of(mail)
        assert "About: Farooq Sattar" in text and WITHDRAW in text
        assert "Takes effect: 2026-01-30 15:00 PKT (2026-01-30T10:00:00Z)" in text
        assert "Decided by: SSP Special Security Unit" in text
        assert f"Appeal page: {PUBLIC}/appeals?decision={withdrawal}" in text
        assert "Act by: 30 Jan 2026" in text
        (receipt,) = list(mail.iter_attachments())
        saved = tmp_path / f"receipt-{address}.json"
        saved.write_bytes(receipt.get_content())
        checked = ok(reg, "ledger", "check-receipt", str(saved), "--key", key, "--json")
        proof = json.loads(checked.stdout)
        assert proof["kind"] == "decision.approved"
        assert proof["payload"]["decision"] == withdrawal
    (posted,) = hook.accepted("/farooq")
    assert json.loads(posted.body)["receipt"] is not None
    first = {
        who: notice_of(reg, who, "decision", withdrawal)["notice"]
        for who in ("farooq-sattar", "mqm-liaison")
    }

    # 2. the decision rescinded: both told, each notice naming the one it amends
    reg.clock.advance(hours=2)
    ok(reg, "rescind", withdrawal, "--by", "ssu-chief", "--reason", RESCIND)
    work(reg)
    for address, who in ((PROTECTEE_MAIL, "farooq-sattar"), (LIAISON_MAIL, "mqm-liaison")):
        _, later = mails_to(mailbox, address)
        assert "Farooq Sattar" in later["Subject"] and "rescinded" in later["Subject"]
        text = text_of(later)
        assert RESCIND in text and f"This notice amends notice {first[who]}." in text
        assert len(list(later.iter_attachments())) == 1

    # 3. a login of the protectee's own added: the record's channels still get the next notice
    ok(reg, "users", "add", "farooq", "--name", "Farooq Sattar", "--protectee",
       "farooq-sattar", "--by", "registrar")  # fmt: skip
    reg.clock.advance(hours=2)
    downgrade = decide(reg, "suspend", WITHDRAW)
    ran = work(reg)
    assert "no_channel" not in ran.stdout
    assert len(mails_to(mailbox, PROTECTEE_MAIL)) == 3
    assert [json.loads(p.body)["decision"] for p in hook.accepted("/farooq")][-1] == downgrade

    # 4. the SMTP server down: logged, retried through its rounds, dead, requeued, delivered
    monkeypatch.setenv("HIFAZAT_SMTP_PORT", str(free_port()))  # nothing listens there
    ok(reg, "appeal", "lodge", downgrade, "--by", "mqm-liaison", "--grounds", GROUNDS)
    appeal_notice = notice_of(reg, "mqm-liaison", "appeal-lodged", downgrade)["notice"]
    for round_ in range(1, MAX_ATTEMPTS + 1):
        ran = work(reg)
        assert f"notice send failed notice={appeal_notice}" in ran.stderr
        assert "reason='SMTP: ConnectionRefusedError" in ran.stderr
        if round_ < MAX_ATTEMPTS:
            assert f"notice retry notice={appeal_notice} rounds={round_} " in ran.stderr
        reg.clock.advance(hours=1)  # the longest back-off: always due again
    assert f"notice dead notice={appeal_notice} rounds={MAX_ATTEMPTS}" in ran.stderr
    dead = json.loads(ok(reg, "notices", "dead", "--json").stdout)
    assert [d["notice"] for d in dead] == [appeal_notice]
    assert "ConnectionRefusedError" in dead[0]["last_error"]

    monkeypatch.setenv("HIFAZAT_SMTP_PORT", str(smtp_port))  # the server is back
    ok(reg, "notices", "requeue", appeal_notice, "--by", "registrar", "--reason",
       "The mail relay is back after maintenance")  # fmt: skip
    ran = work(reg)
    assert f"notice delivered notice={appeal_notice}" in ran.stderr
    last = mails_to(mailbox, LIAISON_MAIL)[-1]
    assert last["Message-ID"].startswith(f"<{appeal_notice}@")
    assert "Appeal lodged" in last["Subject"] and "Farooq Sattar" in last["Subject"]
    assert ok(reg, "notices", "dead", "--json").stdout.strip() == "[]"
    assert ok(reg, "ledger", "verify").exit_code == 0
