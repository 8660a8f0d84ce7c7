"""Flags and the review queue: what oversight looks at, computed from the record at any instant."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from hifazat.domain.coverage import Cover
from hifazat.domain.decision import Decision
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.flags import (
    ADVERSE_KINDS,
    AdverseEvent,
    Flag,
    appeal_flags,
    basis_flags,
    cluster_flags,
    discrepancy_flags,
    notice_flags,
    ratify_flags,
    review_flags,
    sanction_flags,
    threat_floor_flags,
)
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.domain.status import covers_at
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.times import local_date
from hifazat.services import attendance
from hifazat.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Snapshot:
    """Everything the flag rules read, loaded once."""

    policy: Policy
    providers: dict[str, Provider]
    protectees: dict[str, Protectee]
    decisions: dict[str, list[Decision]]
    assessments: dict[str, list[ThreatAssessment]]
    covers: dict[str, list[Cover]]
    #: coverage -> when it was last reviewed
    reviewed: dict[str, datetime]


def snapshot(uow: UnitOfWork, at: datetime, protectee_id: str | None = None) -> Snapshot:
    repo = uow.repo
    providers = repo.providers()
    if protectee_id is None:
        protectees = repo.protectees()
    else:
        protectees = {protectee_id: repo.protectee(protectee_id)}
    decisions: dict[str, list[Decision]] = defaultdict(list)
    for d in repo.decisions(protectee_id):
        decisions[d.protectee_id].append(d)
    assessments: dict[str, list[ThreatAssessment]] = defaultdict(list)
    for a in repo.assessments(protectee_id):
        if a.entered_at <= at:
            assessments[a.protectee_id].append(a)
    covers = {pid: covers_at(decisions[pid], providers, at) for pid in protectees}
    reviewed: dict[str, datetime] = {}
    for review in repo.reviews(protectee_id=protectee_id):
        if review.reviewed_at <= at:
            reviewed[review.coverage] = max(
                review.reviewed_at, reviewed.get(review.coverage, review.reviewed_at)
            )
    return Snapshot(repo.policy(), providers, protectees, decisions, assessments, covers, reviewed)


def flags_at(uow: UnitOfWork, at: datetime, protectee_id: str | None = None) -> list[Flag]:
    """Every open flag at `at`; for one protectee, those that name them."""
    snap = snapshot(uow, at, protectee_id)
    found: list[Flag] = []
    for pid, protectee in snap.protectees.items():
        covers = snap.covers[pid]
        found += review_flags(covers, snap.reviewed, snap.policy, at)
        found += basis_flags(covers, protectee, snap.assessments[pid], snap.policy, at)
        found += threat_floor_flags(covers, protectee, snap.assessments[pid], snap.policy, at)
        found += ratify_flags(snap.decisions[pid], snap.policy, at)
    found += appeal_flags(uow.repo.appeals(protectee_id), snap.policy, at)
    reports = [r for r in uow.repo.discrepancies(protectee_id) if r.reported_at <= at]
    found += discrepancy_flags(reports, at)
    found += notice_flags(uow.outbox.undelivered(at, protectee_id))
    if protectee_id is None:
        # the ground against the decisions: the dashboard's, the duty page's; a protectee's own
        # status is kept to its few statements, and tells counts on duty instead (on-duty)
        ground = attendance.all_flags(uow, at)
        found += ground
        all_covers = [c for covers in snap.covers.values() for c in covers]
        for provider in snap.providers.values():
            mine = [c for c in all_covers if c.provider_id == provider.id]
            found += sanction_flags(provider, mine, at)
        found += cluster_flags(_adverse_events(snap, reports, ground, at))
    return sorted(found, key=lambda f: (f.rule, f.since, f.protectee or "", f.subject))


def _adverse_events(
    snap: Snapshot, reports: list[DiscrepancyReport], ground: list[Flag], at: datetime
) -> list[AdverseEvent]:
    def affiliation(pid: str, when: datetime) -> str | None:
        return snap.protectees[pid].affiliation_on(local_date(when, snap.policy.timezone))

    events = []
    for pid, decisions in snap.decisions.items():
        for d in decisions:
            if d.action in ADVERSE_KINDS and d.in_force_by(at):
                assert d.effective_at is not None
                if aff := affiliation(pid, d.effective_at):
                    events.append(
                        AdverseEvent(
                            d.id, str(d.action) + "s", pid, d.provider_id, aff, d.effective_at
                        )
                    )
    for r in reports:
        unfounded = r.unfounded and r.resolved_at is not None and r.resolved_at <= at
        if not unfounded and (aff := affiliation(r.protectee_id, r.observed_at)):
            events.append(
                AdverseEvent(
                    r.id, "ground reports", r.protectee_id, r.provider_id, aff, r.observed_at
                )
            )
    for f in ground:  # cover on paper left unstaffed on the ground
        if (
            f.rule in GROUND_ADVERSE
            and f.protectee
            and f.provider
            and (aff := affiliation(f.protectee, f.since))
        ):
            kind = GROUND_ADVERSE[f.rule]
            events.append(AdverseEvent(f.subject, kind, f.protectee, f.provider, aff, f.since))
    return events


#: the attendance flags that count against an affiliation in CLUSTER, and what it calls them
GROUND_ADVERSE = {"NOMINAL": "nominal covers", "UNDERSTAFFED": "understaffed covers"}


@dataclass(frozen=True)
class ReviewDue:
    cover: Cover
    last_examined: datetime
    due: datetime
    overdue: bool


def reviews_due(uow: UnitOfWork, now: datetime, within: timedelta) -> list[ReviewDue]:
    """Open covers whose periodic review falls due by `now + within`, soonest first."""
    with uow.reading():
        snap = snapshot(uow, now)
    queue = []
    for covers in snap.covers.values():
        for cover in covers:
            if not cover.open:
                continue
            looked = max(cover.since, snap.reviewed.get(cover.coverage, cover.since))
            due = looked + snap.policy.review_every
            if due <= now + within:
                queue.append(ReviewDue(cover, looked, due, due < now))
    return sorted(queue, key=lambda item: (item.due, item.cover.coverage))
