"""The public transparency report (reports/transparency): every number a suppressed cell."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from hifazat.api.schemas.audits import CohortView, FindingKind
from hifazat.api.schemas.common import Complement, Number, Utc, View
from hifazat.domain.policy import PROVIDER_LEVELS
from hifazat.reports.transparency.suppression import SMALL, WITHHELD
from hifazat.services.schema import OneOf


class Label(View):
    key: str
    name: str


class ShownCell(View):
    value: Number
    suppressed: Literal[False]


class HiddenCell(View):
    """A suppressed number: its value is not kept at all, only why it is hidden."""

    value: None
    suppressed: Literal[True]
    reason: Annotated[str, OneOf([SMALL, WITHHELD])]


Cell = ShownCell | HiddenCell


class TableView(View):
    rows: list[Label]
    columns: list[Label]
    cells: list[list[Cell]]
    #: null where a row's cells do not add up
    row_totals: list[Cell] | None
    column_totals: list[Cell] | None
    total: Cell | None


class ReportPeriod(View):
    start: Utc = Field(alias="from")
    end: Utc = Field(alias="to")
    #: the instant the snapshot tables describe: `to`, or `now` if earlier
    as_of: Utc
    now: Utc


class PublicProvider(View):
    id: str
    name: str
    level: Annotated[str, OneOf(PROVIDER_LEVELS)]
    pool: Complement


class ProtecteesByCategory(View):
    """Counts only: nobody is named here."""

    private_persons: TableView
    public_figures: TableView


class NamedCoverView(View):
    name: str
    office: str
    provider: Label
    category: Label


class NamedPositionalCover(View):
    """Office-holders' positional cover as it stood `lag_days` before the report's instant;
    published only where the deployment's policy opts in (`public_report`)."""

    as_of: Utc
    lag_days: int
    covers: list[NamedCoverView]


class PublishedFindingView(View):
    kind: FindingKind
    affiliation: str
    provider: Label | None
    cohort: CohortView | None
    counts: dict[str, Cell]
    #: published only when none of the counts it is computed from is hidden
    p_value: Number | None


class PublicFairness(View):
    alpha: Number
    findings: list[PublishedFindingView]


class PublishedTimingView(View):
    """A retaliation finding in aggregate: no decision, date or protectee."""

    affiliation: str
    provider: Label
    #: the party's public events in the period (public anyway)
    events: int
    #: cuts decided within a window after them; hidden as any small count
    observed: Cell
    #: published only beside a shown count
    p_value: Number | None


class PublicRetaliation(View):
    #: null where the period is no longer than the window, so nothing was tested
    window_days: int | None
    findings: list[PublishedTimingView]


class TransparencyView(View):
    report: Literal["transparency"]
    policy: Label
    timezone: str
    period: ReportPeriod
    small_cell_threshold: int
    suppression_rule: str
    providers: list[PublicProvider]
    protectees_by_category: ProtecteesByCategory
    #: null unless the policy opts in to naming office-holders' positional cover
    named_positional_cover: NamedPositionalCover | None
    resources: TableView
    decisions_by_action: TableView
    decisions_by_reason: TableView
    oversight: TableView
    appeal_outcomes: TableView
    fairness: PublicFairness
    retaliation: PublicRetaliation
