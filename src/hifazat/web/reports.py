"""Ground reports: what is deployed on the ground, reported by those who see it — from a phone,
by a liaison, the protectee, or a desk's officer. The time left empty means now."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import Facts, allowed
from hifazat.domain.errors import InvalidInput, Refusal
from hifazat.domain.users import User
from hifazat.services import (
    guarded,
    registry_entries,
)
from hifazat.serving.requests import Reg
from hifazat.web.forms import Field, Optional, local_input, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Visitor, Who, check_csrf
from hifazat.web.speech import speaker

router = APIRouter(include_in_schema=False)
#: where the domain's refusals of a report are shown on the form
FIELD = {"observed": "observed_at", "observed_at": "observed_at", "text": "text"}


def reportable(reg: Reg, user: User) -> list[dict[str, Any]]:
    """The protectees this user may report on: a protectee's login just themself, a liaison
    those who named them, a desk or the committee everyone they may see."""
    people = guarded.list_protectees(reg.uow(), user)
    desk = bool({"committee", "admin"} & user.roles) or bool(user.desks)
    out = []
    for p in people:
        facts = Facts(p["id"], None, frozenset(), frozenset(p["liaisons"]))
        if not allowed(user, "report.file", facts) and not desk:
            continue
        if desk or user.protectee_id == p["id"] or user.id in p["liaisons"]:
            out.append(p)
    return out


@router.get("/report", response_class=HTMLResponse)
def report_form(
    request: Request, reg: Reg, who: Who, protectee: str = "", filed: str = ""
) -> Response:
    return _page(request, reg, who, {"protectee": protectee}, {}, filed=filed)


def _page(
    request: Request,
    reg: Reg,
    who: Visitor,
    values: dict[str, str],
    errors: dict[str, list[str]],
    status: int = 200,
    filed: str = "",
) -> Response:
    people = reportable(reg, who.user)
    if not values.get("protectee") and len(people) == 1:
        values = {**values, "protectee": people[0]["id"]}
    with reg.uow() as uow:
        providers = list(uow.repo.providers().values())
    return render(
        request,
        "report.html.j2",
        zone_of(reg.uow()),
        status=status,
        who=who,
        people=people,
        providers=providers,
        values=values,
        errors=errors,
        filed=filed,
    )


@router.post("/report", response_class=HTMLResponse)
def report_submit(
    request: Request,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    protectee: Optional = "",
    provider: Optional = "",
    text: Optional = "",
    observed_at: Optional = "",
) -> Response:
    check_csrf(who, csrf_token)
    zone = zone_of(reg.uow())
    values = {
        "protectee": protectee,
        "provider": provider,
        "text": text,
        "observed_at": observed_at,
    }
    with reg.uow() as uow:  # a liaison files for the protectees who named them
        guarded.gate(uow, who.user, "report.file", protectee)
    errors: dict[str, list[str]] = {}
    speak = speaker(request, who, zone)
    try:
        when = local_input(observed_at, zone, "observed_at") or reg.clock()
        filed = registry_entries.report_discrepancy(
            reg.uow(),
            registry_entries.NewReport(protectee, provider, who.user.id, when, text),
            reg.clock,
        )
    except InvalidInput as error:
        errors[FIELD.get(error.field, "text")] = [speak(error.said or error.message)]
    except Refusal as refusal:
        for v in guarded.violations_for(reg.uow(), who.user, refusal.violations, speak):
            errors.setdefault("protectee", []).append(f"{v['rule']}: {v['message']}")
    if errors:
        return _page(request, reg, who, values, errors, status=422)
    return see_other(f"/report?filed={filed.id}&protectee={protectee}")
