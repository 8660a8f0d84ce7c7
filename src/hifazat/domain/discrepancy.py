"""Ground reports: what is deployed differs from what is authorised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

RESOLUTIONS = ("restored", "decision-recorded", "unfounded")


@dataclass(frozen=True)
class DiscrepancyReport:
    id: str
    protectee_id: str
    provider_id: str
    reported_by: str
    observed_at: datetime
    reported_at: datetime
    text: str
    resolution: str | None = None  # restored | decision-recorded | unfounded
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution_reason: str | None = None
    resolution_decision: str | None = None

    @property
    def unfounded(self) -> bool:
        return self.resolution == "unfounded"

    def open_at(self, at: datetime) -> bool:
        return self.reported_at <= at and (self.resolved_at is None or at < self.resolved_at)
