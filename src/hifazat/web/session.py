"""The web's side of sessions: who is signed in, and the CSRF token every form must carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from hifazat.access.guard import Forbidden
from hifazat.domain.users import User
from hifazat.services import auth
from hifazat.serving.requests import SESSION_COOKIE, Reg


class SignInFirst(Exception):
    """No live session: the page sends the browser to the sign-in form."""


@dataclass(frozen=True)
class Visitor:
    user: User
    csrf: str
    secret: str


def visitor(request: Request, reg: Reg) -> Visitor:
    secret = request.cookies.get(SESSION_COOKIE)
    found = auth.session_user(reg.uow(), secret, reg.clock()) if secret else None
    if found is None or secret is None:
        raise SignInFirst(request.url.path)
    return Visitor(found[0], found[1], secret)


def check_csrf(who: Visitor, token: str) -> None:
    if token != who.csrf:
        raise Forbidden("the form is out of date or was not sent from this site; reload it")


Who = Annotated[Visitor, Depends(visitor)]
__all__ = ["Reg", "SignInFirst", "Visitor", "Who", "check_csrf"]
