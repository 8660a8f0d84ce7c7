"""Attendance at a provider's posts, and what a protectee may know of who stands with them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from hifazat.api.deps import IDEMPOTENT, Reg, Who, idempotent
from hifazat.api.schemas import (
    AttendanceView,
    CheckBody,
    CheckInBody,
    CheckRead,
    OnDutyView,
    ShiftCapacityView,
)
from hifazat.services import attendance, guarded, json_shapes, shift_capacity
from hifazat.serving.instants import FromDay

router = APIRouter(prefix="/api/v1")


@router.post(
    "/providers/{provider_id}/attendance",
    status_code=201,
    response_model=CheckRead,
    operation_id="attendance_check",
    dependencies=[IDEMPOTENT],
    tags=["providers"],
)
def check(provider_id: str, body: CheckBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    """An officer checks in at a protectee's post, or out of the post they are at: recorded by
    the provider's own desk (its duty officer, or a post's commander at the desk's login)."""
    user = who.need("attendance.record")

    def run() -> tuple[int, Any]:
        now = reg.clock()
        when = body.at or now
        if isinstance(body, CheckInBody):
            done = attendance.check_in(
                reg.uow(), provider_id, body.officer, body.protectee, when, user.id, now,
                body.vehicle,
            )  # fmt: skip
        else:
            done = attendance.check_out(reg.uow(), provider_id, body.officer, when, user.id, now)
        return 201, CheckRead.model_validate(json_shapes.check_view(done)).wire()

    payload = {"provider": provider_id, **body.model_dump(mode="json")}
    return idempotent(request, reg, user, payload, run)


@router.get(
    "/providers/{provider_id}/attendance", operation_id="attendance_read", tags=["providers"]
)
def sheet(
    provider_id: str,
    reg: Reg,
    who: Who,
    first: FromDay = None,
    days: Annotated[int, Query(ge=1, le=31)] = 1,
) -> AttendanceView:
    """Each post in each started shift of the days: decided, rostered, present, missed; and the
    provider's NOMINAL, UNDERSTAFFED and UNAUTHORISED flags. For the provider's own desk."""
    user = who.need("attendance.read").id
    found = attendance.sheet(reg.uow(), provider_id, first, days, user, reg.clock())
    return AttendanceView.model_validate(json_shapes.sheet_view(found))


@router.get("/protectees/{pid}/on-duty", operation_id="protectees_on_duty", tags=["protectees"])
def on_duty(pid: str, reg: Reg, who: Who) -> OnDutyView:
    """How many officers of each provider stand with the protectee now, against the number its
    decision asks for: counts only, never names or shift times."""
    found = guarded.read_on_duty(reg.uow(), who.need("status.read"), pid, reg.clock())
    return OnDutyView.model_validate(found)


@router.get("/providers/{provider_id}/capacity", operation_id="providers_capacity", tags=["audits"])
def capacity(
    provider_id: str,
    reg: Reg,
    who: Who,
    first: FromDay = None,
    days: Annotated[int, Query(ge=1, le=shift_capacity.MAX_DAYS)] = 7,
) -> ShiftCapacityView:
    """The provider shift by shift: sanctioned, available on its roll, committed by its
    decisions, rostered and present — counts alone, for oversight and the desks."""
    user = who.need("capacity.read").id
    found = shift_capacity.loads(reg.uow(), provider_id, first, days, user, reg.clock())
    return ShiftCapacityView.model_validate(json_shapes.loads_view(found))
