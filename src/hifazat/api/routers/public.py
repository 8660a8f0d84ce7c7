"""What the public sees: the transparency report, and nothing else."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from hifazat.api.deps import Reg
from hifazat.api.errors import ERRORS
from hifazat.api.instants import From, To
from hifazat.domain.times import period
from hifazat.reports.transparency.model import TransparencyReport
from hifazat.reports.transparency.render import to_html, to_pdf
from hifazat.services import audits

router = APIRouter(tags=["public"], responses=ERRORS)


def _report(reg: Reg, start: datetime | None, end: datetime | None) -> TransparencyReport:
    begin, stop = period(start, end, reg.clock())
    return audits.transparency(reg.uow(), begin, stop, reg.clock())


@router.get("/api/v1/reports/transparency")
def transparency_json(
    reg: Reg,
    start: From = None,
    end: To = None,
) -> dict[str, Any]:
    """The data behind the public report: aggregates, small cells suppressed. Public."""
    return _report(reg, start, end).as_dict()


@router.get("/public/transparency", response_class=HTMLResponse, include_in_schema=False)
def transparency_page(
    reg: Reg,
    start: From = None,
    end: To = None,
) -> HTMLResponse:
    return HTMLResponse(to_html(_report(reg, start, end)))


@router.get("/public/transparency.pdf", include_in_schema=False)
def transparency_pdf(
    reg: Reg,
    start: From = None,
    end: To = None,
) -> Response:
    pdf = to_pdf(_report(reg, start, end))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="transparency.pdf"'},
    )
