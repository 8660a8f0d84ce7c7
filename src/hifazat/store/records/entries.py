"""Threat assessments, ground reports, reviews, notices and refused attempts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, insert, select

from hifazat.domain.decision import Decision
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.errors import NotFound
from hifazat.domain.notice import Notice
from hifazat.domain.review import Review
from hifazat.domain.threat import ThreatAssessment
from hifazat.store import tables as t
from hifazat.store.records.base import Base


class EntryRecords(Base):
    if TYPE_CHECKING:  # from DecisionRecords, beside it in the repository

        def decisions(
            self, protectee_id: str | None = None, provider_id: str | None = None
        ) -> list[Decision]: ...

    def add_review(self, r: Review) -> None:
        self.c.execute(
            insert(t.reviews),
            dict(
                id=r.id,
                coverage=r.coverage,
                reviewed_by=r.reviewed_by,
                reviewed_at=r.reviewed_at,
                outcome=r.outcome,
                reason=r.reason,
                decision_id=r.decision_id,
            ),
        )

    def reviews(self, coverage: str | None = None, protectee_id: str | None = None) -> list[Review]:
        query = reviews_query()
        if coverage is not None:
            query = query.where(t.reviews.c.coverage == coverage)
        if protectee_id is not None:
            primed = None if coverage else self.primed.pop(("reviews", protectee_id), None)
            if primed is not None:
                return [review_from_row(r) for r in primed]
            # By the ids of the protectee's decisions (read once per unit of work), which the
            # coverage index answers whatever the planner's statistics say: a join or an IN over
            # a subquery was planned as a scan of every review once the reviews table had grown
            # faster than PostgreSQL's statistics (20 ms a status read at national size).
            ids = [d.id for d in self.decisions(protectee_id)]
            if not ids:
                return []
            query = query.where(t.reviews.c.coverage.in_(ids))
        return [review_from_row(r) for r in self.c.execute(query)]

    def add_notice(self, n: Notice) -> None:
        self.c.execute(
            insert(t.notices),
            dict(
                id=n.id,
                subject=n.subject,
                subject_id=n.subject_id,
                decision_id=n.decision_id,
                protectee_id=n.protectee_id,
                recipient=n.recipient,
                recipient_kind=n.recipient_kind,
                created_at=n.created_at,
                body=n.body,
                state=n.state,
            ),
        )

    def notices(self, protectee_id: str) -> list[Notice]:
        query = (
            select(t.notices)
            .where(t.notices.c.protectee_id == protectee_id)
            .order_by(t.notices.c.created_at, t.notices.c.id)
        )
        return [
            Notice(
                r.id,
                r.subject,
                r.subject_id,
                r.decision_id,
                r.protectee_id,
                r.recipient,
                r.recipient_kind,
                r.created_at,
                r.body,
                r.state,
            )
            for r in self.c.execute(query)
        ]

    def add_resolution(
        self,
        report_id: str,
        outcome: str,
        decision_id: str | None,
        reason: str,
        by: str,
        at: datetime,
    ) -> None:
        self.c.execute(
            insert(t.discrepancy_resolutions),
            dict(
                report_id=report_id,
                outcome=outcome,
                decision_id=decision_id,
                reason=reason,
                resolved_by=by,
                resolved_at=at,
            ),
        )

    def add_assessment(self, a: ThreatAssessment) -> None:
        self._insert(
            t.threat_assessments,
            dict(
                id=a.id,
                protectee_id=a.protectee_id,
                level=a.level,
                agency=a.agency,
                assessed_at=a.assessed_at,
                valid_until=a.valid_until,
                summary=a.summary,
                entered_by=a.entered_by,
                entered_at=a.entered_at,
            ),
        )
        cached = self.assessment_cache.get(a.protectee_id)
        if cached is not None:
            cached.append(a)
            cached.sort(key=lambda x: (x.assessed_at, x.id))

    def assessments(self, protectee_id: str | None = None) -> list[ThreatAssessment]:
        if protectee_id is None:
            return self._read_assessments(None)
        if protectee_id not in self.assessment_cache:
            self.assessment_cache[protectee_id] = self._read_assessments(protectee_id)
        return list(self.assessment_cache[protectee_id])

    def _read_assessments(self, protectee_id: str | None) -> list[ThreatAssessment]:
        query = assessments_query()
        if protectee_id is not None:
            query = query.where(t.threat_assessments.c.protectee_id == protectee_id)
        # one fetch, not one per row
        return [assessment_from_row(r) for r in self.c.execute(query).all()]

    def add_discrepancy(self, r: DiscrepancyReport) -> None:
        self._insert(
            t.discrepancies,
            dict(
                id=r.id,
                protectee_id=r.protectee_id,
                provider_id=r.provider_id,
                reported_by=r.reported_by,
                observed_at=r.observed_at,
                reported_at=r.reported_at,
                text=r.text,
            ),
        )

    def discrepancies(
        self, protectee_id: str | None = None, report_id: str | None = None
    ) -> list[DiscrepancyReport]:
        g = t.discrepancies
        query = discrepancies_query()
        if protectee_id is not None:
            if report_id is None:
                primed = self.primed.pop(("discrepancies", protectee_id), None)
                if primed is not None:
                    return [discrepancy_from_row(r) for r in primed]
            query = query.where(g.c.protectee_id == protectee_id)
        if report_id is not None:
            query = query.where(g.c.id == report_id)
        return [discrepancy_from_row(r) for r in self.c.execute(query)]

    def discrepancy(self, report_id: str) -> DiscrepancyReport:
        found = self.discrepancies(report_id=report_id)
        if not found:
            raise NotFound("ground report", report_id)
        return found[0]

    def add_attempt(
        self,
        attempt: str,
        at: datetime,
        actor: str,
        command: str,
        subject: Mapping[str, Any],
        rules: list[dict[str, str]],
    ) -> None:
        self.c.execute(
            insert(t.attempts),
            dict(
                id=attempt, at=at, actor=actor, command=command, subject=dict(subject), rules=rules
            ),
        )


def reviews_query() -> Select[Any]:
    return select(t.reviews).order_by(t.reviews.c.reviewed_at, t.reviews.c.id)


def review_order(r: Any) -> tuple[datetime, str]:
    return (r.reviewed_at, r.id)


def review_from_row(r: Any) -> Review:
    return Review(
        r.id, r.coverage, r.reviewed_by, r.reviewed_at, r.outcome, r.reason, r.decision_id
    )


def assessments_query() -> Select[Any]:
    a = t.threat_assessments
    return select(a).order_by(a.c.assessed_at, a.c.id)


def assessment_order(r: Any) -> tuple[datetime, str]:
    return (r.assessed_at, r.id)


def assessment_from_row(r: Any) -> ThreatAssessment:
    return ThreatAssessment(
        r.id,
        r.protectee_id,
        r.level,
        r.agency,
        r.assessed_at,
        r.valid_until,
        r.summary,
        r.entered_by,
        r.entered_at,
    )


def discrepancies_query() -> Select[Any]:
    g, res = t.discrepancies, t.discrepancy_resolutions
    return (
        select(
            g,
            res.c.outcome,
            res.c.decision_id,
            res.c.reason,
            res.c.resolved_by,
            res.c.resolved_at,
        )
        .select_from(g.outerjoin(res, res.c.report_id == g.c.id))
        .order_by(g.c.observed_at, g.c.id)
    )


def discrepancy_order(r: Any) -> tuple[datetime, str]:
    return (r.observed_at, r.id)


def discrepancy_from_row(r: Any) -> DiscrepancyReport:
    return DiscrepancyReport(
        r.id,
        r.protectee_id,
        r.provider_id,
        r.reported_by,
        r.observed_at,
        r.reported_at,
        r.text,
        resolution=r.outcome,
        resolved_at=r.resolved_at,
        resolved_by=r.resolved_by,
        resolution_reason=r.reason,
        resolution_decision=r.decision_id,
    )
