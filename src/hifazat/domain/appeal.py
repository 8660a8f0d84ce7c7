"""Appeals: a protectee's request that a decision be reconsidered, decided by the committee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AppealOutcome(StrEnum):
    UPHELD = "upheld"  # the decision stands
    OVERTURNED = "overturned"  # the decision is undone


@dataclass(frozen=True)
class Appeal:
    id: str
    decision_id: str
    protectee_id: str
    lodged_by: str
    lodged_at: datetime
    grounds: str
    outcome: AppealOutcome | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    restoring_decision: str | None = None

    def open_at(self, at: datetime) -> bool:
        return self.lodged_at <= at and (self.decided_at is None or at < self.decided_at)
