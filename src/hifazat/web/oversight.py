"""Oversight's pages: capacity, the ledger and the fairness audit. Each chart is drawn on the
server (web/charts.py) and followed by a table holding the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import allowed, require
from hifazat.domain.words import NP_
from hifazat.services import audits, history, witnessing
from hifazat.serving.requests import Reg
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who

router = APIRouter(include_in_schema=False)

#: a threat level as the audit names a cohort by it
THREAT_LEVELS = [
    NP_("audit threat level", "none"),
    NP_("audit threat level", "low"),
    NP_("audit threat level", "moderate"),
    NP_("audit threat level", "high"),
    NP_("audit threat level", "severe"),
]
#: the kinds of finding
FINDING_KINDS = [
    NP_("finding", "disparity"),
    NP_("finding", "cluster"),
    NP_("finding", "understaffing"),
]


@dataclass(frozen=True)
class PoolBar:
    """One provider's committed officers or vehicles against its sanctioned pool."""

    key: str
    committed: int
    pool: int


@router.get("/capacity", response_class=HTMLResponse)
def capacity_page(request: Request, reg: Reg, who: Who) -> Response:
    require(who.user, "capacity.read")
    found = audits.capacity_at(reg.uow(), reg.clock())
    personnel = [PoolBar(c.provider, c.committed.personnel, c.pool.personnel) for c in found]
    vehicles = [PoolBar(c.provider, c.committed.vehicles, c.pool.vehicles) for c in found]
    return render(
        request,
        "capacity.html.j2",
        zone_of(reg.uow()),
        who=who,
        providers=[c.as_dict() for c in found],
        personnel=personnel,
        vehicles=vehicles,
    )


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request, reg: Reg, who: Who, check: str = "") -> Response:
    require(who.user, "ledger.read")
    with reg.uow() as uow:
        latest = uow.ledger.latest_checkpoint()
        size = uow.ledger.tree_size()
    vouching = witnessing.witnesses(reg.uow(), {})
    seen = witnessing.standing(reg.uow(), vouching.keys, vouching.quorum)
    verifier = reg.signer().verifier()
    mine = check and allowed(who.user, "ledger.checkpoint")
    report = reg.verify_ledger() if mine else None
    return render(
        request,
        "ledger.html.j2",
        zone_of(reg.uow()),
        who=who,
        latest=latest,
        seen=seen,
        witness_keys=[k.text() for k in vouching.keys],
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
    view = history.audit_view(reg.uow(), who.user, now - span, now, now)
    return render(
        request,
        "audit.html.j2",
        zone_of(reg.uow()),
        who=who,
        audit=view.audit,
        view=view,
        days=span.days,
    )
