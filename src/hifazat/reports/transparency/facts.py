"""The raw counts behind the public report, before any suppression: as the record stood at
`now`, decisions in force by then, cover as it stood at the period's end (or at `now` if the
period has not ended). Nothing here is published directly; `model` suppresses it first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hifazat.domain.appeal import Appeal
from hifazat.domain.coverage import Cover
from hifazat.domain.decision import Action, Basis
from hifazat.domain.errors import InvalidInput
from hifazat.domain.flags import ratify_flags, review_flags
from hifazat.domain.review import Review
from hifazat.domain.times import local_date
from hifazat.reports.cost import committed_days, cost, step_spans
from hifazat.reports.fairness import audit
from hifazat.reports.findings import Audit
from hifazat.reports.history import (
    History,
    Timelines,
    check_period,
    cover_before,
    in_force,
    timelines,
)
from hifazat.reports.transparency.tables import Grid, Label


@dataclass(frozen=True)
class Named:
    """An office-holder's positional cover as it stood at the naming instant: the only person
    the report can name, and only where the policy opts in (`name_positional_cover`)."""

    name: str
    office: str
    provider: str
    category: str


@dataclass(frozen=True)
class Facts:
    at: datetime
    providers: tuple[Label, ...]
    categories: tuple[Label, ...]
    protectees: Grid
    public_figures: Grid
    #: None unless the policy opts in; then the cover as it stood at `named_at`
    named: tuple[Named, ...] | None
    named_at: datetime | None
    resources: Grid
    by_action: Grid
    by_reason: Grid
    oversight: Grid
    appeals: Grid
    audit: Audit


RESOURCES = (
    Label("personnel", "Personnel committed"),
    Label("vehicles", "Vehicles committed"),
    Label("officer_days", "Officer-days"),
    Label("vehicle_days", "Vehicle-days"),
)
OVERSIGHT = (
    Label("overdue_reviews", "Overdue reviews"),
    Label("unratified_emergencies", "Unratified emergencies"),
    Label("appeals_lodged", "Appeals lodged"),
)
OUTCOMES = (Label("upheld", "Upheld"), Label("overturned", "Overturned"))


def gather(
    history: History,
    appeals: Sequence[Appeal],
    reviews: Sequence[Review],
    start: datetime,
    end: datetime,
    now: datetime,
) -> Facts:
    check_period(start, end, now)
    at = min(end, now)
    lines = timelines(in_force(history.decisions, now), history.providers)
    providers = tuple(Label(p.id, p.name) for _, p in sorted(history.providers.items()))
    # every step in `lines` is in force by `now`, so the cover before `end` is the cover at `at`
    covers = [cover_before(steps, end) for steps in lines.values()]
    held = [c for c in covers if c is not None and c.open]
    categories = _categories(history)
    protectees, public_figures = _protectees(history, providers, categories, held)
    policy = history.policy
    named_at = at - policy.naming_lag if policy.name_positional_cover else None
    return Facts(
        at,
        providers,
        categories,
        protectees,
        public_figures,
        None if named_at is None else _named(history, lines, named_at),
        named_at,
        _resources(history, providers, held, lines, start, end, now),
        *_decisions(history, providers, lines, start, end),
        *_oversight(history, providers, held, appeals, reviews, start, end, now),
        audit(history, start, end, now),
    )


def _private(history: History, protectee_id: str) -> int:
    """1 for a private person, 0 for a public figure: the weight a count carries for privacy."""
    return 0 if history.protectees[protectee_id].public_figure else 1


def _protectees(
    history: History,
    providers: tuple[Label, ...],
    categories: tuple[Label, ...],
    held: list[Cover],
) -> tuple[Grid, Grid]:
    """Everyone holding cover is counted, nobody named: private persons in one table, public
    figures in another (a count that mixed them would hide how few private persons it holds)."""
    private = Grid("protectees", providers, categories)
    public = Grid("public_figures", providers, categories)
    for cover in held:
        if _private(history, cover.protectee_id):
            private.add(cover.provider_id, cover.category_id, 1, 1)
        else:
            public.add(cover.provider_id, cover.category_id, 1, 0)
    return private, public


def _named(history: History, lines: Timelines, at: datetime) -> tuple[Named, ...]:
    """Positional cover open at `at` (the report's instant less the policy's lag) of public
    figures then holding an office: a change of cover reaches the public no sooner than the
    lag, and threat-based cover, which says someone is in danger, is never named."""
    day = local_date(at, history.policy.timezone)
    named = []
    for (protectee_id, _), steps in lines.items():
        cover = cover_before(steps, at)
        protectee = history.protectees[protectee_id]
        if cover is None or not cover.open or cover.basis is not Basis.POSITIONAL:
            continue
        offices = protectee.offices_on(day)
        if protectee.public_figure and offices:
            title = ", ".join(sorted(o.title for o in offices))
            named.append(Named(protectee.name, title, cover.provider_id, cover.category_id))
    return tuple(sorted(named, key=lambda n: (n.name, n.provider, n.category)))


def _resources(
    history: History,
    providers: tuple[Label, ...],
    held: list[Cover],
    lines: Timelines,
    start: datetime,
    end: datetime,
    now: datetime,
) -> Grid:
    """Complement committed at the instant, and days over the period (as `cost` reckons
    them); each figure also carries how many private persons it rests on. No totals: one
    would force a second provider's figures out wherever one provider's are withheld."""
    grid = Grid("resources", providers, RESOURCES, row_sums=False, column_sums=False)
    for cover in held:
        mine = _private(history, cover.protectee_id)
        for column, amount in zip(("personnel", "vehicles"), cover.committed, strict=True):
            grid.add(cover.provider_id, column, amount, mine if amount else 0)
    for line in cost(history, start, end, now).providers:
        grid.add(line.subject, "officer_days", line.officer_days)
        grid.add(line.subject, "vehicle_days", line.vehicle_days)
    for (protectee_id, provider_id), steps in lines.items():
        days = committed_days(step_spans(steps), start, min(end, now))
        mine = _private(history, protectee_id)
        for column, spent in zip(("officer_days", "vehicle_days"), days, strict=True):
            grid.add(provider_id, column, 0, mine if spent else 0)
    return grid


def _decisions(
    history: History,
    providers: tuple[Label, ...],
    lines: Timelines,
    start: datetime,
    end: datetime,
) -> tuple[Grid, Grid]:
    """Decisions taking effect in the period; both tables share their provider totals."""
    actions = tuple(Label(a.value, a.value.capitalize()) for a in Action)
    by_action = Grid("by_action", providers, actions, totals="decisions")
    by_reason = Grid("by_reason", providers, _reasons(history), totals="decisions")
    for (protectee_id, provider_id), steps in lines.items():
        mine = _private(history, protectee_id)
        for step in steps:
            if start <= step.at < end:
                by_action.add(provider_id, step.decision.action.value, 1, mine)
                by_reason.add(provider_id, step.decision.reason_code, 1, mine)
    return by_action, by_reason


def _oversight(
    history: History,
    providers: tuple[Label, ...],
    held: list[Cover],
    appeals: Sequence[Appeal],
    reviews: Sequence[Review],
    start: datetime,
    end: datetime,
    now: datetime,
) -> tuple[Grid, Grid]:
    """Flags open at the instant (R-REVIEW, R-RATIFY) and the period's appeals. The first
    table's columns count different things, so only its columns are summed."""
    at = min(end, now)
    grid = Grid("oversight", providers, OVERSIGHT, row_sums=False)
    for flag in review_flags(held, _last_reviewed(reviews, at), history.policy, at):
        assert flag.provider is not None and flag.protectee is not None
        grid.add(flag.provider, "overdue_reviews", 1, _private(history, flag.protectee))
    for flag in ratify_flags(history.decisions, history.policy, at):
        assert flag.provider is not None and flag.protectee is not None
        grid.add(flag.provider, "unratified_emergencies", 1, _private(history, flag.protectee))
    outcomes = Grid("appeals", providers, OUTCOMES)
    provider_of = {d.id: d.provider_id for d in history.decisions}
    for appeal in appeals:
        if appeal.decision_id not in provider_of:
            raise InvalidInput("appeals", f"{appeal.id} names an unknown decision")
        provider_id = provider_of[appeal.decision_id]
        mine = _private(history, appeal.protectee_id)
        if start <= appeal.lodged_at < end and appeal.lodged_at <= now:
            grid.add(provider_id, "appeals_lodged", 1, mine)
        outcome, decided = appeal.outcome, appeal.decided_at
        if outcome is None or decided is None:
            continue
        if start <= decided < end and decided <= now:
            outcomes.add(provider_id, outcome.value, 1, mine)
    return grid, outcomes


def _categories(history: History) -> tuple[Label, ...]:
    """Every provider's tiers, lowest rank first; a shared id is one column."""
    seen: dict[str, tuple[int, str]] = {}
    for _, provider in sorted(history.providers.items()):
        for category in provider.categories:
            rank, name = seen.get(category.id, (category.rank, category.name))
            seen[category.id] = (min(rank, category.rank), name)
    ordered = sorted(seen.items(), key=lambda item: (item[1][0], item[0]))
    return tuple(Label(key, name) for key, (_, name) in ordered)


def _reasons(history: History) -> tuple[Label, ...]:
    """The policy's vocabulary, then any other code the record holds (imported history)."""
    codes = dict(sorted(history.policy.reason_codes.items()))
    extra = sorted({d.reason_code for d in history.decisions} - codes.keys())
    return tuple(
        Label(code, f"{codes[code]} ({code})" if code in codes else code)
        for code in [*codes, *extra]
    )


def _last_reviewed(reviews: Sequence[Review], at: datetime) -> dict[str, datetime]:
    last: dict[str, datetime] = {}
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        if review.reviewed_at <= at:
            last[review.coverage] = review.reviewed_at
    return last
