"""What goes on the wire: the e-mail and the webhook document, both from the notice body and
the words of `domain.notice` (this module adds no wording of its own), with the receipt that
proves the change: attached to the e-mail as JSON, inside the webhook document."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from hifazat.domain.notice import email_text as notice_text
from hifazat.domain.notice import subject_line
from hifazat.domain.times import utc_text
from hifazat.store.outbox_store import ClaimedNotice


def receipt_name(notice: ClaimedNotice) -> str:
    return f"hifazat-receipt-{notice.id}.json"


def email_subject(notice: ClaimedNotice) -> str:
    return subject_line(notice.body)


def email_text(notice: ClaimedNotice) -> str:
    attached = receipt_name(notice) if notice.receipt is not None else None
    return notice_text(notice.body, notice.id, notice.recipient_kind, attached)


def email_message(notice: ClaimedNotice, sender: str, to: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = email_subject(notice)
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(now)
    # the same id on a resend, so a mailbox can fold a duplicate away
    domain = sender.rpartition("@")[2] or "hifazat.invalid"
    message["Message-ID"] = f"<{notice.id}@{domain}>"
    message.set_content(email_text(notice))
    if notice.receipt is not None:
        data = (json.dumps(notice.receipt, indent=2, sort_keys=True) + "\n").encode("utf-8")
        message.add_attachment(
            data, maintype="application", subtype="json", filename=receipt_name(notice)
        )
    return message


def webhook_document(notice: ClaimedNotice) -> bytes:
    """The JSON a webhook receives; the receiver deduplicates on `notice`."""
    document = {
        "notice": notice.id,
        "subject": notice.subject,
        "subject_id": notice.subject_id,
        "decision": notice.decision_id,
        "protectee": notice.protectee_id,
        "recipient": notice.recipient,
        "recipient_kind": notice.recipient_kind,
        "created_at": utc_text(notice.created_at),
        "body": notice.body,
        "receipt": notice.receipt,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
