"""Periodic reviews: every open cover is re-examined, and either confirmed or changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Review:
    id: str
    coverage: str
    reviewed_by: str
    reviewed_at: datetime
    outcome: str  # "confirmed", or the action of the decision it led to
    reason: str
    decision_id: str | None = None
