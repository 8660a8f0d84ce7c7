"""R-AUTHORITY: only the provider's desk proposes, only its approver or the committee approves,
and under the two-person rule nobody approves their own proposal."""

from __future__ import annotations

from hifazat.domain.errors import Violation
from hifazat.domain.rules.context import DecisionContext, Stage

RULE = "R-AUTHORITY"


def check(ctx: DecisionContext) -> Violation | None:
    actor, provider = ctx.actor, ctx.decision.provider_id
    if ctx.stage is Stage.PROPOSE:
        if not actor.can_propose_for(provider):
            return Violation(
                RULE,
                f"{actor.id} may not propose decisions for {provider}: needs operator@{provider}, "
                f"approver@{provider} or committee",
            )
        return None
    if ctx.ruling:
        if actor.is_committee:
            return None
        return Violation(RULE, f"only the committee carries out its rulings, not {actor.id}")
    step = len(ctx.earlier_approvers) + 1
    if ctx.step_role == "committee" and not actor.is_committee:
        return Violation(
            RULE, f"step {step} of {ctx.chain_length} needs the committee, not {actor.id}"
        )
    strict = ctx.step_role == "approver" and ctx.chain_length > 1
    if strict and f"approver@{provider}" not in actor.roles:
        return Violation(RULE, f"step {step} of {ctx.chain_length} needs approver@{provider}")
    if not actor.can_approve_for(provider):
        return Violation(
            RULE,
            f"{actor.id} may not approve for {provider}: needs approver@{provider} or committee",
        )
    if ctx.policy.two_person_rule and actor.id == ctx.decision.proposed_by:
        return Violation(
            RULE, f"two-person rule: {actor.id} proposed this decision and may not approve it"
        )
    if actor.id in ctx.earlier_approvers:
        return Violation(RULE, f"{actor.id} already approved an earlier step of this decision")
    return None
