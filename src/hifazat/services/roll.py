"""A provider's roll: its officers and vehicles, loaded in bulk (a CSV of thousands, or a
scenario's `officers:` and `vehicles:`) and read only by its own desk.

A file is one transaction: the first row that cannot be understood fails it, naming the line and
the column, and nothing of it is kept. Each record is a ledger entry that names the provider and
a hash of the record, never the officer or the car (`store.ledger_records`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from hifazat.access.guard import Facts, require
from hifazat.domain import fields
from hifazat.domain.errors import InvalidInput
from hifazat.domain.resources import (
    VEHICLE_KINDS,
    VEHICLE_STATES,
    Absence,
    Officer,
    Vehicle,
    check_absence,
    check_choice,
    check_qualifications,
    check_registration,
)
from hifazat.domain.times import Clock
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork

OFFICER_COLUMNS = ("service_number", "name", "rank", "unit", "qualifications", "absences")
VEHICLE_COLUMNS = ("registration", "kind", "state")
R = TypeVar("R", Officer, Vehicle)
#: a force's roll runs to tens of thousands; a file past this is not one
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Loaded:
    provider: str
    officers: int
    vehicles: int


def add_officers_in(
    uow: UnitOfWork,
    officers: Sequence[tuple[int, Officer]],
    source: str,
    by: str | None,
    now: datetime,
) -> None:
    """`officers` with the line each came from; a number already on the roll, or twice in the
    file, is refused naming both lines where it can."""
    if officers:
        taken, _ = uow.repo.roll_numbers(officers[0][1].provider_id)
        for key, officer in _new(officers, lambda o: o.service_number, taken, "officer", source):
            uow.repo.add_officer(key, officer, now, by)
            uow.record("officer.added", key)


def add_vehicles_in(
    uow: UnitOfWork,
    vehicles: Sequence[tuple[int, Vehicle]],
    source: str,
    by: str | None,
    now: datetime,
) -> None:
    if vehicles:
        _, taken = uow.repo.roll_numbers(vehicles[0][1].provider_id)
        for key, vehicle in _new(vehicles, lambda v: v.registration, taken, "vehicle", source):
            uow.repo.add_vehicle(key, vehicle, now, by)
            uow.record("vehicle.added", key)


def _new(
    rows: Sequence[tuple[int, R]],
    number: Callable[[R], str],
    taken: set[str],
    what: str,
    source: str,
) -> Iterator[tuple[str, R]]:
    """Each row with a new record key, once its number is known to be neither on the roll nor
    earlier in the file."""
    seen: dict[str, int] = {}
    for line, row in rows:
        n = number(row)
        if n in taken:
            raise InvalidInput(f"{source}:{line}", f"{what} {n} is already on the roll")
        if n in seen:
            raise InvalidInput(
                f"{source}:{line}", f"{what} {n} is listed twice (first at line {seen[n]})"
            )
        seen[n] = line
        yield new_id(what[:2]), row


def import_csv(
    uow: UnitOfWork, provider: str, kind: str, text: str, source: str, by: str, clock: Clock
) -> Loaded:
    """Loads a CSV of officers or vehicles onto `provider`'s roll, as its desk `by`."""
    with uow:
        repo = uow.repo
        repo.provider(provider)
        require(repo.user(by), "roll.manage", Facts(provider=provider))
        now = clock()
        if kind == "officers":
            rows = [
                (n, officer_row(provider, row, source, n))
                for n, row in _rows(text, source, OFFICER_COLUMNS)
            ]
            add_officers_in(uow, rows, source, by, now)
            loaded = Loaded(provider, len(rows), 0)
        elif kind == "vehicles":
            cars = [
                (n, vehicle_row(provider, row, source, n))
                for n, row in _rows(text, source, VEHICLE_COLUMNS)
            ]
            add_vehicles_in(uow, cars, source, by, now)
            loaded = Loaded(provider, 0, len(cars))
        else:
            raise InvalidInput("kind", f"{kind!r} is not officers or vehicles")
        uow.commit()
    return loaded


def roll(uow: UnitOfWork, provider: str, by: str) -> tuple[list[Officer], list[Vehicle]]:
    """The provider's officers and vehicles, for its own desk only."""
    with uow.reading():
        repo = uow.repo
        repo.provider(provider)
        require(repo.user(by), "roll.read", Facts(provider=provider))
        return repo.officers(provider), repo.vehicles(provider)


def officer_row(provider: str, row: dict[str, str], source: str, line: int) -> Officer:
    where = f"{source}:{line}"
    try:
        absences = tuple(_absences(row.get("absences", ""), "absences"))
        return Officer(
            service_number=fields.check_ident(row["service_number"], "service_number"),
            name=fields.check_text(row["name"], fields.NAME, "name", 1),
            rank=fields.check_text(row["rank"], fields.SHORT_NAME, "rank", 1),
            provider_id=provider,
            unit=fields.check_text(row["unit"], fields.SHORT_NAME, "unit", 1),
            qualifications=check_qualifications(
                _list(row.get("qualifications", "")), "qualifications"
            ),
            absences=absences,
        )
    except InvalidInput as error:
        raise InvalidInput(where, f"{error.field}: {error.message}") from None


def vehicle_row(provider: str, row: dict[str, str], source: str, line: int) -> Vehicle:
    where = f"{source}:{line}"
    try:
        return Vehicle(
            registration=check_registration(row["registration"], "registration"),
            kind=check_choice(row["kind"], VEHICLE_KINDS, "kind"),
            provider_id=provider,
            state=check_choice(row.get("state") or "in-service", VEHICLE_STATES, "state"),
        )
    except InvalidInput as error:
        raise InvalidInput(where, f"{error.field}: {error.message}") from None


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _absences(text: str, field: str) -> Iterator[Absence]:
    """`leave:2026-01-10:2026-01-20; sickness:…` — kind, first day, last day."""
    for part in _list(text):
        kind, _, span = part.partition(":")
        first, _, last = span.partition(":")
        yield check_absence(kind.strip(), _day(first, field), _day(last or first, field), field)


def _day(text: str, field: str) -> date:
    return fields.check_day(text.strip(), field)


def _rows(text: str, source: str, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    required = [c for c in columns if c not in ("absences", "state", "qualifications")]
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput(f"{source}:1", f"the header lacks {', '.join(missing)}")
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise InvalidInput(
            f"{source}:1", f"unknown column {unknown[0]!r}; columns are {', '.join(columns)}"
        )
    for count, row in enumerate(reader, start=1):
        if count > MAX_ROWS:
            raise InvalidInput(source, f"more than {MAX_ROWS:,} rows")
        line = reader.line_num
        if None in row:
            raise InvalidInput(f"{source}:{line}", f"more fields than the header's {len(header)}")
        values = {k: (v or "").strip() for k, v in row.items()}
        for column in required:
            if not values.get(column):
                raise InvalidInput(f"{source}:{line}", f"{column} is empty")
        yield line, values
