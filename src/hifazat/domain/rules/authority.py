"""R-AUTHORITY: only the provider's desk proposes, only its approver or the committee approves,
and under the two-person rule nobody approves their own proposal."""

from __future__ import annotations

from hifazat.domain.errors import Violation
from hifazat.domain.rules.context import DecisionContext, Stage
from hifazat.domain.said import Ref
from hifazat.domain.users import desk_role
from hifazat.domain.words import N_

RULE = "R-AUTHORITY"


def check(ctx: DecisionContext) -> Violation | None:
    actor, provider = ctx.actor, ctx.decision.provider_id
    who, force = Ref("user", actor.id), Ref("provider", provider)
    if ctx.stage is Stage.PROPOSE:
        if not actor.can_propose_for(provider):
            return Violation.of(
                RULE,
                N_(
                    "{who} may not propose decisions for {force}: needs operator@{provider}, "
                    "approver@{provider} or committee"
                ),
                who=who,
                force=force,
                provider=provider,
            )
        return None
    if ctx.ruling:
        if actor.is_committee:
            return None
        return Violation.of(
            RULE, N_("only the committee carries out its rulings, not {who}"), who=who
        )
    step = len(ctx.earlier_approvers) + 1
    if ctx.step_role == "committee" and not actor.is_committee:
        return Violation.of(
            RULE,
            N_("step {step} of {steps} needs the committee, not {who}"),
            step=step,
            steps=ctx.chain_length,
            who=who,
        )
    strict = ctx.step_role == "approver" and ctx.chain_length > 1
    if strict and desk_role("approver", provider) not in actor.roles:
        return Violation.of(
            RULE,
            N_("step {step} of {steps} needs approver@{provider}"),
            step=step,
            steps=ctx.chain_length,
            provider=provider,
        )
    if not actor.can_approve_for(provider):
        return Violation.of(
            RULE,
            N_("{who} may not approve for {force}: needs approver@{provider} or committee"),
            who=who,
            force=force,
            provider=provider,
        )
    if ctx.policy.two_person_rule and actor.id == ctx.decision.proposed_by:
        return Violation.of(
            RULE,
            N_("two-person rule: {who} proposed this decision and may not approve it"),
            who=who,
        )
    if actor.id in ctx.earlier_approvers:
        return Violation.of(
            RULE, N_("{who} already approved an earlier step of this decision"), who=who
        )
    return None
