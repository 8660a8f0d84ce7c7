"""Attendance: a provider's desk (the duty officer, or a post's commander at the desk's login)
checks officers in and out of protectees' posts, and the registry measures what stood on the
ground against what was decided.

Checks name officers, protectees and times: the provider's own desk alone reads or records
them. A protectee and their liaison learn how many stand with them now and whether that matches
the decision, never who or when (`on_duty`); oversight sees the flags. Each check is a ledger
entry holding a hash of what it says."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hifazat.access.guard import Facts, require
from hifazat.domain.attendance import (
    CLOCK_SKEW,
    LATE_ENTRY,
    LONGEST_STINT,
    Check,
    CheckKind,
    OnDuty,
    Tally,
    attendance_flags,
    on_duty_now,
    tallies,
)
from hifazat.domain.errors import Conflict, InvalidInput, NotFound
from hifazat.domain.flags import Flag
from hifazat.domain.said import Instant, Ref, Said
from hifazat.domain.times import local_date
from hifazat.domain.words import N_
from hifazat.reports.ground import Measured
from hifazat.services.ids import new_id
from hifazat.services.rostering import DEFAULT_RULES, details, planned
from hifazat.services.unit_of_work import UnitOfWork


def check_in(
    uow: UnitOfWork,
    provider: str,
    officer: str,
    protectee: str,
    at: datetime,
    by: str,
    now: datetime,
    vehicle: str | None = None,
) -> Check:
    """An officer of the provider's roll on duty at the protectee's post from `at`, with the
    vehicle they came in (a registration on the roll), if any."""
    with uow:
        _gate(uow, provider, by, "attendance.record")
        uow.repo.protectee(protectee)
        _on_roll(uow, provider, officer)
        if vehicle is not None:
            plates = {v.registration: v for v in uow.repo.vehicles(provider)}
            if vehicle not in plates:
                raise NotFound("vehicle", vehicle)
            if not plates[vehicle].usable:
                raise InvalidInput(
                    "vehicle",
                    Said(N_("{vehicle} is not in service"), vehicle=vehicle),
                )
        _last_check(uow, provider, officer, at, now, CheckKind.IN)
        check = Check(
            new_id("ck"), provider, officer, protectee, CheckKind.IN, at, by, now, vehicle
        )
        _keep(uow, check)
        uow.commit()
    return check


def check_out(
    uow: UnitOfWork, provider: str, officer: str, at: datetime, by: str, now: datetime
) -> Check:
    """The officer off duty from `at`, at the post they checked in at."""
    with uow:
        _gate(uow, provider, by, "attendance.record")
        _on_roll(uow, provider, officer)
        last = _last_check(uow, provider, officer, at, now, CheckKind.OUT)
        assert last is not None
        check = Check(
            new_id("ck"), provider, officer, last.protectee_id, CheckKind.OUT, at, by, now
        )
        _keep(uow, check)
        uow.commit()
    return check


def _keep(uow: UnitOfWork, check: Check) -> None:
    uow.repo.add_check(check)
    uow.record("attendance.recorded", check.id)


def _gate(uow: UnitOfWork, provider: str, by: str, action: str) -> None:
    uow.repo.provider(provider)
    require(uow.repo.user(by), action, Facts(provider=provider))


def _on_roll(uow: UnitOfWork, provider: str, officer: str) -> None:
    numbers, _ = uow.repo.roll_numbers(provider)
    if officer not in numbers:
        raise NotFound("officer", officer)


def _last_check(
    uow: UnitOfWork, provider: str, officer: str, at: datetime, now: datetime, kind: CheckKind
) -> Check | None:
    """The officer's latest check, which a new check of `kind` must follow: in after out (or
    a stint long forgotten), out after in; later in time, within the entry window."""
    if at > now + CLOCK_SKEW:
        raise InvalidInput("at", Said(N_("{at} is in the future"), at=Instant(at)))
    if at < now - LATE_ENTRY:
        raise InvalidInput(
            "at", Said(N_("a check may be entered up to {days} days late"), days=LATE_ENTRY.days)
        )
    mine = uow.repo.checks(provider, officer=officer)
    last = mine[-1] if mine else None
    checked_in = last is not None and last.kind is CheckKind.IN
    if kind is CheckKind.IN and last is not None and checked_in and at - last.at < LONGEST_STINT:
        raise Conflict(
            Said(
                N_("{officer} is checked in at the post of {person} since {since}; check out "
                   "first"),
                officer=officer, person=Ref("person", last.protectee_id), since=Instant(last.at),
            )
        )  # fmt: skip
    if kind is CheckKind.OUT and not checked_in:
        raise Conflict(Said(N_("{officer} is not checked in"), officer=officer))
    if last is not None and at <= last.at:  # an officer's checks are one sequence in time
        raise InvalidInput(
            "at",
            Said(N_("the last check of {officer} was at {last}; checks go in order"),
                 officer=officer, last=Instant(last.at)),
        )  # fmt: skip
    return last


@dataclass(frozen=True)
class Sheet:
    """A provider's posts shift by shift over a range: complement, roster and the ground."""

    provider: str
    first: date
    days: int
    zone: str
    tallies: tuple[Tally, ...]
    #: service number -> name; protectee id -> name
    officers: dict[str, str]
    protectees: dict[str, str]
    #: the days of the range a published roster covers, where attendance is measured
    measured: frozenset[date]
    flags: tuple[Flag, ...]


def sheet(
    uow: UnitOfWork, provider: str, first: date | None, days: int, by: str, now: datetime
) -> Sheet:
    """Every started shift of the range (from today in the zone by default): each post's
    complement, who was rostered, who checked in, who missed it, and the provider's flags."""
    if not 1 <= days <= 31:
        raise InvalidInput("days", "must be 1 to 31")
    with uow.reading():
        _gate(uow, provider, by, "attendance.read")
        repo = uow.repo
        zone = repo.policy().timezone
        start = first if first is not None else local_date(now, zone)
        last = start + timedelta(days=days - 1)
        counted = tallies_for(uow, provider, [start + timedelta(n) for n in range(days)], now)
        officers = {o.service_number: o.name for o in repo.officers(provider)}
        people = {t.protectee_id for t in counted}
        names = {pid: repo.protectee(pid).name for pid in people}
        measured = frozenset(repo.roster_days(provider, start, last))
        flags = provider_flags(uow, provider, now)
    return Sheet(
        provider, start, days, zone, tuple(counted), officers, names, measured, tuple(flags)
    )


def tallies_for(uow: UnitOfWork, provider: str, days: Iterable[date], now: datetime) -> list[Tally]:
    """The provider's post-shifts of the days, measured as of `now` (the caller gated it)."""
    repo = uow.repo
    zone = repo.policy().timezone
    wanted = sorted(days)
    if not wanted:
        return []
    tz = ZoneInfo(zone)
    since = datetime.combine(wanted[0], time(), tz).astimezone(UTC) - LONGEST_STINT
    until = datetime.combine(wanted[-1] + timedelta(days=2), time(), tz).astimezone(UTC)
    followed = planned(repo.decisions(provider_id=provider), now)
    rostered = repo.roster_in_force(provider, wanted[0], (wanted[-1] - wanted[0]).days + 1)
    return tallies(
        details(followed, uow, provider),
        repo.checks(provider, since=since, until=min(until, now + CLOCK_SKEW)),
        wanted,
        DEFAULT_RULES.pattern,
        zone,
        now,
        rostered,
    )


def provider_flags(uow: UnitOfWork, provider: str, at: datetime) -> list[Flag]:
    """NOMINAL, UNDERSTAFFED and UNAUTHORISED over every day the provider rostered up to `at`:
    measured where it keeps a roster, and nowhere else."""
    zone = uow.repo.policy().timezone
    today = local_date(at, zone)
    days = uow.repo.roster_days(provider, date.min, today)
    return attendance_flags(provider, tallies_for(uow, provider, days, at), at)


def measured(uow: UnitOfWork, start: datetime, end: datetime) -> list[Measured]:
    """Each protectee a provider kept attendance for between `start` and `end` with cover on
    record, their affiliation then, and the NOMINAL or UNDERSTAFFED flags that began in it."""
    repo = uow.repo
    zone = repo.policy().timezone
    first, last = local_date(start, zone), local_date(end, zone)
    people = repo.protectees()
    out = []
    for provider in repo.rostered_providers():
        days = sorted(repo.roster_days(provider, first, last))
        counted = [t for t in tallies_for(uow, provider, days, end) if start <= t.starts < end]
        short: dict[str, list[str]] = {}
        for f in attendance_flags(provider, counted, end):
            if f.rule in ("NOMINAL", "UNDERSTAFFED") and f.protectee:
                short.setdefault(f.protectee, []).append(f.subject)
        covered = {t.protectee_id: t.day for t in counted if t.officers}
        for pid, day in sorted(covered.items()):
            person = people.get(pid)
            affiliation = person.affiliation_on(day) if person else None
            out.append(Measured(provider, pid, affiliation, tuple(short.get(pid, ()))))
    return out


def all_flags(uow: UnitOfWork, at: datetime) -> list[Flag]:
    return [f for p in uow.repo.rostered_providers() for f in provider_flags(uow, p, at)]


def on_duty(uow: UnitOfWork, protectee: str, now: datetime) -> list[OnDuty]:
    """How many officers of each provider stand with the protectee now, against the complement
    in force: the caller has already been allowed the protectee's status."""
    repo = uow.repo
    checks = repo.checks(protectee_id=protectee, since=now - LONGEST_STINT)
    mine = repo.decisions(protectee)
    wanted = {}
    for provider in sorted({d.provider_id for d in mine}):
        followed = planned([d for d in mine if d.provider_id == provider], now)
        for detail in details(followed, uow, provider):
            if detail.protectee_id == protectee:
                wanted[provider] = detail
    return on_duty_now(wanted, checks, protectee, now)
