"""The JSON shapes of DESIGN.md's contract, built once for the command line, the API (whose
response models validate them) and the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from hifazat.domain.appeal import Appeal
from hifazat.domain.attendance import Check, OnDuty
from hifazat.domain.coverage import Cover
from hifazat.domain.decision import Decision
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.flags import Flag
from hifazat.domain.notice import Notice
from hifazat.domain.provider import Provider
from hifazat.domain.resources import Officer, Vehicle
from hifazat.domain.said import Said
from hifazat.domain.status import Status
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.times import utc_text
from hifazat.services.attendance import Sheet
from hifazat.services.oversight import ReviewDue
from hifazat.services.rostering import InForce, Plan, Published
from hifazat.services.shift_capacity import Loads, WhatIf

#: how a page speaks a message kept as words (access.redaction.Speak)
Speak = Callable[[str | Said], str]


def _time(value: Any) -> str | None:
    return utc_text(value) if value is not None else None


def cover_view(cover: Cover) -> dict[str, Any]:
    return {
        "provider": cover.provider_id,
        "category": cover.category_id,
        "rank": cover.rank,
        "state": cover.state.value,
        "basis": cover.basis.value,
        "personnel": cover.personnel,
        "vehicles": cover.vehicles,
        "since": utc_text(cover.since),
        "decision": cover.decision,
        "coverage": cover.coverage,
    }


def decision_view(d: Decision, at: Any = None) -> dict[str, Any]:
    state = d.state_at(at) if at is not None else None
    return {
        "decision": d.id,
        "protectee": d.protectee_id,
        "provider": d.provider_id,
        "action": d.action.value,
        "category": d.category_id,
        "basis": d.basis.value if d.basis else None,
        "reason_code": d.reason_code,
        "reason": d.reason,
        "emergency": d.emergency,
        "proposed_by": d.proposed_by,
        "proposed_at": utc_text(d.proposed_at),
        "approved_by": d.approved_by,
        "decided_at": _time(d.decided_at),
        "effective_at": _time(d.effective_at or d.requested_effective_at),
        "state": state.value if state else None,
        "rescinded_by": d.rescinded_by,
        "rescinded_at": _time(d.rescinded_at),
        "takes_effect_at": _time(d.takes_effect_at),
        "steps": [
            {"step": s.step, "role": s.role, "approved_by": s.by, "approved_at": utc_text(s.at)}
            for s in d.steps
        ],
        "appeal": None
        if d.hold is None
        else {
            "appeal": d.hold.appeal,
            "lodged_at": utc_text(d.hold.lodged_at),
            "decided_at": _time(d.hold.decided_at),
            "overturned": d.hold.overturned,
        },
        "ratification": None
        if d.ratification is None
        else {
            "by": d.ratification.by,
            "at": utc_text(d.ratification.at),
            "refused": d.ratification.refused,
            "reason": d.ratification.reason,
        },
    }


def notice_view(notice: Notice, receipt: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "notice": notice.id,
        "subject": notice.subject,
        "subject_id": notice.subject_id,
        "decision": notice.decision_id,
        "recipient": notice.recipient,
        "recipient_kind": notice.recipient_kind,
        "created_at": utc_text(notice.created_at),
        "state": notice.state,
        **notice.body,
        "receipt": receipt,
    }


def appeal_view(appeal: Appeal) -> dict[str, Any]:
    return {
        "appeal": appeal.id,
        "decision": appeal.decision_id,
        "protectee": appeal.protectee_id,
        "lodged_by": appeal.lodged_by,
        "lodged_at": utc_text(appeal.lodged_at),
        "grounds": appeal.grounds,
        "outcome": appeal.outcome.value if appeal.outcome else None,
        "decided_by": appeal.decided_by,
        "decided_at": _time(appeal.decided_at),
        "reason": appeal.reason,
        "restoring_decision": appeal.restoring_decision,
    }


def pending_view(d: Decision) -> dict[str, Any]:
    return {
        "decision": d.id,
        "provider": d.provider_id,
        "action": d.action.value,
        "category": d.category_id,
        "effective_at": _time(d.effective_at),
        "held_by_appeal": d.hold.appeal if d.hold else None,
    }


def proposed_view(d: Decision) -> dict[str, Any]:
    return {
        "decision": d.id,
        "provider": d.provider_id,
        "action": d.action.value,
        "category": d.category_id,
        "proposed_by": d.proposed_by,
        "proposed_at": utc_text(d.proposed_at),
    }


def flag_view(flag: Flag, speak: Speak | None = None) -> dict[str, Any]:
    """The flag; with `speak`, its detail as a page tells it (the API keeps `detail`)."""
    view = flag.as_dict()
    if speak is not None:
        view["detail"] = speak(flag.said or flag.detail)
    return view


def status_view(status: Status, speak: Speak | None = None) -> dict[str, Any]:
    personnel, vehicles = status.totals
    return {
        "protectee": status.protectee.id,
        "name": status.protectee.name,
        "at": utc_text(status.at),
        "coverages": [cover_view(c) for c in status.covers],
        "totals": {"personnel": personnel, "vehicles": vehicles},
        "pending": [pending_view(d) for d in status.pending],
        "proposed": [proposed_view(d) for d in status.proposed],
        "flags": [flag_view(f, speak) for f in status.flags],
    }


def review_view(item: ReviewDue) -> dict[str, Any]:
    return {
        **cover_view(item.cover),
        "protectee": item.cover.protectee_id,
        "last_examined": utc_text(item.last_examined),
        "due": utc_text(item.due),
        "overdue": item.overdue,
    }


def user_view(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "roles": sorted(user.roles),
        "protectee": user.protectee_id,
    }


def assessment_view(a: ThreatAssessment) -> dict[str, Any]:
    return {
        "assessment": a.id,
        "protectee": a.protectee_id,
        "level": a.level,
        "agency": a.agency,
        "assessed_at": utc_text(a.assessed_at),
        "valid_until": utc_text(a.valid_until),
        "summary": a.summary,
        "entered_by": a.entered_by,
    }


def provider_view(p: Provider) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "level": p.level,
        "jurisdiction": p.jurisdiction,
        "pool": {"personnel": p.pool_personnel, "vehicles": p.pool_vehicles},
        "categories": [
            {
                "id": c.id,
                "name": c.name,
                "rank": c.rank,
                "personnel": c.personnel,
                "vehicles": c.vehicles,
            }
            for c in p.categories
        ],
    }


def report_view(r: DiscrepancyReport) -> dict[str, Any]:
    return {
        "report": r.id,
        "protectee": r.protectee_id,
        "provider": r.provider_id,
        "reported_by": r.reported_by,
        "observed_at": utc_text(r.observed_at),
        "reported_at": utc_text(r.reported_at),
        "text": r.text,
        "resolution": r.resolution,
        "resolved_by": r.resolved_by,
        "resolved_at": _time(r.resolved_at),
        "resolution_reason": r.resolution_reason,
        "resolution_decision": r.resolution_decision,
    }


def officer_view(o: Officer) -> dict[str, Any]:
    return {
        "service_number": o.service_number,
        "name": o.name,
        "rank": o.rank,
        "provider": o.provider_id,
        "unit": o.unit,
        "qualifications": sorted(o.qualifications),
        "absences": [
            {"kind": a.kind, "from": a.first.isoformat(), "to": a.last.isoformat()}
            for a in o.absences
        ],
    }


def vehicle_view(v: Vehicle) -> dict[str, Any]:
    return {
        "registration": v.registration,
        "kind": v.kind,
        "provider": v.provider_id,
        "state": v.state,
    }


def roll_view(officers: list[Officer], vehicles: list[Vehicle]) -> dict[str, Any]:
    return {
        "officers": [officer_view(o) for o in officers],
        "vehicles": [vehicle_view(v) for v in vehicles],
    }


def plan_view(plan: Plan) -> dict[str, Any]:
    return {
        "provider": plan.provider,
        "from": plan.first.isoformat(),
        "days": plan.days,
        "outcome": plan.outcome,
        "officers_wanted": plan.wanted,
        "short": plan.short,
        "cost": None if plan.cost is None else {**asdict(plan.cost), "total": plan.cost.total},
        "posts": [
            {
                "day": (plan.first + timedelta(days=s.post.day)).isoformat(),
                "shift": s.post.shift,
                "starts": utc_text(s.post.starts),
                "protectee": s.post.protectee_id,
                "protectee_name": plan.protectees[s.post.protectee_id],
                "officers_wanted": s.post.officers,
                "vehicles": s.post.vehicles,
                "on_duty": [
                    {"service_number": n, "name": plan.officers[n].name} for n in s.officers
                ],
                "short": s.short,
            }
            for s in plan.posts
        ],
    }


def published_view(made: Published) -> dict[str, Any]:
    plan = made.plan
    return {
        "roster": made.roster,
        **plan_view(plan),
        "moves": [
            {
                "officer": m.officer,
                "name": plan.officers[m.officer].name if m.officer in plan.officers else None,
                "protectee": m.post,
                "change": m.change.value,
                "from": m.first.isoformat(),
                "shifts": m.shifts,
            }
            for m in made.moves
        ],
    }


def in_force_view(found: InForce) -> dict[str, Any]:
    return {
        "provider": found.provider,
        "from": found.first.isoformat(),
        "days": found.days,
        "assignments": [
            {
                "day": a.day.isoformat(),
                "shift": a.shift,
                "protectee": a.protectee_id,
                "protectee_name": found.protectees[a.protectee_id],
                "officer": a.officer,
                "name": found.officers.get(a.officer),
            }
            for a in found.assignments
        ],
    }


def check_view(check: Check) -> dict[str, Any]:
    return {
        "id": check.id,
        "provider": check.provider_id,
        "officer": check.officer,
        "protectee": check.protectee_id,
        "kind": check.kind.value,
        "at": utc_text(check.at),
        "vehicle": check.vehicle,
        "recorded_by": check.recorded_by,
    }


def sheet_view(found: Sheet) -> dict[str, Any]:
    def names(numbers: Iterable[str]) -> list[dict[str, Any]]:
        return [{"service_number": n, "name": found.officers.get(n)} for n in sorted(numbers)]

    return {
        "provider": found.provider,
        "from": found.first.isoformat(),
        "days": found.days,
        "measured_days": sorted(d.isoformat() for d in found.measured),
        "shifts": [
            {
                "day": t.day.isoformat(),
                "shift": t.shift,
                "starts": utc_text(t.starts),
                "ends": utc_text(t.ends),
                "protectee": t.protectee_id,
                "protectee_name": found.protectees[t.protectee_id],
                "officers_wanted": t.officers,
                "vehicles_wanted": t.vehicles,
                "state": t.state,
                "rostered": names(t.rostered),
                "present": names(t.present),
                "missed": names(t.missed),
                "vehicles_present": sorted(t.vehicles_present),
            }
            for t in found.tallies
        ],
        "flags": [f.as_dict() for f in found.flags],
    }


def on_duty_view(duty: Sequence[OnDuty], now: datetime) -> dict[str, Any]:
    """What a protectee may know: counts against the decision, never names or times."""
    return {
        "at": utc_text(now),
        "providers": [
            {
                "provider": d.provider_id,
                "on_duty": d.present,
                "officers_decided": d.officers,
                "matches": d.matches,
            }
            for d in duty
        ],
    }


def loads_view(found: Loads) -> dict[str, Any]:
    return {
        "provider": found.provider,
        "from": found.first.isoformat(),
        "days": found.days,
        "sanctioned": {"officers": found.pool_officers, "vehicles": found.pool_vehicles},
        "roll": {"officers": found.roll_officers, "vehicles": found.roll_vehicles},
        "shifts": [
            {
                "day": s.day.isoformat(),
                "shift": s.shift,
                "starts": utc_text(s.starts),
                "available": s.available,
                "committed": s.committed,
                "committed_vehicles": s.committed_vehicles,
                "rostered": s.rostered,
                "present": s.present,
                "vehicles_present": s.vehicles_present,
            }
            for s in found.shifts
        ],
    }


def what_if_view(found: WhatIf) -> dict[str, Any]:
    return {
        "decision": found.decision,
        "provider": found.with_it.provider,
        "from": found.with_it.first.isoformat(),
        "days": found.with_it.days,
        "officer_shifts_changed": found.change,
        "first_day_changed": None
        if found.first_changed is None
        else found.first_changed.isoformat(),
        "wanted": {"without": found.without.wanted, "with": found.with_it.wanted},
        "short": {"without": found.without.short, "with": found.with_it.short},
        "lacking": found.lacking,
        "roll_has_them": found.lacking == 0,
    }
