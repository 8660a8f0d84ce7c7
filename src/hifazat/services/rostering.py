"""A duty roster planned from the record: the provider's covers as decided (in force, or approved
to take effect within the horizon) become posts shift by shift, and its roll staffs them.

A plan, a publication and the roster in force are for the provider's own desk (they name
officers, protectees and shifts: need-to-know). Publishing keeps a roster for its days and enters
it in the ledger as a hash; publishing the same days again re-rosters with the least change to
what was published. Attendance, and the flags that compare the roster with the ground, are
`services.attendance`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from hifazat.access.guard import Facts, require
from hifazat.domain.decision import Decision
from hifazat.domain.errors import InvalidInput
from hifazat.domain.posts import (
    Assignment,
    Detail,
    Move,
    Post,
    RosterRules,
    as_assignments,
    as_roster,
    moves,
    on_duty,
    posts,
    problem,
)
from hifazat.domain.resources import Officer
from hifazat.domain.roster import Cost, Problem, Roster, cost
from hifazat.domain.times import local_date
from hifazat.reports.history import as_known, timelines
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork

#: until the policy file carries a provider's rostering rules, every provider rosters by these
DEFAULT_RULES = RosterRules()
#: the longest plan: a quarter (a roster is published four weeks at a time)
MAX_DAYS = 92

#: the roster's solver, as the composition root provides it: a roster or None, and its outcome
Solve = Callable[[Problem], tuple[Roster | None, str]]
#: the solver given the seconds it may take (a scenario's rosters each say how long)
Solver = Callable[[float], Solve]


@dataclass(frozen=True)
class Staffed:
    """One post as planned: who stands it, and how many short of the complement."""

    post: Post
    officers: tuple[str, ...]

    @property
    def short(self) -> int:
        return max(0, self.post.officers - len(self.officers))


@dataclass(frozen=True)
class Plan:
    provider: str
    first: date
    days: int
    zone: str
    outcome: str
    posts: tuple[Staffed, ...]
    officers: dict[str, Officer]
    #: each protectee with a post, by id: their name
    protectees: dict[str, str]
    cost: Cost | None
    roster: Roster | None = None

    @property
    def wanted(self) -> int:
        return sum(s.post.officers for s in self.posts)

    @property
    def short(self) -> int:
        return sum(s.short for s in self.posts)


def planned(decisions: list[Decision], now: datetime) -> list[Decision]:
    """The decisions a roster follows: in force at `now`, or approved and due to take effect;
    a proposal, a held or overturned decision and a rescinded one change nobody's duty."""
    known = (as_known(d, now) for d in decisions)
    return [d for d in known if d.in_force_by(now) or d.pending_at(now)]


def details(decisions: list[Decision], uow: UnitOfWork, provider: str) -> list[Detail]:
    """Each protectee's complement from this provider, step by step as its decisions bite."""
    providers = uow.repo.providers()
    steps = timelines(decisions, providers)
    out = []
    for (protectee, by_provider), timeline in sorted(steps.items()):
        if by_provider != provider:
            continue
        # a suspended or withdrawn cover commits nobody (Cover.committed)
        out.append(Detail(protectee, tuple((s.at, *s.cover.committed) for s in timeline)))
    return out


def plan(
    uow: UnitOfWork,
    provider: str,
    first: date,
    days: int,
    by: str,
    now: datetime,
    solve: Solve,
    rules: RosterRules = DEFAULT_RULES,
    extra: Decision | None = None,
) -> Plan:
    """A roster for the range, as the solver would make it now, kept nowhere; with `extra`, as
    if that decision were decided as it stands there (a what-if)."""
    _check_days(days)
    with uow.reading():
        _gate(uow, provider, by, "roll.read")
        return _plan_in(uow, provider, first, days, now, solve, rules, None, extra)


@dataclass(frozen=True)
class Published:
    roster: str
    plan: Plan
    #: what the new roster asks of each officer against the one it replaces, post by post
    moves: tuple[Move, ...]


def publish(
    uow: UnitOfWork,
    provider: str,
    first: date,
    days: int,
    by: str,
    now: datetime,
    solve: Solve,
    rules: RosterRules = DEFAULT_RULES,
) -> Published:
    """Plans the range with the roster in force as the starting point and every change to it
    priced (re-rostering with the least change), publishes the result as the provider's roster
    for those days, and says which officers it frees or needs, and from when."""
    with uow:
        done = publish_in(uow, provider, first, days, by, now, solve, rules)
        uow.commit()
    return done


def publish_in(
    uow: UnitOfWork,
    provider: str,
    first: date,
    days: int,
    by: str,
    now: datetime,
    solve: Solve,
    rules: RosterRules = DEFAULT_RULES,
) -> Published:
    """`publish` within a unit of work already open (a scenario's import)."""
    _check_days(days)
    _gate(uow, provider, by, "roll.manage")
    before = as_roster(uow.repo.roster_in_force(provider, first, days), first, days)
    made = _plan_in(uow, provider, first, days, now, solve, rules, before or None)
    after = made.roster or {}
    key = new_id("ro")
    uow.repo.add_roster(key, provider, first, days, as_assignments(after, first), now, by)
    uow.record("roster.published", key)
    return Published(key, made, moves(before, after, first))


@dataclass(frozen=True)
class InForce:
    provider: str
    first: date
    days: int
    assignments: tuple[Assignment, ...]
    #: service number -> name; protectee id -> name
    officers: dict[str, str]
    protectees: dict[str, str]


def in_force(
    uow: UnitOfWork, provider: str, first: date | None, days: int, by: str, now: datetime
) -> InForce:
    """The roster published for each day of the range (the latest publication covering it);
    from today in the deployment's zone when no first day is given."""
    _check_days(days)
    with uow.reading():
        _gate(uow, provider, by, "roll.read")
        repo = uow.repo
        start = first if first is not None else local_date(now, repo.policy().timezone)
        held = tuple(repo.roster_in_force(provider, start, days))
        officers = {o.service_number: o.name for o in repo.officers(provider)}
        protectees = {pid: repo.protectee(pid).name for pid in {a.protectee_id for a in held}}
    return InForce(provider, start, days, held, officers, protectees)


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("days", f"must be 1 to {MAX_DAYS}")


def _gate(uow: UnitOfWork, provider: str, by: str, action: str) -> None:
    """Rosters name officers, protectees and shifts: the provider's own desk alone."""
    uow.repo.provider(provider)
    require(uow.repo.user(by), action, Facts(provider=provider))


def _plan_in(
    uow: UnitOfWork,
    provider: str,
    first: date,
    days: int,
    now: datetime,
    solve: Solve,
    rules: RosterRules,
    published: Roster | None,
    extra: Decision | None = None,
) -> Plan:
    repo = uow.repo
    zone = repo.policy().timezone
    roll = repo.officers(provider)
    decided = repo.decisions(provider_id=provider)
    if extra is not None:
        decided = [d for d in decided if d.id != extra.id] + [extra]
    followed = planned(decided, now)
    wanted = posts(details(followed, uow, provider), first, days, rules.pattern, zone)
    names = {pid: repo.protectee(pid).name for pid in {p.protectee_id for p in wanted}}
    the_problem = problem(wanted, roll, first, days, rules, published)
    roster, outcome = solve(the_problem) if wanted and roll else (None, "no posts or officers")
    by_slot: dict[tuple[int, str, str], tuple[str, ...]] = defaultdict(tuple)
    if roster is not None:
        for day in range(days):
            for (shift, post), held in on_duty(roster, day).items():
                by_slot[day, shift, post] = tuple(sorted(held))
    staffed = tuple(Staffed(p, by_slot[p.day, p.shift, p.protectee_id]) for p in wanted)
    return Plan(
        provider=provider,
        first=first,
        days=days,
        zone=zone,
        outcome=outcome,
        posts=staffed,
        officers={o.service_number: o for o in roll},
        protectees=names,
        cost=cost(the_problem, roster) if roster is not None else None,
        roster=roster,
    )
