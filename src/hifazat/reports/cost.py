"""Cost: officer-days and vehicle-days committed over a period, per provider and protectee.

Each cover's complement is integrated between the instants decisions took effect; a
suspended detail is stood down and costs nothing. Only the past is costed: the period is
cut at `now`, since what is committed later has not happened yet. For private persons
(not public figures) a recovery rate per officer-day and vehicle-day, when given, prices
what could be recovered; the policy does not carry such a rate yet, so callers pass it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hifazat.domain.times import utc_text
from hifazat.reports.history import History, Step, check_period, in_force, timelines
from hifazat.reports.lean import LeanHistory, LeanStep, in_force_by, replay_lean

DAY = timedelta(days=1)


@dataclass(frozen=True)
class CostLine:
    """One provider's or one protectee's committed days; `recoverable` only where priced."""

    subject: str
    officer_days: float
    vehicle_days: float
    recoverable: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "officer_days": self.officer_days,
            "vehicle_days": self.vehicle_days,
            "recoverable": self.recoverable,
        }


@dataclass(frozen=True)
class Cost:
    start: datetime
    end: datetime
    now: datetime
    officer_day_rate: float | None
    vehicle_day_rate: float | None
    providers: tuple[CostLine, ...]
    protectees: tuple[CostLine, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": utc_text(self.start),
            "to": utc_text(self.end),
            "now": utc_text(self.now),
            "officer_day_rate": self.officer_day_rate,
            "vehicle_day_rate": self.vehicle_day_rate,
            "providers": [line.as_dict() for line in self.providers],
            "protectees": [line.as_dict() for line in self.protectees],
        }


#: (from, personnel, vehicles): one step of a cover's timeline, as both replays give it
Span = tuple[datetime, int, int]


def committed_days(spans: Iterable[Span], start: datetime, stop: datetime) -> tuple[float, float]:
    """Officer-days and vehicle-days of one cover's timeline within [start, stop)."""
    officers = vehicles = 0.0
    ordered = list(spans)
    for (at, personnel, cars), following in zip(ordered, [*ordered[1:], None], strict=True):
        begin = max(at, start)
        finish = stop if following is None else min(following[0], stop)
        if finish <= begin:
            continue
        days = (finish - begin) / DAY
        officers += personnel * days
        vehicles += cars * days
    return officers, vehicles


def step_spans(steps: list[Step]) -> list[Span]:
    return [(s.at, *s.cover.committed) for s in steps]


def lean_spans(steps: list[LeanStep]) -> list[Span]:
    return [(s.at, s.personnel, s.vehicles) for s in steps]


def cost(
    history: History,
    start: datetime,
    end: datetime,
    now: datetime,
    officer_day_rate: float | None = None,
    vehicle_day_rate: float | None = None,
) -> Cost:
    """The reference `cost_lean` is held to: it replays whole decisions."""
    check_period(start, end, now)
    lines = timelines(in_force(history.decisions, now), history.providers)
    days = {
        key: committed_days(step_spans(steps), start, min(end, now)) for key, steps in lines.items()
    }
    return _cost(history, days, start, end, now, officer_day_rate, vehicle_day_rate)


def cost_lean(
    history: LeanHistory,
    start: datetime,
    end: datetime,
    now: datetime,
    officer_day_rate: float | None = None,
    vehicle_day_rate: float | None = None,
) -> Cost:
    """`cost` over decision facts."""
    check_period(start, end, now)
    stop = min(end, now)
    days = {
        key: committed_days(lean_spans(replay_lean(timed, history.providers[key[1]])), start, stop)
        for key, timed in sorted(in_force_by(history.facts, now).items())
    }
    return _cost(history, days, start, end, now, officer_day_rate, vehicle_day_rate)


def _cost(
    history: History | LeanHistory,
    days: dict[tuple[str, str], tuple[float, float]],
    start: datetime,
    end: datetime,
    now: datetime,
    officer_day_rate: float | None,
    vehicle_day_rate: float | None,
) -> Cost:
    priced = officer_day_rate is not None or vehicle_day_rate is not None

    def price(protectee_id: str, officers: float, vehicles: float) -> float | None:
        if not priced or history.protectees[protectee_id].public_figure:
            return None
        return officers * (officer_day_rate or 0.0) + vehicles * (vehicle_day_rate or 0.0)

    # each (protectee, provider) key under both of its owners, once: a nation has tens of
    # thousands of protectees, and scanning every key for each of them is quadratic
    by_provider: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_protectee: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in days:
        by_protectee[key[0]].append(key)
        by_provider[key[1]].append(key)

    def provider_line(provider_id: str) -> CostLine:
        keys = by_provider[provider_id]
        officers = sum(days[key][0] for key in keys)
        vehicles = sum(days[key][1] for key in keys)
        amount = sum(price(key[0], *days[key]) or 0.0 for key in keys) if priced else None
        return CostLine(provider_id, officers, vehicles, amount)

    def protectee_line(protectee_id: str) -> CostLine:
        keys = by_protectee[protectee_id]
        officers = sum(days[key][0] for key in keys)
        vehicles = sum(days[key][1] for key in keys)
        return CostLine(protectee_id, officers, vehicles, price(protectee_id, officers, vehicles))

    providers = tuple(provider_line(p) for p in sorted(history.providers))
    protectees = tuple(
        line
        for line in map(protectee_line, sorted({key[0] for key in days}))
        if line.officer_days or line.vehicle_days
    )
    return Cost(start, end, now, officer_day_rate, vehicle_day_rate, providers, protectees)
