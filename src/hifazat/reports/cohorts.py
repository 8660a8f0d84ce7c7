"""Cohorts: protectees whom the policy treats alike, so that their outcomes may be compared.

A cohort is (office class, threat level) at an instant. Of several offices held, the one
with the highest entitlement anywhere in the policy names the cohort (ties: the first name
alphabetically), because that office is what the protectee's cover is meant to answer to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hifazat.domain.policy import THREAT_LEVELS, Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.threat import ThreatAssessment, current_assessment
from hifazat.domain.times import local_date

#: the office class of a protectee holding no office, the level of one with no valid
#: assessment, and the affiliation of one with none
NONE = "none"


@dataclass(frozen=True)
class Cohort:
    office_class: str
    threat_level: str

    @property
    def sort_key(self) -> tuple[str, int, str]:
        """Threat levels in their policy order, not alphabetically."""
        level = self.threat_level
        rank = THREAT_LEVELS.index(level) if level in THREAT_LEVELS else len(THREAT_LEVELS)
        return (self.office_class, rank, level)

    def as_dict(self) -> dict[str, Any]:
        return {"office_class": self.office_class, "threat_level": self.threat_level}

    def __str__(self) -> str:
        return f"{self.office_class} / threat {self.threat_level}"


def office_rank(policy: Policy, office_class: str) -> int:
    """The highest floor the office earns at any provider level."""
    return max(
        (e.min_rank for e in policy.entitlements if e.office_class == office_class), default=0
    )


def office_class_at(policy: Policy, protectee: Protectee, at: datetime) -> str:
    held = {o.office_class for o in protectee.offices_on(local_date(at, policy.timezone))}
    if not held:
        return NONE
    return min(held, key=lambda c: (-office_rank(policy, c), c))


def cohort_at(
    policy: Policy,
    protectee: Protectee,
    assessments: Iterable[ThreatAssessment],
    at: datetime,
) -> Cohort:
    assessment = current_assessment(assessments, at)
    level = assessment.level if assessment is not None else NONE
    return Cohort(office_class_at(policy, protectee, at), level)


def affiliation_at(policy: Policy, protectee: Protectee, at: datetime) -> str:
    return protectee.affiliation_on(local_date(at, policy.timezone)) or NONE
