"""The review queue: cover due or overdue for its periodic review, confirmed with a reason."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import require
from hifazat.api.deps import Reg
from hifazat.services import (
    oversight,
    reviews,
    secure,
    views,
)
from hifazat.web.forms import Field, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/reviews", response_class=HTMLResponse)
def review_queue(request: Request, reg: Reg, who: Who) -> Response:
    require(who.user, "review.due")
    queue = oversight.reviews_due(reg.uow(), reg.clock(), timedelta(days=30))
    return render(
        request,
        "reviews.html.j2",
        zone_of(reg.uow()),
        who=who,
        queue=[views.review_view(q) for q in queue],
        error=None,
    )


@router.post("/reviews")
def review_confirm(
    reg: Reg, who: Who, csrf_token: Field, coverage: Field, reason: Field
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        secure.gate_decision(uow, who.user, "review.record", coverage)
    reviews.review(reg.uow(), coverage, "confirmed", reason, who.user.id, reg.clock)
    return see_other("/reviews")
