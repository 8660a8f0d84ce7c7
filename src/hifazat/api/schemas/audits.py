"""Oversight's audits: fairness, retaliation, capacity and cost (reports/); public events."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from hifazat.api.schemas.common import Complement, Number, Page, ThreatLevel, Utc, View
from hifazat.domain.events import EventKind
from hifazat.reports.findings import CLUSTER, DISPARITY
from hifazat.reports.ground import UNDERSTAFFING
from hifazat.reports.retaliation import REDUCTIONS, UNTESTED_REASONS
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


class EventView(View):
    """A public event of an affiliation: dated, sourced, public by nature."""

    id: str
    at: Utc
    affiliation: str
    kind: Annotated[str, OneOf(EventKind)]
    title: str
    source: str
    entered_by: str
    entered_at: Utc


class EventPage(Page[EventView]):
    pass


class WithinView(View):
    """A reduction decided within the window after one or more of the events."""

    id: str
    protectee: str
    action: Annotated[str, OneOf(REDUCTIONS)]
    decided_at: Utc
    after_events: list[str]


class GroundReportRef(View):
    id: str
    protectee: str
    observed_at: Utc


class TimingTestView(View):
    provider: str
    affiliation: str
    events: list[EventView]
    #: the reductions decided within a window after an event: `observed` of them
    decisions: list[WithinView]
    #: every reduction of the affiliation's cover the provider decided in the period
    reductions: int
    expected: Number
    observed: int
    #: exact, over `shifts` circular shifts of the event dates by whole days
    p_value: Number
    shifts: int
    flagged: bool
    #: cuts reported on the ground within a window with no decision behind them: not counted
    ground_reports: list[GroundReportRef]


class UntestedView(View):
    affiliation: str
    events: int
    #: `events`: fewer than `min_events` in the period; `period`: the period is no longer than
    #: the window, so every shift of the events covers it all and timing cannot be told apart
    reason: Annotated[str, OneOf(UNTESTED_REASONS)]


class RetaliationAudit(View):
    start: Utc = Field(alias="from")
    end: Utc = Field(alias="to")
    window_days: Number
    alpha: Number
    min_events: int
    findings: list[TimingTestView]
    tests: list[TimingTestView]
    untested: list[UntestedView]
