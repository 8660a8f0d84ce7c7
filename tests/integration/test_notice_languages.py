"""Issue 20's "in their chosen language", walked with a real SMTP server (aiosmtpd) and a real
webhook receiver on each database: the protectee's record says Urdu, the liaison reads English;
a withdrawal approved → the protectee's e-mail is in Urdu (names as stored, the local time in
Urdu's form, the receipt attached and checked offline), the liaison's in English; the webhook
carries the Urdu text beside its machine keys; the decision rescinded → the Urdu notice names
the one it amends; the liaison switched to Urdu by an admin → their next notice is in Urdu.
Bad languages are refused on the command line, in a scenario and on the API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hifazat.notify import SmtpSettings
from hifazat.services.importer import import_scenario
from tests.conftest import SCENARIO, Api, Registry, write_scenario
from tests.integration.test_notice_walk import (
    LIAISON_MAIL,
    PROTECTEE_MAIL,
    PUBLIC,
    RESCIND,
    WITHDRAW,
    channels_and_key,
    decide,
    mails_to,
    ok,
    text_of,
    work,
)
from tests.integration.test_notice_walk import _deployment as _deployment  # the fixture
from tests.integration.test_notify_email import Mailbox
from tests.integration.test_notify_email import smtp as smtp  # the fixture
from tests.integration.test_notify_support import Receiver, http_receiver

DEMO = SCENARIO.read_text("utf-8")
URDU_FAROOQ = DEMO.replace(
    "    name: Farooq Sattar\n", "    name: Farooq Sattar\n    language: ur\n", 1
)
SSU = "Sindh Police — Special Security Unit"
RLM = "\u200f"
#: 30 January 2026, 15:00 in Karachi, as Urdu writes it
KARACHI_URDU = "30 جنوری 2026، 15:00 پاکستان کا معیاری وقت"


@pytest.fixture
def urdu(registry: Registry, tmp_path: Path) -> Registry:
    """The demo, with Farooq Sattar's record asking for Urdu."""
    assert URDU_FAROOQ != DEMO
    import_scenario(
        registry.uow(), write_scenario(tmp_path, URDU_FAROOQ, "urdu.yaml"), registry.clock
    )
    return registry


def test_each_reads_their_notice_in_their_language(
    urdu: Registry, smtp: tuple[Mailbox, SmtpSettings], tmp_path: Path
) -> None:
    mailbox, _ = smtp
    with http_receiver() as hook:
        _walk(urdu, mailbox, hook, tmp_path)


def _walk(reg: Registry, mailbox: Mailbox, hook: Receiver, tmp_path: Path) -> None:
    key = channels_and_key(reg, hook)

    # 1. a withdrawal approved: the protectee told in Urdu, the liaison in English
    withdrawal = decide(reg, "withdraw", WITHDRAW)
    work(reg)
    (urdu,) = mails_to(mailbox, PROTECTEE_MAIL)
    assert urdu["Subject"] == (
        f"حفاظت: {SSU} نے 30 جنوری 2026 سے Farooq Sattar کی سیکیورٹی واپس لینے کا فیصلہ کیا ہے"
    )
    assert urdu["Content-Language"] == "ur"
    text = text_of(urdu)
    lines = text.splitlines()
    assert all(line.startswith(RLM) for line in lines if line), "each line reads from the right"
    said = text.replace(RLM, "")
    assert "کس کے بارے میں: Farooq Sattar" in said
    assert f"سیکیورٹی فراہم کرنے والا ادارہ: {SSU}" in said
    assert f"نافذ ہونے کا وقت: {KARACHI_URDU} (2026-01-30T10:00:00Z)" in said
    assert "تبدیلی: واپسی (پہلے: Nominal؛ اب: کوئی نہیں (سیکیورٹی ختم یا معطل))" in said
    assert WITHDRAW in said  # the reason verbatim, as given
    assert f"فیصلہ کرنے والے: SSP Special Security Unit، {SSU} کی جانب سے" in said
    assert f"اپیل کا صفحہ: {PUBLIC}/appeals?decision={withdrawal}" in said
    assert "آخری تاریخ: 30 جنوری 2026" in said
    assert "زیرِ تحفظ فرد کی حیثیت سے" in said
    assert not any(english in said for english in ("About:", "Takes effect", "Decided by"))

    (english,) = mails_to(mailbox, LIAISON_MAIL)
    assert english["Subject"] == (
        f"Hifazat: {SSU} will withdraw cover from Farooq Sattar on 30 Jan 2026"
    )
    assert english["Content-Language"] == "en"
    assert "Takes effect: 2026-01-30 15:00 PKT (2026-01-30T10:00:00Z)" in text_of(english)
    assert RLM not in text_of(english)

    for address, mail in ((PROTECTEE_MAIL, urdu), (LIAISON_MAIL, english)):
        (receipt,) = list(mail.iter_attachments())
        saved = tmp_path / f"receipt-{address}.json"
        saved.write_bytes(receipt.get_content())
        proof = json.loads(ok(reg, "ledger", "check-receipt", str(saved), "--key", key,
                              "--json").stdout)  # fmt: skip
        assert (proof["kind"], proof["payload"]["decision"]) == ("decision.approved", withdrawal)

    (posted,) = hook.accepted("/farooq")
    document = json.loads(posted.body)
    assert document["body"]["action"] == "withdraw" and document["receipt"] is not None
    assert document["body"]["language"] == "ur"
    assert document["text"]["language"] == "ur"
    assert document["text"]["subject"] == urdu["Subject"]
    assert "کس کے بارے میں: Farooq Sattar" in document["text"]["body"]

    # 2. rescinded: the Urdu notice says so and names the notice it amends
    told = json.loads(ok(reg, "notices", "farooq-sattar", "--json").stdout)
    (first,) = [n["notice"] for n in told if n["recipient"] == "farooq-sattar"]
    reg.clock.advance(hours=2)
    ok(reg, "rescind", withdrawal, "--by", "ssu-chief", "--reason", RESCIND)
    work(reg)
    _, later = mails_to(mailbox, PROTECTEE_MAIL)
    assert later["Subject"] == (
        f"حفاظت: {SSU} کا Farooq Sattar کی سیکیورٹی واپس لینے کا فیصلہ منسوخ کر دیا گیا ہے"
    )
    said = text_of(later).replace(RLM, "")
    assert RESCIND in said and "منسوخ کرنے والے: SSP Special Security Unit" in said
    assert f"یہ اطلاع، اطلاع {first} میں ترمیم کرتی ہے۔" in said
    assert (
        "has been rescinded" not in said
        and "rescinded" in mails_to(mailbox, LIAISON_MAIL)[-1]["Subject"]
    )

    # 3. the liaison asks for Urdu: an admin sets it, and their next notice is in Urdu
    refused = reg.cli("users", "language", "mqm-liaison", "ur", "--by", "ssu-chief")
    assert refused.exit_code == 2 and refused.stderr.startswith("error: R-AUTHORITY: ")
    set_ = ok(reg, "users", "language", "mqm-liaison", "ur", "--by", "registrar")
    assert set_.stdout.strip() == "mqm-liaison: notices in ur"
    reg.clock.advance(hours=2)
    decide(reg, "suspend", WITHDRAW)
    work(reg)
    last = mails_to(mailbox, LIAISON_MAIL)[-1]
    assert last["Subject"].startswith(f"حفاظت: {SSU} نے ")
    assert "Farooq Sattar کی سیکیورٹی معطل کرنے" in last["Subject"]
    assert "رابطہ کار کی حیثیت سے" in text_of(last)
    assert ok(reg, "ledger", "verify").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ("users", "language", "mqm-liaison", "fr", "--by", "registrar"),
        ("users", "add", "clerk", "--name", "Clerk", "--language", "urdu", "--by", "registrar"),
    ],
)
def test_a_language_not_spoken_is_refused_on_the_command_line(
    demo: Registry, args: tuple[str, ...]
) -> None:
    ok(demo, "users", "add", "registrar", "--name", "Registrar", "--role", "admin")
    before = demo.dump()
    refused = demo.cli(*args)
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith("error: language: ")
    assert "is not a language; choose en or ur" in refused.stderr
    assert demo.dump() == before


def test_a_scenario_language_is_checked_and_named_by_line(
    registry: Registry, tmp_path: Path
) -> None:
    text = URDU_FAROOQ.replace("    language: ur\n", "    language: Urdu\n")
    path = write_scenario(tmp_path, text)
    result = registry.cli("import", str(path))
    assert result.exit_code == 2, result.output
    line = text.splitlines().index("    language: Urdu") + 1
    assert f"broken.yaml:{line}:" in result.stderr, result.stderr
    assert "is not a language; choose en or ur" in result.stderr
    assert registry.dump() == {k: [] for k in registry.dump()}


def test_the_api_adds_a_user_with_their_language(api: Api) -> None:
    made = api.call("POST", "/api/v1/users", "admin",
                    json={"id": "clerk", "name": "Clerk", "language": "ur"})  # fmt: skip
    assert made.status_code == 201, made.text
    with api.reg.uow() as uow:
        assert uow.repo.user("clerk").language == "ur"
    refused = api.call("POST", "/api/v1/users", "admin",
                       json={"id": "clerk2", "name": "Clerk", "language": "fr"})  # fmt: skip
    assert refused.status_code == 422
    assert "language" in refused.text
