"""A scenario's deployment: the rosters it publishes (planned by the solver at import, each at
the instant the file gives) and the attendance at their posts, as one import's part.

Attendance comes as stints (`attendance:`: an officer in at a post and out again) or as the
shorthand `attendance_as_rostered:` for ordinary stretches — every officer the roster in force
put at a post checked in when the shift began and out when it ended, but where the file says
fewer stood. Each check is a ledger entry, as a desk's would be."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hifazat.domain.attendance import Check, CheckKind
from hifazat.domain.errors import InvalidInput
from hifazat.domain.posts import shift_starts
from hifazat.domain.resources import DRIVER
from hifazat.domain.times import local_date
from hifazat.services import rostering
from hifazat.services.ids import new_id
from hifazat.services.located import row
from hifazat.services.schema import AsRosteredModel, CheckModel, RosterModel, ScenarioModel
from hifazat.services.unit_of_work import UnitOfWork


def load(
    uow: UnitOfWork,
    scenario: ScenarioModel,
    lines: dict[str, list[int]],
    source: str,
    solve: rostering.Solver | None,
) -> None:
    if not (scenario.rosters or scenario.attendance or scenario.attendance_as_rostered):
        return
    uow.repo.flush()  # the solver and the checks read the roll this file wrote
    for line, r in sorted(
        zip(lines.get("rosters", []), scenario.rosters, strict=True),
        key=lambda item: item[1].published_at,
    ):
        with row(source, line, f"roster of {r.provider} from {r.first}"):
            _roster(uow, r, solve)
    for line, c in zip(lines.get("attendance", []), scenario.attendance, strict=True):
        with row(source, line, f"attendance of {c.officer}"):
            _stint(uow, c)
    for line, a in zip(
        lines.get("attendance_as_rostered", []), scenario.attendance_as_rostered, strict=True
    ):
        with row(source, line, f"attendance of {a.provider} as rostered"):
            as_rostered(uow, a)


def _roster(uow: UnitOfWork, r: RosterModel, solver: rostering.Solver | None) -> None:
    if solver is None:
        raise InvalidInput("rosters", "this import has no solver to plan rosters with")
    rostering.publish_in(
        uow, r.provider, r.first, r.days, r.published_by, r.published_at, solver(r.time_limit)
    )
    uow.repo.flush()


def _keep(uow: UnitOfWork, check: Check) -> None:
    uow.repo.add_check(check)
    uow.record("attendance.recorded", check.id)


def _stint(uow: UnitOfWork, c: CheckModel) -> None:
    repo = uow.repo
    repo.provider(c.provider)
    repo.protectee(c.protectee)
    numbers, plates = repo.roll_numbers(c.provider)
    if c.officer not in numbers:
        raise InvalidInput("officer", f"no officer {c.officer!r} on {c.provider}'s roll")
    if c.vehicle is not None and c.vehicle not in plates:
        raise InvalidInput("vehicle", f"no vehicle {c.vehicle!r} on {c.provider}'s roll")
    if c.checked_out is not None and c.checked_out <= c.checked_in:
        raise InvalidInput("out", "must come after in")
    _keep(uow, _check(c.provider, c.officer, c.protectee, CheckKind.IN, c.checked_in,
                      c.recorded_by, c.vehicle))  # fmt: skip
    if c.checked_out is not None:
        _keep(uow, _check(c.provider, c.officer, c.protectee, CheckKind.OUT, c.checked_out,
                          c.recorded_by))  # fmt: skip


def _check(
    provider: str,
    officer: str,
    protectee: str,
    kind: CheckKind,
    at: datetime,
    by: str,
    vehicle: str | None = None,
) -> Check:
    """A check as a desk records it live: entered at the instant it happened."""
    return Check(new_id("ck"), provider, officer, protectee, kind, at, by, at, vehicle)


def as_rostered(uow: UnitOfWork, a: AsRosteredModel) -> None:
    """Every rostered officer at their post for each shift that began within [from, to): in at
    its start, out at its end or at `to`; `short` keeps the first N (by service number). The
    drivers among them bring the provider's usable vehicles, as many as the complement asks."""
    repo = uow.repo
    repo.provider(a.provider)
    repo.user(a.recorded_by)
    if a.last <= a.first:
        raise InvalidInput("to", "must come after from")
    zone = repo.policy().timezone
    first, last = local_date(a.first, zone), local_date(a.last, zone)
    days = (last - first).days + 1
    pattern = rostering.DEFAULT_RULES.pattern
    if any(s.shift not in {p.id for p in pattern.shifts} for s in a.short):
        raise InvalidInput("short", f"a shift is one of {', '.join(p.id for p in pattern.shifts)}")
    short = {(s.protectee, s.day, s.shift): s.present for s in a.short}
    starts = {
        (first + timedelta(days=d), s.id): (at, at + timedelta(hours=s.hours))
        for d, s, at in shift_starts(first, days, pattern, zone)
    }
    stood: dict[tuple[date, str, str], list[str]] = {}
    for duty in repo.roster_in_force(a.provider, first, days):
        stood.setdefault((duty.day, duty.shift, duty.protectee_id), []).append(duty.officer)
    wanted = {
        d.protectee_id: d
        for d in rostering.details(
            rostering.planned(repo.decisions(provider_id=a.provider), a.last), uow, a.provider
        )
    }
    drives = {o.service_number for o in repo.officers(a.provider) if DRIVER in o.qualifications}
    usable = [v.registration for v in repo.vehicles(a.provider) if v.usable]
    cars: list[str] = []
    shift_now: tuple[date, str] | None = None
    for (day, shift, protectee), officers in sorted(stood.items()):
        begins, ends = starts[day, shift]
        if not a.first <= begins < a.last:
            continue
        if shift_now != (day, shift):  # every vehicle is free again at a new shift
            shift_now, cars = (day, shift), list(usable)
        keep = sorted(officers)[: short.get((protectee, day, shift), len(officers))]
        detail = wanted.get(protectee)
        vehicles = detail.at(begins)[1] if detail else 0
        drivers = [o for o in keep if o in drives][:vehicles]
        for officer in keep:
            car = cars.pop(0) if officer in drivers and cars else None
            _keep(uow, _check(a.provider, officer, protectee, CheckKind.IN, begins, a.recorded_by,
                              car))  # fmt: skip
            _keep(uow, _check(a.provider, officer, protectee, CheckKind.OUT, min(ends, a.last),
                              a.recorded_by))  # fmt: skip
