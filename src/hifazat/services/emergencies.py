"""Ratification: the committee confirms an emergency decision, or refuses it and the previous
cover is restored by decision."""

from __future__ import annotations

from datetime import datetime

from hifazat.domain.decision import Decision
from hifazat.domain.errors import Conflict
from hifazat.domain.rules.ratification import check_ratifying
from hifazat.domain.rules.reason import check_explained
from hifazat.domain.times import Clock
from hifazat.services import decide, notices
from hifazat.services.attempts import refusals_kept
from hifazat.services.unit_of_work import UnitOfWork


def ratify_in(
    uow: UnitOfWork, decision_id: str, by: str, refuse: bool, reason: str, now: datetime
) -> Decision:
    repo = uow.repo
    decision = repo.decision(decision_id)
    repo.lock_protectee(decision.protectee_id)
    check_ratifying(repo.user(by), decision)
    if decision.ratification is not None:
        raise Conflict(f"{decision_id} was already ratified or refused by the committee")
    check_explained(repo.policy(), reason)
    restoring = decide.restore_in(uow, decision, by, reason, now).id if refuse else None
    repo.add_ratification(decision_id, by, now, refuse, reason, restoring)
    uow.record("decision.ratified", decision_id)
    notices.create(
        uow,
        decision,
        decide.cover_before(uow, decision),
        "ratification",
        decision_id,
        now,
        {
            "ratified": not refuse,
            "ratification_reason": reason,
            "ratified_by": by,
            "restoring_decision": restoring,
        },
    )
    return repo.decision(decision_id)


def ratify(
    uow: UnitOfWork, decision_id: str, by: str, refuse: bool, reason: str, clock: Clock
) -> Decision:
    now = clock()
    subject = {"decision": decision_id, "refuse": refuse}
    with refusals_kept(uow, "ratify", by, subject, now), uow:
        decision = ratify_in(uow, decision_id, by, refuse, reason, now)
        uow.commit()
    return decision
