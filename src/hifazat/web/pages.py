"""Rendering: one Jinja2 environment, times in the policy's zone, and the error pages."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hifazat.domain.errors import InvalidInput
from hifazat.domain.times import local_text, parse_instant
from hifazat.store.uow import UnitOfWork

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Escape everything: the templates end in .j2, which Jinja's extension guess would not escape.
templates.env.autoescape = True


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
