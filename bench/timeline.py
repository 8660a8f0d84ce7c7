"""Five years of decisions on one coverage (one protectee, one provider), made the way the
rules require: reductions with notice, the two-person rule, the committee below a floor, the
approval chain under a high threat. The cover a desk wants follows offices, threat levels,
court orders and redeployments; travel suspends it for a while; misconduct ends it at once."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bench.nation import CategorySpec, ProviderSpec
from bench.people import DAY, END, START, Person, at_day, local_day, shift
from hifazat.domain.chains import steps_for
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Office

REDUCING = frozenset({"downgrade", "suspend", "withdraw"})
THREAT_RANK = {"moderate": 1, "high": 2, "severe": 3}

REASONS = {
    "office-entitlement": "The office of {title} entitles the holder to this cover",
    "office-ended": "The term as {title} has ended; the cover it carried lapses",
    "threat-assessed": "Agency assessment finds a {level} threat; cover granted accordingly",
    "threat-reassessed": "The latest assessment puts the threat at {level}; cover adjusted",
    "court-order": "Supreme Court order on police protection for private persons, March 2022",
    "resource-redeployment": "Personnel withdrawn for law and order duty across the province",
    "protectee-request": "The protectee is abroad and asked for the detail to stand down",
    "travel": "The protectee is travelling outside the jurisdiction for some weeks",
    "misconduct": "Guards were used for private errands and intimidation; emergency withdrawal",
    "review-outcome": "The periodic review found the cover no longer proportionate",
}

RAISED = "Security raised for public engagements expected in the coming weeks"
LOWERED = "The engagements are over; the cover returns to its earlier level"
#: the tenth of Muharram (Ashura) in each year of the history, and the 2024 election campaign
MUHARRAM = tuple(
    date.fromisoformat(d)
    for d in ("2021-08-19", "2022-08-08", "2023-07-28", "2024-07-17", "2025-07-06")
)
CAMPAIGN = date(2024, 1, 5)


@dataclass(frozen=True)
class Override:
    """A period in which a desk takes the cover away, whatever the office or threat."""

    start: datetime
    end: datetime
    reason_code: str


@dataclass
class Plan:
    person: Person
    provider: ProviderSpec
    basis: str  # positional | threat
    offices: list[tuple[Office, int]] = field(default_factory=list)
    #: a positional cover that also rises with the threat level
    threat_boost: bool = False
    #: a federal layer over provincial cover, only while the threat is high or severe
    federal_layer: bool = False
    overrides: list[Override] = field(default_factory=list)


@dataclass
class Decision:
    id: str
    protectee: str
    provider: str
    action: str
    category: str | None
    basis: str | None
    reason_code: str
    reason: str
    proposed_by: str
    approved_by: str | list[str] | None
    decided_at: datetime
    effective_at: datetime
    emergency: bool
    coverage: str
    #: cover after it: rank (0: none) and whether suspended
    rank: int
    suspended: bool
    overturned: bool = False

    @property
    def approved(self) -> bool:
        return self.approved_by is not None

    @property
    def takes_effect(self) -> bool:
        return self.approved and not self.overturned

    @property
    def approvers(self) -> list[str]:
        if self.approved_by is None:
            return []
        return [self.approved_by] if isinstance(self.approved_by, str) else self.approved_by


def fit(rank: int, provider: ProviderSpec) -> int:
    """The provider's category closest to `rank` from above (its highest, if none is)."""
    if rank <= 0:
        return 0
    ranks = provider.ranks
    return min((r for r in ranks if r >= rank), default=max(ranks))


def category(provider: ProviderSpec, rank: int) -> CategorySpec:
    return next(c for c in provider.categories if c.rank == rank)


def desired(plan: Plan, at: datetime) -> int:
    if any(o.start <= at < o.end for o in plan.overrides):
        return 0
    day = local_day(at)
    positional = max((r for office, r in plan.offices if office.held_on(day)), default=0)
    threat = THREAT_RANK.get(plan.person.latest_level(at) or "", 0)
    if plan.federal_layer:
        threat = threat if threat >= 2 else 0
    if plan.basis == "positional":
        wanted = max(positional, threat) if positional and plan.threat_boost else positional
    else:
        wanted = threat
    return fit(wanted, plan.provider)


class Approvals:
    """Who proposes and who approves, as the policy's rules will judge it."""

    def __init__(self, policy: Policy, committee: list[str], rng: random.Random) -> None:
        self.policy = policy
        self.committee = committee
        self.rng = rng

    def member(self, besides: list[str]) -> str:
        return self.rng.choice([m for m in self.committee if m not in besides])

    def approvers(
        self,
        person: Person,
        provider: ProviderSpec,
        action: str,
        reason_code: str,
        rank_after: int,
        decided: datetime,
        effective: datetime,
        emergency: bool,
    ) -> str | list[str]:
        level = person.threat_at(effective, decided)
        below = False
        if action in REDUCING:
            left = 0 if action in ("suspend", "withdraw") else rank_after
            entitled = 0
            if reason_code not in self.policy.floor_exempt_reasons:
                classes = person.office_classes_on(local_day(effective))
                entitled = self.policy.entitled_rank(classes, provider.level)
            below = left < entitled or left < self.policy.threat_floor(level)
        steps = steps_for(self.policy.approval_chains, action, emergency, level, below)
        chosen: list[str] = []
        for n, role in enumerate(steps):
            last = n == len(steps) - 1
            if role == "committee" or (last and below):
                chosen.append(self.member(chosen))
            else:
                chosen.append(f"ap-{provider.id}")
        return chosen[0] if len(chosen) == 1 else chosen


Ids = Callable[[], str]


@dataclass
class Simulation:
    plan: Plan
    approvals: Approvals
    rng: random.Random
    next_id: Ids
    decisions: list[Decision] = field(default_factory=list)
    rank: int = 0
    suspended: bool = False
    coverage: str = ""
    free_at: datetime = START
    banned_until: datetime = START

    def _candidates(self) -> Iterator[tuple[datetime, str]]:
        plan, rng = self.plan, self.rng
        yield START, "start"
        for office, _ in plan.offices:
            for day in (office.since, office.until):
                if day is not None and START.date() < day < END.date():
                    yield at_day(day, rng), "office"
        for a in plan.person.assessments:
            if START < a.at < END:
                yield a.at, "threat"
        for o in plan.overrides:
            yield o.start, "override"
            yield o.end, "restore"
        yield from self._poisson("travel", 0.85)
        yield from self._poisson("event", 0.85)
        yield from self._poisson("misconduct", 0.004)
        kind = plan.person.kind
        if kind.name == "religious-leader":
            yield from ((at_day(day, rng) - 10 * DAY, "event") for day in MUHARRAM)
        if kind.career in ("politician", "minister"):
            yield at_day(CAMPAIGN, rng), "event"

    def _poisson(self, cause: str, per_year: float) -> Iterator[tuple[datetime, str]]:
        at = START
        while True:
            at += timedelta(days=self.rng.expovariate(per_year / 365))
            if at >= END:
                return
            yield at, cause

    def _decided(self, at: datetime, cause: str) -> datetime:
        rng = self.rng
        if cause == "start":
            wanted = shift(START, rng, 0, 60)
        elif cause == "office":
            wanted = shift(at, rng, 60, 200) if rng.random() < 0.06 else shift(at, rng, 0.1, 20)
        elif cause in ("override", "restore"):
            wanted = shift(at, rng, 0, 4)
        else:
            wanted = shift(at, rng, 0.5, 15)
        return max(wanted, self.free_at)

    def run(self) -> list[Decision]:
        for at, cause in sorted(self._candidates()):
            if at >= END:
                break
            decided = self._decided(at, cause)
            if decided >= END:
                continue
            if cause == "travel":
                self._travel(decided)
            elif cause == "event":
                self._event(decided)
            elif cause == "misconduct":
                if self.rank and not self.suspended:
                    self._make("withdraw", None, "misconduct", decided, emergency=True)
                    self.banned_until = decided + timedelta(days=730)
            elif decided >= self.banned_until:
                self._follow(decided, cause)
        return self.decisions

    def _follow(self, decided: datetime, cause: str) -> None:
        target = desired(self.plan, decided)
        if target == self.rank:
            return
        plan = self.plan
        threat_reason = "threat-reassessed" if self.rank else "threat-assessed"
        natural = "office-entitlement" if plan.basis == "positional" else threat_reason
        if cause == "override":
            reason = next(o.reason_code for o in plan.overrides if o.start <= decided < o.end)
        elif cause == "office" or (cause in ("start", "restore") and plan.basis == "positional"):
            reason = "office-entitlement" if target > self.rank else "office-ended"
        elif cause == "threat":
            reason = threat_reason
        else:
            reason = natural
        if self.suspended:
            if target == 0:
                self._make("withdraw", None, reason, decided)
            return
        if self.rank == 0:
            severe = plan.person.latest_level(decided) == "severe"
            emergency = plan.basis == "threat" and severe and self.rng.random() < 0.3
            self._make("grant", target, reason, decided, emergency=emergency)
        elif target == 0:
            self._make("withdraw", None, reason, decided)
        else:
            self._make("upgrade" if target > self.rank else "downgrade", target, reason, decided)

    def _travel(self, decided: datetime) -> None:
        if not self.rank or self.suspended:
            return
        entitled = any(o.held_on(local_day(decided)) for o, _ in self.plan.offices)
        reason = "protectee-request" if entitled else "travel"
        suspension = self._make("suspend", None, reason, decided)
        back = shift(suspension.effective_at, self.rng, 7, 45)
        if back < END:
            self._make("resume", None, "travel", back)

    def _event(self, decided: datetime) -> None:
        """Cover raised for a while (a campaign, Muharram, a court appearance), then lowered."""
        higher = [r for r in self.plan.provider.ranks if r > self.rank]
        if not self.rank or self.suspended or not higher:
            return
        before = self.rank
        raised = self._make("upgrade", higher[0], "threat-reassessed", decided, text=RAISED)
        back = shift(raised.effective_at, self.rng, 5, 30)
        if back < END:
            self._make("downgrade", before, "threat-reassessed", back, text=LOWERED)

    def _make(
        self,
        action: str,
        rank: int | None,
        reason_code: str,
        decided: datetime,
        emergency: bool = False,
        text: str | None = None,
    ) -> Decision:
        plan, rng = self.plan, self.rng
        provider, person = plan.provider, plan.person
        if emergency:
            effective = decided + timedelta(minutes=rng.randrange(30, 360))
        elif action in REDUCING:
            effective = decided + timedelta(hours=72) + timedelta(minutes=rng.randrange(10, 10080))
        else:
            effective = decided + timedelta(minutes=rng.randrange(60, 720))
        decision_id = self.next_id()
        if action == "grant":
            self.coverage = decision_id
        rank_after = {"withdraw": 0, "suspend": self.rank, "resume": self.rank}.get(
            action, rank or 0
        )
        title = next((o.title for o, _ in plan.offices), "office-holder")
        level = person.latest_level(decided) or "low"
        cat = category(provider, rank).id if rank and action != "suspend" else None
        decision = Decision(
            id=decision_id,
            protectee=person.id,
            provider=provider.id,
            action=action,
            category=cat if action in ("grant", "upgrade", "downgrade") else None,
            basis=plan.basis if action == "grant" else None,
            reason_code=reason_code,
            reason=text or REASONS[reason_code].format(title=title, level=level),
            proposed_by=f"op-{provider.id}",
            approved_by=self.approvals.approvers(
                person, provider, action, reason_code, rank_after, decided, effective, emergency
            ),
            decided_at=decided,
            effective_at=effective,
            emergency=emergency,
            coverage=self.coverage,
            rank=rank_after,
            suspended=action == "suspend",
        )
        self.decisions.append(decision)
        self.rank = rank_after
        self.suspended = action == "suspend"
        self.free_at = effective + timedelta(minutes=rng.randrange(60, 2880))
        return decision


def simulate(plan: Plan, approvals: Approvals, rng: random.Random, ids: Ids) -> list[Decision]:
    return Simulation(plan, approvals, rng, ids).run()
