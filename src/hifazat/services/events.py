"""The register of public events: entered by auditors and the committee, one at a time or in
bulk from a scenario, each a ledger entry; read by anyone signed in (they are public)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hifazat.access.guard import require
from hifazat.domain.errors import Conflict
from hifazat.domain.events import PublicEvent, public_event
from hifazat.domain.times import local_date
from hifazat.services.attempts import refusals_kept
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class NewEvent:
    at: object
    affiliation: object
    kind: object
    title: object
    source: object
    by: str
    id: str | None = None


def add_event_in(uow: UnitOfWork, e: NewEvent, now: datetime) -> PublicEvent:
    """Within the caller's transaction (a scenario's rows name who entered each)."""
    repo = uow.repo
    require(repo.user(e.by), "event.record")
    event = public_event(
        e.id or new_id("ev"), e.at, e.affiliation, e.kind, e.title, e.source, e.by, now
    )
    if repo.events(event_id=event.id):
        raise Conflict(f"public event {event.id} already exists")
    repo.add_event(event)
    uow.record("event.recorded", event.id)
    return event


def add_event(uow: UnitOfWork, e: NewEvent, now: datetime) -> PublicEvent:
    subject = {"affiliation": str(e.affiliation)[:100], "kind": str(e.kind)[:32]}
    with refusals_kept(uow, "event", e.by, subject, now), uow:
        event = add_event_in(uow, e, now)
        uow.commit()
    return event


def listing(
    uow: UnitOfWork, by: str | None = None, affiliation: str | None = None
) -> list[PublicEvent]:
    """Every event (or one affiliation's), as they happened; `by` when a user asks."""
    with uow.reading():
        if by is not None:
            require(uow.repo.user(by), "event.read")
        return uow.repo.events(affiliation)


def of_protectee(uow: UnitOfWork, by: str, protectee_id: str) -> list[PublicEvent]:
    """The events of the party the protectee belonged to on each event's day: what their
    timeline shows beside the decisions about them. The caller has read the protectee."""
    with uow.reading():
        require(uow.repo.user(by), "event.read")
        person = uow.repo.protectee(protectee_id)
        zone = uow.repo.policy().timezone
        return [
            e
            for e in uow.repo.events()
            if person.affiliation_on(local_date(e.at, zone)) == e.affiliation
        ]
