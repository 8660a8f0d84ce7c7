"""The review queue: cover due or overdue for its periodic review, confirmed with a reason."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import require
from hifazat.domain.errors import InvalidInput, Refusal
from hifazat.services import (
    guarded,
    json_shapes,
    oversight,
    reviews,
)
from hifazat.serving.requests import Reg
from hifazat.web.forms import Field, Optional, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf
from hifazat.web.speech import speaker

router = APIRouter(include_in_schema=False)


def _queue_page(
    request: Request,
    reg: Reg,
    who: Who,
    confirmed: str = "",
    failed: str = "",
    typed: str = "",
    errors: list[str] | None = None,
) -> Response:
    require(who.user, "review.due")
    queue = oversight.reviews_due(reg.uow(), reg.clock(), timedelta(days=30))
    return render(
        request,
        "reviews.html.j2",
        zone_of(reg.uow()),
        status=422 if errors else 200,
        who=who,
        queue=[json_shapes.review_view(q) for q in queue],
        confirmed=confirmed,
        failed=failed,
        typed=typed,
        errors=errors or [],
    )


@router.get("/reviews", response_class=HTMLResponse)
def review_queue(request: Request, reg: Reg, who: Who, confirmed: str = "") -> Response:
    return _queue_page(request, reg, who, confirmed=confirmed)


@router.post("/reviews", response_class=HTMLResponse)
def review_confirm(
    request: Request, reg: Reg, who: Who, csrf_token: Field, coverage: Field, reason: Optional = ""
) -> Response:
    check_csrf(who, csrf_token)
    with reg.uow() as uow:
        guarded.gate_decision(uow, who.user, "review.record", coverage)
    speak = speaker(request, who, zone_of(reg.uow()))
    try:
        reviews.review(reg.uow(), coverage, "confirmed", reason, who.user.id, reg.clock)
    except Refusal as refusal:
        shown = guarded.violations_for(reg.uow(), who.user, refusal.violations, speak)
        said = [f"{v['rule']}: {v['message']}" for v in shown]
        return _queue_page(request, reg, who, failed=coverage, typed=reason, errors=said)
    except InvalidInput as error:
        return _queue_page(
            request,
            reg,
            who,
            failed=coverage,
            typed=reason,
            errors=[speak(error.said or error.message)],
        )
    return see_other(f"/reviews?confirmed={coverage}")
