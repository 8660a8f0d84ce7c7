"""People who are or may be protected, with the offices and affiliations they held over time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Office:
    office_class: str
    title: str
    since: date
    until: date | None = None

    def held_on(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day < self.until)


@dataclass(frozen=True)
class Affiliation:
    name: str
    since: date | None = None
    until: date | None = None

    def held_on(self, day: date) -> bool:
        started = self.since is None or self.since <= day
        return started and (self.until is None or day < self.until)


@dataclass(frozen=True)
class Protectee:
    id: str
    name: str
    public_figure: bool
    offices: tuple[Office, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()
    liaisons: tuple[str, ...] = ()
    #: the language their notices are written in (domain.fields.LANGUAGES)
    language: str = "en"

    def offices_on(self, day: date) -> tuple[Office, ...]:
        return tuple(o for o in self.offices if o.held_on(day))

    def affiliation_on(self, day: date) -> str | None:
        """The affiliation held that day; the latest-starting one wins an overlap."""
        held = [a for a in self.affiliations if a.held_on(day)]
        if not held:
            return None
        return max(held, key=lambda a: a.since or date.min).name
