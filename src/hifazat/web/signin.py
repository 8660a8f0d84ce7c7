"""Signing in and out: the session cookie, and where a sign-in returns to."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.domain.errors import DomainError
from hifazat.services import (
    auth,
)
from hifazat.serving.requests import SESSION_COOKIE, Reg
from hifazat.web.forms import Field, Optional, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, reg: Reg, next: str = "/") -> Response:
    return render(request, "login.html.j2", zone_of(reg.uow()), next=next, error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request, reg: Reg, user: Field, password: Field, next: Optional = "/"
) -> Response:
    try:
        session = auth.login(
            reg.uow(), user, password, reg.clock(), timedelta(hours=reg.settings.session_hours)
        )
    except DomainError as error:
        return render(
            request, "login.html.j2", zone_of(reg.uow()), status=401, next=next, error=str(error)
        )
    # only a path on this site: not //host, nor /\host, which browsers read as another site
    target = next if next.startswith("/") and next[1:2] not in ("/", "\\") else "/"
    response = see_other(target)
    response.set_cookie(
        SESSION_COOKIE,
        session.secret,
        httponly=True,
        samesite="strict",
        secure=reg.settings.secure_cookies,
        path="/",
        max_age=reg.settings.session_hours * 3600,
    )
    return response


@router.post("/logout")
def logout(reg: Reg, who: Who, csrf_token: Field) -> Response:
    check_csrf(who, csrf_token)
    auth.logout(reg.uow(), who.secret, reg.clock())
    response = see_other("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
