"""What the public sees: the transparency report, and nothing else."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from hifazat.api.deps import Reg
from hifazat.api.errors import ERRORS
from hifazat.domain.times import period
from hifazat.reports.transparency.model import TransparencyReport
from hifazat.reports.transparency.render import to_html, to_pdf
from hifazat.services import audits

router = APIRouter(tags=["public"], responses=ERRORS)
When = Annotated[datetime | None, Query(description="An instant with offset.")]


def _report(reg: Reg, start: datetime | None, end: datetime | None) -> TransparencyReport:
    begin, stop = period(start, end, reg.clock())
    return audits.transparency(reg.uow(), begin, stop, reg.clock())


@router.get("/api/v1/reports/transparency")
def transparency_json(
    reg: Reg,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """The data behind the public report: aggregates, small cells suppressed. Public."""
    return _report(reg, start, end).as_dict()


@router.get("/public/transparency", response_class=HTMLResponse, include_in_schema=False)
def transparency_page(
    reg: Reg,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> HTMLResponse:
    return HTMLResponse(to_html(_report(reg, start, end)))


@router.get("/public/transparency.pdf", include_in_schema=False)
def transparency_pdf(
    reg: Reg,
    start: Annotated[datetime | None, Query(alias="from")] = None,
    end: Annotated[datetime | None, Query(alias="to")] = None,
) -> Response:
    pdf = to_pdf(_report(reg, start, end))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="transparency.pdf"'},
    )
