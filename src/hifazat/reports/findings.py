"""What a fairness audit returns: per-cohort tables and the findings drawn from them.

Every finding carries its evidence (decision and report ids), so a reader can go from a
number to the records behind it; nothing here is published without small-cell suppression,
which the transparency report applies, not this module."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hifazat.domain.times import utc_text
from hifazat.reports.cohorts import Cohort

DISPARITY = "disparity"
CLUSTER = "cluster"


@dataclass(frozen=True)
class AffiliationRow:
    """One affiliation within a cohort; `affected` counts protectees with 1+ adverse event."""

    affiliation: str
    protectees: int
    affected: int
    events: int
    #: one-sided Fisher exact p against the rest of the cohort; None where untested
    p_value: float | None = None
    flagged: bool = False
    #: the adverse decisions behind `events`
    evidence: tuple[str, ...] = ()

    @property
    def rate(self) -> float:
        return self.affected / self.protectees if self.protectees else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "affiliation": self.affiliation,
            "protectees": self.protectees,
            "affected": self.affected,
            "events": self.events,
            "rate": self.rate,
            "p_value": self.p_value,
            "flagged": self.flagged,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class CohortTable:
    cohort: Cohort
    rows: tuple[AffiliationRow, ...]

    @property
    def protectees(self) -> int:
        return sum(r.protectees for r in self.rows)

    @property
    def affected(self) -> int:
        return sum(r.affected for r in self.rows)

    @property
    def events(self) -> int:
        return sum(r.events for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cohort": self.cohort.as_dict(),
            "protectees": self.protectees,
            "affected": self.affected,
            "events": self.events,
            "rows": [r.as_dict() for r in self.rows],
        }


@dataclass(frozen=True)
class Finding:
    """A disparity (an affiliation hit more often than the rest of its cohort) or a cluster
    (3+ adverse events against one affiliation by one provider within 7 days)."""

    kind: str
    affiliation: str
    detail: str
    evidence: tuple[str, ...]
    cohort: Cohort | None = None
    group: AffiliationRow | None = None
    #: the rest of the cohort, pooled
    rest: AffiliationRow | None = None
    p_value: float | None = None
    provider: str | None = None
    since: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "affiliation": self.affiliation,
            "cohort": self.cohort.as_dict() if self.cohort else None,
            "provider": self.provider,
            "since": utc_text(self.since) if self.since else None,
            "group": self.group.as_dict() if self.group else None,
            "rest": self.rest.as_dict() if self.rest else None,
            "p_value": self.p_value,
            "detail": self.detail,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class Audit:
    start: datetime
    end: datetime
    now: datetime
    provider: str | None
    alpha: float
    min_events: int
    tables: tuple[CohortTable, ...]
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": utc_text(self.start),
            "to": utc_text(self.end),
            "now": utc_text(self.now),
            "provider": self.provider,
            "alpha": self.alpha,
            "min_events": self.min_events,
            "cohorts": [t.as_dict() for t in self.tables],
            "findings": [f.as_dict() for f in self.findings],
        }
