"""Ratifying emergency decisions over the in-memory unit of work."""

from __future__ import annotations

import pytest

from hifazat.domain.decision import Action, Decision
from hifazat.domain.errors import Conflict, Refusal
from hifazat.domain.times import Clock
from hifazat.services import decide, emergencies
from hifazat.services.decide import Proposal
from tests.fakes import FakeStore
from tests.unit.services.conftest import NOW, REASON

RULING = "The emergency was real and the withdrawal was needed"


def emergency_withdrawal(store: FakeStore, clock: Clock) -> Decision:
    proposal = Proposal(
        Action.WITHDRAW, "farooq-sattar", "sindh-police", "court-order", REASON, "ssu-operator",
        emergency=True,
    )  # fmt: skip
    proposed = decide.propose(store.uow(), proposal, clock).decision
    return decide.approve(store.uow(), proposed.id, "ssu-chief", clock)


def test_the_committee_ratifies_an_emergency_decision(store: FakeStore, clock: Clock) -> None:
    decision = emergency_withdrawal(store, clock)
    ratified = emergencies.ratify(store.uow(), decision.id, "ptac-chair", False, RULING, clock)
    assert ratified.ratification is not None
    assert (ratified.ratification.by, ratified.ratification.refused) == ("ptac-chair", False)
    assert ratified.ratification.at == NOW
    assert ("decision.ratified", decision.id) in store.ledger
    told = [n for n in store.uow().repo.notices("farooq-sattar") if n.subject == "ratification"]
    assert len(told) == 2 and all(n.body["restoring_decision"] is None for n in told)
    with pytest.raises(Conflict):
        emergencies.ratify(store.uow(), decision.id, "ptac-chair", False, RULING, clock)


def test_a_refused_ratification_restores_the_cover(store: FakeStore, clock: Clock) -> None:
    decision = emergency_withdrawal(store, clock)
    emergencies.ratify(store.uow(), decision.id, "ptac-chair", True, RULING, clock)
    after = store.uow().repo.decision(decision.id)
    assert after.ratification is not None and after.ratification.refused
    restoring = [d for d in store.uow().repo.decisions("farooq-sattar") if d.proposed_at == NOW]
    restoring = [d for d in restoring if d.action is Action.GRANT]
    assert [(d.category_id, d.approved_by) for d in restoring] == [("nominal", "ptac-chair")]


def test_only_the_committee_ratifies(store: FakeStore, clock: Clock) -> None:
    decision = emergency_withdrawal(store, clock)
    with pytest.raises(Refusal) as refused:
        emergencies.ratify(store.uow(), decision.id, "ssu-chief", False, RULING, clock)
    assert refused.value.rule == "R-AUTHORITY"
    assert store.uow().repo.decision(decision.id).ratification is None
    assert store.kinds()[-1] == "attempt.refused"


def test_a_decision_made_in_the_ordinary_way_needs_no_ratification(
    store: FakeStore, clock: Clock
) -> None:
    with pytest.raises(Refusal) as refused:
        emergencies.ratify(store.uow(), "d-006", "ptac-chair", False, RULING, clock)
    assert refused.value.rule == "R-STATE"
    assert store.kinds() == ["attempt.refused"]
