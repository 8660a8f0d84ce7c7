"""What each ledger entry says, computed from the domain tables.

Writing an entry and verifying one call the same function here, so an entry can only ever
agree with its record: a change made behind the application's back to either one shows.
Each kind maps a record key to `(at, actor, payload)`; given no keys it returns every record."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, select

from hifazat.domain.times import utc_text
from hifazat.domain.users import ROLE_SEP, role_key
from hifazat.store import tables as t

Record = tuple[datetime, str, dict[str, Any]]
Loader = Callable[[Connection, Sequence[str] | None], dict[str, Record]]
SYSTEM = "system"


def _time(value: datetime | None) -> str | None:
    return utc_text(value) if value is not None else None


def _where(query: Select[Any], column: Any, keys: Sequence[str] | None) -> Select[Any]:
    return query if keys is None else query.where(column.in_(list(keys)))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _policies(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    query = select(t.policies)
    if keys is not None:
        query = query.where(t.policies.c.seq.in_([int(k) for k in keys]))
    out = {}
    for r in c.execute(query):
        document = json.dumps(r.document, sort_keys=True, separators=(",", ":"))
        payload = {"policy": r.id, "document_sha256": _sha256(document)}
        out[str(r.seq)] = (r.loaded_at, r.loaded_by or SYSTEM, payload)
    return out


def _providers(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    categories: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in c.execute(_where(select(t.categories), t.categories.c.provider_id, keys)):
        categories[r.provider_id].append(
            {
                "id": r.id,
                "name": r.name,
                "rank": r.rank,
                "personnel": r.personnel,
                "vehicles": r.vehicles,
            }
        )
    out = {}
    for r in c.execute(_where(select(t.providers), t.providers.c.id, keys)):
        payload = {
            "provider": r.id,
            "name": r.name,
            "level": r.level,
            "jurisdiction": r.jurisdiction,
            "pool": {"personnel": r.pool_personnel, "vehicles": r.pool_vehicles},
            "categories": sorted(categories[r.id], key=lambda x: x["rank"]),
        }
        out[r.id] = (r.created_at, r.created_by or SYSTEM, payload)
    return out


def _protectees(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    offices: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in c.execute(_where(select(t.offices), t.offices.c.protectee_id, keys)):
        offices[r.protectee_id].append(
            {
                "class": r.office_class,
                "title": r.title,
                "since": r.since.isoformat(),
                "until": r.until.isoformat() if r.until else None,
            }
        )
    affiliations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in c.execute(_where(select(t.affiliations), t.affiliations.c.protectee_id, keys)):
        affiliations[r.protectee_id].append(
            {
                "name": r.name,
                "since": r.since.isoformat() if r.since else None,
                "until": r.until.isoformat() if r.until else None,
            }
        )
    liaisons: dict[str, list[str]] = defaultdict(list)
    for r in c.execute(_where(select(t.liaisons), t.liaisons.c.protectee_id, keys)):
        liaisons[r.protectee_id].append(r.user_id)
    out = {}
    for r in c.execute(_where(select(t.protectees), t.protectees.c.id, keys)):
        payload = {
            "protectee": r.id,
            "name": r.name,
            "public_figure": r.public_figure,
            "offices": sorted(offices[r.id], key=lambda o: (o["since"], o["class"], o["title"])),
            "affiliations": sorted(affiliations[r.id], key=lambda a: (a["since"] or "", a["name"])),
            "liaisons": sorted(liaisons[r.id]),
        }
        out[r.id] = (r.created_at, r.created_by or SYSTEM, payload)
    return out


def _users(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    for r in c.execute(_where(select(t.users), t.users.c.id, keys)):
        payload = {"user": r.id, "name": r.name, "protectee": r.protectee_id}
        out[r.id] = (r.created_at, r.created_by or SYSTEM, payload)
    return out


def _roles(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    query = select(t.user_roles)
    if keys is not None:
        users = sorted({k.split(ROLE_SEP)[0] for k in keys})
        query = query.where(t.user_roles.c.user_id.in_(users))
    out = {}
    for r in c.execute(query):
        key = role_key(r.user_id, r.role)
        if keys is None or key in keys:
            out[key] = (r.granted_at, r.granted_by or SYSTEM, {"user": r.user_id, "role": r.role})
    return out


def _proposal(r: Any) -> dict[str, Any]:
    return {
        "decision": r.id,
        "protectee": r.protectee_id,
        "provider": r.provider_id,
        "action": r.action,
        "category": r.category_id,
        "basis": r.basis,
        "reason_code": r.reason_code,
        "reason": r.reason,
        "emergency": r.emergency,
        "proposed_by": r.proposed_by,
        "proposed_at": _time(r.proposed_at),
        "requested_effective_at": _time(r.requested_effective_at),
    }


def _proposed(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    return {
        r.id: (r.proposed_at, r.proposed_by, _proposal(r))
        for r in c.execute(_where(select(t.decisions), t.decisions.c.id, keys))
    }


def _approved(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """The whole decision, so that one entry (and one receipt) proves what was decided."""
    d, a = t.decisions, t.approvals
    query = select(d, a.c.approved_by, a.c.approved_at, a.c.effective_at, a.c.seq).join(
        a, a.c.decision_id == d.c.id
    )
    out = {}
    for r in c.execute(_where(query, d.c.id, keys)):
        payload = {
            **_proposal(r),
            "approved_by": r.approved_by,
            "decided_at": _time(r.approved_at),
            "effective_at": _time(r.effective_at),
            "order": r.seq,
        }
        out[r.id] = (r.approved_at, r.approved_by, payload)
    return out


def _rescinded(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    query = _where(select(t.rescissions), t.rescissions.c.decision_id, keys)
    return {
        r.decision_id: (
            r.rescinded_at,
            r.rescinded_by,
            {"decision": r.decision_id, "reason": r.reason},
        )
        for r in c.execute(query)
    }


def _effective(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """A decision's effect, recorded once its time has come (approved and never rescinded)."""
    a, r = t.approvals, t.rescissions
    query = (
        select(a.c.decision_id, a.c.effective_at)
        .select_from(a.outerjoin(r, r.c.decision_id == a.c.decision_id))
        .where(r.c.decision_id.is_(None))
    )
    return {
        row.decision_id: (row.effective_at, SYSTEM, {"decision": row.decision_id})
        for row in c.execute(_where(query, a.c.decision_id, keys))
    }


def _assessments(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """The summary is restricted: the ledger holds its hash, which proves it without telling it."""
    out = {}
    for r in c.execute(_where(select(t.threat_assessments), t.threat_assessments.c.id, keys)):
        payload = {
            "assessment": r.id,
            "protectee": r.protectee_id,
            "level": r.level,
            "agency": r.agency,
            "assessed_at": _time(r.assessed_at),
            "valid_until": _time(r.valid_until),
            "summary_sha256": _sha256(r.summary),
        }
        out[r.id] = (r.entered_at, r.entered_by, payload)
    return out


def _reports(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    for r in c.execute(_where(select(t.discrepancies), t.discrepancies.c.id, keys)):
        payload = {
            "report": r.id,
            "protectee": r.protectee_id,
            "provider": r.provider_id,
            "observed_at": _time(r.observed_at),
            "text": r.text,
        }
        out[r.id] = (r.reported_at, r.reported_by, payload)
    return out


def _record_sha256(record: list[Any]) -> str:
    return _sha256(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


def _officers(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """Need-to-know: the ledger holds the provider and a hash of the officer's record (number,
    name, rank, unit, qualifications, absences), which proves it without telling it."""
    o, a = t.officers, t.officer_absences
    away: dict[str, list[str]] = defaultdict(list)
    for r in c.execute(_where(select(a), a.c.officer_id, keys).order_by(a.c.id)):
        away[r.officer_id].append(f"{r.kind}:{r.first_day.isoformat()}:{r.last_day.isoformat()}")
    out = {}
    for r in c.execute(_where(select(o), o.c.id, keys)):
        record = [r.service_number, r.name, r.rank, r.unit, r.qualifications, away.get(r.id, [])]
        payload = {
            "officer": r.id,
            "provider": r.provider_id,
            "record_sha256": _record_sha256(record),
        }
        out[r.id] = (r.added_at, r.added_by or SYSTEM, payload)
    return out


def _vehicles(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    for r in c.execute(_where(select(t.vehicles), t.vehicles.c.id, keys)):
        record = [r.registration, r.kind, r.state]
        payload = {
            "vehicle": r.id,
            "provider": r.provider_id,
            "kind": r.kind,
            "record_sha256": _record_sha256(record),
        }
        out[r.id] = (r.added_at, r.added_by or SYSTEM, payload)
    return out


def _rosters(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """Need-to-know: the roster's range and the SHA-256 of its assignments, never who stands
    where."""
    a = t.roster_assignments
    held: dict[str, list[list[str]]] = defaultdict(list)
    query = _where(select(a), a.c.roster_id, keys).order_by(a.c.roster_id, a.c.day, a.c.officer)
    for r in c.execute(query):
        held[r.roster_id].append([r.officer, r.day.isoformat(), r.shift, r.protectee_id])
    out = {}
    for r in c.execute(_where(select(t.rosters), t.rosters.c.id, keys)):
        payload = {
            "roster": r.id,
            "provider": r.provider_id,
            "version": r.version,
            "first_day": r.first_day.isoformat(),
            "days": r.days,
            "assignments": len(held.get(r.id, [])),
            "assignments_sha256": _record_sha256(held.get(r.id, [])),
        }
        out[r.id] = (r.published_at, r.published_by, payload)
    return out


def _attendance(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """Need-to-know: which provider's desk recorded a check and a hash of what it said (who,
    where, when, in which car), never the officer or the post."""
    a = t.attendance
    out = {}
    for r in c.execute(_where(select(a), a.c.id, keys)):
        record = [r.officer, r.protectee_id, r.kind, utc_text(r.at), r.vehicle]
        payload = {
            "check": r.id,
            "provider": r.provider_id,
            "record_sha256": _record_sha256(record),
        }
        out[r.id] = (r.recorded_at, r.recorded_by, payload)
    return out


def _events(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """Public by nature: the whole event, as entered."""
    e = t.public_events
    out = {}
    for r in c.execute(_where(select(e), e.c.id, keys)):
        payload = {
            "event": r.id,
            "at": _time(r.at),
            "affiliation": r.affiliation,
            "kind": r.kind,
            "title": r.title,
            "source": r.source,
        }
        out[r.id] = (r.entered_at, r.entered_by, payload)
    return out


def _exports(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """Who read which restricted records, when and why: the rows by count and digest (their
    ids name protectees), never the key of the marks."""
    e = t.exports
    out = {}
    for r in c.execute(_where(select(e), e.c.id, keys)):
        rows = r.row_ids.split("\n") if r.row_ids else []
        payload = {
            "export": r.id,
            "kind": r.kind,
            "reader": r.reader,
            "reason": r.reason,
            "rows": len(rows),
            "rows_sha256": hashlib.sha256(r.row_ids.encode("utf-8")).hexdigest(),
        }
        out[r.id] = (r.made_at, r.reader, payload)
    return out


def _attempts(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    for r in c.execute(_where(select(t.attempts), t.attempts.c.id, keys)):
        payload = {"attempt": r.id, "command": r.command, "subject": r.subject, "rules": r.rules}
        out[r.id] = (r.at, r.actor, payload)
    return out


def _steps(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    s = t.approval_steps
    query = select(s)
    if keys is not None:
        query = query.where(s.c.decision_id.in_(sorted({k.split(" ")[0] for k in keys})))
    out = {}
    for r in c.execute(query):
        key = f"{r.decision_id} {r.step}"
        if keys is None or key in keys:
            payload = {"decision": r.decision_id, "step": r.step, "role": r.role}
            out[key] = (r.approved_at, r.approved_by, payload)
    return out


def _ratified(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    for r in c.execute(_where(select(t.ratifications), t.ratifications.c.decision_id, keys)):
        payload = {
            "decision": r.decision_id,
            "refused": r.refused,
            "reason": r.reason,
            "restoring_decision": r.restoring_decision_id,
        }
        out[r.decision_id] = (r.ratified_at, r.ratified_by, payload)
    return out


def _appeals(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    for r in c.execute(_where(select(t.appeals), t.appeals.c.id, keys)):
        payload = {"appeal": r.id, "decision": r.decision_id, "grounds": r.grounds}
        out[r.id] = (r.lodged_at, r.lodged_by, payload)
    return out


def _appeal_outcomes(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    o = t.appeal_outcomes
    for r in c.execute(_where(select(o), o.c.appeal_id, keys)):
        payload = {
            "appeal": r.appeal_id,
            "outcome": r.outcome,
            "reason": r.reason,
            "restoring_decision": r.restoring_decision_id,
        }
        out[r.appeal_id] = (r.decided_at, r.decided_by, payload)
    return out


def _reviews(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    for r in c.execute(_where(select(t.reviews), t.reviews.c.id, keys)):
        payload = {
            "review": r.id,
            "coverage": r.coverage,
            "outcome": r.outcome,
            "reason": r.reason,
            "decision": r.decision_id,
        }
        out[r.id] = (r.reviewed_at, r.reviewed_by, payload)
    return out


def _resolutions(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    out = {}
    res = t.discrepancy_resolutions
    for r in c.execute(_where(select(res), res.c.report_id, keys)):
        payload = {
            "report": r.report_id,
            "outcome": r.outcome,
            "reason": r.reason,
            "decision": r.decision_id,
        }
        out[r.report_id] = (r.resolved_at, r.resolved_by, payload)
    return out


def _integer_keys(query: Select[Any], column: Any, keys: Sequence[str] | None) -> Select[Any]:
    return query if keys is None else query.where(column.in_([int(k) for k in keys]))


def body_sha256(body: Any) -> str:
    """The hash of a notice's body, over sorted-key JSON: what the recipient was told."""
    return _sha256(json.dumps(body, sort_keys=True, separators=(",", ":")))


def _notices(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """A notice as written with the change it tells of. The body is entered by its hash, which
    proves what the recipient was told without copying it into the log."""
    n = t.notices
    query = select(
        n.c.id,
        n.c.subject,
        n.c.subject_id,
        n.c.decision_id,
        n.c.protectee_id,
        n.c.recipient,
        n.c.recipient_kind,
        n.c.created_at,
        n.c.body,
    )
    out = {}
    for r in c.execute(_where(query, n.c.id, keys)):
        payload = {
            "notice": r.id,
            "subject": r.subject,
            "subject_id": r.subject_id,
            "decision": r.decision_id,
            "protectee": r.protectee_id,
            "recipient": r.recipient,
            "recipient_kind": r.recipient_kind,
            "created_at": _time(r.created_at),
            "body_sha256": body_sha256(r.body),
        }
        out[r.id] = (r.created_at, SYSTEM, payload)
    return out


def _attempts_made(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
    """Each delivery attempt: which channel, whether it took the notice, and (by hash) what the
    channel answered, which may name hosts the log need not tell."""
    d = t.deliveries
    out = {}
    for r in c.execute(_integer_keys(select(d), d.c.id, keys)):
        payload = {
            "attempt": r.id,
            "notice": r.notice_id,
            "channel": r.channel_id,
            "ok": bool(r.ok),
            "detail_sha256": _sha256(r.detail),
        }
        out[str(r.id)] = (r.at, SYSTEM, payload)
    return out


def _outcomes(outcome: str) -> Loader:
    def load(c: Connection, keys: Sequence[str] | None) -> dict[str, Record]:
        o = t.notice_outcomes
        query = _integer_keys(select(o).where(o.c.outcome == outcome), o.c.id, keys)
        out = {}
        for r in c.execute(query):
            payload = {"notice": r.notice_id, "outcome": r.outcome, "reason": r.reason}
            out[str(r.id)] = (r.at, r.actor or SYSTEM, payload)
        return out

    return load


#: every kind of entry, with the domain record it covers
KINDS: dict[str, tuple[str, Loader]] = {
    "policy.loaded": ("policy", _policies),
    "provider.added": ("provider", _providers),
    "protectee.added": ("protectee", _protectees),
    "user.added": ("user", _users),
    "role.granted": ("role", _roles),
    "decision.proposed": ("decision", _proposed),
    "decision.step_approved": ("approval step of decision", _steps),
    "decision.approved": ("approval of decision", _approved),
    "decision.rescinded": ("rescission of decision", _rescinded),
    "decision.effective": ("effect of decision", _effective),
    "decision.ratified": ("ratification of decision", _ratified),
    "threat.assessed": ("threat assessment", _assessments),
    "discrepancy.reported": ("ground report", _reports),
    "discrepancy.resolved": ("resolution of ground report", _resolutions),
    "review.recorded": ("review", _reviews),
    "appeal.lodged": ("appeal", _appeals),
    "appeal.decided": ("outcome of appeal", _appeal_outcomes),
    "attempt.refused": ("refused attempt", _attempts),
    "notice.created": ("notice", _notices),
    "notice.attempted": ("delivery attempt", _attempts_made),
    "notice.delivered": ("delivery outcome", _outcomes("delivered")),
    "notice.dead": ("dead-letter outcome", _outcomes("dead")),
    "notice.requeued": ("requeue", _outcomes("requeued")),
    "officer.added": ("officer", _officers),
    "vehicle.added": ("vehicle", _vehicles),
    "roster.published": ("roster", _rosters),
    "attendance.recorded": ("check", _attendance),
    "event.recorded": ("public event", _events),
    "export.made": ("export", _exports),
}

#: kinds whose every record must have an entry; an effect is entered only once its time passes
COMPLETE = frozenset(KINDS) - {"decision.effective"}
