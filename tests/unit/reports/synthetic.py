"""A seeded synthetic registry for the fairness audit: protectees in three cohorts, four
affiliations, cover granted before or early in a 90-day period, then withdrawals and
downgrades at a base rate — and, where asked, extra ones against one affiliation."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from hifazat.domain.decision import Action, Basis, Decision
from hifazat.domain.policy import Entitlement
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.threat import ThreatAssessment
from hifazat.reports.cohorts import Cohort
from hifazat.reports.history import History
from tests.unit.domain.builders import POLICY, SINDH, T0, approved, decision

DAY = timedelta(days=1)
START = T0
END = T0 + 90 * DAY
NOW = END + DAY
AFFILIATIONS = ("MQM-P", "PML-N", "PPP", "PTI")
#: (office class, threat level) and each cohort's share of the protectees
COHORTS = ((Cohort("mna", "none"), 1), (Cohort("mpa", "none"), 2), (Cohort("mpa", "high"), 1))
PLANTED = Cohort("mpa", "none")
TARGET = "PTI"
SYNTH_POLICY = replace(
    POLICY,
    entitlements=(*POLICY.entitlements, Entitlement("mna", "provincial", 2)),
)


@dataclass
class Synthetic:
    history: History
    #: (cohort, affiliation) -> the adverse decision ids generated there
    adverse: dict[tuple[Cohort, str], set[str]] = field(default_factory=dict)


def _protectee(n: int, cohort: Cohort, affiliation: str) -> Protectee:
    office = Office(cohort.office_class, cohort.office_class.upper(), date(2020, 1, 1))
    return Protectee(f"p-{n:04}", f"Person {n}", True, (office,), (Affiliation(affiliation),))


def _assessment(protectee_id: str, level: str) -> ThreatAssessment:
    at = START - 200 * DAY
    return ThreatAssessment(
        f"t-{protectee_id}", protectee_id, level, "CTD", at, END + 200 * DAY, "", "intel", at
    )


def _decided(action: Action, ident: str, protectee_id: str, at_day: float) -> Decision:
    at = START + at_day * DAY
    extra = {"category": "standard"} if action is Action.DOWNGRADE else {}
    made = decision(action, id=ident, protectee_id=protectee_id, **extra)
    return approved(replace(made, proposed_at=at - DAY), at - DAY, at)


def generate(
    seed: int, size: int = 300, base_rate: float = 0.15, relative_risk: float = 1.0
) -> Synthetic:
    """`relative_risk` multiplies the base rate for TARGET protectees in the PLANTED cohort."""
    rng = random.Random(seed)
    shares = [c for c, share in COHORTS for _ in range(share)]
    protectees, decisions, assessments = {}, [], []
    adverse: dict[tuple[Cohort, str], set[str]] = defaultdict(set)
    for n in range(size):
        cohort, affiliation = shares[n % len(shares)], rng.choice(AFFILIATIONS)
        person = _protectee(n, cohort, affiliation)
        protectees[person.id] = person
        if cohort.threat_level != "none":
            assessments.append(_assessment(person.id, cohort.threat_level))
        granted = rng.uniform(-300, -1) if rng.random() < 0.9 else rng.uniform(0, 30)
        grant = _decided(Action.GRANT, f"g-{n:04}", person.id, granted)
        decisions.append(replace(grant, basis=Basis.POSITIONAL))
        rate = base_rate
        if (cohort, affiliation) == (PLANTED, TARGET):
            rate = min(1.0, base_rate * relative_risk)
        if rng.random() < rate:
            action = rng.choice((Action.WITHDRAW, Action.DOWNGRADE))
            when = rng.uniform(max(granted, 0) + 1, 89)
            decisions.append(_decided(action, f"a-{n:04}", person.id, when))
            adverse[(cohort, affiliation)].add(f"a-{n:04}")
    history = History(
        SYNTH_POLICY, {SINDH.id: SINDH}, protectees, decisions, assessments, reports=()
    )
    return Synthetic(history, dict(adverse))
