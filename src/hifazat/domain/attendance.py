"""Attendance: who actually stood at a post, and the gap between cover on paper and guards on
the ground.

An officer checks in at a protectee's post and out again; the pair is a stint. A shift counts
an officer as present at a post when a stint there covers at least half of it, so a few minutes
either side of a handover never count an officer twice. A shift is measured once it has ended,
and only on the days the provider keeps a roster for: before a force rosters, its registry
knows nothing of who stood where, and silence there is not evidence of absence.

The flags, per protectee and provider, over the measured shifts:

- NOMINAL: cover on record asks for officers and nobody stood there for `NOMINAL_SHIFTS`
  consecutive shifts or more — "nominal security", a cover that exists only on paper;
- UNDERSTAFFED: fewer officers (or vehicles) present than the complement in force;
- UNAUTHORISED: officers present where no cover of that provider was in force — deployed
  above what was sanctioned."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from hifazat.domain.flags import Flag
from hifazat.domain.posts import Assignment, Detail, ShiftPattern, shift_starts
from hifazat.domain.said import Instant, Said
from hifazat.domain.times import utc_text
from hifazat.domain.words import N_

#: consecutive empty shifts that make a cover nominal (a day of three shifts)
NOMINAL_SHIFTS = 3
#: how long after a shift starts a rostered officer who has not checked in shows as missed
CHECK_IN_GRACE = timedelta(minutes=30)
#: a stint never checked out ends, for the count, this long after it began
LONGEST_STINT = timedelta(hours=16)
#: how far back a check may be entered, and how far ahead of the clock it may stand
LATE_ENTRY = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)


class CheckKind(StrEnum):
    IN = "in"
    OUT = "out"


@dataclass(frozen=True)
class Check:
    """One officer checking in or out at a protectee's post, as recorded by a desk."""

    id: str
    provider_id: str
    officer: str
    protectee_id: str
    kind: CheckKind
    at: datetime
    recorded_by: str
    recorded_at: datetime
    vehicle: str | None = None


@dataclass(frozen=True)
class Stint:
    """An officer at a post from `start` until `end` (None: still checked in)."""

    officer: str
    protectee_id: str
    start: datetime
    end: datetime | None
    vehicle: str | None = None

    def until(self, now: datetime) -> datetime:
        if self.end is not None:
            return self.end
        return min(now, self.start + LONGEST_STINT)

    def on_duty(self, now: datetime) -> bool:
        return self.start <= now < (self.end or self.start + LONGEST_STINT)

    def covers(self, start: datetime, end: datetime, now: datetime) -> timedelta:
        """How much of [start, end) this stint covers."""
        return max(timedelta(0), min(end, self.until(now)) - max(start, self.start))


def stints(checks: Iterable[Check]) -> list[Stint]:
    """Each officer's checks paired in order: an in opens a stint, the next out closes it."""
    open_: dict[str, Check] = {}
    out: list[Stint] = []
    for c in sorted(checks, key=lambda c: (c.at, c.kind != CheckKind.OUT, c.id)):
        if c.kind is CheckKind.IN:
            if (was := open_.pop(c.officer, None)) is not None:
                out.append(Stint(was.officer, was.protectee_id, was.at, c.at, was.vehicle))
            open_[c.officer] = c
        elif (was := open_.pop(c.officer, None)) is not None:
            out.append(Stint(was.officer, was.protectee_id, was.at, c.at, was.vehicle))
    out += [Stint(c.officer, c.protectee_id, c.at, None, c.vehicle) for c in open_.values()]
    return sorted(out, key=lambda s: (s.start, s.officer))


def open_stint(checks: Iterable[Check], officer: str) -> Stint | None:
    """The officer's stint still open after these checks, if any."""
    for s in stints(c for c in checks if c.officer == officer):
        if s.end is None:
            return s
    return None


@dataclass(frozen=True)
class Tally:
    """One protectee's post in one shift: the complement in force and who stood there."""

    protectee_id: str
    day: date
    shift: str
    starts: datetime
    ends: datetime
    officers: int
    vehicles: int
    present: frozenset[str]
    vehicles_present: frozenset[str]
    rostered: frozenset[str] = frozenset()

    @property
    def state(self) -> str:
        if self.officers == 0 and self.vehicles == 0:
            return "unauthorised" if self.present else "none"
        if not self.present:
            return "empty"
        if len(self.present) < self.officers or len(self.vehicles_present) < self.vehicles:
            return "understaffed"
        return "staffed"

    @property
    def missed(self) -> frozenset[str]:
        """Rostered officers who never stood this shift."""
        return self.rostered - self.present


def tallies(
    details: Iterable[Detail],
    checks: Iterable[Check],
    days: Iterable[date],
    pattern: ShiftPattern,
    zone: str,
    now: datetime,
    rostered: Sequence[Assignment] = (),
) -> list[Tally]:
    """Every post-shift of the given days with a complement, a rostered officer or anyone on
    the ground: complement against presence, for shifts that have started by `now`."""
    by_protectee = {d.protectee_id: d for d in details}
    all_stints = stints(checks)
    at_post: dict[str, list[Stint]] = defaultdict(list)
    for s in all_stints:
        at_post[s.protectee_id].append(s)
    on_roster: dict[tuple[date, str, str], set[str]] = defaultdict(set)
    for a in rostered:
        on_roster[a.day, a.shift, a.protectee_id].add(a.officer)
    hours = {s.id: s.hours for s in pattern.shifts}
    out = []
    for first in sorted(set(days)):
        for _, shift, starts in shift_starts(first, 1, pattern, zone):
            if starts > now:
                continue
            ends = starts + timedelta(hours=hours[shift.id])
            half = (ends - starts) / 2
            people = (
                set(by_protectee)
                | set(at_post)
                | {pid for (d, s, pid) in on_roster if d == first and s == shift.id}
            )
            for pid in sorted(people):
                detail = by_protectee.get(pid)
                officers, vehicles = detail.at(starts) if detail else (0, 0)
                here = [s for s in at_post.get(pid, []) if s.covers(starts, ends, now) >= half]
                if ends > now:  # still under way: who is on duty, or stood some of it
                    here = [
                        s
                        for s in at_post.get(pid, [])
                        if s.on_duty(now) or s.covers(starts, now, now)
                    ]
                roster = frozenset(on_roster.get((first, shift.id, pid), ()))
                if not (officers or vehicles or here or roster):
                    continue
                out.append(
                    Tally(
                        pid,
                        first,
                        shift.id,
                        starts,
                        ends,
                        officers,
                        vehicles,
                        frozenset(s.officer for s in here),
                        frozenset(s.vehicle for s in here if s.vehicle),
                        roster,
                    )
                )
    return out


def attendance_flags(
    provider_id: str, counted: Iterable[Tally], now: datetime, nominal_shifts: int = NOMINAL_SHIFTS
) -> list[Flag]:
    """NOMINAL, UNDERSTAFFED and UNAUTHORISED for one provider, from its shifts that have
    ended."""
    by_protectee: dict[str, list[Tally]] = defaultdict(list)
    for t in counted:
        if t.ends <= now:
            by_protectee[t.protectee_id].append(t)
    found: list[Flag] = []
    for pid, shifts in sorted(by_protectee.items()):
        shifts.sort(key=lambda t: t.starts)
        runs = _runs([t for t in shifts if t.state == "empty"], shifts)
        nominal = [run for run in runs if len(run) >= nominal_shifts]
        in_nominal = {t.starts for run in nominal for t in run}
        for run in nominal:
            found.append(_nominal(provider_id, pid, run))
        short = [
            t
            for t in shifts
            if t.state == "understaffed" or (t.state == "empty" and t.starts not in in_nominal)
        ]
        if short:
            found.append(_understaffed(provider_id, pid, short))
        over = [t for t in shifts if t.state == "unauthorised"]
        if over:
            found.append(_unauthorised(provider_id, pid, over))
    return found


def _runs(empty: list[Tally], shifts: list[Tally]) -> list[list[Tally]]:
    """Empty shifts grouped into runs of consecutive measured shifts."""
    position = {t.starts: n for n, t in enumerate(shifts)}
    runs: list[list[Tally]] = []
    for t in empty:
        if runs and position[t.starts] == position[runs[-1][-1].starts] + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return runs


def _subject(provider_id: str, pid: str, first: Tally) -> str:
    return f"{pid}/{provider_id}/{utc_text(first.starts)}"


def _evidence(shifts: Sequence[Tally]) -> tuple[str, ...]:
    return tuple(f"{t.day.isoformat()}/{t.shift}" for t in shifts[:12])


def _nominal(provider_id: str, pid: str, run: list[Tally]) -> Flag:
    said = Said(
        N_(
            "nobody on duty for {n} consecutive shifts from {first} to {last}, while cover on "
            "record asked for {officers} officers"
        ),
        n=len(run),
        first=Instant(run[0].starts),
        last=Instant(run[-1].ends),
        officers=max(t.officers for t in run),
    )
    return Flag(
        "NOMINAL",
        pid,
        provider_id,
        _subject(provider_id, pid, run[0]),
        run[0].starts,
        said.text(),
        _evidence(run),
        said=said,
    )


def _understaffed(provider_id: str, pid: str, short: list[Tally]) -> Flag:
    worst = min(short, key=lambda t: (len(t.present) / max(t.officers, 1), t.starts))
    said = Said(
        N_(
            "below the complement in {n} shifts from {first} to {last}; fewest on duty "
            "{present} of {officers} officers and {cars} of {vehicles} vehicles"
        ),
        n=len(short),
        first=Instant(short[0].starts),
        last=Instant(short[-1].ends),
        present=len(worst.present),
        officers=worst.officers,
        cars=len(worst.vehicles_present),
        vehicles=worst.vehicles,
    )
    return Flag(
        "UNDERSTAFFED",
        pid,
        provider_id,
        _subject(provider_id, pid, short[0]),
        short[0].starts,
        said.text(),
        _evidence(short),
        said=said,
    )


def _unauthorised(provider_id: str, pid: str, over: list[Tally]) -> Flag:
    said = Said(
        N_(
            "{n} officers on duty in {shifts} shifts from {first} to {last} with no cover of "
            "this provider in force"
        ),
        n=len(frozenset().union(*(t.present for t in over))),
        shifts=len(over),
        first=Instant(over[0].starts),
        last=Instant(over[-1].ends),
    )
    return Flag(
        "UNAUTHORISED",
        pid,
        provider_id,
        _subject(provider_id, pid, over[0]),
        over[0].starts,
        said.text(),
        _evidence(over),
        said=said,
    )


@dataclass(frozen=True)
class OnDuty:
    """What a protectee may know of one provider's detail now: how many stand, against how
    many the decision asks for — never who, never when they change."""

    provider_id: str
    present: int
    officers: int

    @property
    def matches(self) -> bool:
        return self.present == self.officers


def on_duty_now(
    details: Mapping[str, Detail], checks: Iterable[Check], protectee_id: str, now: datetime
) -> list[OnDuty]:
    """Per provider (its detail for this protectee by provider id): officers checked in at the
    protectee's post now, against the complement in force now."""
    by_provider: dict[str, list[Check]] = defaultdict(list)
    for c in checks:
        if c.protectee_id == protectee_id and c.at <= now:
            by_provider[c.provider_id].append(c)
    here = {
        provider: {s.officer for s in stints(theirs) if s.on_duty(now)}
        for provider, theirs in by_provider.items()
    }
    out = []
    for provider in sorted(set(details) | set(here)):
        detail = details.get(provider)
        officers = detail.at(now)[0] if detail else 0
        if officers or here.get(provider):
            out.append(OnDuty(provider, len(here.get(provider, ())), officers))
    return out
