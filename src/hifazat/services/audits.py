"""Oversight's answers from the whole record: the fairness audit, capacity and cost."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

from hifazat.domain.errors import InvalidInput
from hifazat.domain.said import Said
from hifazat.domain.words import N_
from hifazat.reports.capacity import ProviderCapacity, capacity_lean
from hifazat.reports.cohorts import affiliation_at
from hifazat.reports.cost import Cost, cost_lean
from hifazat.reports.fairness import audit_lean
from hifazat.reports.findings import Audit
from hifazat.reports.ground import understaffing
from hifazat.reports.history import History
from hifazat.reports.lean import LeanHistory
from hifazat.reports.retaliation import Retaliation, reductions_of, retaliation
from hifazat.reports.transparency.model import TransparencyReport as Report
from hifazat.reports.transparency.model import build_report
from hifazat.services import attendance
from hifazat.services.unit_of_work import UnitOfWork


def load_history(uow: UnitOfWork, now: datetime) -> History:
    """The record as it stood at `now` (assessments and reports entered later are left out)."""
    repo = uow.repo
    return History(
        policy=repo.policy(),
        providers=repo.providers(),
        protectees=repo.protectees(),
        decisions=tuple(repo.decisions()),
        assessments=tuple(a for a in repo.assessments() if a.entered_at <= now),
        reports=tuple(r for r in repo.discrepancies() if r.reported_at <= now),
    )


def load_lean(
    uow: UnitOfWork, now: datetime, assessments: bool = True, reports: bool = True
) -> LeanHistory:
    """`load_history` with decision facts for decisions: what the oversight reports read,
    without assembling whole decisions (their reasons, steps, appeals) they never look at.
    Cost reads neither assessments nor ground reports, capacity no ground reports."""
    repo = uow.repo
    return LeanHistory(
        policy=repo.policy(),
        providers=repo.providers(),
        protectees=repo.protectees(),
        facts=repo.decision_facts(),
        assessments=tuple(a for a in repo.assessments() if a.entered_at <= now)
        if assessments
        else (),
        reports=tuple(r for r in repo.discrepancies() if r.reported_at <= now) if reports else (),
    )


def fairness(uow: UnitOfWork, start: datetime, end: datetime, now: datetime) -> Audit:
    """Disparities and clusters from the record; and, where providers keep attendance,
    affiliations left short on the ground more often than the rest (`reports.ground`)."""
    with uow.reading():
        history = load_lean(uow, now)
        measured = attendance.measured(uow, start, min(end, now))
    found = audit_lean(history, start, end, now)
    return replace(found, findings=found.findings + tuple(understaffing(measured)))


def retaliation_test(
    uow: UnitOfWork,
    start: datetime,
    end: datetime,
    now: datetime,
    window: timedelta | None = None,
) -> Retaliation:
    """The timing of cuts against the affiliations' public events (`reports.retaliation`), as
    the record stood at `now`; the window is the policy's unless given."""
    with uow.reading():
        history = load_lean(uow, now, assessments=False)
        events = [e for e in uow.repo.events() if e.entered_at <= now]
    policy_window = history.policy.retaliation_window
    length = window if window is not None else policy_window
    if length <= timedelta(0):
        raise InvalidInput("window", Said(N_("must be longer than nothing")))
    policy = history.policy
    protectees = history.protectees
    cuts = reductions_of(history.facts, protectees, policy, start, end, now)
    until = min(end, now)
    concerned: dict[str, set[str]] = defaultdict(set)
    for f in history.facts:
        if f.proposed_at < until:
            party = affiliation_at(policy, protectees[f.protectee_id], until)
            concerned[party].add(f.provider_id)
    reports = [
        (r, affiliation_at(policy, protectees[r.protectee_id], r.observed_at))
        for r in history.reports
    ]
    return retaliation(
        events,
        cuts,
        start,
        end,
        length,
        concerned=concerned,
        reports=reports,
    )


def capacity_at(uow: UnitOfWork, now: datetime) -> tuple[ProviderCapacity, ...]:
    with uow.reading():
        history = load_lean(uow, now, reports=False)
    return capacity_lean(history, now)


def cost_over(
    uow: UnitOfWork,
    start: datetime,
    end: datetime,
    now: datetime,
    officer_day_rate: float | None = None,
    vehicle_day_rate: float | None = None,
) -> Cost:
    with uow.reading():
        history = load_lean(uow, now, assessments=False, reports=False)
    return cost_lean(history, start, end, now, officer_day_rate, vehicle_day_rate)


def transparency(uow: UnitOfWork, start: datetime, end: datetime, now: datetime) -> Report:
    """The public report: aggregates only, small cells suppressed, no private person named."""
    with uow.reading():
        history = load_history(uow, now)
        appeals = uow.repo.appeals()
        reviews = [r for r in uow.repo.reviews() if r.reviewed_at <= now]
    # a period no longer than the policy's window has no "other times" to compare with
    timing = (
        retaliation_test(uow, start, end, now)
        if end - start > history.policy.retaliation_window
        else None
    )
    return build_report(history, appeals, start, end, now, reviews=reviews, retaliation=timing)
