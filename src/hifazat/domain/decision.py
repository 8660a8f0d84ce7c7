"""Decisions: the only way cover changes. A decision is proposed, approved (by whoever the rules
require) and takes effect at its effective time; until then it may be rescinded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Action(StrEnum):
    GRANT = "grant"
    UPGRADE = "upgrade"
    DOWNGRADE = "downgrade"
    SUSPEND = "suspend"
    RESUME = "resume"
    WITHDRAW = "withdraw"


class Basis(StrEnum):
    POSITIONAL = "positional"
    THREAT = "threat"


def basis_for(action: Action, basis: Basis | None) -> Basis | None:
    """A grant that names no basis is positional (the office entitles it), the common case;
    whichever interface the grant comes through, the same default applies."""
    if action is Action.GRANT and basis is None:
        return Basis.POSITIONAL
    return basis


class DecisionState(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    HELD = "held"  # approved, but waiting on an appeal lodged before it took effect
    EFFECTIVE = "effective"
    RESCINDED = "rescinded"
    OVERTURNED = "overturned"  # an appeal lodged before it took effect was upheld against it


#: actions that take cover away, and so need notice and must respect entitlement and threat floors
REDUCING = frozenset({Action.DOWNGRADE, Action.SUSPEND, Action.WITHDRAW})
#: actions that name the category they lead to
WITH_CATEGORY = frozenset({Action.GRANT, Action.UPGRADE, Action.DOWNGRADE})


@dataclass(frozen=True)
class StepApproval:
    """One step of an approval chain short of the last (a recommendation)."""

    step: int
    role: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Hold:
    """An appeal against the decision, as far as it bears on when (or whether) it takes effect."""

    appeal: str
    lodged_at: datetime
    decided_at: datetime | None = None
    overturned: bool | None = None


@dataclass(frozen=True)
class Ratification:
    by: str
    at: datetime
    refused: bool
    reason: str


@dataclass(frozen=True)
class Decision:
    id: str
    protectee_id: str
    provider_id: str
    action: Action
    category_id: str | None
    basis: Basis | None
    reason_code: str
    reason: str
    proposed_by: str
    proposed_at: datetime
    emergency: bool = False
    requested_effective_at: datetime | None = None
    approved_by: str | None = None
    decided_at: datetime | None = None
    effective_at: datetime | None = None
    rescinded_by: str | None = None
    rescinded_at: datetime | None = None
    rescind_reason: str | None = None
    #: the order the registry approved it in, among this protectee's decisions
    approval_seq: int | None = None
    steps: tuple[StepApproval, ...] = ()
    #: an appeal lodged while the decision was still pending holds it until decided
    hold: Hold | None = None
    ratification: Ratification | None = None

    @property
    def overturned(self) -> bool:
        return self.hold is not None and self.hold.overturned is True

    @property
    def approved(self) -> bool:
        """Approved and still standing: not rescinded, not overturned before it took effect."""
        return self.decided_at is not None and self.rescinded_at is None and not self.overturned

    @property
    def takes_effect_at(self) -> datetime | None:
        """When it bites: its effective time, or the upholding of an appeal that held it."""
        if self.effective_at is None or self.overturned:
            return None
        if self.hold is not None and self.hold.decided_at is not None:
            return max(self.effective_at, self.hold.decided_at)
        return self.effective_at

    def state_at(self, at: datetime) -> DecisionState | None:
        """What the decision was at `at`, as it was known at `at`; None before it was proposed."""
        if at < self.proposed_at:
            return None
        if self.rescinded_at is not None and self.rescinded_at <= at:
            return DecisionState.RESCINDED
        if self.decided_at is None or at < self.decided_at:
            return DecisionState.PROPOSED
        assert self.effective_at is not None
        hold = self.hold
        if hold is not None and hold.lodged_at <= at:
            if hold.decided_at is None or at < hold.decided_at:
                return DecisionState.HELD
            if hold.overturned:
                return DecisionState.OVERTURNED
            upheld = self.takes_effect_at
            assert upheld is not None
            effect = upheld
        else:
            effect = self.effective_at  # no appeal yet, as far as `at` knew
        return DecisionState.EFFECTIVE if effect <= at else DecisionState.APPROVED

    def in_force_by(self, at: datetime) -> bool:
        """Approved and effective by `at`, judged with what was known at `at`."""
        return self.state_at(at) is DecisionState.EFFECTIVE

    def pending_at(self, at: datetime) -> bool:
        return self.state_at(at) is DecisionState.APPROVED


#: the approval order of a decision not yet stored: after every other made at the same instant
LAST = 2**62


def replay_order(decision: Decision) -> tuple[datetime, datetime, int, str]:
    """Decisions apply in effective order; ties go to the one decided (then approved) first."""
    effect = decision.takes_effect_at
    assert effect is not None and decision.decided_at is not None
    seq = decision.approval_seq if decision.approval_seq is not None else LAST
    return (effect, decision.decided_at, seq, decision.id)
