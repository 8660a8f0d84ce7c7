"""Oversight's audits: fairness, capacity and cost."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from hifazat.api.deps import Reg, Who
from hifazat.api.errors import ERRORS
from hifazat.domain.times import period
from hifazat.services import audits, secure
from hifazat.serving.instants import From, To

router = APIRouter(prefix="/api/v1", tags=["oversight"], responses=ERRORS)


@router.get("/audit/fairness")
def fairness(
    reg: Reg,
    who: Who,
    start: From = None,
    end: To = None,
) -> dict[str, Any]:
    """Withdrawals and downgrades by affiliation within cohorts, the exact test, clusters."""
    with reg.uow() as uow:
        secure.gate(uow, who.need("audit.read"), "audit.read")
    begin, stop = period(start, end, reg.clock())
    return audits.fairness(reg.uow(), begin, stop, reg.clock()).as_dict()


@router.get("/capacity")
def capacity(reg: Reg, who: Who) -> dict[str, Any]:
    with reg.uow() as uow:
        secure.gate(uow, who.need("capacity.read"), "capacity.read")
    return {"providers": [c.as_dict() for c in audits.capacity_at(reg.uow(), reg.clock())]}


@router.get("/cost")
def cost(
    reg: Reg,
    who: Who,
    start: From = None,
    end: To = None,
) -> dict[str, Any]:
    with reg.uow() as uow:
        secure.gate(uow, who.need("audit.read"), "audit.read")
    begin, stop = period(start, end, reg.clock())
    return audits.cost_over(reg.uow(), begin, stop, reg.clock()).as_dict()
