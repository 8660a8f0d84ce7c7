"""Public events: dated, sourced things an affiliation did in public — criticism of a government,
a protest, a press conference — which the retaliation test sets beside the decisions that cut
its protectees' cover. They are public by nature, so they carry no need-to-know: whoever may
read the registry may read them; the decisions they are tested against stay restricted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hifazat.domain.errors import InvalidInput
from hifazat.domain.fields import LABEL, SHORT_NAME, check_ident, check_instant, check_text
from hifazat.domain.said import Said
from hifazat.domain.times import utc_text
from hifazat.domain.words import N_


class EventKind(StrEnum):
    CRITICISM = "criticism"
    PROTEST = "protest"
    PRESS_CONFERENCE = "press-conference"
    DEFECTION = "defection"
    ELECTION = "election"
    COURT_CASE = "court-case"


#: the kinds as a reader meets them (the pages translate these)
KIND_LABELS: dict[EventKind, str] = {
    EventKind.CRITICISM: N_("criticism of a government"),
    EventKind.PROTEST: N_("protest"),
    EventKind.PRESS_CONFERENCE: N_("press conference"),
    EventKind.DEFECTION: N_("defection"),
    EventKind.ELECTION: N_("election"),
    EventKind.COURT_CASE: N_("court case"),
}


@dataclass(frozen=True)
class PublicEvent:
    id: str
    at: datetime
    affiliation: str
    kind: EventKind
    title: str
    #: where a reader can check it: a URL, or a citation (a newspaper, its date and page)
    source: str
    entered_by: str
    entered_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": utc_text(self.at),
            "affiliation": self.affiliation,
            "kind": str(self.kind),
            "title": self.title,
            "source": self.source,
            "entered_by": self.entered_by,
            "entered_at": utc_text(self.entered_at),
        }


def check_kind(value: object, field: str = "kind") -> EventKind:
    try:
        return EventKind(str(value))
    except ValueError:
        raise InvalidInput(
            field,
            Said(
                N_("{value} is not a kind of event; choose one of {kinds}"),
                value=str(value)[:40],
                kinds=", ".join(k.value for k in EventKind),
            ),
        ) from None


def public_event(
    id: object,
    at: object,
    affiliation: object,
    kind: object,
    title: object,
    source: object,
    entered_by: str,
    entered_at: datetime,
) -> PublicEvent:
    """An event from what someone typed or a file said, each field checked and named when bad.
    An event may not lie in the future of its entry: the register records what happened."""
    when = check_instant(at, "at")
    if when > entered_at:
        raise InvalidInput("at", Said(N_("an event cannot be recorded before it happens")))
    return PublicEvent(
        id=check_ident(id, "id"),
        at=when,
        affiliation=check_text(affiliation, SHORT_NAME, "affiliation", 1).strip()
        or _empty("affiliation"),
        kind=check_kind(kind),
        title=check_text(title, LABEL, "title", 1).strip() or _empty("title"),
        source=check_text(source, LABEL, "source", 1).strip() or _empty("source"),
        entered_by=entered_by,
        entered_at=entered_at,
    )


def _empty(field: str) -> str:
    raise InvalidInput(field, Said(N_("must not be empty")))
