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


class DecisionState(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    EFFECTIVE = "effective"
    RESCINDED = "rescinded"


#: actions that take cover away, and so need notice and must respect entitlement and threat floors
REDUCING = frozenset({Action.DOWNGRADE, Action.SUSPEND, Action.WITHDRAW})
#: actions that name the category they lead to
WITH_CATEGORY = frozenset({Action.GRANT, Action.UPGRADE, Action.DOWNGRADE})


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

    @property
    def approved(self) -> bool:
        return self.decided_at is not None and self.rescinded_at is None

    def state_at(self, at: datetime) -> DecisionState | None:
        """What the decision was at `at`; None before it was proposed."""
        if at < self.proposed_at:
            return None
        if self.rescinded_at is not None and self.rescinded_at <= at:
            return DecisionState.RESCINDED
        if self.decided_at is None or at < self.decided_at:
            return DecisionState.PROPOSED
        assert self.effective_at is not None
        return DecisionState.EFFECTIVE if self.effective_at <= at else DecisionState.APPROVED

    def in_force_by(self, at: datetime) -> bool:
        """Approved and effective by `at`, judged with what was known at `at`."""
        return self.state_at(at) is DecisionState.EFFECTIVE

    def pending_at(self, at: datetime) -> bool:
        return self.state_at(at) is DecisionState.APPROVED


def replay_order(decision: Decision) -> tuple[datetime, datetime, str]:
    """Decisions apply in effective order; ties go to the one decided first."""
    assert decision.effective_at is not None and decision.decided_at is not None
    return (decision.effective_at, decision.decided_at, decision.id)
