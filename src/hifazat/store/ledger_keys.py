"""The key of every record each entry kind covers, as SQL: so that `ledger verify` can ask the
database which records have no entry (an anti-join) instead of holding every key in memory.

Each expression spells the key exactly as the loader in `ledger_records` does (a test holds
the two to the same keys); `decision.effective` is absent, as an effect is entered only once
its time has come."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, String, cast, except_, literal, select

from hifazat.domain.users import ROLE_SEP
from hifazat.store import tables as t


def _text(column: Any) -> Any:
    return cast(column, String)


def _outcome(outcome: str) -> Select[Any]:
    o = t.notice_outcomes
    return select(_text(o.c.id)).where(o.c.outcome == outcome)


#: kind -> a query of the keys of the records that kind must cover
RECORD_KEYS: dict[str, Select[Any]] = {
    "policy.loaded": select(_text(t.policies.c.seq)),
    "provider.added": select(t.providers.c.id),
    "protectee.added": select(t.protectees.c.id),
    "user.added": select(t.users.c.id),
    "role.granted": select(t.user_roles.c.user_id + literal(ROLE_SEP) + t.user_roles.c.role),
    "decision.proposed": select(t.decisions.c.id),
    "decision.step_approved": select(
        t.approval_steps.c.decision_id + literal(" ") + _text(t.approval_steps.c.step)
    ),
    "decision.approved": select(t.decisions.c.id).join(
        t.approvals, t.approvals.c.decision_id == t.decisions.c.id
    ),
    "decision.rescinded": select(t.rescissions.c.decision_id),
    "decision.ratified": select(t.ratifications.c.decision_id),
    "threat.assessed": select(t.threat_assessments.c.id),
    "discrepancy.reported": select(t.discrepancies.c.id),
    "discrepancy.resolved": select(t.discrepancy_resolutions.c.report_id),
    "review.recorded": select(t.reviews.c.id),
    "appeal.lodged": select(t.appeals.c.id),
    "appeal.decided": select(t.appeal_outcomes.c.appeal_id),
    "attempt.refused": select(t.attempts.c.id),
    "notice.created": select(t.notices.c.id),
    "notice.attempted": select(_text(t.deliveries.c.id)),
    "notice.delivered": _outcome("delivered"),
    "notice.dead": _outcome("dead"),
    "notice.requeued": _outcome("requeued"),
    "officer.added": select(t.officers.c.id),
    "vehicle.added": select(t.vehicles.c.id),
    "roster.published": select(t.rosters.c.id),
    "attendance.recorded": select(t.attendance.c.id),
    "event.recorded": select(t.public_events.c.id),
    "export.made": select(t.exports.c.id),
}


def unentered(c: Connection, kind: str) -> list[str]:
    """The keys of `kind`'s records that no entry of that kind names, sorted; the database does
    the comparison, so this costs no memory while the log is whole."""
    e, w = t.ledger_entries, t.ledger_pending
    entered = select(_text(e.c.ref)).where(e.c.kind == kind)
    # a change committed in a group whose batch was not yet entered in this snapshot
    waiting = select(_text(w.c.ref)).where(w.c.kind == kind, w.c.seq.is_(None))
    query = except_(RECORD_KEYS[kind], entered, waiting)
    return sorted(str(k) for k in c.execute(query).scalars())
