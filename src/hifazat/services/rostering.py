"""A duty roster planned from the record: the provider's covers as decided (in force, or approved
to take effect within the horizon) become posts shift by shift, and its roll staffs them.

The plan is for the provider's own desk (it names officers, protectees and shifts: need-to-know)
and is not yet kept: publishing a roster, re-rostering when a decision takes effect, attendance
and the flags that compare the roster with the ground come next (issue 16)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from hifazat.access.guard import Facts, require
from hifazat.domain.decision import Decision
from hifazat.domain.errors import InvalidInput
from hifazat.domain.posts import Detail, Post, RosterRules, on_duty, posts, problem
from hifazat.domain.posts import Officer as Available
from hifazat.domain.resources import Officer
from hifazat.domain.roster import Cost, Problem, Roster, cost
from hifazat.reports.history import as_known, timelines
from hifazat.services.unit_of_work import UnitOfWork

#: until the policy file carries a provider's rostering rules, every provider rosters by these
DEFAULT_RULES = RosterRules()
#: the longest plan: a quarter (a roster is published four weeks at a time)
MAX_DAYS = 92

#: the roster's solver, as the composition root provides it: a roster or None, and its outcome
Solve = Callable[[Problem], tuple[Roster | None, str]]


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
) -> Plan:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("days", f"must be 1 to {MAX_DAYS}")
    with uow.reading():
        repo = uow.repo
        repo.provider(provider)
        require(repo.user(by), "roll.read", Facts(provider=provider))
        zone = repo.policy().timezone
        roll = repo.officers(provider)
        followed = planned(repo.decisions(provider_id=provider), now)
        wanted = posts(details(followed, uow, provider), first, days, rules.pattern, zone)
        names = {pid: repo.protectee(pid).name for pid in {p.protectee_id for p in wanted}}
    available = [
        Available(o.service_number, o.qualifications, tuple((a.first, a.last) for a in o.absences))
        for o in roll
    ]
    the_problem = problem(wanted, available, first, days, rules)
    roster, outcome = solve(the_problem) if wanted and available else (None, "no posts or officers")
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
    )
