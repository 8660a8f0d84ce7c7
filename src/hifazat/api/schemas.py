"""Request bodies and response shapes of the HTTP API."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

T = TypeVar("T")
Action = Literal["grant", "upgrade", "downgrade", "suspend", "resume", "withdraw"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(Body):
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenBody(Body):
    scopes: list[Literal["read", "write", "admin"]] = Field(min_length=1)
    ttl_days: int = Field(default=30, ge=1, le=365)


class ProposalBody(Body):
    action: Action
    protectee: str = Field(min_length=1, max_length=64)
    provider: str = Field(min_length=1, max_length=64)
    category: str | None = Field(default=None, max_length=64)
    basis: Literal["positional", "threat"] | None = None
    reason_code: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=4000)
    emergency: bool = False
    effective_at: AwareDatetime | None = None


class ApproveBody(Body):
    effective_at: AwareDatetime | None = None


class ReasonBody(Body):
    reason: str = Field(max_length=4000)


class RatifyBody(Body):
    reason: str = Field(max_length=4000)
    refuse: bool = False


class AssessmentBody(Body):
    protectee: str = Field(min_length=1, max_length=64)
    level: Literal["none", "low", "moderate", "high", "severe"]
    agency: str = Field(min_length=1, max_length=200)
    assessed_at: AwareDatetime | None = None
    valid_until: AwareDatetime
    summary: str = Field(min_length=1, max_length=8000)


class ReviewBody(Body):
    coverage: str = Field(min_length=1, max_length=64)
    outcome: Literal["confirmed", "upgrade", "downgrade", "suspend", "withdraw"]
    reason: str = Field(max_length=4000)
    category: str | None = Field(default=None, max_length=64)


class AppealBody(Body):
    decision: str = Field(min_length=1, max_length=64)
    grounds: str = Field(max_length=4000)


class AppealRulingBody(Body):
    outcome: Literal["upheld", "overturned"]
    reason: str = Field(max_length=4000)


class ReportBody(Body):
    protectee: str = Field(min_length=1, max_length=64)
    provider: str = Field(min_length=1, max_length=64)
    observed_at: AwareDatetime
    text: str = Field(max_length=4000)


class ResolveBody(Body):
    outcome: Literal["restored", "decision-recorded", "unfounded"]
    reason: str = Field(max_length=4000)
    decision: str | None = Field(default=None, max_length=64)


class UserBody(Body):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    roles: list[str] = []
    protectee: str | None = Field(default=None, max_length=64)


class RoleBody(Body):
    role: str = Field(min_length=1, max_length=80)


class PasswordBody(Body):
    password: str = Field(min_length=1, max_length=1024)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


Item = dict[str, Any]
