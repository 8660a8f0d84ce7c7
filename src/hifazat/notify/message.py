"""What goes on the wire: the e-mail text and the webhook document, both from the notice body
composed in `domain.notice`, so that every channel tells the same thing."""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from hifazat.domain.times import utc_text
from hifazat.store.outbox_store import ClaimedNotice

#: body keys the e-mail lays out itself; any others (appeal, ratification) follow as a list
_LAID_OUT = {
    "subject",
    "headline",
    "decision",
    "action",
    "provider",
    "old_category",
    "new_category",
    "effective_at",
    "effective_local",
    "emergency",
    "reason_code",
    "reason",
    "proposed_by",
    "decided_by",
    "decided_at",
    "how_to_appeal",
}


def email_subject(notice: ClaimedNotice) -> str:
    headline = str(notice.body.get("headline") or notice.subject)
    # a header holds one line: fold anything else away rather than let it forge headers
    return "Hifazat: " + " ".join(headline.split())


def email_text(notice: ClaimedNotice) -> str:
    b = notice.body
    old = b.get("old_category") or "none"
    new = b.get("new_category") or "none (cover ends or stands down)"
    lines = [
        str(b.get("headline", "")),
        "",
        f"Decision: {b.get('decision')} ({b.get('action')} by {b.get('provider')})",
        f"Category: {old} → {new}",
        f"Takes effect: {b.get('effective_local')} ({b.get('effective_at')})",
    ]
    if b.get("emergency"):
        lines.append("Emergency decision: to be ratified by the committee")
    lines += [
        f"Reason code: {b.get('reason_code')}",
        "Reason:",
        str(b.get("reason", "")),
        "",
        f"Proposed by: {b.get('proposed_by')}",
        f"Decided by: {b.get('decided_by')} at {b.get('decided_at')}",
    ]
    extra = {k: v for k, v in b.items() if k not in _LAID_OUT and v is not None}
    if extra:
        lines.append("")
        lines += [f"{key.replace('_', ' ').capitalize()}: {value}" for key, value in extra.items()]
    lines += ["", "How to appeal:", str(b.get("how_to_appeal", "")), ""]
    lines.append(f"Notice {notice.id}, sent to you as {notice.recipient_kind}.")
    return "\n".join(lines) + "\n"


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
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")
