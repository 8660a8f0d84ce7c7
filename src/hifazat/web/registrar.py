"""The registrar's page: who uses the registry and in what roles, where notices go (never a
channel's secret), and the policy in force. Read by the registrar and by auditors."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.services import desk_views
from hifazat.serving.requests import Reg
from hifazat.web.desk_terms import LANGUAGES, span
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who

router = APIRouter(include_in_schema=False)


@router.get("/registry", response_class=HTMLResponse)
def registry(request: Request, reg: Reg, who: Who) -> Response:
    found = desk_views.registry_view(reg.uow(), who.user)
    policy = found["policy"]
    periods = [
        ("notice", policy.notice_period),
        ("ratify", policy.emergency_ratification_within),
        ("review", policy.review_every),
        ("appeal", policy.appeal_decide_within),
    ]
    return render(
        request,
        "registrar.html.j2",
        zone_of(reg.uow()),
        who=who,
        users=found["users"],
        channels=found["channels"],
        policy=policy,
        periods={name: span(delta) for name, delta in periods},
        languages=LANGUAGES,
    )
