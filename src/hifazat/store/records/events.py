"""The register of public events (issue 19)."""

from __future__ import annotations

from sqlalchemy import select

from hifazat.domain.events import EventKind, PublicEvent
from hifazat.store import tables as t
from hifazat.store.records.base import Base


class EventRecords(Base):
    def add_event(self, event: PublicEvent) -> None:
        self._insert(
            t.public_events,
            {
                "id": event.id,
                "at": event.at,
                "affiliation": event.affiliation,
                "kind": str(event.kind),
                "title": event.title,
                "source": event.source,
                "entered_by": event.entered_by,
                "entered_at": event.entered_at,
            },
        )

    def events(
        self, affiliation: str | None = None, event_id: str | None = None
    ) -> list[PublicEvent]:
        """In the order they happened."""
        e = t.public_events
        query = select(e)
        if affiliation is not None:
            query = query.where(e.c.affiliation == affiliation)
        if event_id is not None:
            query = query.where(e.c.id == event_id)
        self.flush()
        return [
            PublicEvent(
                r.id,
                r.at,
                r.affiliation,
                EventKind(r.kind),
                r.title,
                r.source,
                r.entered_by,
                r.entered_at,
            )
            for r in self.c.execute(query.order_by(e.c.at, e.c.id))
        ]
