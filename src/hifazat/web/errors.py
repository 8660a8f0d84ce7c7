"""Errors on pages: a page, not JSON; a sign-in form for whoever is not signed in."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from hifazat.web.pages import render, zone_of

TITLES = {
    401: "Sign in",
    403: "Not yours to see",
    404: "Not found",
    409: "Already done",
    422: "Refused",
}


def html_error(request: Request, status: int, message: str) -> Response:
    if status == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    reg = request.app.state.registry
    return render(
        request,
        "error.html.j2",
        zone_of(reg.uow()),
        status=status,
        who=None,
        title=TITLES.get(status, "Error"),
        message=message,
    )
