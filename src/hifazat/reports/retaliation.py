"""The retaliation test: are one affiliation's cuts of cover decided soon after it speaks?

The fairness audit compares rates; this compares timing. For a provider and an affiliation with
at least MIN_EVENTS public events in the period:
- a reduction is a withdrawal, downgrade or suspension of one of the affiliation's protectees
  (their affiliation on the day) that the provider decided (approved) in the period — the act,
  whether or not it later took effect, was rescinded or was overturned on appeal;
- observed: reductions decided within `window` after one of the affiliation's events
  (windows end at the period's end);
- the null: the events' dates carry no information about when the provider cuts this
  affiliation's cover. It is tested by shifting every event date by the same whole number of
  days, circularly over the period, keeping the events' spacing and the decisions as they are
  (so any clustering in either survives), and recounting: one count per day of the period;
- expected: the mean of those counts — what the provider's own reductions of the affiliation
  at other times predict; p: the share of shifts whose count reaches the observed one (exact
  over all shifts, the unshifted one included, so never below 1 / days);
- flagged at p < ALPHA with at least MIN_EVENTS reductions observed, the fairness audit's rules.

An affiliation cut often but evenly has observed near expected and is not flagged: that is a
question of rate, which the fairness audit asks. Withdrawals reported on the ground with no
decision behind them are listed beside a test, never counted in it: the test judges decisions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from hifazat.domain.decision import Action
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.events import PublicEvent
from hifazat.domain.policy import Policy
from hifazat.domain.protectee import Protectee
from hifazat.domain.times import utc_text
from hifazat.reports.cohorts import NONE, affiliation_at
from hifazat.reports.fairness import ALPHA, MIN_EVENTS
from hifazat.reports.lean import DecisionFact

__all__ = [
    "ALPHA",
    "MIN_EVENTS",
    "REDUCTIONS",
    "UNTESTED_REASONS",
    "Reduction",
    "Retaliation",
    "TimingTest",
    "reductions_of",
    "retaliation",
]

REDUCTIONS = frozenset({Action.WITHDRAW, Action.DOWNGRADE, Action.SUSPEND})
DAY = timedelta(days=1)
#: reductions judged at once against every shift; bounds the test's memory at national scale
_CHUNK = 256


@dataclass(frozen=True)
class Reduction:
    decision: str
    protectee: str
    provider: str
    affiliation: str
    action: Action
    decided_at: datetime


@dataclass(frozen=True)
class Within:
    """A reduction decided inside the window after one or more events."""

    decision: str
    protectee: str
    action: Action
    decided_at: datetime
    after: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.decision,
            "protectee": self.protectee,
            "action": str(self.action),
            "decided_at": utc_text(self.decided_at),
            "after_events": list(self.after),
        }


@dataclass(frozen=True)
class TimingTest:
    provider: str
    affiliation: str
    events: tuple[PublicEvent, ...]
    #: every reduction of the affiliation's cover the provider decided in the period
    reductions: tuple[Reduction, ...]
    #: those decided within a window after an event
    decisions: tuple[Within, ...]
    expected: float
    p_value: float
    shifts: int
    #: ground reports of this provider's cover for the affiliation observed within a window:
    #: withdrawals (or cuts) with no decision behind them, which the test cannot count
    ground_reports: tuple[DiscrepancyReport, ...] = ()

    @property
    def observed(self) -> int:
        return len(self.decisions)

    @property
    def flagged(self) -> bool:
        return (
            self.p_value < ALPHA and self.observed >= MIN_EVENTS and self.observed > self.expected
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "affiliation": self.affiliation,
            "events": [e.as_dict() for e in self.events],
            "decisions": [d.as_dict() for d in self.decisions],
            "reductions": len(self.reductions),
            "expected": round(self.expected, 4),
            "observed": self.observed,
            "p_value": self.p_value,
            "shifts": self.shifts,
            "flagged": self.flagged,
            "ground_reports": [
                {"id": r.id, "protectee": r.protectee_id, "observed_at": utc_text(r.observed_at)}
                for r in self.ground_reports
            ],
        }


#: why an affiliation was not tested: fewer than MIN_EVENTS events in the period, or a period
#: no longer than the window, where every shift of the events covers it all and timing is moot
UNTESTED_REASONS = ("events", "period")


@dataclass(frozen=True)
class Untested:
    affiliation: str
    events: int
    reason: str = "events"

    def as_dict(self) -> dict[str, Any]:
        return {"affiliation": self.affiliation, "events": self.events, "reason": self.reason}


@dataclass(frozen=True)
class Retaliation:
    start: datetime
    end: datetime
    window: timedelta
    tests: tuple[TimingTest, ...]
    #: affiliations with events in the period but not tested, and why (UNTESTED_REASONS)
    untested: tuple[Untested, ...]

    @property
    def findings(self) -> tuple[TimingTest, ...]:
        return tuple(t for t in self.tests if t.flagged)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": utc_text(self.start),
            "to": utc_text(self.end),
            "window_days": self.window / DAY,
            "alpha": ALPHA,
            "min_events": MIN_EVENTS,
            "findings": [t.as_dict() for t in self.findings],
            "tests": [t.as_dict() for t in self.tests],
            "untested": [u.as_dict() for u in self.untested],
        }


def reductions_of(
    facts: Iterable[DecisionFact],
    protectees: Mapping[str, Protectee],
    policy: Policy,
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[Reduction]:
    """Reductions decided in [start, end) and by `now`, each with the affiliation its protectee
    had that day."""
    out = []
    for f in facts:
        at = f.decided_at
        if f.action not in REDUCTIONS or at is None or not (start <= at < end) or at > now:
            continue
        party = affiliation_at(policy, protectees[f.protectee_id], at)
        out.append(Reduction(f.id, f.protectee_id, f.provider_id, party, f.action, at))
    return sorted(out, key=lambda r: (r.decided_at, r.decision))


def retaliation(
    events: Iterable[PublicEvent],
    reductions: Sequence[Reduction],
    start: datetime,
    end: datetime,
    window: timedelta,
    concerned: Mapping[str, Iterable[str]] | None = None,
    reports: Iterable[tuple[DiscrepancyReport, str]] = (),
) -> Retaliation:
    """The test for every affiliation with MIN_EVENTS events in [start, end) against every
    provider that cut its cover in the period or is named in `concerned` (affiliation ->
    providers that decided on its protectees at all), so a provider that cut nothing shows as
    tested and clear. `reports` are ground reports with their protectee's affiliation."""
    if window <= timedelta(0):
        raise ValueError("the window must be positive")
    mine = sorted((e for e in events if start <= e.at < end), key=lambda e: (e.at, e.id))
    by_party: dict[str, list[PublicEvent]] = defaultdict(list)
    for e in mine:
        by_party[e.affiliation].append(e)
    cut: dict[tuple[str, str], list[Reduction]] = defaultdict(list)
    for r in reductions:
        cut[(r.provider, r.affiliation)].append(r)
    reported: dict[tuple[str, str], list[DiscrepancyReport]] = defaultdict(list)
    for report, party in reports:
        if start <= report.observed_at < end and not report.unfounded:
            reported[(report.provider_id, party)].append(report)
    concerned = concerned or {}
    tests, untested = [], []
    for party in sorted(by_party):
        said = by_party[party]
        if party == NONE:
            continue
        if len(said) < MIN_EVENTS:
            untested.append(Untested(party, len(said)))
            continue
        if window >= end - start:
            untested.append(Untested(party, len(said), "period"))
            continue
        providers = {p for p, a in cut if a == party} | set(concerned.get(party, ()))
        for provider in sorted(providers):
            tests.append(
                _test(
                    provider,
                    party,
                    said,
                    cut.get((provider, party), []),
                    reported.get((provider, party), []),
                    start,
                    end,
                    window,
                )
            )
    return Retaliation(start, end, window, tuple(tests), tuple(untested))


def _test(
    provider: str,
    party: str,
    events: Sequence[PublicEvent],
    cuts: Sequence[Reduction],
    reports: Sequence[DiscrepancyReport],
    start: datetime,
    end: datetime,
    window: timedelta,
) -> TimingTest:
    period = (end - start).total_seconds()
    shifts = max(1, int(period // DAY.total_seconds()))
    w = window.total_seconds()
    e = np.array([(x.at - start).total_seconds() for x in events])
    moved = (e[:, None] + np.arange(shifts)[None, :] * DAY.total_seconds()) % period
    counts = np.zeros(shifts, dtype=np.int64)
    r = np.array([(x.decided_at - start).total_seconds() for x in cuts])
    for first in range(0, len(r), _CHUNK):
        lag = r[first : first + _CHUNK, None, None] - moved[None, :, :]
        counts += ((lag >= 0) & (lag < w)).any(axis=1).sum(axis=0)
    observed = int(counts[0]) if shifts else 0
    p_value = float((counts >= observed).sum() / shifts)
    return TimingTest(
        provider=provider,
        affiliation=party,
        events=tuple(events),
        reductions=tuple(cuts),
        decisions=tuple(
            Within(c.decision, c.protectee, c.action, c.decided_at, after)
            for c in cuts
            if (after := _after(c.decided_at, events, window))
        ),
        expected=float(counts.mean()),
        p_value=p_value,
        shifts=shifts,
        ground_reports=tuple(
            sorted(
                (g for g in reports if _after(g.observed_at, events, window)),
                key=lambda g: (g.observed_at, g.id),
            )
        ),
    )


def _after(at: datetime, events: Sequence[PublicEvent], window: timedelta) -> tuple[str, ...]:
    return tuple(e.id for e in events if timedelta(0) <= at - e.at < window)
