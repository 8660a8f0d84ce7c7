"""The public transparency report as a page of the site: its layout, navigation and language
switch, in the reader's language, with a link to the PDF. Anonymous: nobody need sign in.

The report itself (what is counted, what is hidden) is built once per ledger head and period by
api/public_reports.py; this module only words it. Its body is rendered once per language and
kept beside the report, and only the site's frame (who is signed in) is drawn per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from hifazat.domain.words import N_
from hifazat.reports.transparency.model import TransparencyReport
from hifazat.reports.transparency.suppression import SMALL
from hifazat.reports.transparency.tables import Cell, Table
from hifazat.services import auth
from hifazat.serving.instants import From, To
from hifazat.serving.public_reports import PublicReports
from hifazat.serving.requests import SESSION_COOKIE, Reg
from hifazat.web import charts
from hifazat.web.pages import Speech, language_for, render, templates
from hifazat.web.session import Visitor

router = APIRouter(include_in_schema=False)

#: the report's fixed columns, by key, as a reader reads them
COLUMNS = {
    "personnel": N_("Personnel committed"),
    "vehicles": N_("Vehicles committed"),
    "officer_days": N_("Officer-days"),
    "vehicle_days": N_("Vehicle-days"),
    "overdue_reviews": N_("Overdue reviews"),
    "unratified_emergencies": N_("Unratified emergencies"),
    "appeals_lodged": N_("Appeals lodged"),
}


@dataclass(frozen=True)
class PoolBar:
    """A provider's committed officers against its pool; a withheld figure (its `cell` holds
    no value) is drawn as no bar and labelled with its marker, as in the PDF."""

    key: str
    committed: int
    pool: int
    cell: Cell


def _optional_visitor(request: Request, reg: Reg) -> Visitor | None:
    """Whoever is signed in, for the site's header; the page itself is the same for all."""
    secret = request.cookies.get(SESSION_COOKIE)
    found = auth.session_user(reg.uow(), secret, reg.clock()) if secret else None
    return Visitor(found[0], found[1], secret) if found and secret else None


def body(report: TransparencyReport, language: str) -> str:
    """The report's content in one language: what is cached beside the report."""
    speech = Speech(language, report.timezone)
    personnel = report.resources.column("personnel")
    bars = [
        PoolBar(p.id, int(c.value or 0), p.pool_personnel, c)
        for p, c in zip(report.providers, personnel, strict=True)
    ]
    words: dict[str, Any] = {
        "_": speech.gettext,
        "gettext": speech.gettext,
        "ngettext": speech.ngettext,
        "pgettext": speech.pgettext,
        "local": speech.local,
        "number": speech.number,
        "lang": language,
        "dir": "rtl" if language == "ur" else "ltr",
        "columns": COLUMNS,
        "small": SMALL,
        "charts": charts,
        "bars_name": {p.id: p.name for p in report.providers}.__getitem__,
        "nothing_by_action": _nothing(report.by_action),
        "nothing_by_reason": _nothing(report.by_reason),
    }
    page = templates.env.get_template("_transparency_report.html.j2")
    return page.render(**words, report=report, bars=bars)


@router.get("/public/transparency", response_class=HTMLResponse)
def transparency_page(
    request: Request,
    reg: Reg,
    start: From = None,
    end: To = None,
) -> Response:
    reports = request.app.state.public_reports
    assert isinstance(reports, PublicReports)
    published = reports.get(reg.lagging, reg.clock, start, end)
    who = _optional_visitor(request, reg)
    language = language_for(request, who)
    period = {k: v for k, v in (("from", _iso(start)), ("to", _iso(end))) if v}
    pdf = "/public/transparency.pdf" + (f"?{urlencode(period)}" if period else "")
    return render(
        request,
        "transparency.html.j2",
        published.report.timezone,
        who=who,
        report=published.report,
        body=Markup(published.page(language, body)),  # noqa: S704 - rendered with autoescape
        pdf=pdf,
    )


def _nothing(table: Table) -> bool:
    """No decision took effect: every published figure is 0 (a hidden one is not nothing)."""
    return all(c.value == 0 for row in table.cells for c in row)


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""
