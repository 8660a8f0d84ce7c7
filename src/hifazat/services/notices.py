"""The outbox: notices written in the same transaction as what they tell of."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hifazat.domain.coverage import Cover
from hifazat.domain.decision import Decision
from hifazat.domain.notice import Notice, decision_body, recipients
from hifazat.services.ids import new_id
from hifazat.services.ledger import receipt_if_covered
from hifazat.store.uow import UnitOfWork


def create(
    uow: UnitOfWork,
    decision: Decision,
    before: Cover | None,
    subject: str,
    subject_id: str,
    headline: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> list[Notice]:
    """One notice to the protectee and one to each consenting liaison, each entered in the
    ledger with the change it tells of (one query at commit, however many recipients)."""
    repo = uow.repo
    protectee = repo.protectee(decision.protectee_id)
    body = decision_body(decision, before, repo.policy(), subject, headline, extra)
    made = []
    for recipient, kind in recipients(protectee, repo.logins_of(protectee.id)):
        notice = Notice(
            id=new_id("n"),
            subject=subject,
            subject_id=subject_id,
            decision_id=decision.id,
            protectee_id=protectee.id,
            recipient=recipient,
            recipient_kind=kind,
            created_at=now,
            body=body,
        )
        repo.add_notice(notice)
        uow.record("notice.created", notice.id)
        made.append(notice)
    return made


def notices_of(uow: UnitOfWork, protectee_id: str) -> list[tuple[Notice, dict[str, Any] | None]]:
    """A protectee's notices, each with its decision's receipt once a checkpoint covers it."""
    with uow.reading():
        uow.repo.protectee(protectee_id)
        found = uow.repo.notices(protectee_id)
        receipts = {d: receipt_if_covered(uow, d) for d in {n.decision_id for n in found}}
    return [(n, receipts[n.decision_id]) for n in found]
