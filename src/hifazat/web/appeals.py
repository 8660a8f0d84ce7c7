"""Appeals: lodged by a protectee or their liaison, ruled on by the committee."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import Facts, allowed
from hifazat.api.deps import Reg
from hifazat.domain.appeal import AppealOutcome
from hifazat.services import (
    appeals,
    secure,
    views,
)
from hifazat.web.forms import Field, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/appeals", response_class=HTMLResponse)
def appeal_page(request: Request, reg: Reg, who: Who, decision: str = "") -> Response:
    with reg.uow() as uow:
        found = [
            views.appeal_view(a)
            for a in uow.repo.appeals()
            if allowed(who.user, "appeal.read", secure.facts_for(uow, a.protectee_id))
        ]
    return render(
        request,
        "appeals.html.j2",
        zone_of(reg.uow()),
        who=who,
        appeals=found,
        decision=decision,
        # whether they may appeal for someone at all: a protectee's login, or a liaison (each
        # appeal is then judged for the protectee it concerns)
        can_lodge=allowed(who.user, "appeal.lodge", Facts(liaisons=frozenset({who.user.id}))),
        can_decide=allowed(who.user, "appeal.decide"),
    )


@router.post("/appeals")
def appeal_lodge(
    reg: Reg, who: Who, csrf_token: Field, decision: Field, grounds: Field
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        secure.gate_decision(uow, who.user, "appeal.lodge", decision)
    appeals.lodge(reg.uow(), decision, who.user.id, grounds, reg.clock)
    return see_other("/appeals")


@router.post("/appeals/{appeal_id}/decide")
def appeal_decide(
    appeal_id: str, reg: Reg, who: Who, csrf_token: Field, outcome: Field, reason: Field
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        secure.gate_appeal(uow, who.user, "appeal.decide", appeal_id)
    appeals.decide_appeal(
        reg.uow(), appeal_id, AppealOutcome(outcome), reason, who.user.id, reg.clock
    )
    return see_other("/appeals")
