"""Threat assessments: those due for renewal and those expiring, as each reader may see them
(access/redaction.py: the level alone to a covering approver); and, for intelligence, the form
that enters one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import Forbidden, allowed, require
from hifazat.domain.errors import InvalidInput, NotFound, Refusal
from hifazat.domain.policy import THREAT_LEVELS
from hifazat.domain.words import N_
from hifazat.services import desk_views, guarded, registry_entries
from hifazat.serving.requests import Reg
from hifazat.web.forms import Field, Optional, local_input, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf
from hifazat.web.speech import spoken_error

router = APIRouter(include_in_schema=False)
#: how far ahead "expiring" looks
AHEAD = timedelta(days=30)
FIELDS = ("protectee", "level", "agency", "assessed_at", "valid_until", "summary")
#: what a field left empty is told
REQUIRED = {
    "protectee": N_("Choose the protectee"),
    "level": N_("Choose the threat level"),
    "agency": N_("Enter the agency that assessed the threat"),
    "valid_until": N_("Enter when the assessment lapses"),
    "summary": N_("Enter a summary of the assessment"),
}


def _page(
    request: Request,
    reg: Reg,
    who: Who,
    values: dict[str, str] | None = None,
    errors: dict[str, list[dict[str, str]]] | None = None,
    added: str = "",
) -> Response:
    if not desk_views.may_see_assessments(who.user):
        raise Forbidden(f"{who.user.id} may not threat read here")
    found = desk_views.assessments_due(reg.uow(), who.user, reg.clock(), AHEAD)
    people: list[Any] = []
    if allowed(who.user, "threat.add"):
        with reg.uow().reading() as uow:
            people = sorted(uow.repo.protectees().values(), key=lambda p: p.name)
    return render(
        request,
        "assessments.html.j2",
        zone_of(reg.uow()),
        status=422 if errors else 200,
        who=who,
        found=found,
        people=people,
        levels=THREAT_LEVELS,
        values=values or {},
        errors=errors or {},
        added=added,
    )


@router.get("/assessments", response_class=HTMLResponse)
def assessments(request: Request, reg: Reg, who: Who, added: str = "") -> Response:
    return _page(request, reg, who, added=added)


@router.post("/assessments", response_class=HTMLResponse)
def add_assessment(
    request: Request,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    protectee: Optional = "",
    level: Optional = "",
    agency: Optional = "",
    assessed_at: Optional = "",
    valid_until: Optional = "",
    summary: Optional = "",
) -> Response:
    check_csrf(who, csrf_token)
    require(who.user, "threat.add")
    values = {
        "protectee": protectee,
        "level": level,
        "agency": agency,
        "assessed_at": assessed_at,
        "valid_until": valid_until,
        "summary": summary,
    }
    errors = {name: [{"ask": REQUIRED[name]}] for name in REQUIRED if not values[name].strip()}
    if errors:
        return _page(request, reg, who, values, errors)
    zone, now = zone_of(reg.uow()), reg.clock()
    try:
        with reg.uow() as uow:
            guarded.gate(uow, who.user, "threat.add", protectee)
        made = registry_entries.add_assessment(
            reg.uow(),
            registry_entries.NewAssessment(
                protectee=protectee,
                level=level,
                agency=agency,
                assessed_at=_when(assessed_at, zone, "assessed_at") or now,
                valid_until=_when(valid_until, zone, "valid_until") or now,
                summary=summary,
                by=who.user.id,
            ),
            reg.clock,
        )
    except InvalidInput as error:
        field = error.field if error.field in FIELDS else "summary"
        message = spoken_error(request, who, reg, error)
        return _page(request, reg, who, values, {field: [{"message": message}]})
    except NotFound as error:
        return _page(request, reg, who, values, {"protectee": [{"message": str(error)}]})
    except Refusal as refusal:
        said = [{"message": f"{v.rule}: {v.message}"} for v in refusal.violations]
        return _page(request, reg, who, values, {"protectee": said})
    return see_other(f"/assessments?added={made.protectee_id}")


def _when(text: str, zone: str, field: str) -> datetime | None:
    return local_input(text, zone, field)
