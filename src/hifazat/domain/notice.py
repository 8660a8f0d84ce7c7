"""Notices: what a protectee and their consenting liaisons are told about a decision.

The text is composed here, from the decision itself, so that every channel (the outbox, e-mail,
webhooks, the protectee's page) tells the same thing: what changes, when, why, who decided, and
how to appeal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hifazat.domain.coverage import Cover
from hifazat.domain.decision import Action, Decision
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.times import format_duration, local_text, utc_text


@dataclass(frozen=True)
class Notice:
    id: str
    subject: str  # decision | appeal | ratification
    subject_id: str
    decision_id: str
    protectee_id: str
    recipient: str
    recipient_kind: str  # protectee | liaison
    created_at: datetime
    body: dict[str, Any]
    state: str = "pending"


def recipients(protectee: Protectee) -> list[tuple[str, str]]:
    """The protectee (addressed by their record, whatever logins they have: the worker sends to
    the channels of the record and of every one of their logins) and each consenting liaison."""
    return [(protectee.id, "protectee")] + [(liaison, "liaison") for liaison in protectee.liaisons]


def decision_body(
    decision: Decision,
    before: Cover | None,
    policy: Policy,
    subject: str,
    headline: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    assert decision.effective_at is not None
    effect = decision.takes_effect_at or decision.effective_at
    return {
        "subject": subject,
        "headline": headline,
        "decision": decision.id,
        "action": decision.action.value,
        "provider": decision.provider_id,
        "old_category": before.category_id if before and before.open else None,
        "new_category": _new_category(decision, before),
        "effective_at": utc_text(effect),
        "effective_local": local_text(effect, policy.timezone),
        "emergency": decision.emergency,
        "reason_code": decision.reason_code,
        "reason": decision.reason,
        "proposed_by": decision.proposed_by,
        "decided_by": decision.approved_by,
        "decided_at": utc_text(decision.decided_at) if decision.decided_at else None,
        "how_to_appeal": (
            f"You, or a liaison acting with your consent, may appeal to the committee: "
            f"`hifazat appeal lodge {decision.id} --by YOU --grounds ...`, or through your "
            f"security desk. The committee must decide within "
            f"{format_duration(policy.appeal_decide_within)}. A withdrawal, downgrade or "
            f"suspension appealed before it takes effect waits for that decision."
        ),
        **(extra or {}),
    }


def _new_category(decision: Decision, before: Cover | None) -> str | None:
    """The category after the change; None where cover ends or stands down."""
    if decision.action in (Action.WITHDRAW, Action.SUSPEND):
        return None
    if decision.category_id is not None:
        return decision.category_id
    return before.category_id if before else None
