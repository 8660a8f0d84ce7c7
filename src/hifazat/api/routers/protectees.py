"""Protectees, providers, status, notices and threat assessments."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from hifazat.api.conditional import CONDITIONAL, conditional
from hifazat.api.deps import IDEMPOTENT, Reg, Who, idempotent
from hifazat.api.paging import Limit, Offset, page
from hifazat.api.schemas import (
    AssessmentBody,
    AssessmentPage,
    AssessmentView,
    DecisionPage,
    NoticePage,
    ProtecteePage,
    ProtecteeView,
    ProviderPage,
    ProviderView,
    RollView,
    RosterView,
    StatusView,
)
from hifazat.domain.errors import InvalidInput
from hifazat.services import guarded, json_shapes, registry_entries, roll, rostering
from hifazat.serving.instants import At, FromDay

router = APIRouter(prefix="/api/v1")


@router.get("/providers", operation_id="providers_list", tags=["providers"])
def providers(reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0) -> ProviderPage:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("provider.read"), "provider.read")
        found = uow.repo.providers()
    return ProviderPage.model_validate(
        page([json_shapes.provider_view(p) for p in found.values()], limit, offset)
    )


@router.get("/providers/{provider_id}", operation_id="providers_read", tags=["providers"])
def provider(provider_id: str, reg: Reg, who: Who) -> ProviderView:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("provider.read"), "provider.read")
        return ProviderView.model_validate(
            json_shapes.provider_view(uow.repo.provider(provider_id))
        )


@router.get("/providers/{provider_id}/roll", operation_id="providers_roll", tags=["providers"])
def provider_roll(provider_id: str, reg: Reg, who: Who) -> RollView:
    """The provider's officers and vehicles: for its own operator and approver alone."""
    officers, vehicles = roll.roll(reg.uow(), provider_id, who.need("roll.read").id)
    return RollView.model_validate(json_shapes.roll_view(officers, vehicles))


@router.get("/providers/{provider_id}/roster", operation_id="providers_roster", tags=["providers"])
def provider_roster(
    provider_id: str,
    reg: Reg,
    who: Who,
    first: FromDay = None,
    days: Annotated[int, Query(ge=1, le=rostering.MAX_DAYS)] = 7,
) -> RosterView:
    """The roster in force for the days: for the provider's own operator and approver alone."""
    user = who.need("roll.read").id
    found = rostering.in_force(reg.uow(), provider_id, first, days, user, reg.clock())
    return RosterView.model_validate(json_shapes.in_force_view(found))


@router.get("/protectees", operation_id="protectees_list", tags=["protectees"])
def protectees(reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0) -> ProtecteePage:
    found = guarded.list_protectees(reg.uow(), who.need("protectee.read"))
    return ProtecteePage.model_validate(page(found, limit, offset))


@router.get("/protectees/{pid}", operation_id="protectees_read", tags=["protectees"])
def protectee(pid: str, reg: Reg, who: Who) -> ProtecteeView:
    found = guarded.read_protectee(reg.uow(), who.need("protectee.read"), pid)
    return ProtecteeView.model_validate(found)


@router.get(
    "/protectees/{pid}/status",
    operation_id="protectees_status",
    tags=["protectees"],
    response_model=StatusView,
    dependencies=[CONDITIONAL],
)
def status(
    pid: str,
    request: Request,
    reg: Reg,
    who: Who,
    at: At = None,
) -> Response:
    """Layered cover now, or at `at`, as it was known then; with an ETag, for a monitor."""
    when = at if at is not None else reg.clock()
    view = StatusView.model_validate(
        guarded.read_status(reg.uow(), who.need("status.read"), pid, when)
    )
    return conditional(request, view, instants=(("at",),))


@router.get("/protectees/{pid}/decisions", operation_id="decisions_list", tags=["decisions"])
def decisions(pid: str, reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0) -> DecisionPage:
    found = guarded.read_decisions(reg.uow(), who.need("decision.read"), pid, reg.clock())
    return DecisionPage.model_validate(page(found, limit, offset))


@router.get("/protectees/{pid}/notices", operation_id="notices_list", tags=["notices"])
def notices(pid: str, reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0) -> NoticePage:
    found = guarded.read_notices(reg.uow(), who.need("notice.read"), pid)
    return NoticePage.model_validate(page(found, limit, offset))


@router.get(
    "/protectees/{pid}/threat-assessments",
    operation_id="assessments_list",
    tags=["threat-assessments"],
)
def assessments(
    pid: str, reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0
) -> AssessmentPage:
    """Summaries for intelligence, the committee and auditors; the level alone for approvers of
    a provider covering the protectee; nothing for anyone else."""
    found = guarded.read_assessments(reg.uow(), who.need("threat.read"), pid)
    return AssessmentPage.model_validate(page(found, limit, offset))


@router.post(
    "/threat-assessments",
    status_code=201,
    response_model=AssessmentView,
    operation_id="assessments_add",
    dependencies=[IDEMPOTENT],
    tags=["threat-assessments"],
)
def add_assessment(body: AssessmentBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    user = who.need("threat.add")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate(uow, user, "threat.add", body.protectee)
        now = reg.clock()
        if body.valid_until <= (body.assessed_at or now):
            raise InvalidInput("valid_until", "must be after assessed_at")
        new = registry_entries.NewAssessment(
            body.protectee,
            body.level,
            body.agency,
            body.assessed_at or now,
            body.valid_until,
            body.summary,
            user.id,
        )
        assessment = registry_entries.add_assessment(reg.uow(), new, lambda: now)
        return 201, AssessmentView.model_validate(json_shapes.assessment_view(assessment)).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)
