"""Proposing, approving and rescinding decisions: the only way cover changes.

The `*_in` functions work inside a caller's unit of work so that an import can run many of them in
one transaction; the plain functions are the use cases, each committing once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hifazat.domain import fields
from hifazat.domain.chains import steps_for
from hifazat.domain.coverage import Cover, replay
from hifazat.domain.decision import (
    REDUCING,
    WITH_CATEGORY,
    Action,
    Basis,
    Decision,
    DecisionState,
    basis_for,
    replay_order,
)
from hifazat.domain.errors import Conflict, InvalidInput, NotFound, Violation
from hifazat.domain.rules import DecisionContext, Stage, committee_required, enforce, lifecycle
from hifazat.domain.rules.reason import check_explained
from hifazat.domain.threat import current_assessment
from hifazat.domain.times import Clock, utc_text
from hifazat.domain.users import User
from hifazat.services import notices
from hifazat.services.attempts import refusals_kept
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Proposal:
    action: Action
    protectee: str
    provider: str
    reason_code: str
    reason: str
    by: str
    category: str | None = None
    basis: Basis | None = None
    emergency: bool = False
    effective_at: datetime | None = None
    id: str | None = None


def proposal_of(
    action: Action | str,
    protectee: str,
    provider: str,
    by: str,
    reason_code: str | None = None,
    reason: str | None = None,
    category: str | None = None,
    basis: Basis | str | None = None,
    emergency: bool = False,
    effective_at: datetime | None = None,
    id: str | None = None,
) -> Proposal:
    """The one way a proposal is made from what an entry point was given — the command line,
    the API, the web form, a scenario file — so that each accepts and refuses the same things:
    an unknown action or basis names its field; an empty category or basis is none."""
    try:
        act = Action(action)
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise InvalidInput("action", f"unknown action {action!r}; one of {choices}") from None
    try:
        grounds = Basis(basis) if basis else None
    except ValueError:
        choices = ", ".join(b.value for b in Basis)
        raise InvalidInput("basis", f"unknown basis {basis!r}; one of {choices}") from None
    return Proposal(
        action=act,
        protectee=protectee,
        provider=provider,
        reason_code=reason_code or "",
        reason=reason or "",
        by=by,
        category=category or None,
        basis=grounds,
        emergency=emergency,
        effective_at=effective_at,
        id=id,
    )


@dataclass(frozen=True)
class Proposed:
    decision: Decision
    #: why only the committee may make the decision; empty when the provider's approver may
    needs_committee: list[Violation]
    #: the approval chain: the role each step needs, in order
    steps: tuple[str, ...]


def _context(
    uow: UnitOfWork,
    decision: Decision,
    actor: User,
    stage: Stage,
    now: datetime,
    **step: Any,
) -> DecisionContext:
    repo = uow.repo
    history = tuple(
        d
        for d in repo.decisions(decision.protectee_id, decision.provider_id)
        if d.id != decision.id and d.approved
    )
    return DecisionContext(
        policy=repo.policy(),
        decision=decision,
        protectee=repo.protectee(decision.protectee_id),
        provider=repo.provider(decision.provider_id),
        history=history,
        assessments=tuple(
            a for a in repo.assessments(decision.protectee_id) if a.entered_at <= now
        ),
        actor=actor,
        stage=stage,
        at=now,
        **step,
    )


def chain_of(ctx: DecisionContext, needs_committee: bool) -> tuple[str, ...]:
    """The steps the policy's approval chains ask of this decision; `needs_committee`: a floor
    says only the committee may decide it (`committee_required`, found once by the caller)."""
    if ctx.ruling:
        return ("committee",)
    assessment = current_assessment(ctx.assessments, ctx.effective_at)
    return steps_for(
        ctx.policy.approval_chains,
        ctx.decision.action.value,
        ctx.decision.emergency,
        assessment.level if assessment else None,
        needs_committee,
    )


def _check_shape(p: Proposal, uow: UnitOfWork) -> None:
    fields.check_text(p.reason_code, fields.REASON_CODE, "reason_code")
    fields.check_text(p.reason, fields.REASON, "reason")
    if p.action in WITH_CATEGORY and not p.category:
        raise InvalidInput("category", f"a {p.action} names the category it leads to")
    if p.action not in WITH_CATEGORY and p.category:
        raise InvalidInput("category", f"a {p.action} keeps the current category; omit it")
    if p.action is not Action.GRANT and p.basis is not None:
        raise InvalidInput("basis", "only a grant sets the basis of cover")
    if p.category:
        uow.repo.provider(p.provider).category(p.category)
    if p.id and uow.repo.exists("decisions", p.id):
        raise Conflict(f"decision {p.id} already exists")


def propose_in(uow: UnitOfWork, p: Proposal, now: datetime, ruling: bool = False) -> Proposed:
    repo = uow.repo
    repo.lock_protectee(p.protectee)
    _check_shape(p, uow)
    decision = Decision(
        id=p.id or new_id("d"),
        protectee_id=p.protectee,
        provider_id=p.provider,
        action=p.action,
        category_id=p.category,
        basis=basis_for(p.action, p.basis),
        reason_code=p.reason_code or "",
        reason=p.reason or "",
        proposed_by=p.by,
        proposed_at=now,
        emergency=p.emergency,
        requested_effective_at=p.effective_at,
    )
    ctx = _context(uow, decision, repo.user(p.by), Stage.PROPOSE, now, ruling=ruling)
    needs_committee = enforce(ctx)
    repo.add_decision(decision)
    uow.record("decision.proposed", decision.id)
    return Proposed(decision, needs_committee, chain_of(ctx, bool(needs_committee)))


def default_effective(decision: Decision, uow: UnitOfWork, now: datetime) -> datetime:
    """The soonest lawful time: at once, or after the notice period for a reduction."""
    if decision.requested_effective_at is not None:
        return decision.requested_effective_at
    if decision.action in REDUCING and not decision.emergency:
        return now + uow.repo.policy().notice_period
    return now


def approve_in(
    uow: UnitOfWork,
    decision_id: str,
    by: str,
    now: datetime,
    effective_at: datetime | None = None,
    ruling: bool = False,
    notify: bool = True,
    amends: str | None = None,
) -> Decision:
    """One approval: a step of the chain (a recommendation), or the last, which decides.
    `notify` is off only for history being imported, which was told at the time; `amends`
    names the decision whose notices this one's amend (a restoring decision's)."""
    repo = uow.repo
    repo.lock_protectee(repo.decision(decision_id).protectee_id)
    decision = repo.decision(decision_id)
    state = decision.state_at(now)
    if state in (DecisionState.APPROVED, DecisionState.EFFECTIVE, DecisionState.HELD):
        raise Conflict(f"decision {decision_id} was already approved by {decision.approved_by}")
    lifecycle.check_approvable(decision, state)
    actor = repo.user(by)
    effective = effective_at or default_effective(decision, uow, now)
    decided = replace(decision, approved_by=by, decided_at=now, effective_at=effective)
    base = _context(uow, decided, actor, Stage.APPROVE, now, ruling=ruling)
    shortfalls = committee_required(base)  # the floors, found once for the chain and the rules
    steps = chain_of(base, bool(shortfalls))
    index = min(len(decision.steps), len(steps) - 1)
    ctx = replace(
        base,
        step_role=steps[index],
        chain_length=len(steps),
        earlier_approvers=frozenset(s.by for s in decision.steps),
    )
    if index < len(steps) - 1:
        enforce(replace(ctx, decision=decision, stage=Stage.RECOMMEND))
        repo.add_step(decision_id, index + 1, steps[index], by, now)
        uow.record("decision.step_approved", step_key(decision_id, index + 1))
        return repo.decision(decision_id)
    enforce(ctx, shortfalls)
    repo.add_approval(decision_id, by, now, effective)
    uow.record("decision.approved", decision_id)
    if notify:
        notices.create(
            uow, decided, ctx.cover_before(), "decision", decided.id, now, amends_of=amends
        )
    return repo.decision(decision_id)


def next_role(uow: UnitOfWork, decision_id: str, now: datetime) -> str | None:
    """The role the next approval of a proposed decision needs (None once decided)."""
    decision = uow.repo.decision(decision_id)
    if decision.decided_at is not None or decision.rescinded_at is not None:
        return None
    effective = default_effective(decision, uow, now)
    decided = replace(decision, decided_at=now, effective_at=effective)
    proposer = uow.repo.user(decision.proposed_by)
    ctx = _context(uow, decided, proposer, Stage.APPROVE, now)
    steps = chain_of(ctx, bool(committee_required(ctx)))
    return steps[min(len(decision.steps), len(steps) - 1)]


def step_key(decision_id: str, step: int) -> str:
    return f"{decision_id} {step}"


def rescind_in(uow: UnitOfWork, decision_id: str, by: str, reason: str, now: datetime) -> Decision:
    fields.check_text(reason, fields.REASON, "reason")
    repo = uow.repo
    repo.lock_protectee(repo.decision(decision_id).protectee_id)
    decision = repo.decision(decision_id)
    actor = repo.user(by)
    policy = repo.policy()
    state = decision.state_at(now)
    lifecycle.check_rescinding(actor, decision, state)
    check_explained(policy, reason)
    if state is DecisionState.APPROVED:
        _check_rest_still_fits(uow, decision)
    repo.add_rescission(decision_id, by, now, reason)
    uow.record("decision.rescinded", decision_id)
    rescinded = replace(decision, rescinded_by=by, rescinded_at=now, rescind_reason=reason)
    if state is DecisionState.APPROVED:  # those told of it are told it will not happen
        extra = {"rescinded_by": by, "rescind_reason": reason}
        notices.create(uow, rescinded, cover_before(uow, decision), "rescission", decision_id,
                       now, extra)  # fmt: skip
    return rescinded


def _check_rest_still_fits(uow: UnitOfWork, decision: Decision) -> None:
    """Rescinding a pending grant must not strand a pending change that builds on it."""
    rest = [
        d
        for d in uow.repo.decisions(decision.protectee_id, decision.provider_id)
        if d.approved and d.id != decision.id
    ]
    lifecycle.check_rest_still_fits(decision, rest, uow.repo.provider(decision.provider_id))


def _subject(p: Proposal) -> dict[str, Any]:
    return {
        "action": p.action.value,
        "protectee": p.protectee,
        "provider": p.provider,
        "category": p.category,
        "basis": p.basis.value if p.basis else None,
        "reason_code": p.reason_code,
        "reason": p.reason,
        "emergency": p.emergency,
        "effective_at": utc_text(p.effective_at) if p.effective_at else None,
    }


def propose(uow: UnitOfWork, p: Proposal, clock: Clock) -> Proposed:
    now = clock()
    with refusals_kept(uow, "decide", p.by, _subject(p), now), uow:
        proposed = propose_in(uow, p, now)
        uow.commit()
    return proposed


def approve(
    uow: UnitOfWork, decision_id: str, by: str, clock: Clock, effective_at: datetime | None = None
) -> Decision:
    now = clock()
    subject = {
        "decision": decision_id,
        "effective_at": utc_text(effective_at) if effective_at else None,
    }
    with refusals_kept(uow, "approve", by, subject, now), uow:
        decided = approve_in(uow, decision_id, by, now, effective_at)
        uow.commit()
    return decided


def rescind(uow: UnitOfWork, decision_id: str, by: str, reason: str, clock: Clock) -> Decision:
    now = clock()
    with refusals_kept(uow, "rescind", by, {"decision": decision_id, "reason": reason}, now), uow:
        rescinded = rescind_in(uow, decision_id, by, reason, now)
        uow.commit()
    return rescinded


__all__ = ["NotFound", "Proposal", "Proposed", "approve", "propose", "rescind"]


_UNDO = {
    Action.GRANT: Action.WITHDRAW,
    Action.WITHDRAW: Action.GRANT,
    Action.SUSPEND: Action.RESUME,
    Action.RESUME: Action.SUSPEND,
}


def cover_before(uow: UnitOfWork, decision: Decision) -> Cover | None:
    """The cover from this provider just before `decision` took (or would take) effect."""
    repo = uow.repo
    decision = replace(decision, hold=None)  # where it stood, whatever an appeal made of it
    earlier = [
        d
        for d in repo.decisions(decision.protectee_id, decision.provider_id)
        if d.approved
        and d.id != decision.id
        and d.takes_effect_at is not None
        and replay_order(d) < replay_order(decision)
    ]
    return replay(earlier, repo.provider(decision.provider_id))


def restore_in(
    uow: UnitOfWork, decision: Decision, by: str, reason: str, now: datetime
) -> Decision:
    """The decision that puts back the cover `decision` changed, made by the committee as its
    ruling (an overturned appeal, a refused ratification); every other rule still applies."""
    repo = uow.repo
    before = cover_before(uow, decision)
    category: str | None
    basis: Basis | None
    if decision.action in (Action.UPGRADE, Action.DOWNGRADE):
        assert before is not None
        action = Action.DOWNGRADE if decision.action is Action.UPGRADE else Action.UPGRADE
        category, basis = before.category_id, None
    else:
        action = _UNDO[decision.action]
        category = before.category_id if action is Action.GRANT and before else None
        basis = before.basis if action is Action.GRANT and before else None
        lifecycle.check_restorable(decision, action is Action.GRANT and before is None)
    proposal = Proposal(
        action=action,
        protectee=decision.protectee_id,
        provider=decision.provider_id,
        reason_code=repo.policy().restoring_reason_code,
        reason=reason,
        by=by,
        category=category,
        basis=basis,
    )
    proposed = propose_in(uow, proposal, now, ruling=True)
    return approve_in(uow, proposed.decision.id, by, now, ruling=True, amends=decision.id)
