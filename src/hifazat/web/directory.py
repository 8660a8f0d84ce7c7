"""The list of protectees a user may see, with the cover each has now (where they may see it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.services import desk_views, guarded
from hifazat.serving.requests import Reg
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who

router = APIRouter(include_in_schema=False)


@router.get("/protectees", response_class=HTMLResponse)
def protectee_list(request: Request, reg: Reg, who: Who) -> Response:
    people = sorted(guarded.list_protectees(reg.uow(), who.user), key=lambda p: p["name"])
    cover = desk_views.cover_now(reg.uow(), who.user, reg.clock())
    return render(
        request, "protectees.html.j2", zone_of(reg.uow()), who=who, people=people, cover=cover
    )
