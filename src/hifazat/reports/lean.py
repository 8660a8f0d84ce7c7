"""Oversight over a whole national history in seconds: the fairness audit, capacity and cost
from one lean read of the decisions.

The reference reports (`fairness.audit`, `capacity.capacity`, `cost.cost`) replay whole
`Decision`s, which the store assembles with their reasons, approval steps, appeals and
ratifications: at 227,000 decisions that assembly, and a dataclass per replayed step, took
most of each report's 10-15 s. A report reads only when each decision bit, what it did and to
which category, so the store hands it a `DecisionFact` (one flat tuple per decision, its hold
already resolved) and the replay here keeps plain tuples. The answers are the reference's,
exactly (tests/reports/test_lean.py compares them on generated histories)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from hifazat.domain.coverage import Cover, CoverState
from hifazat.domain.decision import LAST, WITH_CATEGORY, Action, Basis, Decision
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.provider import Provider
from hifazat.domain.threat import ThreatAssessment
from hifazat.reports.history import by_protectee


class DecisionFact(NamedTuple):
    """What a report reads of a decision. `hold_*` describe the appeal that holds it (the
    first lodged before it took effect), as `Decision.hold` does; None where none does."""

    id: str
    protectee_id: str
    provider_id: str
    action: Action
    category_id: str | None
    basis: Basis | None
    proposed_at: datetime
    decided_at: datetime | None
    effective_at: datetime | None
    rescinded_at: datetime | None
    approval_seq: int | None
    hold_lodged_at: datetime | None = None
    hold_decided_at: datetime | None = None
    hold_overturned: bool | None = None


def fact_of(d: Decision) -> DecisionFact:
    """The fact of a whole decision (for callers holding `Decision`s, and the tests)."""
    hold = d.hold
    return DecisionFact(
        d.id,
        d.protectee_id,
        d.provider_id,
        d.action,
        d.category_id,
        d.basis,
        d.proposed_at,
        d.decided_at,
        d.effective_at,
        d.rescinded_at,
        d.approval_seq,
        None if hold is None else hold.lodged_at,
        None if hold is None else hold.decided_at,
        None if hold is None else hold.overturned,
    )


def effect_known(f: DecisionFact, now: datetime) -> tuple[datetime | None, bool]:
    """(when it bites, whether it had bitten by `now`) as known at `now`: `Decision.state_at`
    of `as_known(d, now)` folded into one pass. The time is None where it was rescinded,
    unapproved, held or overturned as of `now`; bitten False means pending at `now`."""
    if now < f.proposed_at or (f.rescinded_at is not None and f.rescinded_at <= now):
        return None, False
    if f.decided_at is None or now < f.decided_at:
        return None, False
    effect = f.effective_at
    assert effect is not None
    lodged = f.hold_lodged_at
    if lodged is not None and lodged <= now:  # an appeal lodged later was not known yet
        decided = f.hold_decided_at
        if decided is None or now < decided or f.hold_overturned:
            return None, False
        effect = max(effect, decided)
    return effect, effect <= now


class LeanStep(NamedTuple):
    """One decision biting, and the detail it leaves: committed officers and vehicles (0 while
    suspended) and whether the cover is still open."""

    at: datetime
    fact: DecisionFact
    personnel: int
    vehicles: int
    open: bool


@dataclass(frozen=True)
class LeanHistory:
    """What the oversight reports read: `History` with facts for decisions."""

    policy: Policy
    providers: Mapping[str, Provider]
    protectees: Mapping[str, Protectee]
    facts: Sequence[DecisionFact]
    assessments: Sequence[ThreatAssessment] = ()
    reports: Sequence[DiscrepancyReport] = ()

    def assessments_by_protectee(self) -> dict[str, list[ThreatAssessment]]:
        return by_protectee(self.assessments)


Key = tuple[str, str]
#: one fact with when it bites, in replay order (`replay_order`'s key first)
Timed = tuple[datetime, datetime, int, str, DecisionFact]


def in_force_by(facts: Iterable[DecisionFact], now: datetime) -> dict[Key, list[Timed]]:
    """Per (protectee, provider), what had bitten by `now` as known then, in replay order."""
    grouped: dict[Key, list[Timed]] = defaultdict(list)
    for f in facts:
        at, bitten = effect_known(f, now)
        if bitten:
            assert at is not None and f.decided_at is not None
            seq = f.approval_seq if f.approval_seq is not None else LAST
            grouped[(f.protectee_id, f.provider_id)].append((at, f.decided_at, seq, f.id, f))
    for timed in grouped.values():
        timed.sort(key=lambda t: t[:4])
    return grouped


_STATE = {
    Action.GRANT: CoverState.ACTIVE,
    Action.SUSPEND: CoverState.SUSPENDED,
    Action.RESUME: CoverState.ACTIVE,
    Action.WITHDRAW: CoverState.WITHDRAWN,
}


def replay_lean(timed: Sequence[Timed], provider: Provider) -> list[LeanStep]:
    """`coverage.apply` over one cover's decisions, keeping only what the reports read. The
    decisions were checked against the state machine when approved; this does not re-check."""
    steps: list[LeanStep] = []
    state = CoverState.WITHDRAWN
    personnel = vehicles = 0
    for at, _, _, _, f in timed:
        state = _STATE.get(f.action, state)
        if f.action in WITH_CATEGORY:
            assert f.category_id is not None
            category = provider.category(f.category_id)
            personnel, vehicles = category.personnel, category.vehicles
        active = state is CoverState.ACTIVE
        steps.append(
            LeanStep(
                at,
                f,
                personnel if active else 0,
                vehicles if active else 0,
                state is not CoverState.WITHDRAWN,
            )
        )
    return steps


def final_cover(timed: Sequence[Timed], provider: Provider) -> Cover | None:
    """The cover the decisions leave, as `coverage.replay` builds it."""
    cover: Cover | None = None
    for at, _, _, _, f in timed:
        if f.action is Action.GRANT:
            assert f.category_id is not None and f.basis is not None
            category = provider.category(f.category_id)
            cover = Cover(
                f.id,
                f.protectee_id,
                provider.id,
                category.id,
                category.rank,
                category.personnel,
                category.vehicles,
                CoverState.ACTIVE,
                f.basis,
                at,
                f.id,
            )
            continue
        assert cover is not None
        if f.action in (Action.UPGRADE, Action.DOWNGRADE):
            assert f.category_id is not None
            category = provider.category(f.category_id)
            cover = Cover(
                cover.coverage,
                cover.protectee_id,
                cover.provider_id,
                category.id,
                category.rank,
                category.personnel,
                category.vehicles,
                cover.state,
                cover.basis,
                at,
                f.id,
            )
        else:
            cover = Cover(
                cover.coverage,
                cover.protectee_id,
                cover.provider_id,
                cover.category_id,
                cover.rank,
                cover.personnel,
                cover.vehicles,
                _STATE[f.action],
                cover.basis,
                at,
                f.id,
            )
    return cover
