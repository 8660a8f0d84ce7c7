"""Ground reports: what is deployed differs from what is authorised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DiscrepancyReport:
    id: str
    protectee_id: str
    provider_id: str
    reported_by: str
    observed_at: datetime
    reported_at: datetime
    text: str
    resolution: str | None = None
    resolved_at: datetime | None = None

    def open_at(self, at: datetime) -> bool:
        return self.reported_at <= at and (self.resolved_at is None or at < self.resolved_at)
