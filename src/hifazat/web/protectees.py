"""The protectees: the list, one person's cover, notices and timeline, receipts and
notices sent again."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import allowed
from hifazat.api.deps import Reg, Registry
from hifazat.domain.errors import InvalidInput
from hifazat.services import (
    ledger,
    secure,
    views,
)
from hifazat.services.notices import requeue as requeue_notice
from hifazat.store import outbox_store
from hifazat.web.forms import Field, local_input, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/protectees/{pid}", response_class=HTMLResponse)
def protectee_page(
    request: Request,
    pid: str,
    reg: Reg,
    who: Who,
    at: str = "",
    proposed: str = "",
    approved: str = "",
) -> Response:
    zone = zone_of(reg.uow())
    now = reg.clock()
    when = local_input(at, zone, "at") or now
    status = secure.read_status(reg.uow(), who.user, pid, when)
    person = secure.read_protectee(reg.uow(), who.user, pid)
    decisions = secure.read_decisions(reg.uow(), who.user, pid, now)
    notices = secure.read_notices(reg.uow(), who.user, pid)
    with reg.uow() as uow:
        reports = [views.report_view(r) for r in uow.repo.discrepancies(pid)]
    timeline = sorted(
        [{"at": d["proposed_at"], "kind": "decision", "item": d} for d in decisions]
        + [{"at": r["observed_at"], "kind": "report", "item": r} for r in reports],
        key=lambda e: e["at"],
        reverse=True,
    )
    return render(
        request,
        "protectee.html.j2",
        zone,
        who=who,
        person=person,
        cover=status,
        timeline=timeline,
        notices=notices,
        at=at,
        past=when != now,
        may_requeue=allowed(who.user, "notice.requeue", secure.facts_for_page(reg.uow(), pid)),
        # what the user just did, said back to them (only of decisions on this page)
        done={
            "proposed": next((d for d in decisions if d["decision"] == proposed), None),
            "approved": next((d for d in decisions if d["decision"] == approved), None),
        },
        provider_names=_provider_names(reg),
    )


def _provider_names(reg: Registry) -> dict[str, str]:
    with reg.uow().reading() as uow:
        return {p.id: p.name for p in uow.repo.providers().values()}


@router.get("/decisions/{decision_id}/receipt.json")
def receipt(decision_id: str, reg: Reg, who: Who) -> Response:
    secure.read_decision(reg.uow(), who.user, decision_id, reg.clock())
    with reg.uow() as uow:
        found = ledger.receipt_if_covered(uow, decision_id)
    if found is None:
        raise InvalidInput("receipt", "no checkpoint covers this decision yet; try again shortly")
    return Response(
        json.dumps(found, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{decision_id}.json"'},
    )


@router.post("/notices/{notice_id}/requeue")
def notice_requeue(
    notice_id: str, reg: Reg, who: Who, csrf_token: Field, reason: Field
) -> Response:
    """A desk sends a dead notice again, with the reason; ledgered, as on the command line."""
    check_csrf(who, csrf_token)
    requeue_notice(reg.uow(), notice_id, who.user.id, reason, reg.clock())
    with reg.uow() as uow:
        protectee = outbox_store.notice_protectee(uow.connection, notice_id)
    return see_other(f"/protectees/{protectee}?requeued={notice_id}")
