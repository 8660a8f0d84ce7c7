"""Oversight's pages: capacity, the ledger and the fairness audit."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import allowed, require
from hifazat.api.deps import Reg
from hifazat.services import (
    audits,
)
from hifazat.services.verify import verify_beside_key
from hifazat.store import ledger_store
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who

router = APIRouter(include_in_schema=False)


@router.get("/capacity", response_class=HTMLResponse)
def capacity_page(request: Request, reg: Reg, who: Who) -> Response:
    require(who.user, "capacity.read")
    found = [c.as_dict() for c in audits.capacity_at(reg.uow(), reg.clock())]
    return render(request, "capacity.html.j2", zone_of(reg.uow()), who=who, providers=found)


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, reg: Reg, who: Who, check: str = "") -> Response:
    require(who.user, "ledger.read")
    with reg.uow() as uow:
        latest = ledger_store.latest_checkpoint(uow.connection)
        size = ledger_store.tree_size(uow.connection)
    verifier = reg.signer().verifier()
    mine = check and allowed(who.user, "ledger.checkpoint")
    report = verify_beside_key(reg.engine, verifier, reg.settings.key_path()) if mine else None
    return render(
        request,
        "ledger.html.j2",
        zone_of(reg.uow()),
        who=who,
        latest=latest,
        size=size,
        public_key=verifier.text(),
        report=report,
        can_check=allowed(who.user, "ledger.checkpoint"),
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, reg: Reg, who: Who, days: int = 365) -> Response:
    require(who.user, "audit.read")
    now = reg.clock()
    span = timedelta(days=min(max(days, 1), 3650))
    result = audits.fairness(reg.uow(), now - span, now, now)
    return render(
        request, "audit.html.j2", zone_of(reg.uow()), who=who, audit=result, days=span.days
    )
