"""What goes on the wire: the e-mail and the webhook document, both from the notice body and
the words of `domain.notice` (this module adds no wording of its own), in the language the body
was written in, with the receipt that proves the change: attached to the e-mail as JSON, inside
the webhook document."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from hifazat.domain.notice import email_text as notice_text
from hifazat.domain.notice import subject_line, words_of
from hifazat.domain.outbox import ClaimedNotice
from hifazat.domain.times import utc_text
from hifazat.domain.words import English, Words
from hifazat.i18n import words

#: the direction each language is written in
DIRECTION = {"en": "ltr", "ur": "rtl"}
RLM = "\u200f"


def receipt_name(notice: ClaimedNotice) -> str:
    return f"hifazat-receipt-{notice.id}.json"


def words_for(notice: ClaimedNotice) -> Words:
    """The body's language and zone; a body from before languages reads as it was written."""
    language, zone = words_of(notice.body)
    if zone is None:
        return English()
    return words(language, zone)


def email_subject(notice: ClaimedNotice) -> str:
    return subject_line(notice.body, words_for(notice))


def email_text(notice: ClaimedNotice) -> str:
    attached = receipt_name(notice) if notice.receipt is not None else None
    return notice_text(notice.body, notice.id, notice.recipient_kind, attached, words_for(notice))


def directed(text: str, language: str) -> str:
    """Plain text a mail reader lays out in the language's direction: each line of a
    right-to-left language opens with a right-to-left mark, so a line that begins with a name in
    Latin letters (Sindh Police ...) still reads from the right. No HTML part: one text, read
    alike everywhere."""
    if DIRECTION.get(language) != "rtl":
        return text
    return "\n".join(RLM + line if line else line for line in text.split("\n"))


def email_message(notice: ClaimedNotice, sender: str, to: str, now: datetime) -> EmailMessage:
    language = words_for(notice).language
    message = EmailMessage()
    message["Subject"] = email_subject(notice)
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(now)
    message["Content-Language"] = language  # of the text (RFC 3282)
    # the same id on a resend, so a mailbox can fold a duplicate away
    domain = sender.rpartition("@")[2] or "hifazat.invalid"
    message["Message-ID"] = f"<{notice.id}@{domain}>"
    message.set_content(directed(email_text(notice), language))
    if notice.receipt is not None:
        data = (json.dumps(notice.receipt, indent=2, sort_keys=True) + "\n").encode("utf-8")
        message.add_attachment(
            data, maintype="application", subtype="json", filename=receipt_name(notice)
        )
        # the text part took the header with it when the message became multipart
        message["Content-Language"] = language
    return message


def webhook_document(notice: ClaimedNotice) -> bytes:
    """The JSON a webhook receives; the receiver deduplicates on `notice`. Beside the machine
    keys, `text` is the notice as the e-mail reads, in the recipient's language."""
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
        "text": {
            "language": words_for(notice).language,
            "subject": email_subject(notice),
            "body": email_text(notice),
        },
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
