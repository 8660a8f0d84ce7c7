"""Threat assessments and ground reports: facts entered into the registry by those entitled to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hifazat.domain import fields
from hifazat.domain.discrepancy import RESOLUTIONS, DiscrepancyReport
from hifazat.domain.errors import Conflict, InvalidInput
from hifazat.domain.policy import THREAT_LEVELS
from hifazat.domain.rules import entries as rules
from hifazat.domain.rules.reason import check_explained
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.times import Clock, utc_text
from hifazat.services.attempts import refusals_kept
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork

MIN_REPORT_TEXT = 10


@dataclass(frozen=True)
class NewAssessment:
    protectee: str
    level: str
    agency: str
    assessed_at: datetime
    valid_until: datetime
    summary: str
    by: str
    id: str | None = None


def add_assessment_in(uow: UnitOfWork, a: NewAssessment, now: datetime) -> ThreatAssessment:
    fields.check_text(a.agency, fields.NAME, "agency")
    fields.check_text(a.summary, fields.SUMMARY, "summary")
    repo = uow.repo
    repo.lock_protectee(a.protectee)
    rules.check_assessor(repo.user(a.by))
    if a.level not in THREAT_LEVELS:
        raise InvalidInput("level", f"{a.level!r} is not one of {', '.join(THREAT_LEVELS)}")
    if a.valid_until <= a.assessed_at:
        raise InvalidInput("valid_until", "must be after assessed_at")
    if a.assessed_at > now:
        raise InvalidInput("assessed_at", f"{utc_text(a.assessed_at)} is in the future")
    if not a.agency.strip() or not a.summary.strip():
        raise InvalidInput("agency" if not a.agency.strip() else "summary", "must not be empty")
    assessment = ThreatAssessment(
        id=a.id or new_id("t"),
        protectee_id=a.protectee,
        level=a.level,
        agency=a.agency.strip(),
        assessed_at=a.assessed_at,
        valid_until=a.valid_until,
        summary=a.summary.strip(),
        entered_by=a.by,
        entered_at=now,
    )
    repo.add_assessment(assessment)
    uow.record("threat.assessed", assessment.id)
    return assessment


def add_assessment(uow: UnitOfWork, a: NewAssessment, clock: Clock) -> ThreatAssessment:
    now = clock()
    subject = {"protectee": a.protectee, "level": a.level, "agency": a.agency}
    with refusals_kept(uow, "threat", a.by, subject, now), uow:
        assessment = add_assessment_in(uow, a, now)
        uow.commit()
    return assessment


@dataclass(frozen=True)
class NewReport:
    protectee: str
    provider: str
    by: str
    observed_at: datetime
    text: str
    id: str | None = None


def report_discrepancy_in(uow: UnitOfWork, r: NewReport, now: datetime) -> DiscrepancyReport:
    """Filed by the protectee, a consenting liaison, a security desk, the committee or an admin."""
    fields.check_text(r.text, fields.REASON, "text")
    repo = uow.repo
    protectee = repo.protectee(r.protectee)
    repo.provider(r.provider)
    rules.check_reporter(repo.user(r.by), protectee)
    if r.observed_at > now:
        raise InvalidInput("observed", f"{utc_text(r.observed_at)} is in the future")
    if len(r.text.strip()) < MIN_REPORT_TEXT:
        raise InvalidInput(
            "text", f"say what was observed in at least {MIN_REPORT_TEXT} characters"
        )
    report = DiscrepancyReport(
        id=r.id or new_id("g"),
        protectee_id=r.protectee,
        provider_id=r.provider,
        reported_by=r.by,
        observed_at=r.observed_at,
        reported_at=now,
        text=r.text.strip(),
    )
    repo.add_discrepancy(report)
    uow.record("discrepancy.reported", report.id)
    return report


def report_discrepancy(uow: UnitOfWork, r: NewReport, clock: Clock) -> DiscrepancyReport:
    now = clock()
    subject = {"protectee": r.protectee, "provider": r.provider}
    with refusals_kept(uow, "report", r.by, subject, now), uow:
        report = report_discrepancy_in(uow, r, now)
        uow.commit()
    return report


def resolve_in(
    uow: UnitOfWork,
    report_id: str,
    outcome: str,
    reason: str,
    by: str,
    now: datetime,
    decision_id: str | None = None,
) -> DiscrepancyReport:
    """Closes a ground report: cover restored on the ground, a decision recorded that explains
    it, or found unfounded — always with a reason."""
    repo = uow.repo
    report = repo.discrepancy(report_id)
    rules.check_resolver(repo.user(by), report.provider_id)
    if outcome not in RESOLUTIONS:
        raise InvalidInput("outcome", f"{outcome!r} is not one of {', '.join(RESOLUTIONS)}")
    if report.resolution is not None:
        raise Conflict(f"ground report {report_id} was already resolved ({report.resolution})")
    if outcome == "decision-recorded":
        if decision_id is None:
            raise InvalidInput("decision", "name the decision that accounts for the report")
        decision = repo.decision(decision_id)
        if (decision.protectee_id, decision.provider_id) != (
            report.protectee_id,
            report.provider_id,
        ):
            raise InvalidInput(
                "decision", f"{decision_id} is not about this protectee and provider"
            )
    elif decision_id is not None:
        raise InvalidInput("decision", "only a decision-recorded resolution names a decision")
    check_explained(repo.policy(), reason)
    repo.add_resolution(report_id, outcome, decision_id, " ".join(reason.split()), by, now)
    uow.record("discrepancy.resolved", report_id)
    return repo.discrepancy(report_id)


def resolve(
    uow: UnitOfWork,
    report_id: str,
    outcome: str,
    reason: str,
    by: str,
    clock: Clock,
    decision_id: str | None = None,
) -> DiscrepancyReport:
    now = clock()
    subject = {"report": report_id, "outcome": outcome, "decision": decision_id}
    with refusals_kept(uow, "report.resolve", by, subject, now), uow:
        resolved = resolve_in(uow, report_id, outcome, reason, by, now, decision_id)
        uow.commit()
    return resolved
