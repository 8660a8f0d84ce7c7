"""A roster problem and what a roster costs: who works which shift, at which post, on which day.

One description serves the force's own duty rosters (posts from cover, officers from the roll)
and the published shift-scheduling benchmark the solver is measured on, so the solver the
desks use is the one whose quality is measured. The solver itself (CP-SAT) is an adapter in
`hifazat.rostering`; here are the terms and the cost of a roster, computed from the roster alone,
so that what a command prints as the objective is what the assignment costs, not what the
solver believed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

#: a post nobody named: the benchmark's, and any problem that only counts heads per shift
ANY_POST = ""


@dataclass(frozen=True)
class Shift:
    """A kind of shift (a night, an 8-hour day) and which kinds may not follow it the next day
    (a night then a morning leaves no rest)."""

    id: str
    minutes: int
    not_followed_by: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Worker:
    """One officer's limits over the horizon. `None` is no limit."""

    id: str
    #: at most this many of a kind of shift; a kind not named is unlimited
    max_shifts: Mapping[str, int] = field(default_factory=dict)
    max_minutes: int | None = None
    min_minutes: int = 0
    max_consecutive: int | None = None
    #: a run of working days shorter than this is refused, unless it touches the horizon's ends
    min_consecutive: int = 1
    #: likewise for a run of days off
    min_days_off: int = 1
    max_weekends: int | None = None
    #: the most minutes in each week of the horizon (days 0–6, 7–13, …)
    max_week_minutes: int | None = None
    #: days with no shift at all (leave, sickness, a day off owed)
    days_off: frozenset[int] = frozenset()
    qualifications: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Cover:
    """How many are wanted at a post on a shift of a day, and what each one short or over costs.
    With `qualification`, it counts only those who hold it (a detail's driver, its female
    officer), beside the post's own head count."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int
    post: str = ANY_POST
    qualification: str | None = None


@dataclass(frozen=True)
class Request:
    """An officer asks for a shift (`on`) or asks not to have it; unmet, it costs `weight`."""

    worker: str
    day: int
    shift: str
    weight: int
    on: bool


@dataclass(frozen=True)
class Slot:
    """What one officer does on one day: a shift at a post."""

    shift: str
    post: str = ANY_POST


#: each worker's days, a slot or None for a day off
Roster = Mapping[str, tuple[Slot | None, ...]]


@dataclass(frozen=True)
class Spread:
    """A fair share of the hard duty: the most shifts of `shifts` (any shift, when empty) that
    any one worker works, on weekend days only with `weekends`, costs `weight` each — so the
    solver spreads nights and weekends rather than loading them on a few."""

    weight: int
    shifts: frozenset[str] = frozenset()
    weekends: bool = False


@dataclass(frozen=True)
class Problem:
    horizon: int
    shifts: tuple[Shift, ...]
    workers: tuple[Worker, ...]
    cover: tuple[Cover, ...]
    requests: tuple[Request, ...] = ()
    #: the weekday of day 0, Monday = 0: weekends are its Saturdays and Sundays
    first_weekday: int = 0
    #: a roster already published: each slot it held that a new one drops, or each day off it
    #: gave that a new one fills, costs `stability_weight` (re-rostering with least change)
    published: Roster | None = None
    stability_weight: int = 0
    spread: tuple[Spread, ...] = ()
    #: each worker serving a named post at all costs this: the same officers stay with the
    #: same protectee rather than a new face every shift
    continuity_weight: int = 0

    def slots(self) -> tuple[tuple[Slot, ...], ...]:
        """What may be worked on each day: a named post only on the days and shifts the cover
        names it (a withdrawn detail's post is gone from its end); a shift no cover names a post
        for has its one unnamed post every day, so a worker may still be given it."""
        named: dict[int, list[Slot]] = {d: [] for d in range(self.horizon)}
        unnamed = {s.id for s in self.shifts}
        for c in self.cover:
            if c.post != ANY_POST:
                unnamed.discard(c.shift)
        for c in self.cover:
            slot = Slot(c.shift, c.post)
            if c.post != ANY_POST and slot not in named[c.day]:
                named[c.day].append(slot)
        anywhere = [Slot(s.id) for s in self.shifts if s.id in unnamed]
        return tuple((*anywhere, *named[d]) for d in range(self.horizon))

    def weekends(self) -> tuple[tuple[int, ...], ...]:
        """The horizon's weekends, each as its days within the horizon (a Saturday and a Sunday,
        or one of them at an end)."""
        ends: dict[int, list[int]] = {}
        for day in range(self.horizon):
            weekday = (self.first_weekday + day) % 7
            if weekday >= 5:
                ends.setdefault((self.first_weekday + day) // 7, []).append(day)
        return tuple(tuple(days) for _, days in sorted(ends.items()))

    def weekend_days(self) -> frozenset[int]:
        return frozenset(d for days in self.weekends() for d in days)

    def counted(self, spread: Spread, day: int, shift: str) -> bool:
        """Whether a shift worked on a day counts towards `spread`."""
        if spread.shifts and shift not in spread.shifts:
            return False
        return not spread.weekends or (self.first_weekday + day) % 7 >= 5


@dataclass(frozen=True)
class Cost:
    """A roster's cost by term; `total` is what the solver minimises."""

    requests: int
    under: int
    over: int
    changes: int
    spread: int = 0
    continuity: int = 0

    @property
    def total(self) -> int:
        return self.requests + self.under + self.over + self.changes + self.spread + self.continuity


def cost(problem: Problem, roster: Roster) -> Cost:
    """What `roster` costs under `problem`'s soft terms; its hard rules are the solver's to keep."""
    held: Counter[tuple[int, str, str]] = Counter()
    qualified: Counter[tuple[int, str, str, str]] = Counter()
    quals = {w.id: w.qualifications for w in problem.workers}
    for worker, days in roster.items():
        for day, slot in enumerate(days):
            if slot is None:
                continue
            held[day, slot.shift, slot.post] += 1
            for q in quals.get(worker, frozenset()):
                qualified[day, slot.shift, slot.post, q] += 1
    under = over = 0
    for c in problem.cover:
        if c.qualification is None:
            n = held[c.day, c.shift, c.post]
        else:
            n = qualified[c.day, c.shift, c.post, c.qualification]
        under += c.under_weight * max(0, c.requirement - n)
        over += c.over_weight * max(0, n - c.requirement)
    requests = 0
    for r in problem.requests:
        days = roster.get(r.worker, ())
        slot = days[r.day] if r.day < len(days) else None
        given = slot is not None and slot.shift == r.shift
        if given != r.on:
            requests += r.weight
    return Cost(
        requests=requests,
        under=under,
        over=over,
        changes=changes(problem, roster),
        spread=spread(problem, roster),
        continuity=continuity(problem, roster),
    )


def spread(problem: Problem, roster: Roster) -> int:
    total = 0
    for rule in problem.spread:
        most = max(
            (
                sum(
                    1
                    for day, slot in enumerate(days)
                    if slot is not None and problem.counted(rule, day, slot.shift)
                )
                for days in roster.values()
            ),
            default=0,
        )
        total += rule.weight * most
    return total


def continuity(problem: Problem, roster: Roster) -> int:
    served = {
        (worker, slot.post)
        for worker, days in roster.items()
        for slot in days
        if slot is not None and slot.post != ANY_POST
    }
    return problem.continuity_weight * len(served)


def changes(problem: Problem, roster: Roster) -> int:
    """The stability term: what moving away from the published roster costs."""
    if problem.published is None or not problem.stability_weight:
        return 0
    moved = 0
    for worker, before in problem.published.items():
        after = roster.get(worker, ())
        for day, slot in enumerate(before[: problem.horizon]):
            now = after[day] if day < len(after) else None
            if slot != now:
                moved += 1
    return moved * problem.stability_weight
