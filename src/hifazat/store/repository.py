"""Reads and writes domain objects. Every statement is built with SQLAlchemy Core, so every
value is a bound parameter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, func, insert, select

from hifazat.domain.appeal import Appeal, AppealOutcome
from hifazat.domain.decision import Action, Basis, Decision, Hold, Ratification, StepApproval
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.errors import InvalidInput, NotFound
from hifazat.domain.notice import Notice
from hifazat.domain.policy import Policy
from hifazat.domain.policy_document import policy_from_document
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.provider import Category, Provider
from hifazat.domain.review import Review
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.users import User
from hifazat.store import tables as t


class Repository:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    # policy ------------------------------------------------------------------------------
    def save_policy(self, document: Mapping[str, Any], at: datetime, by: str | None) -> int:
        result = self.c.execute(
            insert(t.policies).values(
                id=document["id"], document=dict(document), loaded_at=at, loaded_by=by
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def policy(self) -> Policy:
        """The policy in force: the one loaded last."""
        row = self.c.execute(
            select(t.policies.c.document).order_by(t.policies.c.seq.desc()).limit(1)
        ).first()
        if row is None:
            raise InvalidInput("policy", "no policy is loaded; import a scenario that names one")
        return policy_from_document(row.document)

    # providers ---------------------------------------------------------------------------
    def add_provider(self, provider: Provider, at: datetime) -> None:
        self.c.execute(
            insert(t.providers).values(
                id=provider.id,
                name=provider.name,
                level=provider.level,
                jurisdiction=provider.jurisdiction,
                pool_personnel=provider.pool_personnel,
                pool_vehicles=provider.pool_vehicles,
                created_at=at,
            )
        )
        if provider.categories:
            self.c.execute(
                insert(t.categories),
                [
                    {
                        "provider_id": provider.id,
                        "id": c.id,
                        "name": c.name,
                        "rank": c.rank,
                        "personnel": c.personnel,
                        "vehicles": c.vehicles,
                    }
                    for c in provider.categories
                ],
            )

    def providers(self) -> dict[str, Provider]:
        cats: dict[str, list[Category]] = defaultdict(list)
        for r in self.c.execute(select(t.categories).order_by(t.categories.c.rank)):
            cats[r.provider_id].append(Category(r.id, r.name, r.rank, r.personnel, r.vehicles))
        return {
            r.id: Provider(
                r.id,
                r.name,
                r.level,
                r.jurisdiction,
                r.pool_personnel,
                r.pool_vehicles,
                tuple(cats[r.id]),
            )
            for r in self.c.execute(select(t.providers).order_by(t.providers.c.id))
        }

    def provider(self, provider_id: str) -> Provider:
        found = self.providers().get(provider_id)
        if found is None:
            raise NotFound("provider", provider_id)
        return found

    # protectees --------------------------------------------------------------------------
    def add_protectee(self, p: Protectee, at: datetime) -> None:
        self.c.execute(
            insert(t.protectees).values(
                id=p.id, name=p.name, public_figure=p.public_figure, created_at=at
            )
        )
        if p.offices:
            self.c.execute(
                insert(t.offices),
                [
                    {
                        "protectee_id": p.id,
                        "office_class": o.office_class,
                        "title": o.title,
                        "since": o.since,
                        "until": o.until,
                    }
                    for o in p.offices
                ],
            )
        if p.affiliations:
            self.c.execute(
                insert(t.affiliations),
                [
                    {"protectee_id": p.id, "name": a.name, "since": a.since, "until": a.until}
                    for a in p.affiliations
                ],
            )
        if p.liaisons:
            self.c.execute(
                insert(t.liaisons), [{"protectee_id": p.id, "user_id": u} for u in p.liaisons]
            )

    def protectees(self, ids: Iterable[str] | None = None) -> dict[str, Protectee]:
        wanted = None if ids is None else list(ids)

        def scoped(query: Select[Any], column: Any) -> Select[Any]:
            return query if wanted is None else query.where(column.in_(wanted))

        offices: dict[str, list[Office]] = defaultdict(list)
        for r in self.c.execute(scoped(select(t.offices), t.offices.c.protectee_id)):
            offices[r.protectee_id].append(Office(r.office_class, r.title, r.since, r.until))
        affs: dict[str, list[Affiliation]] = defaultdict(list)
        for r in self.c.execute(scoped(select(t.affiliations), t.affiliations.c.protectee_id)):
            affs[r.protectee_id].append(Affiliation(r.name, r.since, r.until))
        liaisons: dict[str, list[str]] = defaultdict(list)
        for r in self.c.execute(scoped(select(t.liaisons), t.liaisons.c.protectee_id)):
            liaisons[r.protectee_id].append(r.user_id)
        query = scoped(select(t.protectees), t.protectees.c.id).order_by(t.protectees.c.id)
        return {
            r.id: Protectee(
                r.id,
                r.name,
                r.public_figure,
                tuple(sorted(offices[r.id], key=lambda o: o.since)),
                tuple(affs[r.id]),
                tuple(sorted(liaisons[r.id])),
            )
            for r in self.c.execute(query)
        }

    def protectee(self, protectee_id: str) -> Protectee:
        found = self.protectees([protectee_id]).get(protectee_id)
        if found is None:
            raise NotFound("protectee", protectee_id)
        return found

    def lock_protectee(self, protectee_id: str) -> None:
        """Serialises changes to one protectee's cover across processes (SQLite locks anyway)."""
        query = select(t.protectees.c.id).where(t.protectees.c.id == protectee_id)
        if self.c.dialect.name == "postgresql":
            query = query.with_for_update()
        if self.c.execute(query).first() is None:
            raise NotFound("protectee", protectee_id)

    # users -------------------------------------------------------------------------------
    def add_user(self, user: User, at: datetime, granted_by: str | None) -> None:
        self.c.execute(
            insert(t.users).values(
                id=user.id,
                name=user.name,
                protectee_id=user.protectee_id,
                created_at=at,
                created_by=granted_by,
            )
        )
        for role in sorted(user.roles):
            self.grant_role(user.id, role, granted_by, at)

    def grant_role(self, user_id: str, role: str, granted_by: str | None, at: datetime) -> None:
        self.c.execute(
            insert(t.user_roles).values(
                user_id=user_id, role=role, granted_by=granted_by, granted_at=at
            )
        )

    def users(self, ids: Iterable[str] | None = None) -> dict[str, User]:
        roles: dict[str, set[str]] = defaultdict(set)
        query = select(t.user_roles)
        user_query = select(t.users).order_by(t.users.c.id)
        if ids is not None:
            wanted = list(ids)
            query = query.where(t.user_roles.c.user_id.in_(wanted))
            user_query = user_query.where(t.users.c.id.in_(wanted))
        for r in self.c.execute(query):
            roles[r.user_id].add(r.role)
        return {
            r.id: User(r.id, r.name, frozenset(roles[r.id]), r.protectee_id)
            for r in self.c.execute(user_query)
        }

    def user(self, user_id: str) -> User:
        found = self.users([user_id]).get(user_id)
        if found is None:
            raise NotFound("user", user_id)
        return found

    # decisions ---------------------------------------------------------------------------
    def add_decision(self, d: Decision) -> None:
        self.c.execute(
            insert(t.decisions).values(
                id=d.id,
                protectee_id=d.protectee_id,
                provider_id=d.provider_id,
                action=d.action.value,
                category_id=d.category_id,
                basis=d.basis.value if d.basis else None,
                reason_code=d.reason_code,
                reason=d.reason,
                proposed_by=d.proposed_by,
                proposed_at=d.proposed_at,
                emergency=d.emergency,
                requested_effective_at=d.requested_effective_at,
            )
        )

    def add_approval(self, decision_id: str, by: str, at: datetime, effective_at: datetime) -> None:
        """Numbered after the protectee's earlier approvals (the caller holds the protectee)."""
        d, a = t.decisions, t.approvals
        protectee = select(d.c.protectee_id).where(d.c.id == decision_id).scalar_subquery()
        mine = select(d.c.id).where(d.c.protectee_id == protectee)
        last = self.c.execute(
            select(func.max(a.c.seq)).where(a.c.decision_id.in_(mine))
        ).scalar_one_or_none()
        self.c.execute(
            insert(a).values(
                decision_id=decision_id,
                approved_by=by,
                approved_at=at,
                effective_at=effective_at,
                seq=(last or 0) + 1,
            )
        )

    def add_rescission(self, decision_id: str, by: str, at: datetime, reason: str) -> None:
        self.c.execute(
            insert(t.rescissions).values(
                decision_id=decision_id, rescinded_by=by, rescinded_at=at, reason=reason
            )
        )

    def _decision_query(self) -> Select[Any]:
        d, a, r = t.decisions, t.approvals, t.rescissions
        return (
            select(
                d,
                a.c.approved_by,
                a.c.approved_at,
                a.c.effective_at,
                a.c.seq.label("approval_seq"),
                r.c.rescinded_by,
                r.c.rescinded_at,
                r.c.reason.label("rescind_reason"),
            )
            .select_from(
                d.outerjoin(a, a.c.decision_id == d.c.id).outerjoin(r, r.c.decision_id == d.c.id)
            )
            .order_by(d.c.proposed_at, d.c.id)
        )

    def decisions(
        self, protectee_id: str | None = None, provider_id: str | None = None
    ) -> list[Decision]:
        query = self._decision_query()
        if protectee_id is not None:
            query = query.where(t.decisions.c.protectee_id == protectee_id)
        if provider_id is not None:
            query = query.where(t.decisions.c.provider_id == provider_id)
        return self._enrich([_decision(r) for r in self.c.execute(query)], protectee_id)

    def decision(self, decision_id: str) -> Decision:
        row = self.c.execute(self._decision_query().where(t.decisions.c.id == decision_id)).first()
        if row is None:
            raise NotFound("decision", decision_id)
        return self._enrich([_decision(row)], None, decision_id)[0]

    def _enrich(
        self, found: list[Decision], protectee_id: str | None, decision_id: str | None = None
    ) -> list[Decision]:
        """Adds approval steps, appeal holds and ratifications, read in one query each."""
        if not found:
            return found

        def scoped(query: Select[Any], column: Any) -> Select[Any]:
            if decision_id is not None:
                return query.where(column == decision_id)
            if protectee_id is not None:
                ids = select(t.decisions.c.id).where(t.decisions.c.protectee_id == protectee_id)
                return query.where(column.in_(ids))
            return query

        steps: dict[str, list[StepApproval]] = defaultdict(list)
        s = t.approval_steps
        for r in self.c.execute(scoped(select(s).order_by(s.c.step), s.c.decision_id)):
            steps[r.decision_id].append(StepApproval(r.step, r.role, r.approved_by, r.approved_at))
        holds: dict[str, Hold] = {}
        for appeal in self.appeals(decision_id=decision_id, protectee_id=protectee_id):
            holds.setdefault(
                appeal.decision_id,
                Hold(
                    appeal.id,
                    appeal.lodged_at,
                    appeal.decided_at,
                    None if appeal.outcome is None else appeal.outcome is AppealOutcome.OVERTURNED,
                ),
            )
        ratified: dict[str, Ratification] = {}
        rt = t.ratifications
        for r in self.c.execute(scoped(select(rt), rt.c.decision_id)):
            ratified[r.decision_id] = Ratification(
                r.ratified_by, r.ratified_at, r.refused, r.reason
            )
        out = []
        for d in found:
            hold = holds.get(d.id)
            if hold is not None and (d.effective_at is None or hold.lodged_at >= d.effective_at):
                hold = None  # appealed after it took effect: the appeal cannot hold it
            out.append(
                replace(d, steps=tuple(steps[d.id]), hold=hold, ratification=ratified.get(d.id))
            )
        return out

    # approval steps, ratifications ---------------------------------------------------------
    def add_step(self, decision_id: str, step: int, role: str, by: str, at: datetime) -> None:
        self.c.execute(
            insert(t.approval_steps).values(
                decision_id=decision_id, step=step, role=role, approved_by=by, approved_at=at
            )
        )

    def add_ratification(
        self,
        decision_id: str,
        by: str,
        at: datetime,
        refused: bool,
        reason: str,
        restoring: str | None,
    ) -> None:
        self.c.execute(
            insert(t.ratifications).values(
                decision_id=decision_id,
                ratified_by=by,
                ratified_at=at,
                refused=refused,
                reason=reason,
                restoring_decision_id=restoring,
            )
        )

    # appeals -------------------------------------------------------------------------------
    def add_appeal(self, a: Appeal) -> None:
        self.c.execute(
            insert(t.appeals).values(
                id=a.id,
                decision_id=a.decision_id,
                lodged_by=a.lodged_by,
                lodged_at=a.lodged_at,
                grounds=a.grounds,
            )
        )

    def add_appeal_outcome(
        self,
        appeal_id: str,
        outcome: AppealOutcome,
        by: str,
        at: datetime,
        reason: str,
        restoring: str | None,
    ) -> None:
        self.c.execute(
            insert(t.appeal_outcomes).values(
                appeal_id=appeal_id,
                outcome=outcome.value,
                decided_by=by,
                decided_at=at,
                reason=reason,
                restoring_decision_id=restoring,
            )
        )

    def appeals(
        self,
        protectee_id: str | None = None,
        decision_id: str | None = None,
        appeal_id: str | None = None,
    ) -> list[Appeal]:
        a, o, d = t.appeals, t.appeal_outcomes, t.decisions
        query = (
            select(
                a,
                d.c.protectee_id,
                o.c.outcome,
                o.c.decided_by,
                o.c.decided_at,
                o.c.reason,
                o.c.restoring_decision_id,
            )
            .select_from(a.join(d, d.c.id == a.c.decision_id).outerjoin(o, o.c.appeal_id == a.c.id))
            .order_by(a.c.lodged_at, a.c.id)
        )
        if protectee_id is not None:
            query = query.where(d.c.protectee_id == protectee_id)
        if decision_id is not None:
            query = query.where(a.c.decision_id == decision_id)
        if appeal_id is not None:
            query = query.where(a.c.id == appeal_id)
        return [
            Appeal(
                r.id,
                r.decision_id,
                r.protectee_id,
                r.lodged_by,
                r.lodged_at,
                r.grounds,
                AppealOutcome(r.outcome) if r.outcome else None,
                r.decided_by,
                r.decided_at,
                r.reason,
                r.restoring_decision_id,
            )
            for r in self.c.execute(query)
        ]

    def appeal(self, appeal_id: str) -> Appeal:
        found = self.appeals(appeal_id=appeal_id)
        if not found:
            raise NotFound("appeal", appeal_id)
        return found[0]

    # reviews -------------------------------------------------------------------------------
    def add_review(self, r: Review) -> None:
        self.c.execute(
            insert(t.reviews).values(
                id=r.id,
                coverage=r.coverage,
                reviewed_by=r.reviewed_by,
                reviewed_at=r.reviewed_at,
                outcome=r.outcome,
                reason=r.reason,
                decision_id=r.decision_id,
            )
        )

    def reviews(self, coverage: str | None = None) -> list[Review]:
        query = select(t.reviews).order_by(t.reviews.c.reviewed_at, t.reviews.c.id)
        if coverage is not None:
            query = query.where(t.reviews.c.coverage == coverage)
        return [
            Review(
                r.id, r.coverage, r.reviewed_by, r.reviewed_at, r.outcome, r.reason, r.decision_id
            )
            for r in self.c.execute(query)
        ]

    # notices -------------------------------------------------------------------------------
    def add_notice(self, n: Notice) -> None:
        self.c.execute(
            insert(t.notices).values(
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
            )
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

    def logins_of(self, protectee_id: str) -> list[str]:
        query = select(t.users.c.id).where(t.users.c.protectee_id == protectee_id)
        return sorted(self.c.execute(query).scalars())

    # ground report resolutions -------------------------------------------------------------
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
            insert(t.discrepancy_resolutions).values(
                report_id=report_id,
                outcome=outcome,
                decision_id=decision_id,
                reason=reason,
                resolved_by=by,
                resolved_at=at,
            )
        )

    # threat assessments ------------------------------------------------------------------
    def add_assessment(self, a: ThreatAssessment) -> None:
        self.c.execute(
            insert(t.threat_assessments).values(
                id=a.id,
                protectee_id=a.protectee_id,
                level=a.level,
                agency=a.agency,
                assessed_at=a.assessed_at,
                valid_until=a.valid_until,
                summary=a.summary,
                entered_by=a.entered_by,
                entered_at=a.entered_at,
            )
        )

    def assessments(self, protectee_id: str | None = None) -> list[ThreatAssessment]:
        query = select(t.threat_assessments).order_by(
            t.threat_assessments.c.assessed_at, t.threat_assessments.c.id
        )
        if protectee_id is not None:
            query = query.where(t.threat_assessments.c.protectee_id == protectee_id)
        return [
            ThreatAssessment(
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
            for r in self.c.execute(query)
        ]

    # ground reports ----------------------------------------------------------------------
    def add_discrepancy(self, r: DiscrepancyReport) -> None:
        self.c.execute(
            insert(t.discrepancies).values(
                id=r.id,
                protectee_id=r.protectee_id,
                provider_id=r.provider_id,
                reported_by=r.reported_by,
                observed_at=r.observed_at,
                reported_at=r.reported_at,
                text=r.text,
            )
        )

    def discrepancies(
        self, protectee_id: str | None = None, report_id: str | None = None
    ) -> list[DiscrepancyReport]:
        g, res = t.discrepancies, t.discrepancy_resolutions
        query = (
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
        if protectee_id is not None:
            query = query.where(g.c.protectee_id == protectee_id)
        if report_id is not None:
            query = query.where(g.c.id == report_id)
        return [
            DiscrepancyReport(
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
            for r in self.c.execute(query)
        ]

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
            insert(t.attempts).values(
                id=attempt, at=at, actor=actor, command=command, subject=dict(subject), rules=rules
            )
        )

    def exists(self, table: str, ident: str) -> bool:
        tbl = t.metadata.tables[table]
        return self.c.execute(select(tbl.c.id).where(tbl.c.id == ident)).first() is not None


def _decision(r: Row[Any]) -> Decision:
    return Decision(
        id=r.id,
        protectee_id=r.protectee_id,
        provider_id=r.provider_id,
        action=Action(r.action),
        category_id=r.category_id,
        basis=Basis(r.basis) if r.basis else None,
        reason_code=r.reason_code,
        reason=r.reason,
        proposed_by=r.proposed_by,
        proposed_at=r.proposed_at,
        emergency=r.emergency,
        requested_effective_at=r.requested_effective_at,
        approved_by=r.approved_by,
        decided_at=r.approved_at,
        effective_at=r.effective_at,
        rescinded_by=r.rescinded_by,
        rescinded_at=r.rescinded_at,
        rescind_reason=r.rescind_reason,
        approval_seq=r.approval_seq,
    )
