"""Histories for the transparency report: two providers with the same three tiers, public
figures and private persons with names that cannot occur by accident in a report, and a
Hypothesis strategy of random lives of cover (grants, upgrades, cuts, suspensions,
withdrawals, emergencies, appeals) with counts small enough to hit the threshold."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from hifazat.domain.appeal import Appeal, AppealOutcome
from hifazat.domain.decision import REDUCING, Action, Decision
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.provider import Category, Provider
from hifazat.reports.history import History
from tests.unit.domain.builders import POLICY, SINDH, T0, approved, decision

DAY = timedelta(days=1)
START, END = T0, T0 + 90 * DAY
NOW = END + DAY
FEDERAL = Provider(
    "moi-federal",
    "Ministry of Interior",
    "federal",
    "Pakistan",
    400,
    60,
    (
        Category("nominal", "Nominal", 1, 2, 0),
        Category("standard", "Standard", 2, 3, 1),
        Category("dedicated", "Dedicated", 3, 6, 2),
    ),
)
PROVINCE = replace(SINDH, pool_personnel=120, pool_vehicles=20)
PROVIDERS = {PROVINCE.id: PROVINCE, FEDERAL.id: FEDERAL}
RANKS = {1: "nominal", 2: "standard", 3: "dedicated"}
PARTIES = ("MQM-P", "PPP", "PTI")


def person(n: int, public: bool, party: str = "PTI") -> Protectee:
    """Names no report could contain unless it named the person: `Prvx7Qz`, `Pubf7Fig`."""
    ident, name = (f"pub-{n}", f"Pubf{n}Fig") if public else (f"prv-{n}-id", f"Prvx{n}Qz")
    office = Office("mpa", "Member of the Provincial Assembly", date(2020, 1, 1))
    return Protectee(ident, name, public, (office,), (Affiliation(party),))


def made(
    ident: str,
    action: Action,
    protectee: str,
    provider: str,
    day: float,
    category: str | None = None,
    reason_code: str = "office-entitlement",
    emergency: bool = False,
) -> Decision:
    """An approved decision taking effect `day` days after T0 (negative: before it)."""
    at = T0 + day * DAY
    extra = {"category": category} if category is not None else {}
    d = decision(action, id=ident, protectee_id=protectee, provider_id=provider, **extra)
    d = replace(d, proposed_at=at - DAY, reason_code=reason_code, emergency=emergency)
    return approved(d, at)


def history(
    people: list[Protectee], decisions: list[Decision], providers: dict[str, Provider] | None = None
) -> History:
    return History(POLICY, providers or PROVIDERS, {p.id: p for p in people}, decisions)


@dataclass(frozen=True)
class Scenario:
    history: History
    appeals: tuple[Appeal, ...]
    now: datetime

    @property
    def private(self) -> list[Protectee]:
        return [p for p in self.history.protectees.values() if not p.public_figure]

    @property
    def public(self) -> list[Protectee]:
        return [p for p in self.history.protectees.values() if p.public_figure]


_FOLLOWING = {
    "active": (Action.UPGRADE, Action.DOWNGRADE, Action.SUSPEND, Action.WITHDRAW),
    "suspended": (Action.RESUME, Action.WITHDRAW),
    "withdrawn": (Action.GRANT,),
}


@st.composite
def _life(draw: st.DrawFn, protectee: str, provider: str) -> tuple[list[Decision], list[Appeal]]:
    """One cover's decisions, each fitting the state the previous ones left."""
    decisions, appeals = [], []
    day = draw(st.integers(-300, 80))
    rank = draw(st.integers(1, 3))
    state, action = "active", Action.GRANT
    for n in range(draw(st.integers(1, 4))):
        if n:
            options = [
                a
                for a in _FOLLOWING[state]
                if not (a is Action.UPGRADE and rank == 3)
                and not (a is Action.DOWNGRADE and rank == 1)
            ]
            action = draw(st.sampled_from(options))
            day += draw(st.integers(1, 40))
            if action is Action.UPGRADE:
                rank = draw(st.integers(rank + 1, 3))
            elif action is Action.DOWNGRADE:
                rank = draw(st.integers(1, rank - 1))
            elif action is Action.GRANT:
                rank = draw(st.integers(1, 3))
            state = {Action.SUSPEND: "suspended", Action.WITHDRAW: "withdrawn"}.get(
                action, "active"
            )
        with_category = action in (Action.GRANT, Action.UPGRADE, Action.DOWNGRADE)
        ident = f"d-{protectee}-{provider}-{n}"
        decisions.append(
            made(
                ident,
                action,
                protectee,
                provider,
                day,
                RANKS[rank] if with_category else None,
                reason_code=draw(st.sampled_from(sorted(POLICY.reason_codes))),
                emergency=draw(st.booleans()) and draw(st.booleans()),
            )
        )
        if action in REDUCING and draw(st.booleans()):
            appeals.append(_appeal(ident, protectee, day, draw(st.integers(1, 30)), draw))
    return decisions, appeals


def _appeal(decision_id: str, protectee: str, day: int, wait: int, draw: st.DrawFn) -> Appeal:
    lodged = T0 + (day + 1) * DAY
    outcome = draw(st.sampled_from([None, AppealOutcome.UPHELD, AppealOutcome.OVERTURNED]))
    decided = None if outcome is None else lodged + wait * DAY
    return Appeal(
        f"a-{decision_id}",
        decision_id,
        protectee,
        protectee,
        lodged,
        "The withdrawal leaves me exposed to a known threat",
        outcome,
        None if outcome is None else "chair",
        decided,
        None if outcome is None else "Reasons given at the hearing",
    )


def _purged(protectee: str, provider: str, day: int) -> list[Decision]:
    """Cover granted before the period and withdrawn early in it, as in a purge."""
    return [
        made(f"d-{protectee}-{provider}-0", Action.GRANT, protectee, provider, -50, "standard"),
        made(f"d-{protectee}-{provider}-1", Action.WITHDRAW, protectee, provider, day),
    ]


@st.composite
def scenarios(draw: st.DrawFn, most: int = 30) -> Scenario:
    """Random lives of cover; in some, one provider purges one party's protectees within a
    week, so that fairness findings (disparity, cluster) are published too."""
    people, decisions, appeals = [], [], []
    purge = draw(st.sampled_from([None, *((p, v) for p in PARTIES for v in sorted(PROVIDERS))]))
    for n in range(draw(st.integers(0, most))):
        one = person(n, draw(st.booleans()), draw(st.sampled_from(PARTIES)))
        people.append(one)
        for provider in sorted(PROVIDERS):
            if purge == (one.affiliations[0].name, provider) and draw(st.booleans()):
                decisions += _purged(one.id, provider, 10 + draw(st.integers(0, 6)))
            elif draw(st.booleans()):
                made_here, lodged = draw(_life(one.id, provider))
                decisions += made_here
                appeals += lodged
    now = draw(st.sampled_from([NOW, T0 + 45 * DAY]))
    return Scenario(history(people, decisions), tuple(appeals), now)


KHALID = Protectee(
    "khalid-maqbool-siddiqui",
    "Khalid Maqbool Siddiqui",
    True,
    (Office("mpa", "Member of the Provincial Assembly", date(2020, 1, 1)),),
    (Affiliation("MQM-P"),),
)
FAROOQ = replace(KHALID, id="farooq-sattar", name="Farooq Sattar")
NASREEN = replace(
    KHALID, id="nasreen-jalil", name="Nasreen Jalil", affiliations=(Affiliation("PPP"),)
)
#: private persons, each with a name to look for in every output
SINDH_NOMINAL = [person(n, False, "PPP") for n in range(6)]
SINDH_DEDICATED = [person(n, False, "MQM-P") for n in range(6, 8)]
FEDERAL_STANDARD = [person(n, False, "PPP") for n in range(8, 15)]
PURGED = [person(n, False, "PTI") for n in range(15, 20)]
RASHID = replace(person(20, False, "MQM-P"), name="Rashid Withdrawn")


def sample() -> tuple[History, tuple[Appeal, ...]]:
    """A period in which a public figure loses cover, another is cut, a private person loses
    theirs, six private persons get emergency cover never ratified, and the federal provider
    withdraws cover from five private PTI members within five days — who all appeal."""
    sindh, federal = PROVINCE.id, FEDERAL.id
    decisions = [
        made("k-1", Action.GRANT, KHALID.id, sindh, -100, "dedicated"),
        made("k-2", Action.GRANT, KHALID.id, federal, -100, "standard"),
        made("f-1", Action.GRANT, FAROOQ.id, sindh, -100, "standard"),
        made("f-2", Action.WITHDRAW, FAROOQ.id, sindh, 20, reason_code="resource-redeployment"),
        made("n-1", Action.GRANT, NASREEN.id, federal, -100, "dedicated"),
        made("n-2", Action.DOWNGRADE, NASREEN.id, federal, 30, "nominal", "court-order"),
        made("r-1", Action.GRANT, RASHID.id, sindh, -100, "nominal"),
        made("r-2", Action.WITHDRAW, RASHID.id, sindh, 15, reason_code="resource-redeployment"),
    ]
    for n, p in enumerate(SINDH_NOMINAL):
        decisions.append(made(f"sn-{n}", Action.GRANT, p.id, sindh, 5, "nominal", emergency=True))
    for n, p in enumerate(SINDH_DEDICATED):
        decisions.append(made(f"sd-{n}", Action.GRANT, p.id, sindh, -50, "dedicated"))
    for n, p in enumerate(FEDERAL_STANDARD):
        decisions.append(made(f"fs-{n}", Action.GRANT, p.id, federal, -200, "standard"))
    appeals = [
        Appeal("ap-f", "f-2", FAROOQ.id, FAROOQ.id, T0 + 22 * DAY, "No reason was given to me")
    ]
    for n, p in enumerate(PURGED):
        decisions.append(made(f"pg-{n}", Action.GRANT, p.id, federal, -100, "nominal"))
        withdrawn = made(
            f"pw-{n}", Action.WITHDRAW, p.id, federal, 12 + n, reason_code="resource-redeployment"
        )
        decisions.append(withdrawn)
        outcome = AppealOutcome.UPHELD if n < 3 else AppealOutcome.OVERTURNED
        decided = T0 + (30 + n) * DAY
        appeals.append(
            Appeal(
                f"ap-{n}",
                withdrawn.id,
                p.id,
                p.id,
                T0 + 20 * DAY,
                "Withdrawn with four others of my party in one week",
                outcome,
                "chair",
                decided,
                "Decided on the file",
            )
        )
    people = [
        KHALID,
        FAROOQ,
        NASREEN,
        RASHID,
        *SINDH_NOMINAL,
        *SINDH_DEDICATED,
        *FEDERAL_STANDARD,
        *PURGED,
    ]
    return history(people, decisions), tuple(appeals)
