"""A decision's notice by e-mail, through a real SMTP server on this host; and what happens to
a notice whose recipient has no channel yet."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from hifazat.cli.delivery import deliver_due
from hifazat.notify import SmtpSettings
from hifazat.services.notices import notices_of
from hifazat.store import outbox_store
from tests.conftest import Registry
from tests.integration.test_notify_support import REASON, add_channel, decide_now, notice_ids


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        found = []
        for envelope in self.envelopes:
            assert isinstance(envelope.content, bytes)
            parsed = email.message_from_bytes(envelope.content, policy=default)
            assert isinstance(parsed, EmailMessage)
            found.append(parsed)
        return found


def free_port() -> int:
    # aiosmtpd's controller checks readiness by connecting to its port, so it cannot take 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Mailbox, SmtpSettings]]:
    """A local SMTP server, and the worker's settings for it, read as a deployment would."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("HIFAZAT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HIFAZAT_SMTP_PORT", str(port))
    monkeypatch.setenv("HIFAZAT_SMTP_SENDER", "notices@hifazat.example")
    try:
        yield mailbox, SmtpSettings()
    finally:
        controller.stop()


def test_a_decision_notice_arrives_by_email_with_its_reason_verbatim(
    demo: Registry, smtp: tuple[Mailbox, SmtpSettings]
) -> None:
    mailbox, settings = smtp
    add_channel(demo, "farooq-sattar", "protectee", "email", "farooq.sattar@example.pk")
    decision = decide_now(demo)
    ids = notice_ids(demo, decision)

    run = deliver_due(demo.engine, demo.clock, "worker-1", settings)

    assert run.counts["claimed"] == 2
    assert run.counts["delivered"] == 1 and run.counts["no_channel"] == 1
    assert [e.rcpt_tos for e in mailbox.envelopes] == [["farooq.sattar@example.pk"]]
    (message,) = mailbox.messages()
    assert message["Subject"] == (
        "Hifazat: Sindh Police — Special Security Unit will withdraw cover from Farooq Sattar "
        "on 30 Jan 2026"
    )
    assert message["From"] == "notices@hifazat.example"
    assert message["Message-ID"] == f"<{ids['farooq-sattar']}@hifazat.example>"
    text = message.get_content()
    assert REASON in text
    assert "Change: withdraw (Nominal → none" in text
    assert "2026-01-30 15:00 PKT (2026-01-30T10:00:00Z)" in text  # 72 h notice, Karachi time
    assert "Decided by: SSP Special Security Unit" in text
    assert decision in text
    with demo.engine.connect() as c:
        sent = outbox_store.outbox_state(c, ids["farooq-sattar"])
        (attempt,) = outbox_store.deliveries_of(c, ids["farooq-sattar"])
    assert (sent.state, sent.attempts, sent.delivered_at) == ("delivered", 1, demo.clock())
    assert attempt.ok and sent.claimed_by is None


def test_smtp_credentials_stay_hidden_and_never_go_in_the_clear(
    demo: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIFAZAT_SMTP_HOST", "smtp.example.pk")
    monkeypatch.setenv("HIFAZAT_SMTP_USER", "hifazat")
    monkeypatch.setenv("HIFAZAT_SMTP_PASSWORD", "not-to-be-seen")
    settings = SmtpSettings()
    assert "not-to-be-seen" not in repr(settings) + str(settings)
    with pytest.raises(ValueError, match="STARTTLS"):
        settings.channel()
    monkeypatch.setenv("HIFAZAT_SMTP_STARTTLS", "true")
    channel = SmtpSettings().channel()
    assert channel is not None and "not-to-be-seen" not in repr(channel)
    # no host: e-mail channels fail as attempts (and are retried) rather than vanish
    monkeypatch.delenv("HIFAZAT_SMTP_HOST")
    add_channel(demo, "farooq-sattar", "protectee", "email", "farooq.sattar@example.pk")
    notice = notice_ids(demo, decide_now(demo))["farooq-sattar"]
    assert deliver_due(demo.engine, demo.clock, "worker-1", SmtpSettings()).counts["retried"] == 1
    with demo.engine.connect() as c:
        (attempt,) = outbox_store.deliveries_of(c, notice)
    assert (attempt.ok, attempt.detail) == (False, "no email transport configured")


def test_a_notice_without_a_channel_waits_and_goes_once_a_channel_is_added(
    demo: Registry, smtp: tuple[Mailbox, SmtpSettings]
) -> None:
    mailbox, settings = smtp
    decision = decide_now(demo)
    liaison_notice = notice_ids(demo, decision)["mqm-liaison"]

    assert deliver_due(demo.engine, demo.clock, "worker-1", settings).counts["no_channel"] == 2
    with demo.engine.connect() as c:
        waiting = outbox_store.outbox_state(c, liaison_notice)
    # not a failed attempt: it does not count towards dead, and it is looked at again hourly
    assert (waiting.state, waiting.attempts, waiting.last_error) == ("pending", 0, "no channel")
    assert waiting.next_attempt_at == demo.clock() + timedelta(hours=1)
    demo.clock.advance(minutes=5)
    assert deliver_due(demo.engine, demo.clock, "worker-1", settings).counts["claimed"] == 0

    add_channel(demo, "mqm-liaison", "user", "email", "security@mqm.example.pk")
    run = deliver_due(demo.engine, demo.clock, "worker-1", settings)

    assert run.counts["claimed"] == 1 and run.counts["delivered"] == 1
    assert [e.rcpt_tos for e in mailbox.envelopes] == [["security@mqm.example.pk"]]
    (message,) = mailbox.messages()
    assert "sent to you as liaison" in message.get_content()
    states = {n.recipient: n.state for n, _ in notices_of(demo.uow(), "farooq-sattar")}
    assert states == {"farooq-sattar": "pending", "mqm-liaison": "delivered"}
