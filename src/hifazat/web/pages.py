"""Rendering: one Jinja2 environment, times in the policy's zone, and the error pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from hifazat.access.guard import may_ever
from hifazat.domain.errors import InvalidInput
from hifazat.domain.fields import isolated, shown
from hifazat.domain.times import local_text, parse_instant
from hifazat.store.uow import UnitOfWork

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Escape everything: the templates end in .j2, which Jinja's extension guess would not escape.
templates.env.autoescape = True


def _finalize(value: Any) -> Any:
    """Every value a template prints: a control or invisible format character (a right-to-left
    override among them) shown as a visible <U+XXXX> rather than acting on the page."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown(value)
    return value


def _bdi(value: Any) -> Markup:
    """Free text (a name, a reason; often Urdu) in its own direction: <bdi> isolates it, so a
    right-to-left value neither reorders nor is reordered by what stands around it."""
    return Markup("<bdi>{}</bdi>").format(shown("" if value is None else str(value)))


def _isolate(value: Any) -> Markup:
    """The same, for where no element may stand (an <option>, the <title>): U+2068...U+2069."""
    return Markup.escape(isolated("" if value is None else str(value)))


def _may(who: Any, action: str) -> bool:
    """Whether the signed-in user may ever use the action, for what the page offers them."""
    return who is not None and may_ever(who.user, action)


templates.env.finalize = _finalize
templates.env.globals["may"] = _may
templates.env.filters["bdi"] = _bdi
templates.env.filters["isolate"] = _isolate


def zone_of(uow: UnitOfWork) -> str:
    with uow:
        try:
            return uow.repo.policy().timezone
        except InvalidInput:
            return "UTC"


def render(
    request: Request, name: str, zone: str, status: int = 200, **context: Any
) -> HTMLResponse:
    def local(value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, str):
            value = parse_instant(value, "time")
        assert isinstance(value, datetime)
        return local_text(value, zone)

    return templates.TemplateResponse(
        request, name, {"local": local, "zone": zone, **context}, status_code=status
    )
