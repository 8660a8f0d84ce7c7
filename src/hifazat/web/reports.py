"""Ground reports: what is deployed on the ground, reported by those who see it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.api.deps import Reg
from hifazat.domain.errors import InvalidInput, Refusal
from hifazat.services import (
    registry_entries,
    secure,
)
from hifazat.web.forms import Field, Optional, local_input
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, reg: Reg, who: Who, protectee: str = "") -> Response:
    people = secure.list_protectees(reg.uow(), who.user)
    with reg.uow() as uow:
        providers = list(uow.repo.providers())
    return render(
        request,
        "report.html.j2",
        zone_of(reg.uow()),
        who=who,
        people=people,
        providers=providers,
        protectee=protectee,
        error=None,
        done=None,
    )


@router.post("/report", response_class=HTMLResponse)
def report_submit(
    request: Request,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    protectee: Field,
    provider: Field,
    text: Field,
    observed_at: Optional = "",
) -> Response:
    check_csrf(who, csrf_token)
    zone = zone_of(reg.uow())
    people = secure.list_protectees(reg.uow(), who.user)
    with reg.uow() as uow:
        providers = list(uow.repo.providers())
    try:
        with reg.uow() as uow:  # a liaison files for the protectees who named them
            secure.gate(uow, who.user, "report.file", protectee)
        when = local_input(observed_at, zone, "observed_at") or reg.clock()
        filed = registry_entries.report_discrepancy(
            reg.uow(),
            registry_entries.NewReport(protectee, provider, who.user.id, when, text),
            reg.clock,
        )
    except (Refusal, InvalidInput) as error:
        return render(
            request,
            "report.html.j2",
            zone,
            status=422,
            who=who,
            people=people,
            providers=providers,
            protectee=protectee,
            error=str(error),
            done=None,
        )
    return render(
        request,
        "report.html.j2",
        zone,
        who=who,
        people=people,
        providers=providers,
        protectee=protectee,
        error=None,
        done=filed.id,
    )
