"""Capacity made real, shift by shift: for one provider, the officers and vehicles it is
sanctioned, what its decisions commit, what its roster puts on duty and what stood there — and,
for a decision not yet in force, whether its roll can carry it.

The counts name nobody, so oversight and every desk may read them (`capacity.read`); the
what-if plans with the provider's roll, so it is its own desk's (`roll.read`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from hifazat.access.guard import Facts, require
from hifazat.domain.decision import LAST
from hifazat.domain.errors import InvalidInput
from hifazat.domain.posts import Post, posts, shift_starts
from hifazat.domain.times import local_date
from hifazat.services import attendance, rostering
from hifazat.services.unit_of_work import UnitOfWork

#: the longest range a capacity view covers
MAX_DAYS = 31


@dataclass(frozen=True)
class ShiftLoad:
    """One shift of the provider, all its posts together."""

    day: date
    shift: str
    starts: datetime
    #: officers of the roll not on leave, sickness or training that day
    available: int
    committed: int
    committed_vehicles: int
    rostered: int
    #: None where the shift has not begun, or no roster covers its day (not measured)
    present: int | None
    vehicles_present: int | None


@dataclass(frozen=True)
class Loads:
    provider: str
    first: date
    days: int
    #: the sanctioned pool: officers and vehicles the provider may commit in all
    pool_officers: int
    pool_vehicles: int
    #: on the roll: officers, and vehicles in service
    roll_officers: int
    roll_vehicles: int
    shifts: tuple[ShiftLoad, ...]


def loads(
    uow: UnitOfWork, provider: str, first: date | None, days: int, by: str, now: datetime
) -> Loads:
    """Sanctioned, committed, rostered and present, per shift of the range (from today in the
    deployment's zone by default)."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("days", f"must be 1 to {MAX_DAYS}")
    with uow.reading():
        repo = uow.repo
        force = repo.provider(provider)
        require(repo.user(by), "capacity.read", Facts(provider=provider))
        zone = repo.policy().timezone
        start = first if first is not None else local_date(now, zone)
        dates = [start + timedelta(days=n) for n in range(days)]
        roll = repo.officers(provider)
        cars = [v for v in repo.vehicles(provider) if v.usable]
        followed = rostering.planned(repo.decisions(provider_id=provider), now)
        pattern = rostering.DEFAULT_RULES.pattern
        wanted = posts(rostering.details(followed, uow, provider), start, days, pattern, zone)
        on_roster = Counter((a.day, a.shift) for a in repo.roster_in_force(provider, start, days))
        measured = repo.roster_days(provider, start, dates[-1])
        counted = attendance.tallies_for(uow, provider, dates, now)
        available = {day: sum(1 for o in roll if not o.away_on(day)) for day in dates}
    committed: Counter[tuple[date, str]] = Counter()
    committed_cars: Counter[tuple[date, str]] = Counter()
    for p in wanted:
        key = (start + timedelta(days=p.day), p.shift)
        committed[key] += p.officers
        committed_cars[key] += p.vehicles
    present: Counter[tuple[date, str]] = Counter()
    cars_present: Counter[tuple[date, str]] = Counter()
    for t in counted:
        present[t.day, t.shift] += len(t.present)
        cars_present[t.day, t.shift] += len(t.vehicles_present)
    shifts = []
    for day in dates:
        for _, shift, at in shift_starts(day, 1, pattern, zone):
            key = (day, shift.id)
            judged = day in measured and at <= now
            shifts.append(
                ShiftLoad(
                    day,
                    shift.id,
                    at,
                    available[day],
                    committed[key],
                    committed_cars[key],
                    on_roster[key],
                    present[key] if judged else None,
                    cars_present[key] if judged else None,
                )
            )
    return Loads(
        provider,
        start,
        days,
        force.pool_personnel,
        force.pool_vehicles,
        len(roll),
        len(cars),
        tuple(shifts),
    )


@dataclass(frozen=True)
class WhatIf:
    """A decision not yet in force, planned as if approved: what it asks of the roll, and
    whether the roll has it."""

    decision: str
    #: officer-shifts it adds (or frees, negative) per shift kind, and the first day it does
    change: dict[str, int]
    first_changed: date | None
    without: rostering.Plan
    with_it: rostering.Plan

    @property
    def lacking(self) -> int:
        """Officer-shifts the roll cannot stand once the decision bites, beyond those it
        cannot stand already."""
        return max(0, self.with_it.short - self.without.short)


def what_if(
    uow: UnitOfWork,
    decision_id: str,
    first: date,
    days: int,
    by: str,
    now: datetime,
    solve: rostering.Solve,
) -> WhatIf:
    """Plans the provider's roster over the range twice — as decided now, and with the decision
    approved to take effect when it asks (or now) — and compares the two."""
    with uow.reading():
        decision = uow.repo.decision(decision_id)
        provider = decision.provider_id
        require(uow.repo.user(by), "roll.read", Facts(provider=provider))
        if decision.in_force_by(now) or decision.state_at(now) is None:
            raise InvalidInput("decision", f"{decision_id} is already in force, or not yet made")
        if decision.decided_at is not None and not decision.pending_at(now):
            raise InvalidInput("decision", f"{decision_id} will not take effect as it stands")
        bites = decision.effective_at or decision.requested_effective_at or now
        approved = replace(
            decision,
            approved_by=decision.approved_by or by,
            decided_at=decision.decided_at or now,
            effective_at=max(bites, now),
            approval_seq=decision.approval_seq or LAST,
        )
    without = rostering.plan(uow, provider, first, days, by, now, solve)
    with_it = rostering.plan(uow, provider, first, days, by, now, solve, extra=approved)
    change, changed = _change(without.posts, with_it.posts, first)
    return WhatIf(decision_id, change, changed, without, with_it)


def _change(
    before: tuple[rostering.Staffed, ...], after: tuple[rostering.Staffed, ...], first: date
) -> tuple[dict[str, int], date | None]:
    def wanted(posts: tuple[rostering.Staffed, ...]) -> Counter[tuple[int, str]]:
        out: Counter[tuple[int, str]] = Counter()
        for s in posts:
            post: Post = s.post
            out[post.day, post.shift] += post.officers
        return out

    a, b = wanted(before), wanted(after)
    per_kind: Counter[str] = Counter()
    days = sorted({k for k in set(a) | set(b) if a[k] != b[k]})
    for key in days:
        per_kind[key[1]] += b[key] - a[key]
    return dict(per_kind), (first + timedelta(days=days[0][0]) if days else None)
