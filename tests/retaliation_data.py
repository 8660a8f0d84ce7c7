"""Synthetic histories for the retaliation test: parties with dated public events, and one
provider's cuts of their protectees' cover, either spread evenly over the year (unbiased) or
concentrated in the 14 days after each event (planted: `concentration` times the rate inside a
window as outside it — a relative risk, as the fairness audit's planted bias is).

Each party is one seed, so many seeds share one registry: a test imports them all as one
scenario file and runs the audit once. Every protectee is a private person granted cover before
the year begins and cut once in it, at its own request (a reason that needs no committee)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 1, 10, tzinfo=UTC)
WINDOW = timedelta(days=14)
PROVIDER = "city-police"
#: events a party held in the year, and cuts of its protectees' cover
EVENTS = 8
CUTS = 60


@dataclass(frozen=True)
class Party:
    name: str
    events: tuple[datetime, ...]
    cuts: tuple[datetime, ...]


def party(name: str, seed: int, concentration: float = 1.0, cuts: int = CUTS) -> Party:
    """Events at random instants of the year; cuts drawn by rejection, each instant kept with
    weight `concentration` inside a window after an event and 1 outside."""
    rng = random.Random(seed)
    span = (END - START).total_seconds()
    events = sorted(rng.uniform(0, span) for _ in range(EVENTS))
    window = WINDOW.total_seconds()
    drawn: list[float] = []
    while len(drawn) < cuts:
        t = rng.uniform(0, span - 86400)
        inside = any(0 <= t - e < window for e in events)
        if rng.random() < (concentration if inside else 1.0) / max(concentration, 1.0):
            drawn.append(t)
    at = [START + timedelta(seconds=round(t)) for t in sorted(drawn)]
    return Party(
        name,
        tuple(START + timedelta(seconds=round(e)) for e in events),
        tuple(at),
    )


def evenly(name: str, seed: int, cuts: int) -> Party:
    """Cuts at even intervals through the year, whatever the events: frequent, and timed by
    nothing."""
    rng = random.Random(seed)
    span = (END - START).total_seconds()
    step = span / cuts
    events = sorted(rng.uniform(0, span) for _ in range(EVENTS))
    return Party(
        name,
        tuple(START + timedelta(seconds=round(e)) for e in events),
        tuple(START + timedelta(seconds=round(step * (n + 0.5))) for n in range(cuts)),
    )


def _t(at: datetime) -> str:
    return at.isoformat()


#: cuts per protectee: three downgrades from the top category, then the withdrawal
PER_PERSON = 4


def scenario(parties: list[Party], policy: bool = True) -> str:
    """The parties as one scenario file (the shipped policy beside it, as `write_scenario`
    arranges; leave it out to add to a registry that holds one). A protectee is granted the
    top of four categories before the year and cut PER_PERSON times in it (the party's cuts
    dealt round, so one person's are far apart)."""
    lines = [
        "version: 1",
        *(["policy: ../policies/pk-sindh-illustrative.yaml"] if policy else []),
        "providers:",
        f"  - {{id: {PROVIDER}, name: City Police, level: provincial, jurisdiction: Sindh, "
        "pool: {personnel: 100000, vehicles: 1000}, categories: ["
        + ", ".join(
            f"{{id: c{r}, name: Level {r}, rank: {r}, personnel: {r}, vehicles: 0}}"
            for r in range(1, PER_PERSON + 1)
        )
        + "]}",
        "users:",
        f"  - {{id: desk, name: Desk officer, roles: [operator@{PROVIDER}]}}",
        f"  - {{id: chief, name: Chief, roles: [approver@{PROVIDER}]}}",
        "  - {id: watch, name: Auditor, roles: [auditor]}",
        "protectees:",
    ]
    decisions, events = [], []
    for p in parties:
        people = -(-len(p.cuts) // PER_PERSON)
        for person in range(people):
            pid = f"{p.name}-{person:03}"
            lines.append(f"  - {{id: {pid}, name: Person {pid}, affiliation: {p.name}}}")
            granted = START - timedelta(days=30)
            decisions.append(
                f"  - {{id: g-{pid}, protectee: {pid}, provider: {PROVIDER}, action: grant, "
                f"category: c{PER_PERSON}, basis: threat, reason_code: protectee-request, "
                "reason: Asked for a guard after threats at home, proposed_by: desk, "
                f'approved_by: chief, decided_at: "{_t(granted)}", '
                f'effective_at: "{_t(granted + timedelta(hours=1))}"}}'
            )
            mine = p.cuts[person::people]
            for n, cut in enumerate(mine):
                assert n == 0 or cut - mine[n - 1] > timedelta(days=5), "cuts too close"
                left = PER_PERSON - 1 - n
                change = f"action: downgrade, category: c{left}" if left else "action: withdraw"
                decisions.append(
                    f"  - {{id: r-{pid}-{n}, protectee: {pid}, provider: {PROVIDER}, {change}, "
                    "reason_code: protectee-request, reason: Asked that the guard be reduced now, "
                    f'proposed_by: desk, approved_by: chief, decided_at: "{_t(cut)}", '
                    f'effective_at: "{_t(cut + timedelta(days=4))}"}}'
                )
        for n, at in enumerate(p.events):
            events.append(
                f'  - {{id: ev-{p.name}-{n}, at: "{_t(at)}", affiliation: {p.name}, '
                f"kind: protest, title: Rally {n} of {p.name}, "
                f'source: "https://news.example/{p.name}/{n}", entered_by: watch}}'
            )
    return "\n".join([*lines, "decisions:", *decisions, "events:", *events]) + "\n"
