"""Appeals: lodged by the protectee or a consenting liaison, decided by the committee.

An appeal lodged before the decision takes effect holds it until the committee rules; an upheld
decision then takes effect (at once, if its time has passed), an overturned one never does. An
appeal against cover already changed is overturned by a restoring decision."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hifazat.domain.appeal import Appeal, AppealOutcome
from hifazat.domain.errors import Conflict
from hifazat.domain.rules import appeals as rules
from hifazat.domain.rules.reason import check_explained
from hifazat.domain.times import Clock
from hifazat.domain.words import N_
from hifazat.services import decide, notices
from hifazat.services.attempts import refusals_kept
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork


def lodge_in(uow: UnitOfWork, decision_id: str, by: str, grounds: str, now: datetime) -> Appeal:
    repo = uow.repo
    decision = repo.decision(decision_id)
    repo.lock_protectee(decision.protectee_id)
    protectee = repo.protectee(decision.protectee_id)
    rules.check_lodging(repo.user(by), protectee, decision, now)
    earlier = repo.appeals(decision_id=decision_id)
    if earlier:
        raise Conflict(f"{decision_id} was already appealed ({earlier[0].id})")
    check_explained(repo.policy(), grounds, N_("the grounds of an appeal"))
    appeal = Appeal(new_id("ap"), decision_id, protectee.id, by, now, " ".join(grounds.split()))
    repo.add_appeal(appeal)
    uow.record("appeal.lodged", appeal.id)
    extra = {"appeal": appeal.id, "lodged_by": by, "grounds": appeal.grounds}
    notices.create(uow, decision, decide.cover_before(uow, decision), "appeal-lodged", appeal.id,
                   now, extra)  # fmt: skip
    return appeal


def decide_in(
    uow: UnitOfWork, appeal_id: str, outcome: AppealOutcome, reason: str, by: str, now: datetime
) -> Appeal:
    repo = uow.repo
    appeal = repo.appeal(appeal_id)
    repo.lock_protectee(appeal.protectee_id)
    actor = repo.user(by)
    rules.check_ruler(actor)
    if appeal.outcome is not None:
        raise Conflict(f"appeal {appeal_id} was already decided ({appeal.outcome})")
    decision = repo.decision(appeal.decision_id)
    rules.check_impartial(actor, decision)
    check_explained(repo.policy(), reason, N_("the committee's ruling"))
    held = decision.hold is not None
    restoring = None
    if outcome is AppealOutcome.OVERTURNED and not held:
        restoring = decide.restore_in(uow, decision, by, reason, now).id
    repo.add_appeal_outcome(appeal_id, outcome, by, now, reason, restoring)
    uow.record("appeal.decided", appeal_id)
    decided = replace(
        appeal,
        outcome=outcome,
        decided_by=by,
        decided_at=now,
        reason=reason,
        restoring_decision=restoring,
    )
    after = repo.decision(decision.id)
    notices.create(
        uow,
        after,
        decide.cover_before(uow, decision),
        "appeal",
        appeal_id,
        now,
        {
            "appeal": appeal_id,
            "appeal_outcome": outcome.value,
            "appeal_reason": reason,
            "appeal_decided_by": by,
            "restoring_decision": restoring,
            "decision_state": str(after.state_at(now)),
        },
    )
    return decided


def lodge(uow: UnitOfWork, decision_id: str, by: str, grounds: str, clock: Clock) -> Appeal:
    now = clock()
    with refusals_kept(uow, "appeal.lodge", by, {"decision": decision_id}, now), uow:
        appeal = lodge_in(uow, decision_id, by, grounds, now)
        uow.commit()
    return appeal


def decide_appeal(
    uow: UnitOfWork, appeal_id: str, outcome: AppealOutcome, reason: str, by: str, clock: Clock
) -> Appeal:
    now = clock()
    subject = {"appeal": appeal_id, "outcome": outcome.value}
    with refusals_kept(uow, "appeal.decide", by, subject, now), uow:
        decided = decide_in(uow, appeal_id, outcome, reason, by, now)
        uow.commit()
    return decided
