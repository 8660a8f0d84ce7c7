"""Each role's home: what awaits the signed-in user."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import allowed
from hifazat.api.deps import Reg
from hifazat.services import (
    oversight,
    secure,
    views,
)
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, reg: Reg, who: Who) -> Response:
    now, user = reg.clock(), who.user
    flags = secure.read_flags(reg.uow(), user, now) if allowed(user, "flag.read") else []
    due = (
        [views.review_view(r) for r in oversight.reviews_due(reg.uow(), now, timedelta(days=30))]
        if allowed(user, "review.due")
        else []
    )
    waiting, recent = secure.decision_queues(reg.uow(), user, now)
    return render(
        request,
        "dashboard.html.j2",
        zone_of(reg.uow()),
        who=who,
        flags=flags,
        waiting=waiting,
        due=due,
        recent=recent,
    )
