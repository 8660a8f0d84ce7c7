"""The public transparency report: what the registry publishes per provider and period.

Whom it names: by default nobody. Everyone holding cover at the report's instant (the period's
end, or `now` if that is earlier) is counted by provider and category — private persons in one
table, public figures in another — and no protectee id, no decision, appeal or report id, and
no list of anyone whose cover was withdrawn, downgraded or suspended is published (DESIGN.md: a
published list preceded a protectee's murder in Punjab in 2022). A deployment may opt in
(`public_report.name_positional_cover` in its policy) to naming office-holders' positional
cover — public figures holding an office, cover granted for that office — as it stood
`public_report.naming_lag` (at least 90 days) before the report's instant, with the office,
provider and category: a change of anyone's cover is never published sooner than that.

Small cells — the exact rule, with t = `policy.small_cell_threshold` (5 in the demo policy):

1. Every published number is a `Cell`. A number in 1..t-1 is suppressed: `null` with
   `"suppressed": true, "reason": "small"` in the JSON, "<t" in HTML and PDF. Zero is shown
   as 0 (an empty cell singles nobody out).
2. A number resting on 1..t-1 private persons is suppressed too, whatever its size
   (`"reason": "withheld"`, shown "x"): e.g. seven decisions of which three concern private
   persons, or a provider's personnel committed to three private persons.
3. Complementary suppression over every additive relation the report contains: a table's
   cells and its row and column totals, the totals and the grand total, decisions by action
   and by reason (which share their per-provider totals and grand total), and a fairness
   group with the rest of its cohort. Where the total of a relation is published, its hidden
   parts must number none, or at least two holding together t or more (and t or more private
   persons); otherwise one more published non-zero part is hidden — the one leaving the
   fewest other relations with a lone hidden part, then the smallest, then the first in
   reading order — or, failing any, the total.
4. Solving all relations together, exactly, must leave every hidden cell undetermined;
   while one is pinned to a single value, a published non-zero cell of a relation it belongs
   to is hidden (chosen as in 3), and step 3 is checked again.
5. A provider's personnel, vehicles, officer-days and vehicle-days are withheld whenever any
   of its private protectee counts is hidden: each category has a fixed complement, so those
   figures are weighted sums of the counts and would give them back. They are shown "x" even
   when small, since "<t" would bound the very counts the link protects.
6. A disparity finding's p-value is published only when none of its counts is hidden (it is
   a function of them). Cluster findings carry their count of events only: no dates, no
   count of protectees, which with a disparity's counts could bound a hidden one.
7. A retaliation finding carries the party, the provider, its number of public events (public
   anyway) and the count of cuts decided within a window after them, hidden by rules 1 and 2
   (it enters no published total); its p-value only beside a shown count.

Hidden cells never carry their value, so the JSON, HTML, PDF and charts cannot leak it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hifazat.domain.appeal import Appeal
from hifazat.domain.review import Review
from hifazat.domain.times import utc_text
from hifazat.reports.history import History
from hifazat.reports.retaliation import Retaliation
from hifazat.reports.transparency.facts import RESOURCES, Named, gather
from hifazat.reports.transparency.findings import PublishedFinding, drafts
from hifazat.reports.transparency.suppression import Key
from hifazat.reports.transparency.tables import ALL, Label, Problem, Table
from hifazat.reports.transparency.timing import PublishedTiming, published


def rule_text(threshold: int) -> str:
    """The rule as printed in the report, so a reader knows what "<5" and "x" hide."""
    t = threshold
    return (
        f"Counts from 1 to {t - 1} are not published and are shown as <{t}. Figures that rest "
        f"on fewer than {t} private persons, and figures that would let a hidden count be "
        f"worked out by subtraction from a total, are withheld and shown as x: every row or "
        f"column whose total is published has no hidden figure or at least two, together "
        f"worth {t} or more, and no hidden figure can be solved from the published ones. A "
        f"provider's personnel, vehicles, officer-days and vehicle-days are withheld wherever "
        f"its protectee counts are. Zero is shown as 0. Protectees appear only in counts. No "
        f"list of people whose cover was withdrawn or reduced is published."
    )


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    name: str
    level: str
    pool_personnel: int
    pool_vehicles: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "level": self.level,
            "pool": {"personnel": self.pool_personnel, "vehicles": self.pool_vehicles},
        }


@dataclass(frozen=True)
class NamedCover:
    """An office-holder's positional cover, named because the policy opts in to it."""

    name: str
    office: str
    provider: Label
    category: Label

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "office": self.office,
            "provider": self.provider.as_dict(),
            "category": self.category.as_dict(),
        }


@dataclass(frozen=True)
class TransparencyReport:
    policy: Label
    timezone: str
    threshold: int
    start: datetime
    end: datetime
    now: datetime
    #: the instant the snapshot tables describe: `end`, or `now` if earlier
    at: datetime
    providers: tuple[ProviderInfo, ...]
    protectees: Table
    public_figures: Table
    #: None unless the policy opts in to naming positional cover; then as it stood at `named_at`
    named: tuple[NamedCover, ...] | None
    named_at: datetime | None
    resources: Table
    by_action: Table
    by_reason: Table
    oversight: Table
    appeals: Table
    alpha: float
    findings: tuple[PublishedFinding, ...]
    #: the retaliation test's findings (reports/transparency/timing.py), and its window
    timing: tuple[PublishedTiming, ...] = ()
    timing_window_days: int | None = None

    @property
    def lag_days(self) -> int | None:
        """How many days before the report's instant the named cover is shown as it stood."""
        return None if self.named_at is None else (self.at - self.named_at).days

    def _named(self) -> dict[str, Any] | None:
        if self.named is None or self.named_at is None:
            return None
        return {
            "as_of": utc_text(self.named_at),
            "lag_days": self.lag_days,
            "covers": [n.as_dict() for n in self.named],
        }

    @property
    def rule(self) -> str:
        return rule_text(self.threshold)

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": "transparency",
            "policy": self.policy.as_dict(),
            "timezone": self.timezone,
            "period": {
                "from": utc_text(self.start),
                "to": utc_text(self.end),
                "as_of": utc_text(self.at),
                "now": utc_text(self.now),
            },
            "small_cell_threshold": self.threshold,
            "suppression_rule": self.rule,
            "providers": [p.as_dict() for p in self.providers],
            "protectees_by_category": {
                "private_persons": self.protectees.as_dict(),
                "public_figures": self.public_figures.as_dict(),
            },
            "named_positional_cover": self._named(),
            "resources": self.resources.as_dict(),
            "decisions_by_action": self.by_action.as_dict(),
            "decisions_by_reason": self.by_reason.as_dict(),
            "oversight": self.oversight.as_dict(),
            "appeal_outcomes": self.appeals.as_dict(),
            "fairness": {
                "alpha": self.alpha,
                "findings": [f.as_dict() for f in self.findings],
            },
            "retaliation": {
                "window_days": self.timing_window_days,
                "findings": [t.as_dict() for t in self.timing],
            },
        }


def build_report(
    history: History,
    appeals: Sequence[Appeal],
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    reviews: Sequence[Review] = (),
    retaliation: Retaliation | None = None,
) -> TransparencyReport:
    """The report on [start, end) as the record stood at `now`. `reviews` lets overdue
    reviews count from the last review rather than from when the cover began."""
    facts = gather(history, appeals, reviews, start, end, now)
    threshold = history.policy.small_cell_threshold
    # the counts first: which of them are hidden decides which resources are withheld
    # the two count tables share no total: solved apart, each system stays half the size
    hidden: dict[Key, str] = {}
    for grid in (facts.protectees, facts.public_figures):
        counts = Problem()
        counts.add_grid(grid)
        hidden |= counts.solve(threshold)
    columns = [*(c.key for c in facts.categories), ALL]
    exposed = [
        p.key
        for p in facts.providers
        if any(
            grid.key(p.key, c) in hidden
            for grid in (facts.protectees, facts.public_figures)
            for c in columns
        )
    ]
    rest = Problem()
    grids = (facts.resources, facts.by_action, facts.by_reason, facts.oversight, facts.appeals)
    for grid in grids:
        rest.add_grid(grid)
    found = drafts(history, facts.audit, rest)
    forced = [facts.resources.key(p, c.key) for p in exposed for c in RESOURCES]
    hidden |= rest.solve(threshold, forced)
    policy = history.policy
    return TransparencyReport(
        policy=Label(policy.id, policy.name),
        timezone=policy.timezone,
        threshold=threshold,
        start=start,
        end=end,
        now=now,
        at=facts.at,
        providers=tuple(
            ProviderInfo(p.id, p.name, p.level, p.pool_personnel, p.pool_vehicles)
            for _, p in sorted(history.providers.items())
        ),
        protectees=facts.protectees.publish(hidden),
        public_figures=facts.public_figures.publish(hidden),
        named=None if facts.named is None else tuple(_named(history, n) for n in facts.named),
        named_at=facts.named_at,
        resources=facts.resources.publish(hidden),
        by_action=facts.by_action.publish(hidden),
        by_reason=facts.by_reason.publish(hidden),
        oversight=facts.oversight.publish(hidden),
        appeals=facts.appeals.publish(hidden),
        alpha=facts.audit.alpha,
        findings=tuple(d.publish(rest.values, hidden) for d in found),
        timing=()
        if retaliation is None
        else published(retaliation, history.providers, history.protectees, threshold),
        timing_window_days=None if retaliation is None else retaliation.window.days,
    )


def _named(history: History, named: Named) -> NamedCover:
    provider = history.providers[named.provider]
    category = provider.category(named.category)
    return NamedCover(
        named.name,
        named.office,
        Label(provider.id, provider.name),
        Label(category.id, category.name),
    )
