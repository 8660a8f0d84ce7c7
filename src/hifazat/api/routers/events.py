"""The register of public events: read by anyone signed in, entered by auditors and the
committee."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from hifazat.api.deps import IDEMPOTENT, Reg, Who, idempotent
from hifazat.api.paging import Limit, Offset, page
from hifazat.api.schemas import EventBody, EventPage, EventView
from hifazat.services import events

router = APIRouter(prefix="/api/v1")


@router.get("/events", operation_id="events_list", tags=["events"])
def listing(
    reg: Reg,
    who: Who,
    affiliation: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> EventPage:
    """Public events, as they happened; one affiliation's with `?affiliation=`."""
    user = who.need("event.read")
    found = events.listing(reg.uow(), user.id, affiliation)
    return EventPage.model_validate(page([e.as_dict() for e in found], limit, offset))


@router.post(
    "/events",
    status_code=201,
    response_model=EventView,
    operation_id="events_add",
    dependencies=[IDEMPOTENT],
    tags=["events"],
)
def add(body: EventBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    """Record a public event; a ledger entry."""
    user = who.need("event.record")

    def run() -> tuple[int, Any]:
        new = events.NewEvent(
            body.at, body.affiliation, body.kind, body.title, body.source, user.id, body.id
        )
        done = events.add_event(reg.uow(), new, reg.clock())
        return 201, EventView.model_validate(done.as_dict()).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)
