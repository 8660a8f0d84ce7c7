"""Rate limits, per client address, on every route that needs no sign-in, and per user name too
on signing in: an anonymous caller cannot tie the server up, nor guess passwords quickly.

The counts live in this process's memory (the `limits` library's moving window): with several
worker processes, each counts on its own, so a client gets up to the limit times the workers.
The address is the connection's, or the one a trusted proxy forwards (uvicorn's
--forwarded-allow-ips)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.routing import BaseRoute

from hifazat.serving.errors import answers_json, error_body
from hifazat.settings import ServerSettings

LOGIN, REPORT, PUBLIC = "login", "report", "public"
LOGIN_PATHS = frozenset({"/api/v1/auth/login", "/login"})
REPORT_PATHS = frozenset(
    {"/api/v1/reports/transparency", "/public/transparency", "/public/transparency.pdf"}
)
#: the dependencies that demand a signed-in caller (the API's and the web's, named by the app
#: that installs both); a route without them is public
SignIn = frozenset[Callable[..., object]]
UNREADABLE = "\x00unreadable"

MESSAGES = {
    LOGIN: "too many sign-in attempts from this address",
    REPORT: "too many requests for the public report from this address",
    PUBLIC: "too many requests from this address",
    "user": "too many sign-in attempts for this user name",
}

HtmlError = Callable[[Request, int, str], Response]


@dataclass(frozen=True)
class Limits:
    login: RateLimitItem
    login_user: RateLimitItem
    report: RateLimitItem
    public: RateLimitItem

    @classmethod
    def of(cls, settings: ServerSettings) -> Limits:
        return cls(
            parse(settings.login_rate),
            parse(settings.login_user_rate),
            parse(settings.report_rate),
            parse(settings.public_rate),
        )


class RateLimiter:
    """Counts requests per (kind of route, client) and says how long an over-limit one waits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._window = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, kind: str, who: str) -> int | None:
        """Counts one request; None when it may go on, else the seconds to wait."""
        item = self._item(kind)
        if self._window.hit(item, kind, who):
            return None
        reset = self._window.get_window_stats(item, kind, who).reset_time
        return max(1, math.ceil(reset - time.time()))

    def _item(self, kind: str) -> RateLimitItem:
        return {
            LOGIN: self.limits.login,
            "user": self.limits.login_user,
            REPORT: self.limits.report,
            PUBLIC: self.limits.public,
        }[kind]


def kind_of(route: BaseRoute | None, method: str, path: str, sign_in: SignIn) -> str | None:
    """Which limit a request falls under; None for a route that needs a sign-in (its caller is
    known and accountable)."""
    if path in LOGIN_PATHS and method == "POST":
        return LOGIN
    if path in REPORT_PATHS:
        return REPORT
    if isinstance(route, APIRoute) and not _needs_sign_in(route.dependant, sign_in):
        return PUBLIC
    return None


def _needs_sign_in(dependant: Dependant, sign_in: SignIn) -> bool:
    """A walk of a few nodes per request: cheap beside the request itself."""
    return any(d.call in sign_in or _needs_sign_in(d, sign_in) for d in dependant.dependencies)


class RateLimited(Exception):
    def __init__(self, wait: int, message: str) -> None:
        super().__init__(message)
        self.wait = wait


async def rate_limit(request: Request) -> None:
    """A dependency of every route (the app's own): counts the request and refuses it over the
    limit, before the route asks anything of the database."""
    limiter = request.app.state.rate_limiter
    assert isinstance(limiter, RateLimiter)
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    kind = kind_of(route, request.method, path, request.app.state.sign_in)
    if kind is None:
        return
    address = request.client.host if request.client else "unknown"
    wait, why = limiter.hit(kind, address), kind
    if wait is None and kind == LOGIN:
        wait, why = limiter.hit("user", await _user_name(request)), "user"
    if wait is not None:
        raise RateLimited(wait, f"{MESSAGES[why]}; try again in {wait} s")


def install(app: FastAPI, sign_in: SignIn, html: HtmlError | None = None) -> None:
    """429 with Retry-After: JSON under /api, a page elsewhere; `sign_in` names the
    dependencies that make a route a signed-in one, exempt from the public limit."""
    app.state.sign_in = sign_in

    def refused(request: Request, error: Exception) -> Response:
        assert isinstance(error, RateLimited)
        headers = {"Retry-After": str(error.wait)}
        if html is not None and not answers_json(request.url.path):
            response = html(request, 429, str(error))
            response.headers.update(headers)
            return response
        return JSONResponse(
            error_body("RATE_LIMITED", str(error)), status_code=429, headers=headers
        )

    app.add_exception_handler(RateLimited, refused)


async def _user_name(request: Request) -> str:
    """The user name a sign-in names (JSON or a form, both already read by the route's body
    parsing and cached), folded; one shared count for a body without a readable one, so that
    sending such a body is no way around the limit."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    name: object = None
    try:
        if content_type == "application/json":
            data = json.loads(await request.body())
            name = data.get("user") if isinstance(data, dict) else None
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            name = (await request.form()).get("user")
    except (ValueError, RuntimeError):  # malformed JSON or form, or a body cut short
        name = None
    return name.strip().casefold() if isinstance(name, str) and name.strip() else UNREADABLE
