"""Each role's home answers its first question: a protectee's is their own page; a liaison's
the people who named them; a desk's what awaits it; the committee's appeals and emergency
decisions; intelligence's the assessments due; the registrar's and auditor's where to look."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import allowed
from hifazat.domain.users import role_parts
from hifazat.services import desk_views, guarded, json_shapes, oversight
from hifazat.serving.requests import Reg
from hifazat.web.desk_terms import FLAGS, change_phrase
from hifazat.web.forms import see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who
from hifazat.web.speech import speaker

router = APIRouter(include_in_schema=False)
#: how far ahead the homes look: reviews falling due, assessments lapsing
AHEAD = timedelta(days=30)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, reg: Reg, who: Who) -> Response:
    user, now = who.user, reg.clock()
    kinds = {role_parts(r)[0] for r in user.roles}
    if user.protectee_id and "protectee" in kinds and len(kinds) == 1:
        return see_other(f"/protectees/{user.protectee_id}")
    page: dict[str, Any] = {"kinds": kinds}
    if "liaison" in kinds:
        page["named_me"] = desk_views.liaison_protectees(reg.uow(), user, now)
    if allowed(user, "decision.propose") and kinds & {"operator", "approver"}:
        page["mine"] = desk_views.my_proposals(reg.uow(), user, now)
    if allowed(user, "flag.read") and kinds & {"operator", "approver", "committee"}:
        speak = speaker(request, who, zone_of(reg.uow()))
        page["flags"] = guarded.read_flags(reg.uow(), user, now, speak)
    if allowed(user, "review.due") and kinds & {"operator", "approver", "committee"}:
        page["due"] = [
            json_shapes.review_view(r) for r in oversight.reviews_due(reg.uow(), now, AHEAD)
        ]
    if kinds & {"approver", "committee"}:
        page["waiting"] = guarded.decision_queues(reg.uow(), user, now)[0]
    if allowed(user, "appeal.decide"):
        page["appeals"] = desk_views.appeals_awaiting(reg.uow(), user, now)
    if allowed(user, "decision.ratify"):
        page["ratify"] = desk_views.ratifications_awaiting(reg.uow(), user, now)
    if "intelligence" in kinds:
        page["threats"] = desk_views.assessments_due(reg.uow(), user, now, AHEAD)
    if "admin" in kinds and allowed(user, "user.list"):
        page["registry"] = desk_views.registry_view(reg.uow(), user)
    if "auditor" in kinds:
        page["ledger_size"] = desk_views.ledger_size(reg.uow(), user)
    return render(
        request,
        "home.html.j2",
        zone_of(reg.uow()),
        who=who,
        change_phrase=change_phrase,
        flag_words=FLAGS,
        **page,
    )
