"""Threat assessments: what an agency judged the danger to a protectee to be, for how long."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ThreatAssessment:
    id: str
    protectee_id: str
    level: str
    agency: str
    assessed_at: datetime
    valid_until: datetime
    summary: str
    entered_by: str
    entered_at: datetime

    def valid_at(self, at: datetime) -> bool:
        return self.assessed_at <= at < self.valid_until and self.entered_at <= at


def current_assessment(
    assessments: Iterable[ThreatAssessment], at: datetime
) -> ThreatAssessment | None:
    """The latest assessment valid at `at`: a newer one supersedes an older one."""
    valid = [a for a in assessments if a.valid_at(at)]
    return max(valid, key=lambda a: (a.assessed_at, a.entered_at, a.id), default=None)
