"""Duty posts from cover: what a decided complement asks of a provider, shift by shift, and the
roster problem that staffs it from the provider's officers.

A category's complement (N officers, M vehicles) is what stands on duty with the protectee in
every shift while the cover is active; a suspended or withdrawn cover asks for nobody. Each
vehicle needs a driver, and a protectee whose detail must include a female officer gets one
in every shift. Shifts follow the provider's pattern (three of 8 hours, two of 12) in the
deployment's zone; a shift belongs to the day it starts on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from hifazat.domain.resources import DRIVER, FEMALE, Officer
from hifazat.domain.roster import Cover, Problem, Roster, Shift, Slot, Spread, Worker


@dataclass(frozen=True)
class ShiftTime:
    id: str
    start: time
    hours: int


@dataclass(frozen=True)
class ShiftPattern:
    id: str
    shifts: tuple[ShiftTime, ...]


THREE_EIGHTS = ShiftPattern(
    "3x8",
    (
        ShiftTime("morning", time(6), 8),
        ShiftTime("evening", time(14), 8),
        ShiftTime("night", time(22), 8),
    ),
)
TWO_TWELVES = ShiftPattern(
    "2x12", (ShiftTime("day", time(8), 12), ShiftTime("night", time(20), 12))
)
PATTERNS = {p.id: p for p in (THREE_EIGHTS, TWO_TWELVES)}


@dataclass(frozen=True)
class RosterRules:
    """A provider's rostering policy: its hard limits and what each soft term weighs."""

    pattern: ShiftPattern = THREE_EIGHTS
    #: the least rest between the end of one shift and the start of the next
    rest_hours: int = 11
    max_week_hours: int = 48
    max_consecutive: int = 6
    #: shifts counted as nights, spread fairly
    nights: frozenset[str] = frozenset({"night"})
    #: each officer short at a post: far above every other term, so cover comes first
    under_weight: int = 1000
    #: each officer over a post's complement (a post is staffed, not crowded)
    over_weight: int = 10
    night_weight: int = 5
    weekend_weight: int = 5
    continuity_weight: int = 2
    #: each published assignment moved when re-rostering
    stability_weight: int = 20


@dataclass(frozen=True)
class Detail:
    """One cover's complement over time: (from, officers, vehicles) steps, as decisions took
    effect; (t, 0, 0) where it was suspended or withdrawn."""

    protectee_id: str
    steps: tuple[tuple[datetime, int, int], ...]
    female_officer: bool = False

    def at(self, instant: datetime) -> tuple[int, int]:
        now = (0, 0)
        for start, officers, vehicles in self.steps:
            if start <= instant:
                now = (officers, vehicles)
        return now


@dataclass(frozen=True)
class Post:
    """One protectee's detail in one shift: how many stand on duty, of whom drivers and female
    officers."""

    day: int
    shift: str
    protectee_id: str
    starts: datetime
    officers: int
    vehicles: int
    drivers: int
    female: int


def shift_starts(
    first: date, days: int, pattern: ShiftPattern, zone: str
) -> list[tuple[int, ShiftTime, datetime]]:
    """Every shift of the horizon with the instant (UTC) it starts."""
    tz = ZoneInfo(zone)
    return [
        (d, s, datetime.combine(first + timedelta(days=d), s.start, tz).astimezone(UTC))
        for d in range(days)
        for s in pattern.shifts
    ]


def posts(
    details: Iterable[Detail], first: date, days: int, pattern: ShiftPattern, zone: str
) -> tuple[Post, ...]:
    """The posts the details ask for, shift by shift: the complement in force when the shift
    starts."""
    starts = shift_starts(first, days, pattern, zone)
    out = []
    for detail in details:
        for day, shift, at in starts:
            officers, vehicles = detail.at(at)
            if officers == 0 and vehicles == 0:
                continue
            female = 1 if detail.female_officer and officers > 0 else 0
            out.append(
                Post(day, shift.id, detail.protectee_id, at, officers, vehicles, vehicles, female)
            )
    return tuple(out)


def shifts_of(pattern: ShiftPattern, rest_hours: int) -> tuple[Shift, ...]:
    """The pattern's shifts, each with those that would follow it the next day with less rest
    than `rest_hours` (a night ending at 06:00 cannot be followed by a 06:00 morning)."""
    out = []
    for a in pattern.shifts:
        ends = a.start.hour * 60 + a.start.minute + a.hours * 60
        too_soon = frozenset(
            b.id
            for b in pattern.shifts
            if 24 * 60 + b.start.hour * 60 + b.start.minute - ends < rest_hours * 60
        )
        out.append(Shift(a.id, a.hours * 60, too_soon))
    return tuple(out)


def problem(
    wanted: Sequence[Post],
    officers: Sequence[Officer],
    first: date,
    days: int,
    rules: RosterRules,
    published: Roster | None = None,
) -> Problem:
    """The roster problem: the provider's officers on the posts, by the provider's rules."""
    cover: list[Cover] = []
    for p in wanted:
        cover.append(
            Cover(p.day, p.shift, p.officers, rules.under_weight, rules.over_weight, p.protectee_id)
        )
        for qualification, n in ((DRIVER, p.drivers), (FEMALE, p.female)):
            if n:
                cover.append(
                    Cover(p.day, p.shift, n, rules.under_weight, 0, p.protectee_id, qualification)
                )
    workers = tuple(
        Worker(
            id=o.service_number,
            max_week_minutes=rules.max_week_hours * 60,
            max_consecutive=rules.max_consecutive,
            days_off=frozenset(d for d in range(days) if o.away_on(first + timedelta(days=d))),
            qualifications=o.qualifications,
        )
        for o in officers
    )
    return Problem(
        horizon=days,
        shifts=shifts_of(rules.pattern, rules.rest_hours),
        workers=workers,
        cover=tuple(cover),
        first_weekday=first.weekday(),
        published=published,
        stability_weight=rules.stability_weight if published is not None else 0,
        spread=(
            Spread(rules.night_weight, shifts=rules.nights),
            Spread(rules.weekend_weight, weekends=True),
        ),
        continuity_weight=rules.continuity_weight,
    )


@dataclass(frozen=True)
class Assignment:
    """One officer (by service number) on one protectee's post in one shift of a day (local)."""

    officer: str
    day: date
    shift: str
    protectee_id: str


def as_roster(assignments: Iterable[Assignment], first: date, days: int) -> Roster:
    """Assignments as the solver's roster over `days` from `first`."""
    by_officer: dict[str, list[Slot | None]] = {}
    for a in assignments:
        n = (a.day - first).days
        if 0 <= n < days:
            by_officer.setdefault(a.officer, [None] * days)[n] = Slot(a.shift, a.protectee_id)
    return {officer: tuple(slots) for officer, slots in by_officer.items()}


def as_assignments(roster: Roster, first: date) -> list[Assignment]:
    return [
        Assignment(officer, first + timedelta(days=n), slot.shift, slot.post)
        for officer, days in sorted(roster.items())
        for n, slot in enumerate(days)
        if slot is not None
    ]


class Change(StrEnum):
    FREED = "freed"  # no longer on this post
    NEEDED = "needed"  # newly on it


@dataclass(frozen=True)
class Move:
    """What re-rostering asks of one officer at one post: freed from it, or needed on it, from
    `first` (a local date) for `shifts` shifts."""

    officer: str
    post: str
    change: Change
    first: date
    shifts: int


def moves(before: Roster, after: Roster, first: date) -> tuple[Move, ...]:
    """Which officers a new roster frees or needs, post by post, and from when."""
    found: dict[tuple[str, str, Change], tuple[int, int]] = {}
    for officer in sorted(set(before) | set(after)):
        old, new = before.get(officer, ()), after.get(officer, ())
        for day in range(max(len(old), len(new))):
            was: Slot | None = old[day] if day < len(old) else None
            now: Slot | None = new[day] if day < len(new) else None
            if was == now:
                continue
            for slot, change in ((was, Change.FREED), (now, Change.NEEDED)):
                if slot is None:
                    continue
                key = (officer, slot.post, change)
                earliest, count = found.get(key, (day, 0))
                found[key] = (min(earliest, day), count + 1)
    return tuple(
        Move(officer, post, change, first + timedelta(days=day), count)
        for (officer, post, change), (day, count) in sorted(
            found.items(), key=lambda item: (item[1][0], item[0])
        )
    )


def on_duty(roster: Roster, day: int) -> Mapping[tuple[str, str], list[str]]:
    """Who holds each (shift, post) on a day."""
    held: dict[tuple[str, str], list[str]] = {}
    for officer, days in roster.items():
        slot = days[day] if day < len(days) else None
        if slot is not None:
            held.setdefault((slot.shift, slot.post), []).append(officer)
    return held
