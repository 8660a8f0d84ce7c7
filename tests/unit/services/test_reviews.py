"""Periodic reviews over the in-memory unit of work."""

from __future__ import annotations

import pytest

from hifazat.domain.decision import Action, DecisionState
from hifazat.domain.errors import InvalidInput, NotFound, Refusal
from hifazat.domain.times import Clock
from hifazat.services import reviews
from tests.fakes import FakeStore
from tests.unit.services.conftest import NOW

REASON = "Threat picture unchanged since the last assessment"


def test_confirming_a_cover_records_the_review_alone(store: FakeStore, clock: Clock) -> None:
    done = reviews.review(store.uow(), "d-006", "confirmed", REASON, "ssu-chief", clock)
    assert done.decision is None
    assert (done.review.coverage, done.review.outcome, done.review.reviewed_by) == (
        "d-006",
        "confirmed",
        "ssu-chief",
    )
    assert store.uow().repo.reviews(coverage="d-006") == [done.review]
    assert store.ledger == [("review.recorded", done.review.id)]


def test_a_review_concluding_a_change_proposes_it(store: FakeStore, clock: Clock) -> None:
    done = reviews.review(
        store.uow(), "d-005", "downgrade", REASON, "ssu-chief", clock, category="standard"
    )
    assert done.decision is not None
    proposed = store.uow().repo.decision(done.decision.id)
    assert (proposed.action, proposed.category_id, proposed.reason_code) == (
        Action.DOWNGRADE,
        "standard",
        reviews.REVIEW_REASON_CODE,
    )
    assert proposed.state_at(NOW) is DecisionState.PROPOSED
    assert done.review.decision_id == proposed.id
    assert store.kinds() == ["decision.proposed", "review.recorded"]


def test_an_operator_may_not_review(store: FakeStore, clock: Clock) -> None:
    with pytest.raises(Refusal) as refused:
        reviews.review(store.uow(), "d-006", "confirmed", REASON, "ssu-operator", clock)
    assert refused.value.rule == "R-AUTHORITY"
    assert store.uow().repo.reviews() == []
    assert store.kinds() == ["attempt.refused"]


def test_an_unknown_outcome_or_cover_is_invalid_and_keeps_nothing(
    store: FakeStore, clock: Clock
) -> None:
    with pytest.raises(InvalidInput):
        reviews.review(store.uow(), "d-006", "abolish", REASON, "ssu-chief", clock)
    with pytest.raises(NotFound):
        reviews.review(store.uow(), "d-404", "confirmed", REASON, "ssu-chief", clock)
    assert store.ledger == [] and store.committed == 0
