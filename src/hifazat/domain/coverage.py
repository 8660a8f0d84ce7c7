"""Coverage: the protection one provider gives one protectee, and the state machine that every
decision must fit (R-STATE). A coverage is named by the grant that opened it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hifazat.domain.decision import Action, Basis, Decision, replay_order
from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.provider import Provider
from hifazat.domain.said import Ref, Said, Term
from hifazat.domain.words import N_


class CoverState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Cover:
    coverage: str
    protectee_id: str
    provider_id: str
    category_id: str
    rank: int
    personnel: int
    vehicles: int
    state: CoverState
    basis: Basis
    since: datetime
    decision: str

    @property
    def open(self) -> bool:
        return self.state is not CoverState.WITHDRAWN

    @property
    def committed(self) -> tuple[int, int]:
        """Officers and vehicles tied up: a suspended detail is stood down."""
        if self.state is CoverState.ACTIVE:
            return self.personnel, self.vehicles
        return 0, 0


_ALLOWED: dict[Action, tuple[CoverState | None, ...]] = {
    Action.GRANT: (None, CoverState.WITHDRAWN),
    Action.UPGRADE: (CoverState.ACTIVE,),
    Action.DOWNGRADE: (CoverState.ACTIVE,),
    Action.SUSPEND: (CoverState.ACTIVE,),
    Action.RESUME: (CoverState.SUSPENDED,),
    Action.WITHDRAW: (CoverState.ACTIVE, CoverState.SUSPENDED),
}


def _refuse(decision: Decision, cover: Cover | None, why: Said) -> Refusal:
    state = Term("cover state", cover.state.value) if cover else Term("cover state", "no cover")
    return Refusal(
        Violation.of(
            "R-STATE",
            N_("cannot {action} {person} / {force} ({state}): {why}"),
            action=Term("action", decision.action.value),
            person=Ref("person", decision.protectee_id),
            force=Ref("provider", decision.provider_id),
            state=state,
            why=why,
        )
    )


def apply(cover: Cover | None, decision: Decision, provider: Provider, at: datetime) -> Cover:
    """The cover after `decision` takes effect at `at`; refuses (R-STATE) what does not fit."""
    current = cover.state if cover else None
    if current not in _ALLOWED[decision.action]:
        raise _refuse(decision, cover, Said(N_("the action does not fit the coverage's state")))
    if decision.action is Action.GRANT:
        if decision.category_id is None or decision.basis is None:
            raise _refuse(decision, cover, Said(N_("a grant names its category and basis")))
        category = provider.category(decision.category_id)
        return Cover(
            coverage=decision.id,
            protectee_id=decision.protectee_id,
            provider_id=provider.id,
            category_id=category.id,
            rank=category.rank,
            personnel=category.personnel,
            vehicles=category.vehicles,
            state=CoverState.ACTIVE,
            basis=decision.basis,
            since=at,
            decision=decision.id,
        )
    assert cover is not None
    if decision.action in (Action.UPGRADE, Action.DOWNGRADE):
        if decision.category_id is None:
            raise _refuse(
                decision, cover, Said(N_("an upgrade or downgrade names its new category"))
            )
        category = provider.category(decision.category_id)
        rising = category.rank > cover.rank
        if category.rank == cover.rank or rising != (decision.action is Action.UPGRADE):
            higher = decision.action is Action.UPGRADE
            raise _refuse(
                decision,
                cover,
                Said(
                    N_("{category} is not higher than the current {current}")
                    if higher
                    else N_("{category} is not lower than the current {current}"),
                    category=category.id,
                    current=cover.category_id,
                ),
            )
        return Cover(
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
            decision.id,
        )
    target = {
        Action.SUSPEND: CoverState.SUSPENDED,
        Action.RESUME: CoverState.ACTIVE,
        Action.WITHDRAW: CoverState.WITHDRAWN,
    }[decision.action]
    # built field by field rather than with dataclasses.replace: replays run this for every
    # decision of a history, several times per rule check
    return Cover(
        cover.coverage,
        cover.protectee_id,
        cover.provider_id,
        cover.category_id,
        cover.rank,
        cover.personnel,
        cover.vehicles,
        target,
        cover.basis,
        at,
        decision.id,
    )


def replay(decisions: Iterable[Decision], provider: Provider) -> Cover | None:
    """The cover one provider gives after these approved decisions, in effective order."""
    cover: Cover | None = None
    for decision in sorted(decisions, key=replay_order):
        assert decision.takes_effect_at is not None
        cover = apply(cover, decision, provider, decision.takes_effect_at)
    return cover


def resulting_rank(cover: Cover | None, decision: Decision, provider: Provider) -> int:
    """The rank the protectee is left with from this provider: 0 once suspended or withdrawn."""
    if decision.action in (Action.SUSPEND, Action.WITHDRAW):
        return 0
    if decision.category_id is not None:
        return provider.category(decision.category_id).rank
    return cover.rank if cover else 0
