"""What follows from the decisions: periodic reviews, appeals, ratifications of emergencies,
ground reports and their resolution, and the pools each provider needed.

Reviews, appeals, ratifications and resolutions are not part of the scenario format, so they
are written as operations that `bench.load` applies through the services after the import.
Each is placed where it cannot change the history the import already checked: appeals are
decided within the notice period (an overturned one only against a coverage's last decision),
reviews fall while the cover is open, ratifications never refuse."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bench.nation import ProviderSpec
from bench.people import END, HOUR, Person, shift, text_time
from bench.timeline import Decision, Plan, category

KARACHI_DAY = datetime.fromisoformat("2026-01-27T13:00:00+05:00")


def op(kind: str, at: datetime, **fields: Any) -> dict[str, Any]:
    return {"op": kind, "at": text_time(at), **fields}


@dataclass
class Aftermath:
    """Operations for `bench.load`, and the ground reports for the scenario file."""

    ops: list[dict[str, Any]]
    reports: list[dict[str, Any]]


def _member(rng: random.Random, committee: list[str], besides: list[str]) -> str:
    return rng.choice([m for m in committee if m not in besides])


def appeals(
    person: Person, decisions: list[Decision], committee: list[str], rng: random.Random
) -> list[dict[str, Any]]:
    """A quarter of withdrawals and downgrades of party figures are appealed by a liaison."""
    out: list[dict[str, Any]] = []
    if not person.liaisons:
        return out
    for n, d in enumerate(decisions):
        if not d.approved or d.action not in ("withdraw", "downgrade") or rng.random() >= 0.25:
            continue
        liaison = rng.choice(person.liaisons)
        grounds = f"The {d.action} of cover by {d.provider} ignores the threat the protectee faces"
        judge = _member(rng, committee, d.approvers)
        late = d.emergency or rng.random() < 0.1
        if late:  # after it took effect: it holds nothing, and is decided late
            lodged = shift(d.effective_at, rng, 1, 5)
            ruled = shift(lodged, rng, 15, 25)
            outcome = "upheld"
        else:  # in the notice period: it holds the decision, and is ruled on before it bites
            lodged = d.decided_at + timedelta(minutes=rng.randrange(120, 1800))
            ruled = d.decided_at + timedelta(minutes=rng.randrange(2160, 4200))
            last = n == len(decisions) - 1
            outcome = "overturned" if last and rng.random() < 0.2 else "upheld"
        if ruled >= END:
            continue
        d.overturned = outcome == "overturned"
        out.append(op("lodge", lodged, decision=d.id, by=liaison, grounds=grounds))
        ruling = (
            "The committee finds the decision proportionate to the assessed threat"
            if outcome == "upheld"
            else "The committee finds the assessed threat still requires this cover"
        )
        out.append(op("rule", ruled, decision=d.id, outcome=outcome, by=judge, reason=ruling))
    return out


def ratifications(
    decisions: list[Decision], committee: list[str], rng: random.Random
) -> list[dict[str, Any]]:
    """Nine in ten emergencies are ratified within the day; the rest stay flagged."""
    out = []
    for d in decisions:
        if d.emergency and d.approved and rng.random() < 0.9:
            at = d.decided_at + timedelta(minutes=rng.randrange(60, 1200))
            if at < END:
                reason = "The committee ratifies the emergency decision on the facts reported"
                out.append(op("ratify", at, decision=d.id, by=rng.choice(committee), reason=reason))
    return out


def _covers(decisions: list[Decision]) -> list[tuple[str, datetime, datetime, list[datetime]]]:
    """Each coverage that took effect: its id, opening, end, and the times it changed."""
    covers = []
    current: tuple[str, datetime, list[datetime]] | None = None
    for d in decisions:
        if not d.takes_effect:
            continue
        if d.action == "grant":
            current = (d.id, d.effective_at, [])
        elif current is not None:
            if d.action == "withdraw":
                covers.append((current[0], current[1], d.effective_at, current[2]))
                current = None
            else:
                current[2].append(d.effective_at)
    if current is not None:
        covers.append((current[0], current[1], END, current[2]))
    return covers


def reviews(plan: Plan, decisions: list[Decision], rng: random.Random) -> list[dict[str, Any]]:
    """Most open covers are reviewed within the 180 days; about one review in ten is late."""
    out = []
    reviewer = f"ap-{plan.provider.id}"
    for coverage, opened, ends, changes in _covers(decisions):
        last = opened
        while True:
            gap = rng.uniform(140, 178) if rng.random() < 0.9 else rng.uniform(185, 260)
            at = last + timedelta(days=gap)
            changed = [c for c in changes if last < c <= at]
            if changed:
                last = changed[0]
                continue
            if at >= ends - HOUR:
                break
            reason = "Reviewed against the current assessment and office; cover confirmed"
            out.append(op("review", at, coverage=coverage, by=reviewer, reason=reason))
            last = at
    return out


REPORT_TEXTS = (
    "Guards absent from the residence for two days without notice",
    "Escort vehicle withdrawn; only one constable on duty",
    "Detail reduced on the ground below the authorised complement",
    "Personnel reassigned to other duty without any decision on record",
)


def ground_reports(
    plan: Plan, decisions: list[Decision], counter: list[int], rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    reports: list[dict[str, Any]] = []
    resolutions: list[dict[str, Any]] = []
    person, provider = plan.person, plan.provider
    for _, opened, ends, _ in _covers(decisions):
        at = opened
        while True:
            at += timedelta(days=rng.expovariate(0.04 / 365))
            if at >= ends:
                break
            counter[0] += 1
            report_id = f"g-{counter[0]:06d}"
            use_liaison = person.liaisons and rng.random() < 0.5
            by = rng.choice(person.liaisons) if use_liaison else f"op-{provider.id}"
            reports.append(
                {
                    "id": report_id,
                    "protectee": person.id,
                    "provider": provider.id,
                    "reported_by": by,
                    "observed_at": text_time(at),
                    "text": rng.choice(REPORT_TEXTS),
                }
            )
            if rng.random() < 0.75:
                resolved = shift(at, rng, 1, 20)
                if resolved < END:
                    outcome = rng.choice(("restored", "unfounded"))
                    reason = "Inspected on site by the provider's desk; finding recorded"
                    resolutions.append(
                        op(
                            "resolve",
                            resolved,
                            report=report_id,
                            outcome=outcome,
                            by=f"ap-{provider.id}",
                            reason=reason,
                        )
                    )
    return reports, resolutions


def karachi_reports(
    plans: list[tuple[Plan, list[Decision]]], counter: list[int]
) -> list[dict[str, Any]]:
    """The case the project started from: one morning, Sindh Police cover withdrawn on the
    ground from one party's leaders with no decision on record (a CLUSTER for oversight)."""
    out = []
    for plan, decisions in plans:
        person = plan.person
        if plan.provider.id != "sindh-police" or not person.liaisons:
            continue
        if person.party_on(KARACHI_DAY.date()) != "MQM-P":
            continue
        if not any(opened <= KARACHI_DAY < ends for _, opened, ends, _ in _covers(decisions)):
            continue
        counter[0] += 1
        out.append(
            {
                "id": f"g-{counter[0]:06d}",
                "protectee": person.id,
                "provider": plan.provider.id,
                "reported_by": person.liaisons[0],
                "observed_at": text_time(KARACHI_DAY),
                "text": "Sindh Police personnel withdrawn without notice or reason",
            }
        )
        if len(out) == 6:
            break
    return out


def pools(
    providers: tuple[ProviderSpec, ...],
    plans: list[tuple[Plan, list[Decision]]],
    rng: random.Random,
) -> dict[str, tuple[int, int]]:
    """Each provider's sanctioned pool: its peak commitment plus headroom, except for three that
    committed more than they were sanctioned (R-SANCTION)."""
    changes: list[tuple[datetime, str, int, int]] = []
    for plan, decisions in plans:
        held = (0, 0)
        for d in sorted((d for d in decisions if d.takes_effect), key=lambda d: d.effective_at):
            if d.rank and not d.suspended:
                cat = category(plan.provider, d.rank)
                now = (cat.personnel, cat.vehicles)
            else:
                now = (0, 0)
            changes.append((d.effective_at, plan.provider.id, now[0] - held[0], now[1] - held[1]))
            held = now
    running: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    peak: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, provider, personnel, vehicles in sorted(changes):
        running[provider][0] += personnel
        running[provider][1] += vehicles
        peak[provider][0] = max(peak[provider][0], running[provider][0])
        peak[provider][1] = max(peak[provider][1], running[provider][1])
    short = set(rng.sample([p.id for p in providers if p.level != "federal"], 3))
    out = {}
    for p in providers:
        factor = rng.uniform(0.85, 0.97) if p.id in short else rng.uniform(1.08, 1.35)
        personnel, vehicles = peak[p.id]
        out[p.id] = (max(10, math.ceil(personnel * factor)), max(2, math.ceil(vehicles * factor)))
    return out
