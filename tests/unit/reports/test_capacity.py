"""Capacity and cost on a hand-computed registry of two providers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from hifazat.domain.decision import Action, Basis, Decision
from hifazat.domain.protectee import Office, Protectee
from hifazat.domain.provider import Category, Provider
from hifazat.domain.threat import ThreatAssessment
from hifazat.reports.capacity import Complement, History, capacity, cost
from tests.unit.domain.builders import LEADER, POLICY, SINDH, T0, approved, decision

DAY = timedelta(days=1)
NOW = T0
# pool 20 personnel, 4 vehicles
MOI = Provider(
    "moi-federal",
    "Ministry of Interior",
    "federal",
    "Pakistan",
    20,
    4,
    (Category("escort", "Escort", 1, 3, 1), Category("full", "Full", 2, 6, 2)),
)
PRIVATE = Protectee("bilal", "Bilal", False)  # no office, not a public figure
MPA = Protectee("chand", "Chand", True, (Office("mpa", "MPA", date(2024, 1, 1)),))
EXPIRED = ThreatAssessment(
    "t-1", "bilal", "moderate", "CTD", T0 - 60 * DAY, T0 - 5 * DAY, "", "intel", T0 - 60 * DAY
)


def step(
    ident: str,
    action: Action,
    at: datetime,
    *,
    who: str = "ali",
    provider: str = SINDH.id,
    category: str | None = None,
    basis: Basis | None = None,
    effective: datetime | None = None,
) -> Decision:
    extra = {"category": category} if category else {}
    if basis:
        extra |= {"basis": basis}
    made = decision(action, id=ident, protectee_id=who, provider_id=provider, **extra)
    return approved(replace(made, proposed_at=at - DAY), at, effective)


def registry(decisions: Sequence[Decision]) -> History:
    return History(
        POLICY,
        {SINDH.id: SINDH, MOI.id: MOI},
        {p.id: p for p in (LEADER, PRIVATE, MPA)},
        decisions,
        (EXPIRED,),
    )


class TestCapacity:
    DECISIONS = (
        # Sindh (pool 10 / 2): Ali dedicated 8/2, a downgrade to standard 4/1 pending;
        # Chand's nominal 2/0 suspended.
        step("s-1", Action.GRANT, T0 - 30 * DAY),
        step("s-2", Action.DOWNGRADE, T0 - DAY, category="standard", effective=T0 + 2 * DAY),
        step("s-3", Action.GRANT, T0 - 10 * DAY, who="chand", category="nominal"),
        step("s-4", Action.SUSPEND, T0 - 2 * DAY, who="chand"),
        # MoI (pool 20 / 4): Bilal's escort 3/1 on an expired threat; Ali full 6/2.
        step(
            "m-1",
            Action.GRANT,
            T0 - 20 * DAY,
            who="bilal",
            provider=MOI.id,
            category="escort",
            basis=Basis.THREAT,
        ),
        step("m-2", Action.GRANT, T0 - 15 * DAY, provider=MOI.id, category="full"),
        # proposed only: neither committed nor pending
        replace(
            step("m-3", Action.WITHDRAW, T0, provider=MOI.id), decided_at=None, approved_by=None
        ),
    )

    def test_committed_pending_and_unbased_per_provider(self) -> None:
        moi, sindh = capacity(registry(self.DECISIONS), NOW)
        assert sindh.provider == "sindh-police"
        assert sindh.committed == Complement(8, 2) and sindh.utilisation(sindh.committed) == (
            80.0,
            100.0,
        )
        assert sindh.after_pending == Complement(4, 1) and sindh.pending == ("s-2",)
        assert sindh.utilisation(sindh.after_pending) == (40.0, 50.0)
        assert sindh.unbased == Complement() and sindh.unbased_covers == ()
        assert moi.committed == Complement(9, 3) and moi.utilisation(moi.committed) == (45.0, 75.0)
        assert moi.after_pending == moi.committed and moi.pending == ()
        assert moi.unbased == Complement(3, 1) and moi.unbased_covers == ("m-1",)

    def test_once_the_downgrade_bites_it_is_committed(self) -> None:
        _, sindh = capacity(registry(self.DECISIONS), NOW + 3 * DAY)
        assert sindh.committed == sindh.after_pending == Complement(4, 1)

    def test_as_dict_is_json_ready(self) -> None:
        rows = [c.as_dict() for c in capacity(registry(self.DECISIONS), NOW)]
        assert json.loads(json.dumps(rows)) == rows
        assert rows[1]["after_pending"] == {
            "personnel": 4,
            "vehicles": 1,
            "personnel_pct": 40.0,
            "vehicles_pct": 50.0,
        }


class TestCost:
    START = T0
    END = T0 + 30 * DAY
    DECISIONS = (
        # Ali: nominal 2/0 from before the period, dedicated 8/2 from day 10, suspended
        # days 20-25, resumed to the end. A pending withdrawal costs nothing.
        step("s-1", Action.GRANT, T0 - 5 * DAY, category="nominal"),
        step("s-2", Action.UPGRADE, T0 + 10 * DAY, category="dedicated"),
        step("s-3", Action.SUSPEND, T0 + 20 * DAY),
        step("s-4", Action.RESUME, T0 + 25 * DAY),
        step("s-5", Action.WITHDRAW, T0 + 38 * DAY, effective=T0 + 45 * DAY),
        # Bilal (a private person): escort 3/1 from day 15.
        step(
            "m-1",
            Action.GRANT,
            T0 + 15 * DAY,
            who="bilal",
            provider=MOI.id,
            category="escort",
            basis=Basis.THREAT,
        ),
    )

    def test_days_are_integrated_piecewise_and_private_cover_priced(self) -> None:
        result = cost(registry(self.DECISIONS), self.START, self.END, T0 + 40 * DAY, 1000, 500)
        moi, sindh = result.providers
        # 2 x 10 + 8 x 10 + 0 x 5 + 8 x 5 officer-days; 0 + 2 x 10 + 0 + 2 x 5 vehicle-days
        assert (sindh.officer_days, sindh.vehicle_days) == pytest.approx((140, 30))
        assert sindh.recoverable == 0.0  # Ali is a public figure
        # 3 x 15 officer-days and 1 x 15 vehicle-days at 1000 and 500 a day
        assert (moi.officer_days, moi.vehicle_days) == pytest.approx((45, 15))
        assert moi.recoverable == pytest.approx(52_500)
        ali, bilal = result.protectees
        assert (ali.subject, ali.recoverable) == ("ali", None)
        assert ali.officer_days == pytest.approx(140)
        assert bilal.subject == "bilal" and bilal.recoverable == pytest.approx(52_500)

    def test_only_the_past_is_costed_and_unpriced_cover_recovers_nothing(self) -> None:
        result = cost(registry(self.DECISIONS), self.START, self.END, T0 + 20 * DAY)
        moi, sindh = result.providers
        assert sindh.officer_days == pytest.approx(2 * 10 + 8 * 10)
        assert moi.officer_days == pytest.approx(3 * 5) and moi.recoverable is None
        assert all(line.recoverable is None for line in result.protectees)
        assert json.loads(json.dumps(result.as_dict())) == result.as_dict()
