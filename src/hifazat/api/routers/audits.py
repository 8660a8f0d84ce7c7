"""Oversight's audits: fairness, retaliation, capacity and cost."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from hifazat.api.conditional import CONDITIONAL, conditional
from hifazat.api.deps import Reg, Who
from hifazat.api.schemas import CapacityView, CostView, FairnessAudit, RetaliationAudit
from hifazat.domain.times import period
from hifazat.services import audits, guarded
from hifazat.serving.instants import From, To

router = APIRouter(prefix="/api/v1")


@router.get(
    "/audit/fairness",
    operation_id="audits_fairness",
    tags=["audits"],
    response_model=FairnessAudit,
    dependencies=[CONDITIONAL],
)
def fairness(
    request: Request,
    reg: Reg,
    who: Who,
    start: From = None,
    end: To = None,
) -> Response:
    """Withdrawals and downgrades by affiliation within cohorts, the exact test, clusters."""
    with reg.uow() as uow:
        guarded.gate(uow, who.need("audit.read"), "audit.read")
    begin, stop = period(start, end, reg.clock())
    found = audits.fairness(reg.lagging(), begin, stop, reg.clock())
    return conditional(request, FairnessAudit.model_validate(found.as_dict()))


@router.get(
    "/audit/retaliation",
    operation_id="audits_retaliation",
    tags=["audits"],
    response_model=RetaliationAudit,
    dependencies=[CONDITIONAL],
)
def retaliation(
    request: Request,
    reg: Reg,
    who: Who,
    start: From = None,
    end: To = None,
    window: Annotated[
        int | None,
        Query(ge=1, le=365, description="Days after an event (default: the policy's)."),
    ] = None,
) -> Response:
    """Reductions of an affiliation's cover decided within a window after its public events,
    against circular shifts of the event dates; every test, and the findings."""
    with reg.uow() as uow:
        guarded.gate(uow, who.need("audit.read"), "audit.read")
    begin, stop = period(start, end, reg.clock())
    length = timedelta(days=window) if window is not None else None
    found = audits.retaliation_test(reg.lagging(), begin, stop, reg.clock(), length)
    return conditional(request, RetaliationAudit.model_validate(found.as_dict()))


@router.get(
    "/capacity",
    operation_id="audits_capacity",
    tags=["audits"],
    response_model=CapacityView,
    dependencies=[CONDITIONAL],
)
def capacity(request: Request, reg: Reg, who: Who) -> Response:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("capacity.read"), "capacity.read")
    found = audits.capacity_at(reg.uow(), reg.clock())
    view = CapacityView.model_validate({"providers": [c.as_dict() for c in found]})
    return conditional(request, view)


@router.get(
    "/cost",
    operation_id="audits_cost",
    tags=["audits"],
    response_model=CostView,
    dependencies=[CONDITIONAL],
)
def cost(
    request: Request,
    reg: Reg,
    who: Who,
    start: From = None,
    end: To = None,
) -> Response:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("audit.read"), "audit.read")
    begin, stop = period(start, end, reg.clock())
    found = audits.cost_over(reg.lagging(), begin, stop, reg.clock())
    return conditional(request, CostView.model_validate(found.as_dict()))
