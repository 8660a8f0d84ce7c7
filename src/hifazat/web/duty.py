"""A provider's duty desk: its roster and the ground, shift by shift — who was decided, who
rostered, who checked in, who missed it — with check-in and check-out forms a post's commander
can use from a phone, and the roll behind it. Its own desk alone (need-to-know)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import Facts, require
from hifazat.domain.attendance import LONGEST_STINT, stints
from hifazat.domain.errors import Conflict, InvalidInput, NotFound
from hifazat.domain.fields import check_day
from hifazat.domain.users import role_parts
from hifazat.domain.words import NP_
from hifazat.services import attendance, roll, rostering, shift_capacity
from hifazat.serving.requests import Reg
from hifazat.web.forms import Field, Optional, local_input, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf
from hifazat.web.speech import speaker

router = APIRouter(include_in_schema=False)

#: a post's state in a shift, as the page names it
STATES = {
    "staffed": NP_("shift state", "staffed"),
    "understaffed": NP_("shift state", "understaffed"),
    "empty": NP_("shift state", "empty"),
    "unauthorised": NP_("shift state", "unauthorised"),
    "none": NP_("shift state", "none"),
}
#: the words a page shows for a roll's and a roster's fixed values (marked for the catalog)
WORDS = (
    NP_("shift", "morning"), NP_("shift", "evening"), NP_("shift", "night"), NP_("shift", "day"),
    NP_("qualification", "driver"), NP_("qualification", "armed"),
    NP_("qualification", "close-protection"), NP_("qualification", "female"),
    NP_("vehicle kind", "mobile-unit"), NP_("vehicle kind", "escort-car"),
    NP_("vehicle kind", "armoured-car"), NP_("vehicle kind", "motorcycle"),
    NP_("vehicle state", "in-service"), NP_("vehicle state", "in-repair"),
    NP_("vehicle state", "retired"),
    NP_("absence", "leave"), NP_("absence", "sickness"), NP_("absence", "training"),
)  # fmt: skip
TAGS = {"staffed": "green", "understaffed": "orange", "empty": "red", "unauthorised": "red"}


def _desks(who: Who) -> list[str]:
    """The providers whose desk the user is, in order."""
    return sorted({p for kind, p in map(role_parts, who.user.roles) if p})


@router.get("/duty", response_class=HTMLResponse)
def duty_home(who: Who) -> Response:
    desks = _desks(who)
    require(who.user, "attendance.read", Facts(provider=desks[0] if desks else None))
    return see_other(f"/duty/{desks[0]}")


@router.get("/duty/{provider}", response_class=HTMLResponse)
def duty_page(
    request: Request, provider: str, reg: Reg, who: Who, day: str = "", done: str = ""
) -> Response:
    return _page(request, provider, reg, who, day, done=done)


def _page(
    request: Request,
    provider: str,
    reg: Reg,
    who: Who,
    day: str,
    done: str = "",
    errors: dict[str, list[str]] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    zone = zone_of(reg.uow())
    speak = speaker(request, who, zone)
    problems = dict(errors or {})
    try:
        first = check_day(day, "day") if day else None
    except InvalidInput as error:
        problems["day"], first = [speak(error.said or error.message)], None
    now = reg.clock()
    found = attendance.sheet(reg.uow(), provider, first, 1, who.user.id, now)
    officers, vehicles = roll.roll(reg.uow(), provider, who.user.id)
    counts = shift_capacity.loads(reg.uow(), provider, found.first, 1, who.user.id, now)
    with reg.uow().reading() as uow:
        people = sorted(uow.repo.protectees().values(), key=lambda p: p.name)
        recent = uow.repo.checks(provider, since=now - LONGEST_STINT)
    on_duty = sorted(
        {s.officer for s in stints(recent) if s.on_duty(now)},
        key=lambda n: found.officers.get(n, n),
    )
    shifts: dict[str, list[Any]] = {}
    for t in found.tallies:
        shifts.setdefault(t.shift, []).append(t)
    return render(
        request,
        "duty.html.j2",
        zone,
        status=422 if problems else 200,
        who=who,
        provider=provider,
        desks=_desks(who),
        sheet=found,
        counts=counts,
        shifts=shifts,
        states=STATES,
        tags=TAGS,
        flags=[{"flag": f, "said": speak(f.said or f.detail)} for f in found.flags],
        officers=officers,
        vehicles=[v for v in vehicles if v.usable],
        people=people,
        on_duty=on_duty,
        previous=found.first - timedelta(days=1),
        following=found.first + timedelta(days=1),
        done=done,
        errors=problems,
        typed=typed or {},
    )


@router.post("/duty/{provider}/attendance", response_class=HTMLResponse)
def check(
    request: Request,
    provider: str,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    kind: Field,
    officer: Field,
    protectee: Optional = "",
    vehicle: Optional = "",
    at: Optional = "",
    day: Optional = "",
) -> Response:
    """A check-in or check-out from the desk's page (or a commander's phone)."""
    check_csrf(who, csrf_token)
    zone = zone_of(reg.uow())
    now = reg.clock()
    typed = {"kind": kind, "officer": officer, "protectee": protectee, "vehicle": vehicle, "at": at}
    try:
        when = local_input(at, zone, "at") or now
        if kind == "in":
            if not protectee:
                raise InvalidInput("protectee", "choose whose post")
            attendance.check_in(reg.uow(), provider, officer, protectee, when, who.user.id, now,
                                vehicle or None)  # fmt: skip
        elif kind == "out":
            attendance.check_out(reg.uow(), provider, officer, when, who.user.id, now)
        else:
            raise InvalidInput("kind", "in or out")
    except (InvalidInput, Conflict, NotFound) as error:
        message = error.message if isinstance(error, InvalidInput) else str(error)
        said = speaker(request, who, zone)(getattr(error, "said", None) or message)
        field = error.field if isinstance(error, InvalidInput) else "officer"
        field = field if field in typed else "officer"
        return _page(request, provider, reg, who, day, errors={field: [said]}, typed=typed)
    return see_other(f"/duty/{provider}?done={kind}-{officer}" + (f"&day={day}" if day else ""))


@router.get("/duty/{provider}/roster", response_class=HTMLResponse)
def roster_page(
    request: Request, provider: str, reg: Reg, who: Who, start: str = "", days: int = 7
) -> Response:
    """The roster in force, a week at a time: each officer's shift and post, day by day."""
    zone = zone_of(reg.uow())
    speak = speaker(request, who, zone)
    errors: dict[str, list[str]] = {}
    try:
        first = check_day(start, "start") if start else None
    except InvalidInput as error:
        errors["start"], first = [speak(error.said or error.message)], None
    found = rostering.in_force(
        reg.uow(), provider, first, min(max(days, 1), 31), who.user.id, reg.clock()
    )
    dates = [found.first + timedelta(days=n) for n in range(found.days)]
    grid: dict[str, dict[date, Any]] = {}
    for a in found.assignments:
        grid.setdefault(a.officer, {})[a.day] = a
    return render(
        request,
        "roster.html.j2",
        zone,
        status=422 if errors else 200,
        who=who,
        provider=provider,
        found=found,
        dates=dates,
        grid=sorted(grid.items(), key=lambda item: found.officers.get(item[0], item[0])),
        previous=found.first - timedelta(days=found.days),
        following=found.first + timedelta(days=found.days),
        errors=errors,
    )


@router.get("/duty/{provider}/roll", response_class=HTMLResponse)
def roll_page(request: Request, provider: str, reg: Reg, who: Who) -> Response:
    officers, vehicles = roll.roll(reg.uow(), provider, who.user.id)
    return render(
        request,
        "roll.html.j2",
        zone_of(reg.uow()),
        who=who,
        provider=provider,
        officers=officers,
        vehicles=vehicles,
    )
