"""Request bodies of the HTTP API, checked by the same rules as every other way in."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from hifazat.api.schemas.common import ThreatLevel
from hifazat.domain import fields
from hifazat.domain.appeal import AppealOutcome
from hifazat.domain.decision import Action, Basis
from hifazat.domain.discrepancy import RESOLUTIONS
from hifazat.domain.errors import InvalidInput
from hifazat.domain.events import EventKind
from hifazat.domain.resources import check_registration
from hifazat.domain.users import ROLE_PATTERN
from hifazat.services.auth import SCOPES
from hifazat.services.reviews import OUTCOMES
from hifazat.services.schema import OneOf
from hifazat.serving.instants import Instant


def _shared(check: Any) -> AfterValidator:
    """A check of domain.fields (the one every way in uses) as a pydantic validator."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except InvalidInput as error:
            raise ValueError(error.message) from None

    return AfterValidator(validate)


#: identifiers, as the scenario file and the command line have them (domain.fields)
Ident = Annotated[
    str,
    Field(pattern=fields.IDENT_PATTERN),
    _shared(lambda value: fields.check_ident(value, "id")),
]


#: a vehicle's number plate (domain.resources.check_registration)
Registration = Annotated[
    str,
    Field(max_length=100, pattern=r"^[A-Za-z0-9 -]*[A-Za-z0-9-][A-Za-z0-9 -]*$"),
    _shared(lambda value: check_registration(value, "vehicle")),
]


def free_text(max_length: int | fields.TextRule, min_length: int = 0, default: Any = ...) -> Any:
    """Free text by the rules of domain.fields: the kind whose limit `max_length` is (a reason
    4,000, a summary 8,000, a name 200, ...), its characters stated as the schema's pattern."""
    rule = max_length if isinstance(max_length, fields.TextRule) else fields.rule_for(max_length)
    # the schema documents the limits and the character rule; the check itself is the shared one,
    # whose message names the limit, or the character and where it stands
    pattern = rule.json_pattern
    if min_length and not rule.secret:  # something to read, not only spaces
        allowed = pattern.removeprefix("^").removesuffix("*$")
        pattern = f"^{allowed}*{allowed[:-1]}\\s]{allowed}*$"
    info = Field(
        default,
        json_schema_extra={
            "minLength": min_length,
            "maxLength": rule.max_length,
            "pattern": pattern,
        },
    )
    info.metadata.append(
        _shared(lambda value: fields.check_text(value, rule, rule.kind, min_length))
    )
    return info


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    user: Ident
    password: str = free_text(1024, 1)


#: what a token may do (access.permissions.scope_needed)
Scope = Annotated[str, OneOf(SCOPES)]


class TokenBody(Body):
    scopes: list[Scope] = Field(min_length=1)
    ttl_days: int = Field(default=30, ge=1, le=365)


class ProposalBody(Body):
    action: Annotated[str, OneOf(Action)]
    protectee: Ident
    provider: Ident
    category: Ident | None = None
    basis: Annotated[str, OneOf(Basis)] | None = None
    reason_code: str = free_text(64, default="")
    reason: str = free_text(4000, default="")
    emergency: bool = False
    effective_at: Instant | None = None


class ApproveBody(Body):
    effective_at: Instant | None = None


class ReasonBody(Body):
    reason: str = free_text(4000, 1)


class RatifyBody(Body):
    reason: str = free_text(4000, 1)
    refuse: bool = False


class AssessmentBody(Body):
    protectee: Ident
    level: ThreatLevel
    agency: str = free_text(200, 1)
    assessed_at: Instant | None = None
    valid_until: Instant
    summary: str = free_text(8000, 1)


class ReviewBody(Body):
    coverage: Ident
    outcome: Annotated[str, OneOf(OUTCOMES)]
    reason: str = free_text(4000, 1)
    category: Ident | None = None


class AppealBody(Body):
    decision: Ident
    grounds: str = free_text(4000, 1)


class AppealRulingBody(Body):
    outcome: Annotated[str, OneOf(AppealOutcome)]
    reason: str = free_text(4000, 1)


class ReportBody(Body):
    protectee: Ident
    provider: Ident
    observed_at: Instant
    text: str = free_text(4000, 1)


class ResolveBody(Body):
    outcome: Annotated[str, OneOf(RESOLUTIONS)]
    reason: str = free_text(4000, 1)
    decision: Ident | None = None


Role = Annotated[str, Field(pattern=ROLE_PATTERN, max_length=80)]


class UserBody(Body):
    id: Ident
    name: str = free_text(200, 1)
    roles: list[Role] = []
    protectee: Ident | None = None
    language: Annotated[str, OneOf(fields.LANGUAGES)] = "en"


class RoleBody(Body):
    role: Role


#: the shortest password accepted (services/auth.py enforces it too)
MIN_PASSWORD = 12


class PasswordBody(Body):
    """A password an admin sets for someone."""

    password: str = free_text(1024, MIN_PASSWORD)


class PasswordChangeBody(Body):
    """A user's own change: the current password proves it is them, not a borrowed session."""

    current_password: str = free_text(1024, 1)
    password: str = free_text(1024, MIN_PASSWORD)


class CheckInBody(Body):
    """An officer checking in at a protectee's post, with the vehicle they came in, if any."""

    kind: Literal["in"]
    officer: Ident
    protectee: Ident
    at: Instant | None = None
    vehicle: Registration | None = None


class CheckOutBody(Body):
    """An officer checking out of the post they are at."""

    kind: Literal["out"]
    officer: Ident
    at: Instant | None = None


CheckBody = Annotated[CheckInBody | CheckOutBody, Field(discriminator="kind")]


class EventBody(Body):
    """A public event of an affiliation, dated and sourced, entered by an auditor or the
    committee: what the retaliation test sets decisions against."""

    at: Instant
    affiliation: str = free_text(fields.SHORT_NAME, 1)
    kind: Annotated[str, OneOf(EventKind)]
    title: str = free_text(fields.LABEL, 1)
    #: a URL, or a citation a reader can follow
    source: str = free_text(fields.LABEL, 1)
    id: Ident | None = None
