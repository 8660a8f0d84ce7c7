"""Periodic reviews: confirm a cover with a reason, or propose the change the review concluded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hifazat.domain.decision import Action, Decision
from hifazat.domain.errors import InvalidInput, NotFound
from hifazat.domain.review import CONFIRMED, Review
from hifazat.domain.rules.reason import check_explained
from hifazat.domain.rules.review import check_reviewer
from hifazat.domain.status import covers_at
from hifazat.domain.times import Clock
from hifazat.services import decide
from hifazat.services.attempts import refusals_kept
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork

REVIEW_REASON_CODE = "review-outcome"
OUTCOMES = (CONFIRMED, "upgrade", "downgrade", "suspend", "withdraw")


@dataclass(frozen=True)
class Reviewed:
    review: Review
    #: the decision the review proposed, which still needs its approval
    decision: Decision | None


def review_in(
    uow: UnitOfWork,
    coverage: str,
    outcome: str,
    reason: str,
    by: str,
    now: datetime,
    category: str | None = None,
) -> Reviewed:
    repo = uow.repo
    grant = repo.decision(coverage)
    repo.lock_protectee(grant.protectee_id)
    covers = covers_at(repo.decisions(grant.protectee_id), repo.providers(), now)
    cover = next((c for c in covers if c.coverage == coverage and c.open), None)
    if cover is None:
        raise NotFound("open coverage", coverage)
    if outcome not in OUTCOMES:
        raise InvalidInput("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
    check_reviewer(repo.user(by), cover)
    policy = repo.policy()
    check_explained(policy, reason)
    decision = None
    if outcome != CONFIRMED:
        proposal = decide.Proposal(
            action=Action(outcome),
            protectee=cover.protectee_id,
            provider=cover.provider_id,
            reason_code=REVIEW_REASON_CODE,
            reason=reason,
            by=by,
            category=category,
        )
        decision = decide.propose_in(uow, proposal, now).decision
    review = Review(
        new_id("rv"),
        coverage,
        by,
        now,
        outcome,
        " ".join(reason.split()),
        decision.id if decision else None,
    )
    repo.add_review(review)
    uow.record("review.recorded", review.id)
    return Reviewed(review, decision)


def review(
    uow: UnitOfWork,
    coverage: str,
    outcome: str,
    reason: str,
    by: str,
    clock: Clock,
    category: str | None = None,
) -> Reviewed:
    now = clock()
    subject = {"coverage": coverage, "outcome": outcome}
    with refusals_kept(uow, "review", by, subject, now), uow:
        done = review_in(uow, coverage, outcome, reason, by, now, category)
        uow.commit()
    return done
