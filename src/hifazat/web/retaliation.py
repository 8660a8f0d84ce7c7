"""The retaliation test's page (for oversight) and the register of public events (for anyone
signed in; auditors and the committee add to it). The chart puts each affiliation's events and
one provider's cuts of its cover on one time line; a table with the same numbers follows."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hifazat.access.guard import allowed, require
from hifazat.domain.errors import Conflict, InvalidInput
from hifazat.domain.events import KIND_LABELS, EventKind
from hifazat.reports.retaliation import ALPHA, MIN_EVENTS
from hifazat.services import audits, events
from hifazat.serving.requests import Reg
from hifazat.web.charts import Moments
from hifazat.web.forms import Field, Optional, local_input, see_other
from hifazat.web.pages import render, zone_of
from hifazat.web.session import Who, check_csrf
from hifazat.web.speech import speaker

router = APIRouter(include_in_schema=False)


@router.get("/audit/retaliation", response_class=HTMLResponse)
def retaliation_page(request: Request, reg: Reg, who: Who, days: int = 365) -> Response:
    require(who.user, "audit.read")
    now = reg.clock()
    span = timedelta(days=min(max(days, 30), 3650))
    found = audits.retaliation_test(reg.lagging(), now - span, now, now)
    rows = [
        Moments(
            f"{t.affiliation} / {t.provider}",
            [e.at for e in t.events],
            [min(e.at + found.window, found.end) for e in t.events],
            [(r.decided_at, r.decision in {d.decision for d in t.decisions}) for r in t.reductions],
            [g.observed_at for g in t.ground_reports],
        )
        for t in found.tests
    ]
    return render(
        request,
        "retaliation.html.j2",
        zone_of(reg.uow()),
        who=who,
        found=found,
        rows=rows,
        days=span.days,
        alpha=ALPHA,
        min_events=MIN_EVENTS,
    )


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, reg: Reg, who: Who, done: str = "") -> Response:
    return _page(request, reg, who, done=done)


def _page(
    request: Request,
    reg: Reg,
    who: Who,
    done: str = "",
    errors: dict[str, list[str]] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    found = events.listing(reg.uow(), who.user.id)
    return render(
        request,
        "events.html.j2",
        zone_of(reg.uow()),
        status=422 if errors else 200,
        who=who,
        events=list(reversed(found)),
        kinds=[(k.value, KIND_LABELS[k]) for k in EventKind],
        labels={k.value: v for k, v in KIND_LABELS.items()},
        may_add=allowed(who.user, "event.record"),
        done=done,
        errors=errors or {},
        typed=typed or {},
    )


@router.post("/events", response_class=HTMLResponse)
def add_event(
    request: Request,
    reg: Reg,
    who: Who,
    csrf_token: Field,
    at: Optional = "",
    affiliation: Optional = "",
    kind: Optional = "",
    title: Optional = "",
    source: Optional = "",
) -> Response:
    """Empty fields reach the checks, which name them on the page."""
    check_csrf(who, csrf_token)
    require(who.user, "event.record")
    zone = zone_of(reg.uow())
    typed = {"at": at, "affiliation": affiliation, "kind": kind, "title": title, "source": source}
    try:
        when = local_input(at, zone, "at")
        if when is None:
            raise InvalidInput("at", "say when it happened")
        made = events.add_event(
            reg.uow(),
            events.NewEvent(when, affiliation, kind, title, source, who.user.id),
            reg.clock(),
        )
    except (InvalidInput, Conflict) as error:
        message = error.message if isinstance(error, InvalidInput) else str(error)
        said = speaker(request, who, zone)(getattr(error, "said", None) or message)
        field = error.field if isinstance(error, InvalidInput) else "title"
        field = field if field in typed else "title"
        return _page(request, reg, who, errors={field: [said]}, typed=typed)
    return see_other(f"/events?done={made.id}")
