"""What the public sees: the transparency report, and nothing else. Each form of it comes from
one cache (api/public_reports.py), so asking again costs no rendering. Its web page is one of
the site's pages (web/transparency.py), in the reader's language."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hifazat.api.conditional import CONDITIONAL, conditional
from hifazat.api.schemas import TransparencyView
from hifazat.serving.instants import From, To
from hifazat.serving.public_reports import PublicReports, Published
from hifazat.serving.requests import Reg

router = APIRouter()


def _report(request: Request, reg: Reg, start: datetime | None, end: datetime | None) -> Published:
    reports = request.app.state.public_reports
    assert isinstance(reports, PublicReports)
    return reports.get(reg.lagging, reg.clock, start, end)


@router.get(
    "/api/v1/reports/transparency",
    operation_id="reports_transparency",
    tags=["reports"],
    response_model=TransparencyView,
    dependencies=[CONDITIONAL],
)
def transparency_json(
    request: Request,
    reg: Reg,
    start: From = None,
    end: To = None,
) -> Response:
    """The data behind the public report: aggregates, small cells suppressed. Public, with an
    ETag for a monitor."""
    view = _report(request, reg, start, end).view(TransparencyView.model_validate)
    # `now` is when the report was made; an open period's end is part of the question
    return conditional(request, view, instants=(("period", "now"),), public=True)


@router.get(
    "/public/transparency.pdf",
    include_in_schema=False,
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The report as a PDF"}},
    operation_id="reports_transparency_pdf",
    tags=["reports"],
)
def transparency_pdf(
    request: Request,
    reg: Reg,
    start: From = None,
    end: To = None,
) -> Response:
    """The report as a PDF, rendered once per ledger head and period; a client that holds it
    (`If-None-Match` with its ETag) is answered 304 without the bytes."""
    published = _report(request, reg, start, end)
    pdf, etag = published.pdf(), published.pdf_etag()
    if etag in _etags(request.headers.get("if-none-match")):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="transparency.pdf"', "ETag": etag},
    )


def _etags(header: str | None) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in (header or "").split(",")}
