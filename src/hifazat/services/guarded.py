"""Guarded reads and gates: the service layer as the API and the pages see it, every read checked
against the permission table and redacted, every write gated, in one place. The writes
themselves are the same use cases the command line calls; the reads build on the same queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from hifazat.access import redaction
from hifazat.access.guard import Facts, allowed, require
from hifazat.domain.decision import DecisionState
from hifazat.domain.errors import NotFound, Refusal, Violation
from hifazat.domain.said import text_of
from hifazat.domain.users import User
from hifazat.services import attendance, decide, json_shapes, notices, oversight
from hifazat.services.status import status_in
from hifazat.services.unit_of_work import UnitOfWork


def facts_for(uow: UnitOfWork, protectee_id: str, provider: str | None = None) -> Facts:
    """Who is concerned with a protectee: the providers that decided on them, their liaisons.
    An unknown protectee has no facts, so only those who may see everyone get as far as 404.
    Read through the unit of work's caches, which the answer being guarded reads next."""
    try:
        liaisons = uow.repo.protectee(protectee_id).liaisons
    except NotFound:
        return Facts(protectee_id, provider)
    covering = {d.provider_id for d in uow.repo.decisions(protectee_id)}
    return Facts(protectee_id, provider, frozenset(covering), frozenset(liaisons))


def facts_for_page(uow: UnitOfWork, protectee_id: str) -> Facts:
    """`facts_for`, in a unit of work of its own: what a page needs to offer an action."""
    with uow.reading():
        return facts_for(uow, protectee_id)


def gate(
    uow: UnitOfWork,
    user: User,
    action: str,
    protectee: str | None = None,
    provider: str | None = None,
) -> Facts:
    facts = facts_for(uow, protectee, provider) if protectee else Facts(provider=provider)
    require(user, action, facts)
    return facts


def gate_decision(uow: UnitOfWork, user: User, action: str, decision_id: str) -> Facts:
    """A write on a decision: refused (403) to whoever may not read it, whether or not it
    exists, so that a write never tells what a read would not; a missing one is 404 only to
    those who may read every decision."""
    return _gate_target(
        uow, user, action, "decision.read", lambda: _of(uow.repo.decision(decision_id))
    )


def gate_appeal(uow: UnitOfWork, user: User, action: str, appeal_id: str) -> Facts:
    """A write on an appeal, as `gate_decision`."""

    def find() -> tuple[str, str | None]:
        appeal = uow.repo.appeal(appeal_id)
        return appeal.protectee_id, None

    return _gate_target(uow, user, action, "appeal.read", find)


def gate_report(uow: UnitOfWork, user: User, action: str, report_id: str) -> Facts:
    """A write on a ground report, as `gate_decision`."""

    def find() -> tuple[str, str | None]:
        report = uow.repo.discrepancy(report_id)
        return report.protectee_id, report.provider_id

    return _gate_target(uow, user, action, "report.read", find)


def _of(decision: Any) -> tuple[str, str | None]:
    return decision.protectee_id, decision.provider_id


def _gate_target(
    uow: UnitOfWork,
    user: User,
    action: str,
    read: str,
    find: Callable[[], tuple[str, str | None]],
) -> Facts:
    try:
        protectee, provider = find()
    except NotFound:
        require(user, read)  # only those who may read every such record learn it is missing
        require(user, action)
        raise
    facts = facts_for(uow, protectee, provider)
    require(user, read, facts)
    require(user, action, facts)
    return facts


def protectee_view(uow: UnitOfWork, pid: str) -> dict[str, Any]:
    p = uow.repo.protectee(pid)
    return {
        "id": p.id,
        "name": p.name,
        "public_figure": p.public_figure,
        "offices": [
            {
                "class": o.office_class,
                "title": o.title,
                "since": o.since.isoformat(),
                "until": o.until.isoformat() if o.until else None,
            }
            for o in p.offices
        ],
        "affiliations": [
            {
                "name": a.name,
                "since": a.since.isoformat() if a.since else None,
                "until": a.until.isoformat() if a.until else None,
            }
            for a in p.affiliations
        ],
        "liaisons": list(p.liaisons),
    }


def list_protectees(uow: UnitOfWork, user: User) -> list[dict[str, Any]]:
    with uow.reading():
        everyone = uow.repo.protectees()
        uow.repo.protectee_cache.update(everyone)
        if allowed(user, "protectee.list"):
            visible = list(everyone)
        else:
            covering = uow.repo.deciders()
            visible = [
                p.id
                for p in everyone.values()
                if allowed(
                    user,
                    "protectee.read",
                    Facts(p.id, None, frozenset(covering.get(p.id, ())), frozenset(p.liaisons)),
                )
            ]
        return [protectee_view(uow, p) for p in visible]


def read_protectee(uow: UnitOfWork, user: User, pid: str) -> dict[str, Any]:
    with uow.reading():
        gate(uow, user, "protectee.read", pid)
        return protectee_view(uow, pid)


def read_status(
    uow: UnitOfWork, user: User, pid: str, at: datetime, speak: redaction.Speak | None = None
) -> dict[str, Any]:
    """The status; with `speak`, its flags' details as a page tells them."""
    with uow.reading():
        uow.read_ahead(pid)  # the gate reads the person and decisions the status reads
        facts = gate(uow, user, "status.read", pid)
        view = json_shapes.status_view(status_in(uow, pid, at), speak)
    view["flags"] = redaction.flags(user, facts, view["flags"])
    return view


def read_on_duty(uow: UnitOfWork, user: User, pid: str, now: datetime) -> dict[str, Any]:
    """How many stand with the protectee now, per provider, against the decision: counts only,
    for whoever may read the protectee's status."""
    with uow.reading():
        gate(uow, user, "status.read", pid)
        uow.repo.protectee(pid)
        return json_shapes.on_duty_view(attendance.on_duty(uow, pid, now), now)


def read_decisions(uow: UnitOfWork, user: User, pid: str, now: datetime) -> list[dict[str, Any]]:
    with uow.reading():
        gate(uow, user, "decision.read", pid)
        uow.repo.protectee(pid)
        return [json_shapes.decision_view(d, now) for d in uow.repo.decisions(pid)]


def read_decision(uow: UnitOfWork, user: User, decision_id: str, now: datetime) -> dict[str, Any]:
    with uow.reading():
        try:
            decision = uow.repo.decision(decision_id)
        except NotFound:
            require(user, "decision.read", Facts())  # only oversight learns it does not exist
            raise
        gate(uow, user, "decision.read", decision.protectee_id)
        return {
            **json_shapes.decision_view(decision, now),
            "waiting_on": decide.next_role(uow, decision_id, now),
        }


def read_notices(uow: UnitOfWork, user: User, pid: str) -> list[dict[str, Any]]:
    with uow.reading():
        gate(uow, user, "notice.read", pid)
    return [json_shapes.notice_view(n, r) for n, r in notices.notices_of(uow, pid)]


def read_assessments(uow: UnitOfWork, user: User, pid: str) -> list[dict[str, Any]]:
    with uow.reading():
        facts = gate(uow, user, "threat.read", pid)
        uow.repo.protectee(pid)
        out = []
        for a in uow.repo.assessments(pid):
            shown = redaction.assessment(user, facts, json_shapes.assessment_view(a))
            if shown is not None:
                out.append(shown)
        return out


def read_flags(
    uow: UnitOfWork, user: User, now: datetime, speak: redaction.Speak | None = None
) -> list[dict[str, Any]]:
    """Oversight sees every flag; a desk those about protectees its provider decided on and
    those naming its provider; threat flags only where the level may be seen. With `speak`,
    each detail as a page tells it."""
    require(user, "flag.read")
    with uow.reading():
        visible = []
        for flag in oversight.flags_at(uow, now):
            facts = (
                facts_for(uow, flag.protectee, flag.provider)
                if flag.protectee
                else Facts(provider=flag.provider)
            )
            desk = flag.provider is not None and any(
                role.endswith(f"@{flag.provider}") for role in user.roles
            )
            if allowed(user, "status.read", facts) or desk:
                visible += redaction.flags(user, facts, [json_shapes.flag_view(flag, speak)])
        return visible


def decision_queues(
    uow: UnitOfWork, user: User, now: datetime, recent: int = 10
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The decisions whose next approval step is this user's, and the latest they may see."""
    with uow.reading():
        waiting, seen = [], []
        for d in uow.repo.decisions():
            if not allowed(user, "decision.read", facts_for(uow, d.protectee_id)):
                continue
            seen.append(json_shapes.decision_view(d, now))
            if d.state_at(now) is not DecisionState.PROPOSED or user.id == d.proposed_by:
                continue
            role = decide.next_role(uow, d.id, now)
            mine = (role == "committee" and user.is_committee) or (
                role == "approver" and user.can_approve_for(d.provider_id)
            )
            if mine:
                waiting.append({**json_shapes.decision_view(d, now), "waiting_on": role})
    seen.sort(key=lambda d: d["proposed_at"], reverse=True)
    return waiting, seen[:recent]


def violations_for(
    uow: UnitOfWork, user: User, found: list[Violation], speak: redaction.Speak = text_of
) -> list[dict[str, str]]:
    """Rule messages as this user may read them (see `redaction.violation`), in the words
    `speak` writes (a page's language; English by default); `uow` is fresh."""
    concerned = {v.restricted.protectee for v in found if v.restricted is not None}
    facts: dict[str, Facts] = {}
    if concerned:
        with uow.reading():
            facts = {pid: facts_for(uow, pid) for pid in concerned}
    return [
        redaction.violation(
            user, facts[v.restricted.protectee] if v.restricted else Facts(), v, speak
        )
        for v in found
    ]


def refusal_for(
    uow: UnitOfWork, user: User, refusal: Refusal, speak: redaction.Speak = text_of
) -> Refusal:
    """The refusal as this user may read it: the same rules, restricted messages redacted,
    in the words `speak` writes."""
    shown = violations_for(uow, user, refusal.violations, speak)
    return Refusal.as_read(shown)
