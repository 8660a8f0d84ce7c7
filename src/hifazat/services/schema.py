"""The shapes of the policy file and the version-1 scenario file, as DESIGN.md gives them.

Every model forbids unknown keys. Validation errors are reported against the line the offending
key or item stands on."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema

from hifazat.domain import fields
from hifazat.domain.chains import APPROVER, COMMITTEE
from hifazat.domain.decision import Action, Basis
from hifazat.domain.errors import InvalidInput
from hifazat.domain.events import EventKind
from hifazat.domain.policy import MIN_NAMING_LAG, PROVIDER_LEVELS, THREAT_LEVELS
from hifazat.domain.resources import ABSENCE_KINDS, QUALIFICATIONS, VEHICLE_KINDS, VEHICLE_STATES
from hifazat.domain.times import parse_duration
from hifazat.domain.users import parse_role
from hifazat.ledger.cosignature import CosignerKey
from hifazat.ledger.note import NoteError
from hifazat.services.yaml_lines import line_of


def _shared(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """One of domain.fields' checks as a pydantic validator (its message, without the field,
    which the error's path names)."""

    def validator(value: Any) -> Any:
        try:
            return check(value)
        except InvalidInput as error:
            raise ValueError(error.message) from None

    return validator


def _text(rule: fields.TextRule, min_length: int = 0) -> Callable[[Any], Any]:
    return _shared(lambda value: fields.check_text(value, rule, "", min_length))


def _count(low: int, high: int) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            fields.check_count(value, "", low, high)
        return value

    return _shared(check)


Ident = Annotated[str, BeforeValidator(_shared(lambda value: fields.check_ident(value, "")))]
#: a name, title, agency or jurisdiction: one line, 1 to 200 characters
Text = Annotated[str, BeforeValidator(_text(fields.NAME, 1))]
ShortName = Annotated[str, BeforeValidator(_text(fields.SHORT_NAME, 1))]
Label = Annotated[str, BeforeValidator(_text(fields.LABEL, 1))]
ReasonCode = Annotated[str, BeforeValidator(_text(fields.REASON_CODE))]
Reason = Annotated[str, BeforeValidator(_text(fields.REASON))]
Prose = Annotated[str, BeforeValidator(_text(fields.REASON, 1))]
Summary = Annotated[str, BeforeValidator(_text(fields.SUMMARY, 1))]
Count = Annotated[int, AfterValidator(_count(0, fields.COUNT_MAX))]
Rank = Annotated[int, AfterValidator(_count(1, fields.RANK_MAX))]
#: an instant: text with an offset, never a number read as an epoch
Instant = Annotated[
    AwareDatetime, BeforeValidator(_shared(lambda value: fields.check_instant(value, "")))
]
Day = Annotated[date, BeforeValidator(_shared(lambda value: fields.check_day(value, "")))]
#: the language a person's notices are written in: en or ur
Language = Annotated[str, BeforeValidator(_shared(lambda value: fields.check_language(value, "")))]


def _items() -> Any:
    """An optional list of at most MAX_ITEMS items."""
    return Field(default_factory=list, max_length=fields.MAX_ITEMS)


class OneOf:
    """A string field limited to the values the domain names (its enum, or its tuple of them),
    so the schema's enum is the domain's and is never written out twice; for the scenario file
    here and the API's bodies and views alike. An enum's members are kept as their values, so
    that an error names 'grant', not <Action.GRANT: 'grant'>. A set's values are sorted: its
    iteration order changes with the process's hash seed, and the published schema must not."""

    def __init__(self, values: Iterable[str]) -> None:
        given = sorted(values) if isinstance(values, (set, frozenset)) else values
        self.values = tuple(str(v) for v in given)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.literal_schema(list(self.values))


ProviderLevel = Annotated[str, OneOf(PROVIDER_LEVELS)]
ThreatLevel = Annotated[str, OneOf(THREAT_LEVELS)]
ActionName = Annotated[str, OneOf(Action)]


def _duration(text: str) -> str:
    try:
        parse_duration(text)
    except InvalidInput as error:
        raise ValueError(error.message) from None
    except OverflowError:
        raise ValueError(f"{text!r} is longer than any calendar") from None
    return text


def _zone(name: str) -> str:
    if len(name) > 64:
        raise ValueError("is not a known time zone")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a known time zone") from None
    return name


def _role(text: str) -> str:
    try:
        parse_role(text)
    except InvalidInput as error:
        raise ValueError(error.message) from None
    return text


Duration = Annotated[str, AfterValidator(_duration)]


#: the longest approval chain
MAX_STEPS = 5


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntitlementModel(Strict):
    office_class: Ident
    provider_level: ProviderLevel
    min_rank: Rank


class ThreatFloorModel(Strict):
    min_rank: Rank


class WhenModel(Strict):
    actions: list[ActionName] | None = None
    emergency: bool | None = None
    threat_at_least: ThreatLevel | None = None
    below_floor: bool | None = None


class ChainModel(Strict):
    name: Ident
    when: WhenModel = WhenModel()
    steps: list[Annotated[str, OneOf([APPROVER, COMMITTEE])]] = Field(
        min_length=1, max_length=MAX_STEPS
    )


def _naming_lag(text: str) -> str:
    if parse_duration(text) < MIN_NAMING_LAG:
        raise ValueError(
            f"{text!r} is under {MIN_NAMING_LAG.days}d: the public report may name an "
            f"office-holder's cover no sooner than {MIN_NAMING_LAG.days} days after"
        )
    return text


class PublicReportModel(Strict):
    """What the public report may name. Off by default: counts only. On, it names the
    positional cover of office-holders (public figures holding an office) as it stood
    `naming_lag` before the report's instant — never private persons, never threat-based cover."""

    name_positional_cover: bool = False
    naming_lag: Annotated[Duration, AfterValidator(_naming_lag)] = "90d"


def _witness_key(text: str) -> str:
    try:
        return CosignerKey.parse(text).text()
    except NoteError as error:
        raise ValueError(str(error)) from None


class WitnessesModel(Strict):
    """Who must vouch that the registry shows everyone one history: witnesses' public keys
    (C2SP vkeys, cosignature/v1) and how many of their cosignatures make a checkpoint witnessed.
    Where each witness is reached is the deployment's (HIFAZAT_WITNESS_URLS), not the policy's."""

    quorum: Annotated[int, Field(ge=1, le=fields.MAX_ITEMS)]
    keys: list[Annotated[str, Field(max_length=500), AfterValidator(_witness_key)]] = Field(
        min_length=1, max_length=fields.MAX_ITEMS
    )

    @field_validator("keys")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        names = [k.split("+", 1)[0] for k in value]
        if len(set(names)) != len(names):
            raise ValueError("each witness is named once")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> WitnessesModel:
        if self.quorum > len(self.keys):
            raise ValueError(f"quorum {self.quorum} is more than the {len(self.keys)} keys given")
        return self


class PolicyModel(Strict):
    id: Ident
    name: Text
    timezone: Annotated[str, AfterValidator(_zone)]
    reason_codes: dict[Ident, Label] = Field(min_length=1, max_length=fields.MAX_ITEMS)
    min_reason_length: Annotated[int, Field(ge=1, le=1000)]
    two_person_rule: bool
    notice_period: Duration
    #: how a person reaches each provider's security desk (provider id -> text), in notices
    desk_contacts: dict[Ident, Annotated[str, Field(min_length=1, max_length=500)]] = {}
    emergency_ratification_within: Duration
    review_every: Duration
    appeal_decide_within: Duration
    small_cell_threshold: Annotated[int, Field(ge=1, le=fields.COUNT_MAX)]
    entitlements: list[EntitlementModel] = _items()
    floor_exempt_reasons: list[Ident] = _items()
    threat_floors: dict[ThreatLevel, ThreatFloorModel] = {}
    approval_chains: list[ChainModel] = _items()
    restoring_reason_code: Ident = "review-outcome"
    public_report: PublicReportModel = PublicReportModel()
    #: the retaliation test's window: reductions decided this long after a public event
    retaliation_window: Duration = "14d"
    #: witnesses of the ledger's checkpoints, and the quorum that makes one witnessed
    witnesses: WitnessesModel | None = None

    @field_validator("restoring_reason_code")
    @classmethod
    def _known_restoring(cls, value: str, info: ValidationInfo) -> str:
        if value not in (info.data.get("reason_codes") or {}):
            raise ValueError(f"{value} not among the policy's reason_codes")
        return value

    @field_validator("floor_exempt_reasons")
    @classmethod
    def _known_reasons(cls, value: list[str], info: ValidationInfo) -> list[str]:
        codes = info.data.get("reason_codes") or {}
        dangling = [code for code in value if code not in codes]
        if dangling:
            raise ValueError(f"{', '.join(dangling)} not among the policy's reason_codes")
        return value


class PoolModel(Strict):
    personnel: Count
    vehicles: Count


class CategoryModel(Strict):
    id: Ident
    name: ShortName
    rank: Rank
    personnel: Count
    vehicles: Count


class ProviderModel(Strict):
    id: Ident
    name: Text
    level: ProviderLevel
    jurisdiction: ShortName
    pool: PoolModel
    categories: list[CategoryModel] = Field(min_length=1, max_length=fields.MAX_ITEMS)


class UserModel(Strict):
    id: Ident
    name: Text
    roles: list[Annotated[str, BeforeValidator(_text(fields.ROLE)), AfterValidator(_role)]] = Field(
        [], max_length=fields.MAX_ROLES
    )
    language: Language = fields.DEFAULT_LANGUAGE


class OfficeModel(Strict):
    office_class: Ident = Field(alias="class")
    title: Text
    since: Day
    until: Day | None = None


class AffiliationModel(Strict):
    name: ShortName
    since: Day | None = None
    until: Day | None = None


class ProtecteeModel(Strict):
    id: Ident
    name: Text
    #: one party, or its history as a list of {name, since, until}
    affiliation: (
        ShortName | Annotated[list[AffiliationModel], Field(max_length=fields.MAX_ITEMS)] | None
    ) = None
    public_figure: bool = False
    liaisons: list[Ident] = _items()
    offices: list[OfficeModel] = _items()
    #: the language their notices are written in: en (the default) or ur
    language: Language = fields.DEFAULT_LANGUAGE


class ThreatModel(Strict):
    id: Ident | None = None
    protectee: Ident
    level: ThreatLevel
    agency: Text
    assessed_at: Instant
    valid_until: Instant
    summary: Summary
    entered_by: Ident


class DecisionModel(Strict):
    id: Ident
    protectee: Ident
    provider: Ident
    action: ActionName
    category: Ident | None = None
    basis: Annotated[str, OneOf(Basis)] | None = None
    reason_code: ReasonCode = ""
    reason: Reason = ""
    proposed_by: Ident
    #: one approver, or each step of the policy's approval chain in order
    approved_by: Ident | Annotated[list[Ident], Field(max_length=MAX_STEPS)] | None = None
    decided_at: Instant
    effective_at: Instant | None = None
    emergency: bool = False


class DiscrepancyModel(Strict):
    id: Ident | None = None
    protectee: Ident
    provider: Ident
    reported_by: Ident
    observed_at: Instant
    text: Prose


class AbsenceModel(Strict):
    kind: Annotated[str, OneOf(ABSENCE_KINDS)]
    first: Day = Field(alias="from")
    last: Day = Field(alias="to")


class OfficerModel(Strict):
    provider: Ident
    service_number: Ident
    name: Text
    rank: ShortName
    unit: ShortName
    qualifications: list[Annotated[str, OneOf(QUALIFICATIONS)]] = Field(
        [], max_length=len(QUALIFICATIONS)
    )
    absences: list[AbsenceModel] = _items()


class VehicleModel(Strict):
    provider: Ident
    registration: ShortName
    kind: Annotated[str, OneOf(VEHICLE_KINDS)]
    state: Annotated[str, OneOf(VEHICLE_STATES)] = "in-service"


class RosterModel(Strict):
    """A roster the scenario publishes: planned by the solver at import, as `roster publish`."""

    provider: Ident
    first: Day = Field(alias="from")
    days: int = Field(28, ge=1, le=92)
    published_by: Ident
    published_at: Instant
    #: seconds the solver may take
    time_limit: float = Field(10.0, gt=0, le=600)


class CheckModel(Strict):
    """An officer's stint at a protectee's post, as the desk recorded it: in, and out."""

    provider: Ident
    officer: Ident
    protectee: Ident
    checked_in: Instant = Field(alias="in")
    checked_out: Instant | None = Field(None, alias="out")
    vehicle: ShortName | None = None
    recorded_by: Ident


class EventModel(Strict):
    """A dated, sourced public event of an affiliation, entered by an auditor or the committee."""

    id: Ident
    at: Instant
    affiliation: ShortName
    kind: Annotated[str, OneOf(EventKind)]
    title: Label
    #: a URL, or a citation a reader can follow
    source: Label
    entered_by: Ident


class ShortShiftModel(Strict):
    protectee: Ident
    day: Day
    shift: ShortName
    #: how many of the officers rostered there stood it
    present: int = Field(ge=0)


class AsRosteredModel(Strict):
    """The scenario's shorthand for a stretch of ordinary days: every officer the roster in force
    put at a post checked in when the shift began and out when it ended (or when the stretch
    did), but where `short` says fewer stood."""

    provider: Ident
    first: Instant = Field(alias="from")
    last: Instant = Field(alias="to")
    recorded_by: Ident
    short: list[ShortShiftModel] = _items()


class ScenarioModel(Strict):
    version: Literal[1]
    #: a path relative to the scenario file, or the policy itself (validated as PolicyModel);
    #: a file that adds to a registry already holding a policy may leave it out
    policy: Text | dict[str, Any] | None = None
    providers: list[ProviderModel] = []
    users: list[UserModel] = []
    protectees: list[ProtecteeModel] = []
    threat_assessments: list[ThreatModel] = []
    decisions: list[DecisionModel] = []
    discrepancies: list[DiscrepancyModel] = []
    #: a provider's roll (need-to-know): its officers and vehicles
    officers: list[OfficerModel] = []
    vehicles: list[VehicleModel] = []
    #: duty rosters published at import, and attendance at their posts
    rosters: list[RosterModel] = []
    attendance: list[CheckModel] = []
    attendance_as_rostered: list[AsRosteredModel] = []
    #: public events (issue 19): what the retaliation test sets decisions against
    events: list[EventModel] = []


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: Any, source: str, prefix: tuple[str | int, ...] = ()) -> M:
    """Validates `data`; the first error names the file, line and key path."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = _first(error.errors())
        path = tuple(p for p in first["loc"] if isinstance(p, str | int))
        path = tuple(p for p in path if not _is_tag(p))
        line = line_of(data, path)
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in (*prefix, *path))
        where = where.replace(".[", "[")
        raise InvalidInput(f"{source}:{line}", f"{where or 'file'}: {_message(first)}") from None


_UNION_TAGS = {"str", "int", "bool", "list", "dict", "function-before", "function-after"}


def _is_tag(step: str | int) -> bool:
    """Pydantic names the union member it tried ('str', 'list[AffiliationModel]'); the file has
    no such key."""
    return isinstance(step, str) and (step.split("[")[0] in _UNION_TAGS or step[:1].isupper())


def _first(errors: list[Any]) -> Any:
    """The first error; where it is one member of a union, the member's error that went deepest
    (for `approved_by: [x]`, the item's error rather than 'not a string')."""
    first = errors[0]
    loc = first["loc"]
    tag = next((n for n, step in enumerate(loc) if _is_tag(step)), None)
    if tag is None:
        return first
    siblings = [e for e in errors if e["loc"][:tag] == loc[:tag]]
    return max(siblings, key=lambda e: len(e["loc"]))


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind == "timezone_aware":
        return "timestamp has no UTC offset (naive); write it with one, e.g. +05:00"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return str(error["msg"])
