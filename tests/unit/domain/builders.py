"""Small domain objects for unit tests, close to the Karachi scenario."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hifazat.domain.decision import Action, Basis, Decision
from hifazat.domain.policy import Entitlement, Policy
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.provider import Category, Provider
from hifazat.domain.rules.context import DecisionContext, Stage
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.users import User

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)

POLICY = Policy(
    id="test",
    name="Test policy",
    timezone="Asia/Karachi",
    reason_codes={
        "office-entitlement": "office",
        "court-order": "court",
        "resource-redeployment": "resources",
        "threat-assessed": "threat",
    },
    min_reason_length=20,
    two_person_rule=True,
    notice_period=timedelta(hours=72),
    emergency_ratification_within=timedelta(hours=24),
    review_every=timedelta(days=180),
    appeal_decide_within=timedelta(days=14),
    small_cell_threshold=5,
    entitlements=(Entitlement("provincial-opposition-leader", "provincial", 2),),
    floor_exempt_reasons=frozenset({"court-order"}),
    threat_floors={"high": 2, "severe": 3},
)

SINDH = Provider(
    "sindh-police",
    "Sindh Police",
    "provincial",
    "Sindh",
    10,
    2,
    (
        Category("nominal", "Nominal", 1, 2, 0),
        Category("standard", "Standard", 2, 4, 1),
        Category("dedicated", "Dedicated", 3, 8, 2),
    ),
)

LEADER = Protectee(
    "ali",
    "Ali",
    True,
    (Office("provincial-opposition-leader", "Opposition Leader", date(2024, 3, 1)),),
    (Affiliation("MQM-P"),),
)

OPERATOR = User("op", "Operator", frozenset({"operator@sindh-police"}))
CHIEF = User("chief", "Chief", frozenset({"approver@sindh-police"}))
COMMITTEE = User("chair", "Chair", frozenset({"committee"}))


def decision(action: Action = Action.GRANT, **kw: Any) -> Decision:
    base = Decision(
        id=kw.pop("id", "d-1"),
        protectee_id="ali",
        provider_id="sindh-police",
        action=action,
        category_id=kw.pop("category", "dedicated" if action is Action.GRANT else None),
        basis=kw.pop("basis", Basis.POSITIONAL if action is Action.GRANT else None),
        reason_code="office-entitlement",
        reason="Leader of the Opposition in the Sindh Assembly",
        proposed_by="op",
        proposed_at=T0,
    )
    return replace(base, **kw)


def approved(d: Decision, at: datetime, effective: datetime | None = None) -> Decision:
    return replace(d, approved_by="chief", decided_at=at, effective_at=effective or at)


def context(
    d: Decision,
    *,
    history: tuple[Decision, ...] = (),
    actor: User = OPERATOR,
    stage: Stage = Stage.PROPOSE,
    at: datetime = T0,
    assessments: tuple[ThreatAssessment, ...] = (),
    protectee: Protectee = LEADER,
) -> DecisionContext:
    return DecisionContext(POLICY, d, protectee, SINDH, history, assessments, actor, stage, at)


GRANTED = approved(decision(id="d-0"), T0 - timedelta(days=30))
