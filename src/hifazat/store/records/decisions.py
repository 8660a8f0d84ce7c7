"""Decisions with their approvals, steps, rescissions, appeals and ratifications."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, insert, select

from hifazat.domain.appeal import Appeal, AppealOutcome
from hifazat.domain.decision import Action, Basis, Decision, Hold, Ratification, StepApproval
from hifazat.domain.errors import NotFound
from hifazat.reports.lean import DecisionFact
from hifazat.store import tables as t
from hifazat.store.records.base import Base

#: enum members by their stored text (a dict lookup, not an Enum call, per row of a history)
_ACTIONS = {a.value: a for a in Action}
_BASES = {b.value: b for b in Basis}


def decision_from_row(r: Row[Any]) -> Decision:
    return Decision(
        id=r.id,
        protectee_id=r.protectee_id,
        provider_id=r.provider_id,
        action=_ACTIONS[r.action],
        category_id=r.category_id,
        basis=_BASES[r.basis] if r.basis else None,
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
        ratification=None
        if r.ratified_by is None
        else Ratification(
            r.ratified_by, r.ratified_at, r.ratification_refused, r.ratification_reason
        ),
    )


class DecisionRecords(Base):
    def add_decision(self, d: Decision) -> None:
        self._insert(
            t.decisions,
            {
                "id": d.id,
                "protectee_id": d.protectee_id,
                "provider_id": d.provider_id,
                "action": d.action.value,
                "category_id": d.category_id,
                "basis": d.basis.value if d.basis else None,
                "reason_code": d.reason_code,
                "reason": d.reason,
                "proposed_by": d.proposed_by,
                "proposed_at": d.proposed_at,
                "emergency": d.emergency,
                "requested_effective_at": d.requested_effective_at,
            },
        )
        cached = self.decision_cache.get(d.protectee_id)
        if cached is not None:
            # proposals arrive in time order; keep the read order (proposed_at, id) regardless
            at = len(cached)
            while at and (cached[at - 1].proposed_at, cached[at - 1].id) > (d.proposed_at, d.id):
                at -= 1
            cached.insert(at, d)
            self.decision_owner[d.id] = d.protectee_id

    def add_approval(self, decision_id: str, by: str, at: datetime, effective_at: datetime) -> None:
        """Numbered after the protectee's earlier approvals (the caller holds the protectee)."""
        mine = self._cached_list(decision_id)
        last: int | None
        if mine is not None:
            last = max((d.approval_seq or 0 for d in mine), default=0)
        else:
            d, a = t.decisions, t.approvals
            protectee = select(d.c.protectee_id).where(d.c.id == decision_id).scalar_subquery()
            ids = select(d.c.id).where(d.c.protectee_id == protectee)
            last = self.c.execute(
                select(func.max(a.c.seq)).where(a.c.decision_id.in_(ids))
            ).scalar_one_or_none()
        seq = (last or 0) + 1
        self._insert(
            t.approvals,
            {
                "decision_id": decision_id,
                "approved_by": by,
                "approved_at": at,
                "effective_at": effective_at,
                "seq": seq,
            },
        )
        self._update_cached(
            decision_id,
            approved_by=by,
            decided_at=at,
            effective_at=effective_at,
            approval_seq=seq,
        )

    def add_rescission(self, decision_id: str, by: str, at: datetime, reason: str) -> None:
        self.c.execute(
            insert(t.rescissions),
            dict(decision_id=decision_id, rescinded_by=by, rescinded_at=at, reason=reason),
        )
        self._update_cached(decision_id, rescinded_by=by, rescinded_at=at, rescind_reason=reason)

    def _cached_list(self, decision_id: str) -> list[Decision] | None:
        owner = self.decision_owner.get(decision_id)
        return None if owner is None else self.decision_cache.get(owner)

    def _update_cached(self, decision_id: str, **changes: Any) -> None:
        decisions = self._cached_list(decision_id)
        for n, d in enumerate(decisions or ()):
            if d.id == decision_id:
                decisions[n] = replace(d, **changes)  # type: ignore[index]
                return

    def _forget_decisions(self, decision_id: str) -> None:
        """An appeal or a ratification changes holds and outcomes: the protectee it concerns is
        read afresh next time (the others keep their caches)."""
        owner = self.decision_owner.get(decision_id)
        if owner is None:
            query = select(t.decisions.c.protectee_id).where(t.decisions.c.id == decision_id)
            owner = self.c.execute(query).scalar_one_or_none()
        for d in self.decision_cache.pop(owner or "", []):
            self.decision_owner.pop(d.id, None)
        self.appeal_cache.pop(owner or "", None)

    def decisions(
        self, protectee_id: str | None = None, provider_id: str | None = None
    ) -> list[Decision]:
        if protectee_id is not None:
            mine = self._protectee_decisions(protectee_id)
            if provider_id is None:
                return list(mine)
            return [d for d in mine if d.provider_id == provider_id]
        query = decision_query()
        if provider_id is not None:
            query = query.where(t.decisions.c.provider_id == provider_id)
        return self._enrich([decision_from_row(r) for r in self.c.execute(query)], None)

    def decision_facts(self) -> list[DecisionFact]:
        """Every decision as the oversight reports read it, in two queries: the decision with
        its approval and rescission times, and the appeals (the first one lodged before the
        decision took effect holds it, as `_enrich` decides)."""
        a, o = t.appeals, t.appeal_outcomes
        Hold3 = tuple[datetime | None, datetime | None, bool | None]
        holds: dict[str, Hold3] = {}
        query = (
            select(a.c.decision_id, a.c.lodged_at, o.c.decided_at, o.c.outcome)
            .select_from(a.outerjoin(o, o.c.appeal_id == a.c.id))
            .order_by(a.c.lodged_at, a.c.id)
        )
        overturned = AppealOutcome.OVERTURNED.value
        for decision_id, lodged_at, decided_at, outcome in self.c.execute(query).all():
            if decision_id not in holds:
                holds[decision_id] = (
                    lodged_at,
                    decided_at,
                    None if outcome is None else outcome == overturned,
                )
        d, ap, r = t.decisions, t.approvals, t.rescissions
        query = select(
            d.c.id,
            d.c.protectee_id,
            d.c.provider_id,
            d.c.action,
            d.c.category_id,
            d.c.basis,
            d.c.proposed_at,
            ap.c.approved_at,
            ap.c.effective_at,
            r.c.rescinded_at,
            ap.c.seq,
        ).select_from(
            d.outerjoin(ap, ap.c.decision_id == d.c.id).outerjoin(r, r.c.decision_id == d.c.id)
        )
        actions, bases = _ACTIONS, _BASES
        none: Hold3 = (None, None, None)
        facts = []
        rows: Iterable[Any] = self.c.execute(query).all()  # one fetch, not one per row
        for row in rows:
            i, pid, prov, action, cat, basis, proposed, decided, effective, rescinded, seq = row
            hold = holds.get(i)
            if hold is None or effective is None or hold[0] is None or hold[0] >= effective:
                hold = none  # appealed after it took effect: the appeal cannot hold it
            facts.append(
                DecisionFact(
                    i,
                    pid,
                    prov,
                    actions[action],
                    cat,
                    bases[basis] if basis else None,
                    proposed,
                    decided,
                    effective,
                    rescinded,
                    seq,
                    *hold,
                )
            )
        return facts

    def _protectee_decisions(self, protectee_id: str) -> list[Decision]:
        cached = self.decision_cache.get(protectee_id)
        if cached is None:
            query = decision_query().where(t.decisions.c.protectee_id == protectee_id)
            rows = [decision_from_row(r) for r in self.c.execute(query)]
            cached = self.decision_cache[protectee_id] = self._enrich(rows, protectee_id)
            for d in cached:
                self.decision_owner[d.id] = protectee_id
        return cached

    def decision(self, decision_id: str) -> Decision:
        protectee_id = self.decision_owner.get(decision_id)
        if protectee_id is None:
            query = select(t.decisions.c.protectee_id).where(t.decisions.c.id == decision_id)
            protectee_id = self.c.execute(query).scalar_one_or_none()
        if protectee_id is None:
            raise NotFound("decision", decision_id)
        for d in self._protectee_decisions(protectee_id):
            if d.id == decision_id:
                return d
        raise NotFound("decision", decision_id)

    def _enrich(self, found: list[Decision], protectee_id: str | None) -> list[Decision]:
        """Adds approval steps and appeal holds, read in one query each (the appeals shared with
        whatever else asks for this protectee's appeals)."""
        if not found:
            return found
        query = steps_query()
        if protectee_id is not None:  # by the ids at hand, as for reviews
            query = query.where(t.approval_steps.c.decision_id.in_([d.id for d in found]))
        return enriched(found, self.c.execute(query), self.appeals(protectee_id=protectee_id))

    def add_step(self, decision_id: str, step: int, role: str, by: str, at: datetime) -> None:
        self._insert(
            t.approval_steps,
            dict(decision_id=decision_id, step=step, role=role, approved_by=by, approved_at=at),
        )
        mine = self._cached_list(decision_id)
        if mine is not None:
            current = next(d for d in mine if d.id == decision_id)
            steps = (*current.steps, StepApproval(step, role, by, at))
            self._update_cached(decision_id, steps=steps)

    def add_ratification(
        self,
        decision_id: str,
        by: str,
        at: datetime,
        refused: bool,
        reason: str,
        restoring: str | None,
    ) -> None:
        self._forget_decisions(decision_id)
        self.c.execute(
            insert(t.ratifications),
            dict(
                decision_id=decision_id,
                ratified_by=by,
                ratified_at=at,
                refused=refused,
                reason=reason,
                restoring_decision_id=restoring,
            ),
        )

    def add_appeal(self, a: Appeal) -> None:
        self._forget_decisions(a.decision_id)
        self.c.execute(
            insert(t.appeals),
            dict(
                id=a.id,
                decision_id=a.decision_id,
                lodged_by=a.lodged_by,
                lodged_at=a.lodged_at,
                grounds=a.grounds,
            ),
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
        query = select(t.appeals.c.decision_id).where(t.appeals.c.id == appeal_id)
        appealed = self.c.execute(query).scalar_one_or_none()
        if appealed is not None:
            self._forget_decisions(appealed)
        self.c.execute(
            insert(t.appeal_outcomes),
            dict(
                appeal_id=appeal_id,
                outcome=outcome.value,
                decided_by=by,
                decided_at=at,
                reason=reason,
                restoring_decision_id=restoring,
            ),
        )

    def appeals(
        self,
        protectee_id: str | None = None,
        decision_id: str | None = None,
        appeal_id: str | None = None,
    ) -> list[Appeal]:
        if protectee_id is not None and decision_id is None and appeal_id is None:
            if protectee_id not in self.appeal_cache:
                self.appeal_cache[protectee_id] = self._read_appeals(protectee_id)
            return list(self.appeal_cache[protectee_id])
        return self._read_appeals(protectee_id, decision_id, appeal_id)

    def _read_appeals(
        self,
        protectee_id: str | None = None,
        decision_id: str | None = None,
        appeal_id: str | None = None,
    ) -> list[Appeal]:
        a, d = t.appeals, t.decisions
        query = appeals_query()
        if protectee_id is not None:
            query = query.where(d.c.protectee_id == protectee_id)
        if decision_id is not None:
            query = query.where(a.c.decision_id == decision_id)
        if appeal_id is not None:
            query = query.where(a.c.id == appeal_id)
        return [appeal_from_row(r) for r in self.c.execute(query)]

    def appeal(self, appeal_id: str) -> Appeal:
        found = self.appeals(appeal_id=appeal_id)
        if not found:
            raise NotFound("appeal", appeal_id)
        return found[0]


def decision_query() -> Select[Any]:
    """A decision with what at most one row of each adds to it: its approval, rescission and
    ratification (steps and appeals are read beside it)."""
    d, a, r, rt = t.decisions, t.approvals, t.rescissions, t.ratifications
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
            rt.c.ratified_by,
            rt.c.ratified_at,
            rt.c.refused.label("ratification_refused"),
            rt.c.reason.label("ratification_reason"),
        )
        .select_from(
            d.outerjoin(a, a.c.decision_id == d.c.id)
            .outerjoin(r, r.c.decision_id == d.c.id)
            .outerjoin(rt, rt.c.decision_id == d.c.id)
        )
        .order_by(d.c.proposed_at, d.c.id)
    )


def decision_order(r: Any) -> tuple[datetime, str]:
    return (r.proposed_at, r.id)


def steps_query() -> Select[Any]:
    s = t.approval_steps
    return select(s).order_by(s.c.step)


def step_order(r: Any) -> int:
    return int(r.step)


def appeals_query() -> Select[Any]:
    a, o, d = t.appeals, t.appeal_outcomes, t.decisions
    return (
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


def appeal_order(r: Any) -> tuple[datetime, str]:
    return (r.lodged_at, r.id)


def appeal_from_row(r: Any) -> Appeal:
    return Appeal(
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


def enriched(
    found: list[Decision], step_rows: Iterable[Any], appeals: Iterable[Appeal]
) -> list[Decision]:
    """Decisions with their approval steps (rows in `step_order`) and the appeal that holds
    each, if any: the first lodged before it took effect."""
    steps: dict[str, list[StepApproval]] = defaultdict(list)
    for r in step_rows:
        steps[r.decision_id].append(StepApproval(r.step, r.role, r.approved_by, r.approved_at))
    holds: dict[str, Hold] = {}
    for appeal in appeals:
        holds.setdefault(
            appeal.decision_id,
            Hold(
                appeal.id,
                appeal.lodged_at,
                appeal.decided_at,
                None if appeal.outcome is None else appeal.outcome is AppealOutcome.OVERTURNED,
            ),
        )
    out = []
    for d in found:
        hold = holds.get(d.id)
        if hold is not None and (d.effective_at is None or hold.lodged_at >= d.effective_at):
            hold = None  # appealed after it took effect: the appeal cannot hold it
        mine = steps.get(d.id)
        if mine or hold:  # most decisions have neither
            d = replace(d, steps=tuple(mine or ()), hold=hold)
        out.append(d)
    return out
