"""Appeals over the in-memory unit of work: lodging holds a pending decision, the committee
rules on it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hifazat.domain.appeal import AppealOutcome
from hifazat.domain.decision import Action, Decision, DecisionState
from hifazat.domain.errors import Conflict, Refusal
from hifazat.domain.times import Clock
from hifazat.services import appeals, decide
from hifazat.services.decide import Proposal
from tests.fakes import FakeStore
from tests.unit.services.conftest import NOW, REASON

GROUNDS = "No threat assessment was considered before the withdrawal"
RULING = "The withdrawal ignored the threat the protectee faces"


def approved_withdrawal(store: FakeStore, clock: Clock, emergency: bool = False) -> Decision:
    proposal = Proposal(
        Action.WITHDRAW, "farooq-sattar", "sindh-police", "court-order", REASON, "ssu-operator",
        emergency=emergency,
    )  # fmt: skip
    proposed = decide.propose(store.uow(), proposal, clock).decision
    return decide.approve(store.uow(), proposed.id, "ssu-chief", clock)


def test_a_liaison_lodges_an_appeal_that_holds_the_decision(store: FakeStore, clock: Clock) -> None:
    decision = approved_withdrawal(store, clock)
    appeal = appeals.lodge(store.uow(), decision.id, "mqm-liaison", f"  {GROUNDS}  ", clock)
    assert (appeal.decision_id, appeal.protectee_id, appeal.lodged_by) == (
        decision.id,
        "farooq-sattar",
        "mqm-liaison",
    )
    assert appeal.grounds == GROUNDS
    held = store.uow().repo.decision(decision.id)
    assert held.hold is not None and held.hold.appeal == appeal.id
    assert held.state_at(NOW + timedelta(days=5)) is DecisionState.HELD  # past its effective time
    assert ("appeal.lodged", appeal.id) in store.ledger
    told = [n for n in store.uow().repo.notices("farooq-sattar") if n.subject == "appeal-lodged"]
    assert {n.recipient for n in told} == {"farooq-sattar", "mqm-liaison"}


def test_only_the_protectee_or_a_liaison_may_appeal(store: FakeStore, clock: Clock) -> None:
    decision = approved_withdrawal(store, clock)
    before = store.kinds()
    with pytest.raises(Refusal) as refused:
        appeals.lodge(store.uow(), decision.id, "ssu-operator", GROUNDS, clock)
    assert refused.value.rule == "R-AUTHORITY"
    assert store.uow().repo.appeals(decision_id=decision.id) == []
    assert store.kinds() == [*before, "attempt.refused"]


def test_overturning_a_held_decision_keeps_it_from_taking_effect(
    store: FakeStore, clock: Clock
) -> None:
    decision = approved_withdrawal(store, clock)
    appeal = appeals.lodge(store.uow(), decision.id, "mqm-liaison", GROUNDS, clock)
    ruled = appeals.decide_appeal(
        store.uow(), appeal.id, AppealOutcome.OVERTURNED, RULING, "ptac-chair", clock
    )
    assert (ruled.outcome, ruled.decided_by, ruled.restoring_decision) == (
        AppealOutcome.OVERTURNED,
        "ptac-chair",
        None,  # held, it never took effect: nothing to restore
    )
    after = store.uow().repo.decision(decision.id)
    assert after.state_at(NOW + timedelta(days=5)) is not DecisionState.EFFECTIVE
    assert store.kinds()[-3:] == ["appeal.decided", "notice.created", "notice.created"]
    with pytest.raises(Conflict):
        appeals.decide_appeal(
            store.uow(), appeal.id, AppealOutcome.UPHELD, RULING, "ptac-chair", clock
        )


def test_overturning_a_change_in_effect_restores_the_cover(store: FakeStore, clock: Clock) -> None:
    decision = approved_withdrawal(store, clock, emergency=True)  # in effect at once
    assert decision.effective_at == NOW
    appeal = appeals.lodge(store.uow(), decision.id, "mqm-liaison", GROUNDS, clock)
    ruled = appeals.decide_appeal(
        store.uow(), appeal.id, AppealOutcome.OVERTURNED, RULING, "ptac-chair", clock
    )
    assert ruled.restoring_decision is not None
    restoring = store.uow().repo.decision(ruled.restoring_decision)
    assert (restoring.action, restoring.category_id, restoring.approved_by) == (
        Action.GRANT,
        "nominal",
        "ptac-chair",
    )


def test_the_committee_alone_rules(store: FakeStore, clock: Clock) -> None:
    decision = approved_withdrawal(store, clock)
    appeal = appeals.lodge(store.uow(), decision.id, "mqm-liaison", GROUNDS, clock)
    with pytest.raises(Refusal) as refused:
        appeals.decide_appeal(
            store.uow(), appeal.id, AppealOutcome.UPHELD, RULING, "ssu-chief", clock
        )
    assert refused.value.rule == "R-AUTHORITY"
    assert store.uow().repo.appeal(appeal.id).outcome is None
    assert store.kinds()[-1] == "attempt.refused"
