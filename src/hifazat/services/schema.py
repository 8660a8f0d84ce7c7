"""The shapes of the policy file and the version-1 scenario file, as DESIGN.md gives them.

Every model forbids unknown keys. Validation errors are reported against the line the offending
key or item stands on."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from hifazat.domain.errors import InvalidInput
from hifazat.domain.policy import PROVIDER_LEVELS, THREAT_LEVELS
from hifazat.domain.times import parse_duration
from hifazat.domain.users import parse_role
from hifazat.services.yaml_lines import line_of

Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Text = Annotated[str, Field(min_length=1)]
Count = Annotated[int, Field(ge=0)]
Rank = Annotated[int, Field(ge=1)]
ProviderLevel = Literal["federal", "provincial", "district", "private"]
ThreatLevel = Literal["none", "low", "moderate", "high", "severe"]
assert set(PROVIDER_LEVELS) == set(ProviderLevel.__args__)  # type: ignore[attr-defined]
assert set(THREAT_LEVELS) == set(ThreatLevel.__args__)  # type: ignore[attr-defined]


def _duration(text: str) -> str:
    try:
        parse_duration(text)
    except InvalidInput as error:
        raise ValueError(error.message) from None
    return text


def _zone(name: str) -> str:
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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntitlementModel(Strict):
    office_class: Ident
    provider_level: ProviderLevel
    min_rank: Rank


class ThreatFloorModel(Strict):
    min_rank: Rank


class WhenModel(Strict):
    actions: (
        list[Literal["grant", "upgrade", "downgrade", "suspend", "resume", "withdraw"]] | None
    ) = None
    emergency: bool | None = None
    threat_at_least: ThreatLevel | None = None
    below_floor: bool | None = None


class ChainModel(Strict):
    name: Ident
    when: WhenModel = WhenModel()
    steps: list[Literal["approver", "committee"]] = Field(min_length=1, max_length=5)


class PolicyModel(Strict):
    id: Ident
    name: Text
    timezone: Annotated[str, AfterValidator(_zone)]
    reason_codes: dict[Ident, Text] = Field(min_length=1)
    min_reason_length: Annotated[int, Field(ge=1, le=1000)]
    two_person_rule: bool
    notice_period: Duration
    #: how a person reaches each provider's security desk (provider id -> text), in notices
    desk_contacts: dict[Ident, Annotated[str, Field(min_length=1, max_length=500)]] = {}
    emergency_ratification_within: Duration
    review_every: Duration
    appeal_decide_within: Duration
    small_cell_threshold: Annotated[int, Field(ge=1)]
    entitlements: list[EntitlementModel] = []
    floor_exempt_reasons: list[Ident] = []
    threat_floors: dict[ThreatLevel, ThreatFloorModel] = {}
    approval_chains: list[ChainModel] = []
    restoring_reason_code: Ident = "review-outcome"

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
    name: Text
    rank: Rank
    personnel: Count
    vehicles: Count


class ProviderModel(Strict):
    id: Ident
    name: Text
    level: ProviderLevel
    jurisdiction: Text
    pool: PoolModel
    categories: list[CategoryModel] = Field(min_length=1)


class UserModel(Strict):
    id: Ident
    name: Text
    roles: list[Annotated[str, AfterValidator(_role)]] = []


class OfficeModel(Strict):
    office_class: Ident = Field(alias="class")
    title: Text
    since: date
    until: date | None = None


class AffiliationModel(Strict):
    name: Text
    since: date | None = None
    until: date | None = None


class ProtecteeModel(Strict):
    id: Ident
    name: Text
    #: one party, or its history as a list of {name, since, until}
    affiliation: Text | list[AffiliationModel] | None = None
    public_figure: bool = False
    liaisons: list[Ident] = []
    offices: list[OfficeModel] = []


class ThreatModel(Strict):
    id: Ident | None = None
    protectee: Ident
    level: ThreatLevel
    agency: Text
    assessed_at: AwareDatetime
    valid_until: AwareDatetime
    summary: Text
    entered_by: Ident


class DecisionModel(Strict):
    id: Ident
    protectee: Ident
    provider: Ident
    action: Literal["grant", "upgrade", "downgrade", "suspend", "resume", "withdraw"]
    category: Ident | None = None
    basis: Literal["positional", "threat"] | None = None
    reason_code: str = ""
    reason: str = ""
    proposed_by: Ident
    #: one approver, or each step of the policy's approval chain in order
    approved_by: Ident | list[Ident] | None = None
    decided_at: AwareDatetime
    effective_at: AwareDatetime | None = None
    emergency: bool = False


class DiscrepancyModel(Strict):
    id: Ident | None = None
    protectee: Ident
    provider: Ident
    reported_by: Ident
    observed_at: AwareDatetime
    text: Text


class ScenarioModel(Strict):
    version: Literal[1]
    #: a path relative to the scenario file, or the policy itself (validated as PolicyModel)
    policy: Text | dict[str, Any]
    providers: list[ProviderModel] = []
    users: list[UserModel] = []
    protectees: list[ProtecteeModel] = []
    threat_assessments: list[ThreatModel] = []
    decisions: list[DecisionModel] = []
    discrepancies: list[DiscrepancyModel] = []


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: Any, source: str, prefix: tuple[str | int, ...] = ()) -> M:
    """Validates `data`; the first error names the file, line and key path."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        path = tuple(p for p in first["loc"] if isinstance(p, str | int))
        path = _drop_union_tags(path)
        line = line_of(data, path)
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in (*prefix, *path))
        where = where.replace(".[", "[")
        raise InvalidInput(f"{source}:{line}", f"{where or 'file'}: {_message(first)}") from None


_UNION_TAGS = {"str", "int", "bool", "list", "dict"}


def _drop_union_tags(path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Pydantic names the union member it tried ('str', 'list[AffiliationModel]'); the file has
    no such key."""
    return tuple(
        p
        for p in path
        if not (isinstance(p, str) and (p.split("[")[0] in _UNION_TAGS or p[:1].isupper()))
    )


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind == "timezone_aware":
        return "timestamp has no UTC offset (naive); write it with one, e.g. +05:00"
    return str(error["msg"])
