"""The list of protectees a user may see, with the cover each has now."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.api.deps import Reg
from hifazat.services import secure
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who

router = APIRouter(include_in_schema=False)


@router.get("/protectees", response_class=HTMLResponse)
def protectee_list(request: Request, reg: Reg, who: Who) -> Response:
    people = secure.list_protectees(reg.uow(), who.user)
    return render(request, "protectees.html.j2", zone_of(reg.uow()), who=who, people=people)
