"""Proposing, approving and rescinding over the in-memory unit of work."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from hifazat.domain.decision import Action, DecisionState
from hifazat.domain.errors import Refusal
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.times import Clock
from hifazat.services import decide
from hifazat.services.decide import Proposal
from tests.fakes import FakeStore
from tests.unit.services.conftest import NOW, REASON

WITHDRAWAL = Proposal(
    Action.WITHDRAW, "farooq-sattar", "sindh-police", "court-order", REASON, "ssu-operator"
)


def withdrawal(by: str = "ssu-operator", **changes: Any) -> Proposal:
    return replace(WITHDRAWAL, by=by, **changes)


def test_a_proposal_is_kept_and_entered(store: FakeStore, clock: Clock) -> None:
    proposed = decide.propose(store.uow(), withdrawal(), clock)
    decision = proposed.decision
    assert decision.state_at(NOW) is DecisionState.PROPOSED
    assert proposed.steps == ("approver",) and proposed.needs_committee == []
    assert store.committed == 1
    assert store.ledger == [("decision.proposed", decision.id)]
    assert store.uow().repo.decision(decision.id) == decision


def test_a_refused_proposal_keeps_the_attempt_and_nothing_else(
    store: FakeStore, clock: Clock
) -> None:
    before = store.uow().repo.decisions()
    with pytest.raises(Refusal) as refused:
        decide.propose(store.uow(), withdrawal(reason_code="politics", reason="x" * 30), clock)
    assert refused.value.rule == "R-REASON"
    assert store.uow().repo.decisions() == before
    [(kind, attempt)] = store.ledger
    assert kind == "attempt.refused"
    kept = store.state.attempts[attempt]
    assert (kept.command, kept.actor, kept.at) == ("decide", "ssu-operator", NOW)
    assert kept.subject["reason_code"] == "politics"
    assert [r["rule"] for r in kept.rules] == ["R-REASON"]
    assert store.committed == 1  # the attempt's own unit of work only


def test_the_approver_decides_and_the_protectee_and_liaison_are_told(
    store: FakeStore, clock: Clock
) -> None:
    proposed = decide.propose(store.uow(), withdrawal(), clock).decision
    decided = decide.approve(store.uow(), proposed.id, "ssu-chief", clock)
    assert decided.approved_by == "ssu-chief" and decided.decided_at == NOW
    assert decided.effective_at == NOW + timedelta(hours=72)  # the notice period
    assert decided.state_at(NOW) is DecisionState.APPROVED
    told = store.uow().repo.notices("farooq-sattar")
    assert sorted((n.recipient, n.recipient_kind) for n in told) == [
        ("farooq-sattar", "protectee"),
        ("mqm-liaison", "liaison"),
    ]
    assert all(n.decision_id == proposed.id and n.subject == "decision" for n in told)
    assert store.kinds() == [
        "decision.proposed",
        "decision.approved",
        "notice.created",
        "notice.created",
    ]


@pytest.mark.parametrize(
    ("proposer", "approver", "effective", "rule"),
    [
        ("ssu-operator", "ssu-operator", None, "R-AUTHORITY"),  # an operator may not approve
        ("ssu-chief", "ssu-chief", None, "R-AUTHORITY"),  # two-person rule
        ("ssu-operator", "ssu-chief", NOW + timedelta(hours=24), "R-NOTICE"),  # under 72 h
    ],
)
def test_a_refused_approval_leaves_the_decision_proposed(
    store: FakeStore,
    clock: Clock,
    proposer: str,
    approver: str,
    effective: datetime | None,
    rule: str,
) -> None:
    proposed = decide.propose(store.uow(), withdrawal(by=proposer), clock).decision
    with pytest.raises(Refusal) as refused:
        decide.approve(store.uow(), proposed.id, approver, clock, effective)
    assert refused.value.rule == rule
    assert store.uow().repo.decision(proposed.id) == proposed
    assert store.uow().repo.notices("farooq-sattar") == []
    assert store.kinds() == ["decision.proposed", "attempt.refused"]
    [attempt] = store.state.attempts.values()
    assert (attempt.command, attempt.actor) == ("approve", approver)


def test_under_high_threat_a_reduction_needs_the_approver_then_the_committee(
    store: FakeStore, clock: Clock
) -> None:
    with store.uow() as uow:
        uow.repo.add_assessment(
            ThreatAssessment(
                "ta-1",
                "farooq-sattar",
                "high",
                "Special Branch",
                NOW - timedelta(days=2),
                NOW + timedelta(days=90),
                "Credible threats after the January statements",
                "special-branch",
                NOW - timedelta(days=2),
            )
        )
        uow.commit()
    proposed = decide.propose(store.uow(), withdrawal(), clock)
    assert proposed.steps == ("approver", "committee")
    recommended = decide.approve(store.uow(), proposed.decision.id, "ssu-chief", clock)
    assert recommended.decided_at is None
    assert [(s.step, s.role, s.by) for s in recommended.steps] == [(1, "approver", "ssu-chief")]
    assert decide.next_role(store.uow(), proposed.decision.id, NOW) == "committee"
    with pytest.raises(Refusal):  # the committee's step is not the approver's
        decide.approve(store.uow(), proposed.decision.id, "ssu-chief", clock)
    decided = decide.approve(store.uow(), proposed.decision.id, "ptac-chair", clock)
    assert decided.approved_by == "ptac-chair" and decided.state_at(NOW) is DecisionState.APPROVED
    assert store.kinds()[:2] == ["decision.proposed", "decision.step_approved"]
    assert ("decision.step_approved", f"{proposed.decision.id} 1") in store.ledger
    assert "decision.approved" in store.kinds()


def test_rescinding_an_approved_decision_tells_those_told_of_it(
    store: FakeStore, clock: Clock
) -> None:
    proposed = decide.propose(store.uow(), withdrawal(), clock).decision
    decide.approve(store.uow(), proposed.id, "ssu-chief", clock)
    rescinded = decide.rescind(
        store.uow(), proposed.id, "ssu-chief", "The court order was set aside on appeal", clock
    )
    assert rescinded.rescinded_by == "ssu-chief"
    assert rescinded.state_at(NOW) is DecisionState.RESCINDED
    assert store.uow().repo.decision(proposed.id).rescinded_at == NOW
    told = [n for n in store.uow().repo.notices("farooq-sattar") if n.subject == "rescission"]
    assert len(told) == 2
    earlier = {n.recipient: n.id for n in store.uow().repo.notices("farooq-sattar")
               if n.subject == "decision"}  # fmt: skip
    assert {n.body["amends"] for n in told} == set(earlier.values())
    assert store.kinds()[-3:] == ["decision.rescinded", "notice.created", "notice.created"]


def test_a_refused_rescission_keeps_the_attempt(store: FakeStore, clock: Clock) -> None:
    proposed = decide.propose(store.uow(), withdrawal(), clock).decision
    with pytest.raises(Refusal):
        decide.rescind(store.uow(), proposed.id, "mqm-liaison", REASON, clock)
    assert store.uow().repo.decision(proposed.id).rescinded_at is None
    assert store.kinds() == ["decision.proposed", "attempt.refused"]
