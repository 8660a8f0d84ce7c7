"""Oversight's audits: fairness, capacity and cost."""

from __future__ import annotations

from fastapi import APIRouter

from hifazat.api.deps import Reg, Who
from hifazat.api.schemas import CapacityView, CostView, FairnessAudit
from hifazat.domain.times import period
from hifazat.services import audits, guarded
from hifazat.serving.instants import From, To

router = APIRouter(prefix="/api/v1")


@router.get("/audit/fairness", operation_id="audits_fairness", tags=["audits"])
def fairness(
    reg: Reg,
    who: Who,
    start: From = None,
    end: To = None,
) -> FairnessAudit:
    """Withdrawals and downgrades by affiliation within cohorts, the exact test, clusters."""
    with reg.uow() as uow:
        guarded.gate(uow, who.need("audit.read"), "audit.read")
    begin, stop = period(start, end, reg.clock())
    return FairnessAudit.model_validate(
        audits.fairness(reg.uow(), begin, stop, reg.clock()).as_dict()
    )


@router.get("/capacity", operation_id="audits_capacity", tags=["audits"])
def capacity(reg: Reg, who: Who) -> CapacityView:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("capacity.read"), "capacity.read")
    found = audits.capacity_at(reg.uow(), reg.clock())
    return CapacityView.model_validate({"providers": [c.as_dict() for c in found]})


@router.get("/cost", operation_id="audits_cost", tags=["audits"])
def cost(
    reg: Reg,
    who: Who,
    start: From = None,
    end: To = None,
) -> CostView:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("audit.read"), "audit.read")
    begin, stop = period(start, end, reg.clock())
    return CostView.model_validate(audits.cost_over(reg.uow(), begin, stop, reg.clock()).as_dict())
