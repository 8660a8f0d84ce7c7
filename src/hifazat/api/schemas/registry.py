"""Protectees, providers, status, users, notices and threat assessments."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field

from hifazat.api.schemas.common import Complement, Page, ThreatLevel, Utc, View
from hifazat.api.schemas.decisions import Receipt
from hifazat.domain.coverage import CoverState
from hifazat.domain.decision import Action, Basis
from hifazat.domain.notice import SUBJECTS
from hifazat.domain.policy import PROVIDER_LEVELS
from hifazat.domain.resources import ABSENCE_KINDS, QUALIFICATIONS, VEHICLE_KINDS, VEHICLE_STATES
from hifazat.services.schema import OneOf

ProviderLevel = Annotated[str, OneOf(PROVIDER_LEVELS)]


class UserView(View):
    id: str
    name: str
    roles: list[str]
    protectee: str | None


class CategoryView(View):
    id: str
    name: str
    rank: int
    personnel: int
    vehicles: int


class ProviderView(View):
    id: str
    name: str
    level: ProviderLevel
    jurisdiction: str
    pool: Complement
    categories: list[CategoryView]


class AbsenceView(View):
    kind: Annotated[str, OneOf(ABSENCE_KINDS)]
    first: date = Field(alias="from")
    last: date = Field(alias="to")


class OfficerView(View):
    service_number: str
    name: str
    rank: str
    provider: str
    unit: str
    qualifications: list[Annotated[str, OneOf(QUALIFICATIONS)]]
    absences: list[AbsenceView]


class VehicleView(View):
    registration: str
    kind: Annotated[str, OneOf(VEHICLE_KINDS)]
    provider: str
    state: Annotated[str, OneOf(VEHICLE_STATES)]


class RollView(View):
    """A provider's officers and vehicles: for its own desk alone (need-to-know)."""

    officers: list[OfficerView]
    vehicles: list[VehicleView]


class AssignmentView(View):
    day: date
    shift: str
    protectee: str
    protectee_name: str
    officer: str
    name: str | None


class RosterView(View):
    """The roster in force for a range of days: the latest publication covering each day. For
    the provider's own desk alone (need-to-know)."""

    provider: str
    first: date = Field(alias="from")
    days: int
    assignments: list[AssignmentView]


class OfficeView(View):
    office_class: str = Field(alias="class")
    title: str
    since: date
    until: date | None


class AffiliationView(View):
    name: str
    since: date | None
    until: date | None


class ProtecteeView(View):
    id: str
    name: str
    public_figure: bool
    offices: list[OfficeView]
    affiliations: list[AffiliationView]
    liaisons: list[str]


class CoverView(View):
    provider: str
    category: str
    rank: int
    state: CoverState
    basis: Basis
    personnel: int
    vehicles: int
    since: Utc
    decision: str
    coverage: str


class PendingView(View):
    """An approved decision waiting for its effective time (or for an appeal)."""

    decision: str
    provider: str
    action: Action
    category: str | None
    effective_at: Utc | None
    held_by_appeal: str | None


class ProposedView(View):
    decision: str
    provider: str
    action: Action
    category: str | None
    proposed_by: str
    proposed_at: Utc


class FlagView(View):
    """A rule's flag; `subject` is withheld (null) from readers of a threat's level alone."""

    rule: str
    protectee: str | None
    provider: str | None
    subject: str | None
    since: Utc
    detail: str
    evidence: list[str]


class StatusView(View):
    protectee: str
    name: str
    at: Utc
    coverages: list[CoverView]
    totals: Complement
    pending: list[PendingView]
    proposed: list[ProposedView]
    flags: list[FlagView]


class AssessmentView(View):
    """A threat assessment, whole: for intelligence, the committee and auditors."""

    assessment: str
    protectee: str
    level: ThreatLevel
    agency: str
    assessed_at: Utc
    valid_until: Utc
    summary: str
    entered_by: str


class AssessmentLevelView(View):
    """What an approver of a covering provider sees of an assessment: its level and dates."""

    protectee: str
    level: ThreatLevel
    assessed_at: Utc
    valid_until: Utc


class NoticeView(View):
    """A notice to a protectee or liaison. Beside these keys it carries its body's, as composed
    in the reader's language when the change was made (domain.notice.decision_body): a document
    kept in the ledger by its hash, whose keys have grown over time, so they pass through as
    they were written."""

    model_config = ConfigDict(extra="allow")

    notice: str
    subject: Annotated[str, OneOf(SUBJECTS)]
    subject_id: str
    decision: str
    recipient: str
    recipient_kind: str
    created_at: Utc
    state: str
    receipt: Receipt | None


class ProviderPage(Page[ProviderView]):
    pass


class ProtecteePage(Page[ProtecteeView]):
    pass


class UserPage(Page[UserView]):
    pass


class NoticePage(Page[NoticeView]):
    pass


class AssessmentPage(Page[AssessmentView | AssessmentLevelView]):
    pass


class CheckRead(View):
    """A check-in or check-out as recorded."""

    id: str
    provider: str
    officer: str
    protectee: str
    kind: Annotated[str, OneOf(("in", "out"))]
    at: Utc
    vehicle: str | None
    recorded_by: str


class OfficerNamed(View):
    service_number: str
    name: str | None


class ShiftTally(View):
    """One protectee's post in one shift: decided, rostered, present and missed."""

    day: date
    shift: str
    starts: Utc
    ends: Utc
    protectee: str
    protectee_name: str
    officers_wanted: int
    vehicles_wanted: int
    #: staffed, understaffed, empty (nobody), unauthorised (nobody was decided), none
    state: Annotated[str, OneOf(("staffed", "understaffed", "empty", "unauthorised", "none"))]
    rostered: list[OfficerNamed]
    present: list[OfficerNamed]
    missed: list[OfficerNamed]
    vehicles_present: list[str]


class AttendanceView(View):
    """A provider's posts shift by shift, for its own desk alone (need-to-know)."""

    provider: str
    first: date = Field(alias="from")
    days: int
    #: the days a published roster covers: attendance is measured there alone
    measured_days: list[date]
    shifts: list[ShiftTally]
    flags: list[FlagView]


class ProviderOnDuty(View):
    provider: str
    on_duty: int
    officers_decided: int
    matches: bool


class OnDutyView(View):
    """Counts only: how many stand with the protectee now, against the decision."""

    at: Utc
    providers: list[ProviderOnDuty]


class Pair(View):
    officers: int
    vehicles: int


class ShiftLoadView(View):
    """One shift of a provider, all its posts together; `present` is null where the shift has
    not begun or no roster covers its day (not measured)."""

    day: date
    shift: str
    starts: Utc
    available: int
    committed: int
    committed_vehicles: int
    rostered: int
    present: int | None
    vehicles_present: int | None


class ShiftCapacityView(View):
    """Sanctioned, on the roll, committed by decisions, rostered and present, shift by shift:
    counts alone."""

    provider: str
    first: date = Field(alias="from")
    days: int
    sanctioned: Pair
    roll: Pair
    shifts: list[ShiftLoadView]
