"""The force behind a cover: a provider's officers and vehicles, and the periods an officer is away.

These are the identities need-to-know protects most: who guards whom, in which car. They are the
provider's own records, kept by its desk; nobody else reads them one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hifazat.domain import fields
from hifazat.domain.errors import InvalidInput

#: what an officer may be qualified for; a category's posts ask for some of them
DRIVER = "driver"
FEMALE = "female"
QUALIFICATIONS = (DRIVER, "armed", "close-protection", FEMALE)
VEHICLE_KINDS = ("mobile-unit", "escort-car", "armoured-car", "motorcycle")
VEHICLE_STATES = ("in-service", "in-repair", "retired")
ABSENCE_KINDS = ("leave", "sickness", "training")


@dataclass(frozen=True)
class Absence:
    """A period an officer is away: from `first` to `last`, both days included (local dates)."""

    kind: str
    first: date
    last: date

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Officer:
    service_number: str
    name: str
    rank: str
    provider_id: str
    unit: str
    qualifications: frozenset[str] = frozenset()
    absences: tuple[Absence, ...] = ()

    def away_on(self, day: date) -> bool:
        return any(a.covers(day) for a in self.absences)


@dataclass(frozen=True)
class Vehicle:
    registration: str
    kind: str
    provider_id: str
    state: str = "in-service"

    @property
    def usable(self) -> bool:
        return self.state == "in-service"


def check_qualifications(values: list[str], field: str) -> frozenset[str]:
    unknown = [v for v in values if v not in QUALIFICATIONS]
    if unknown:
        known = ", ".join(QUALIFICATIONS)
        raise InvalidInput(field, f"unknown qualification {unknown[0]!r}; known: {known}")
    return frozenset(values)


def check_choice(value: str, choices: tuple[str, ...], field: str) -> str:
    if value not in choices:
        raise InvalidInput(field, f"{value!r} is not one of {', '.join(choices)}")
    return value


def check_absence(kind: str, first: date, last: date, field: str) -> Absence:
    check_choice(kind, ABSENCE_KINDS, f"{field}.kind")
    if last < first:
        raise InvalidInput(field, f"ends ({last}) before it begins ({first})")
    return Absence(kind, first, last)


def check_registration(value: object, field: str) -> str:
    """A vehicle's number plate as the force writes it: letters, digits, spaces and hyphens."""
    text = fields.check_text(value, fields.SHORT_NAME, field, 1)
    if not all(c.isascii() and (c.isalnum() or c in " -") for c in text):
        raise InvalidInput(field, f"{text!r} is not a registration (letters, digits, '-', ' ')")
    return text
