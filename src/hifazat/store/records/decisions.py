"""Decisions with their approvals, steps, rescissions, appeals and ratifications."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, insert, select

from hifazat.domain.appeal import Appeal, AppealOutcome
from hifazat.domain.decision import Action, Basis, Decision, Hold, Ratification, StepApproval
from hifazat.domain.errors import NotFound
from hifazat.store import tables as t
from hifazat.store.records.base import Base


def decision_from_row(r: Row[Any]) -> Decision:
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


class DecisionRecords(Base):
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
        return self._enrich([decision_from_row(r) for r in self.c.execute(query)], protectee_id)

    def decision(self, decision_id: str) -> Decision:
        row = self.c.execute(self._decision_query().where(t.decisions.c.id == decision_id)).first()
        if row is None:
            raise NotFound("decision", decision_id)
        return self._enrich([decision_from_row(row)], None, decision_id)[0]

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
