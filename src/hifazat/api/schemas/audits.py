"""Oversight's audits: fairness, capacity and cost (reports/)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from hifazat.api.schemas.common import Complement, Number, ThreatLevel, Utc, View
from hifazat.reports.findings import CLUSTER, DISPARITY
from hifazat.reports.ground import UNDERSTAFFING
from hifazat.services.schema import OneOf

FindingKind = Annotated[str, OneOf([DISPARITY, CLUSTER, UNDERSTAFFING])]


class CohortView(View):
    """Protectees the policy treats alike: an office class at a threat level."""

    office_class: str
    threat_level: ThreatLevel


class AffiliationRowView(View):
    affiliation: str
    protectees: int
    affected: int
    events: int
    rate: Number
    #: one-sided Fisher exact p against the rest of the cohort; null where untested
    p_value: Number | None
    flagged: bool
    #: the adverse decisions behind `events`
    evidence: list[str]


class CohortTableView(View):
    cohort: CohortView
    protectees: int
    affected: int
    events: int
    rows: list[AffiliationRowView]


class FindingView(View):
    kind: FindingKind
    affiliation: str
    cohort: CohortView | None
    provider: str | None
    since: Utc | None
    group: AffiliationRowView | None
    rest: AffiliationRowView | None
    p_value: Number | None
    detail: str
    evidence: list[str]


class FairnessAudit(View):
    start: Utc = Field(alias="from")
    end: Utc = Field(alias="to")
    now: Utc
    provider: str | None
    alpha: Number
    min_events: int
    cohorts: list[CohortTableView]
    findings: list[FindingView]


class Load(View):
    """Committed officers and vehicles, and the percent of the pool (null where it is zero)."""

    personnel: int
    vehicles: int
    personnel_pct: Number | None
    vehicles_pct: Number | None


class ProviderCapacityView(View):
    provider: str
    pool: Complement
    committed: Load
    #: once the approved decisions waiting for their time take effect
    after_pending: Load
    #: committed by open cover with no valid basis (R-BASIS)
    unbased: Load
    pending: list[str]
    unbased_covers: list[str]


class CapacityView(View):
    providers: list[ProviderCapacityView]


class CostLineView(View):
    subject: str
    officer_days: Number
    vehicle_days: Number
    recoverable: Number | None


class CostView(View):
    start: Utc = Field(alias="from")
    end: Utc = Field(alias="to")
    now: Utc
    officer_day_rate: Number | None
    vehicle_day_rate: Number | None
    providers: list[CostLineView]
    protectees: list[CostLineView]
